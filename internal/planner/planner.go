// Package planner makes a plan in two halves: Gather runs every process the plan needs (go
// env, go list, pkg-config, go build -n, go test -n, the C compiler's flag probes) and
// records what they printed (Recorded); Derive, which runs nothing, turns a recording into
// the plan (decode, roots, parse, group, plan). `dgd plan` runs both; the goldens store
// recordings as files and check that Derive still turns each into the recorded result.
package planner

import (
	"context"

	"github.com/dgd-build/dgd/internal/plan"
)

// Plan gathers and derives.
func Plan(ctx context.Context, cfg Config) (*plan.Plan, error) {
	r, err := Gather(ctx, cfg)
	if err != nil {
		return nil, err
	}
	d, err := Derive(r)
	if err != nil {
		return nil, err
	}
	return d.Plan, nil
}
