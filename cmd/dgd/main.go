// Command dgd plans Go builds as one Nix derivation per package.
//
//	dgd plan [-C dir] [-o plan.json] [-gopkg path] [package]
//
// plan runs `go list -json -deps` and `go build -n` for one main package and writes the plan
// that dgd's Nix code turns into derivations.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/dgd-build/dgd/internal/planner"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dgd plan [-C dir] [-o plan.json] [-gopkg path] [package]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "plan":
		err = planner.Main(context.Background(), os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (known: plan)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dgd:", err)
		os.Exit(1)
	}
}
