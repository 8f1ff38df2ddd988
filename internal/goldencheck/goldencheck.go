// Package goldencheck records what the go command prints for each example (planner.Gather,
// stored as goldens' files), derives dgd's results from a recording (typed actions, plan:
// planner.Derive), and shows how two recordings differ. The goldens test and dgd-golden use
// it: the first checks that the current planner still turns each recorded input into the
// recorded result, the second re-records and prints what changed.
package goldencheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/adapter"
	"github.com/dgd-build/dgd/internal/cgo"
	"github.com/dgd-build/dgd/internal/goldens"
	"github.com/dgd-build/dgd/internal/planner"
)

// Record runs goBin for example, as the planner does (planner.Gather), and returns its
// recording's inputs, with the recording machine's directories replaced (goldens.Normalise).
func Record(ctx context.Context, goBin, example string) (*goldens.Recording, error) {
	dir := filepath.Join(goldens.Root(), "examples", example)
	r, err := planner.Gather(ctx, planner.Config{Go: goBin, Dir: dir, Env: append(os.Environ(), "GOFLAGS="), OutDir: goldens.OutDir, ProbeCC: true, Flags: goldens.FlagsOf(example),
		Request: planner.Request{Packages: goldens.PackagesOf(example), Test: goldens.Tested[example]}})
	if err != nil {
		return nil, err
	}
	m := goldens.Machine{ModDir: dir, GOMODCACHE: r.GoEnv["GOMODCACHE"], GOROOT: r.GoEnv["GOROOT"], GOCACHE: r.GOCACHE}
	norm := func(b []byte) []byte { return []byte(goldens.Normalise(string(b), m, example)) }
	var list bytes.Buffer // go list's packages, indented (as go prints them, with fewer fields)
	pkgs, err := adapter.DecodeBytes(r.List)
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(&list)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	for _, p := range pkgs {
		if err := enc.Encode(p); err != nil {
			return nil, err
		}
	}
	var cc strings.Builder
	fmt.Fprintf(&cc, "cc %s\n", r.GoEnv["CC"])
	for _, f := range cgo.Probed {
		fmt.Fprintf(&cc, "%s %v\n", f, r.CCSupports[f])
	}
	files := map[string][]byte{goldens.GoList: norm(list.Bytes()), goldens.BuildN: norm(r.BuildN), goldens.CCSupports: []byte(cc.String())}
	if r.Test {
		files[goldens.TestN] = norm(r.TestN)
		if files[goldens.TestMains], err = json.MarshalIndent(r.TestMains, "", " "); err != nil {
			return nil, err
		}
	}
	return &goldens.Recording{GoVersion: r.GoEnv["GOVERSION"], Example: example, Files: files}, nil
}

// Derive adds dgd's results to a recording (actions.txt and plan.json): what planner.Derive
// makes of its files, with the recording machine's directories the fixed stand-ins.
func Derive(r *goldens.Recording) error {
	cc, has, err := r.Supports()
	if err != nil {
		return err
	}
	root := goldens.ModRoot + "/" + r.Example
	rec := &planner.Recorded{
		Request: planner.Request{Packages: goldens.PackagesOf(r.Example), Test: goldens.Tested[r.Example]},
		GoEnv: planner.GoEnv{"GOVERSION": r.GoVersion, "GOROOT": goldens.GOROOT, "GOMODCACHE": goldens.GOMODCACHE, "CC": cc,
			"GOMOD": root + "/go.mod"},
		List: r.Files[goldens.GoList], BuildN: r.Files[goldens.BuildN], TestN: r.Files[goldens.TestN], CCSupports: map[string]bool{},
	}
	for _, f := range cgo.Probed {
		rec.CCSupports[f] = has(f)
	}
	if tm, ok := r.Files[goldens.TestMains]; ok {
		if err := json.Unmarshal(tm, &rec.TestMains); err != nil {
			return fmt.Errorf("%s/%s/%s: %w", r.GoVersion, r.Example, goldens.TestMains, err)
		}
	}
	d, err := planner.Derive(rec)
	if err != nil {
		return fmt.Errorf("%s/%s: %w", r.GoVersion, r.Example, err)
	}
	rendered := Render(d.Actions)
	if d.Tests != nil {
		rendered += "== go test -n\n" + Render(d.Tests)
	}
	r.Files[goldens.Actions] = []byte(rendered)
	r.Files[goldens.Plan], err = marshal(d.Plan)
	return err
}

// Render writes the typed actions as text, one command a line: the action's key, then for
// each command its kind, directory, environment and arguments (Go-quoted), or for a file
// write, the file and its content.
func Render(p *actions.Plan) string {
	var b strings.Builder
	for _, pr := range p.Probes {
		fmt.Fprintf(&b, "probe %q\n", pr)
	}
	for _, pc := range p.PkgConfig {
		fmt.Fprintf(&b, "pkg-config %q\n", pc)
	}
	for _, a := range p.Actions {
		fmt.Fprintf(&b, "== %s\n", a.Key())
		for _, c := range a.Cmds {
			switch c.Kind {
			case actions.Write:
				fmt.Fprintf(&b, "%d write %s %q\n", c.Pos.Line, c.File, c.Content)
			default:
				kind := c.Kind.String()
				if c.Tool != "" {
					kind = c.Tool
				}
				if c.LinkTest {
					kind += " (link test)"
				}
				fmt.Fprintf(&b, "%d %s in %s", c.Pos.Line, kind, c.Dir)
				for _, e := range c.Env {
					fmt.Fprintf(&b, " %s", e)
				}
				fmt.Fprintf(&b, " %q\n", c.Args)
			}
		}
	}
	return b.String()
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return b.Bytes(), err
}

// Diff shows, file by file, how recording b differs from a ("" if they agree).
func Diff(a, b *goldens.Recording) string {
	var out strings.Builder
	for _, name := range append(goldens.Inputs, goldens.Results...) {
		if d := diffLines(string(a.Files[name]), string(b.Files[name]), 2); d != "" {
			fmt.Fprintf(&out, "--- %s/%s/%s\n%s", a.GoVersion, a.Example, name, d)
		}
	}
	return out.String()
}

// diffLines is a line diff of a and b with ctx lines of context, "" when equal.
func diffLines(a, b string, ctx int) string {
	if a == b {
		return ""
	}
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	// trim the common prefix and suffix, then an LCS table on what is left
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	xs, ys := x[pre:len(x)-suf], y[pre:len(y)-suf]
	if len(xs)*len(ys) > 4e7 {
		return fmt.Sprintf("@@ line %d: %d lines differ (too many to show)\n", pre+1, max(len(xs), len(ys)))
	}
	lcs := make([][]int32, len(xs)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(ys)+1)
	}
	for i := len(xs) - 1; i >= 0; i-- {
		for j := len(ys) - 1; j >= 0; j-- {
			if xs[i] == ys[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
		n    int // line number in a (for ' ' and '-') or b ('+')
	}
	var ls []line
	for k := max(0, pre-ctx); k < pre; k++ {
		ls = append(ls, line{' ', x[k], k + 1})
	}
	i, j := 0, 0
	for i < len(xs) || j < len(ys) {
		switch {
		case i < len(xs) && j < len(ys) && xs[i] == ys[j]:
			ls = append(ls, line{' ', xs[i], pre + i + 1})
			i, j = i+1, j+1
		case j < len(ys) && (i == len(xs) || lcs[i][j+1] >= lcs[i+1][j]):
			ls = append(ls, line{'+', ys[j], pre + j + 1})
			j++
		default:
			ls = append(ls, line{'-', xs[i], pre + i + 1})
			i++
		}
	}
	for k := len(x) - suf; k < min(len(x), len(x)-suf+ctx); k++ {
		ls = append(ls, line{' ', x[k], k + 1})
	}
	// print the changes with ctx lines of context around them
	var out strings.Builder
	last := -1
	for k, l := range ls {
		near := false
		for d := max(0, k-ctx); d <= min(len(ls)-1, k+ctx); d++ {
			if ls[d].op != ' ' {
				near = true
				break
			}
		}
		if !near {
			continue
		}
		if last >= 0 && k != last+1 {
			out.WriteString("...\n")
		}
		if last < 0 || k != last+1 {
			fmt.Fprintf(&out, "@@ line %d\n", l.n)
		}
		text := l.text
		if len(text) > 300 {
			text = text[:300] + "..."
		}
		fmt.Fprintf(&out, "%c %s\n", l.op, text)
		last = k
	}
	return out.String()
}
