// Command dgd-golden re-records goldens/ and prints what changed (`dgd-golden -h`: its doc).
//
//	dgd-golden [-check] [-go path/to/go]... [-toolchains dir]
//	dgd-golden -compare go1.22.12,go1.27.3
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dgd-build/dgd/internal/cli"
	"github.com/dgd-build/dgd/internal/goldencheck"
	"github.com/dgd-build/dgd/internal/goldens"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

var command = cli.Command{
	Setup: setup,
	Doc: `dgd-golden records, for every example and every Go toolchain, what the go command prints
(go list -json -deps, go build -n) and what dgd derives from it (typed actions, plan) under
goldens/<go version>/<example>/, and prints what changed. It also writes the Go versions the
planner knows (internal/planner/known_go.go). Toolchains: every -go, else the go on PATH and
the go1.* of -toolchains (scripts/go-toolchains puts Debian's there). -check writes nothing
and fails when a recording or a result differs. -compare shows how the recordings of two Go
versions differ, example by example. Run it in dgd's repository.`,
	Example: "dgd-golden\ndgd-golden -check\ndgd-golden -compare go1.22.12,go1.27.3",
}

func main() {
	os.Exit(command.Main(context.Background(), "dgd-golden", os.Args[1:], os.Stdout, os.Stderr))
}

func setup(fs *flag.FlagSet) func(context.Context, []string) error {
	var gos list
	fs.Var(&gos, "go", "a go `command` to record with (repeatable)")
	check := fs.Bool("check", false, "do not write; fail if a recording or result differs")
	home, _ := os.UserHomeDir()
	tcDir := fs.String("toolchains", filepath.Join(home, ".cache", "dgd", "go"), "`directory` of go1.* toolchains")
	compare := fs.String("compare", "", "show how the recordings of two Go `versions` (a,b) differ")
	return func(_ context.Context, args []string) error {
		if len(args) != 0 {
			return cli.Usagef("dgd-golden takes no arguments, got %q", args)
		}
		if *compare != "" {
			return compareVersions(*compare)
		}
		all := len(gos) == 0 // every version of goldens/ must be checked
		if all {
			gos = list{goldens.HostGo()}
			found, _ := filepath.Glob(filepath.Join(*tcDir, "go1.*", "bin", "go"))
			gos = append(gos, found...)
		}
		recorded, err := run(gos, *check)
		if err != nil || !*check || !all {
			return err
		}
		return checkedAll(recorded, *tcDir)
	}
}

// run records every example with each go of gos and returns the Go versions it recorded.
func run(gos []string, check bool) (map[string]bool, error) {
	ctx := context.Background()
	changed := 0
	minors := map[string]bool{}
	recorded := map[string]bool{}
	for _, g := range gos {
		for _, ex := range goldens.Examples {
			rec, err := goldencheck.Record(ctx, g, ex)
			if err != nil {
				return nil, fmt.Errorf("%s with %s: %w", ex, g, err)
			}
			minors[minor(rec.GoVersion)] = true
			recorded[rec.GoVersion] = true
			derr := goldencheck.Derive(rec)
			old, lerr := goldens.Load(rec.GoVersion, ex)
			switch {
			case lerr != nil:
				fmt.Printf("== %s %s: new recording\n", rec.GoVersion, ex)
				changed++
			case derr == nil:
				if d := goldencheck.Diff(old, rec); d != "" {
					fmt.Printf("== %s %s: changed\n%s", rec.GoVersion, ex, d)
					changed++
				} else {
					fmt.Printf("== %s %s: unchanged\n", rec.GoVersion, ex)
				}
			}
			if derr != nil {
				// a shape the planner does not know: record the inputs, show the error
				fmt.Printf("== %s %s: dgd cannot plan it:\n%v\n", rec.GoVersion, ex, derr)
				changed++
				if old != nil {
					fmt.Print(goldencheck.Diff(old, rec))
				}
			}
			if !check {
				if err := goldens.Write(rec); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := knownGo(minors, check); err != nil {
		return nil, err
	}
	if check && changed > 0 {
		return nil, fmt.Errorf("%d recordings differ from goldens/: run dgd-golden and review the diff", changed)
	}
	return recorded, nil
}

// checkedAll fails unless every Go version of goldens/ was recorded: a check that found no
// toolchain for a version did not check it.
func checkedAll(recorded map[string]bool, tcDir string) error {
	versions, err := goldens.Versions()
	if err != nil {
		return err
	}
	var missing []string
	for _, v := range versions {
		if !recorded[v] {
			missing = append(missing, v)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("goldens/ has recordings of %s, which this check could not check: no such go on PATH or in %s (scripts/go-toolchains, or make toolchains, installs Debian's Go 1.22-1.27 there; a version that is gone for good: remove its goldens/ directory; -go checks only the toolchains it names)",
		strings.Join(missing, ", "), tcDir)
}

func minor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

// knownGo writes the Go versions (go1.N) that have goldens, which the planner accepts.
func knownGo(recorded map[string]bool, check bool) error {
	versions, err := goldens.Versions()
	if err != nil {
		return err
	}
	for _, v := range versions {
		recorded[minor(v)] = true
	}
	var ms []string
	for m := range recorded {
		ms = append(ms, fmt.Sprintf("%q", m))
	}
	sort.Strings(ms)
	src := "// Code generated by dgd-golden; DO NOT EDIT.\n\npackage planner\n\n" +
		"// knownGo are the Go versions that have goldens: the shapes of their go build -n are known.\n" +
		"var knownGo = []string{" + strings.Join(ms, ", ") + "}\n"
	path := filepath.Join(goldens.Root(), "internal", "planner", "known_go.go")
	old, _ := os.ReadFile(path)
	if string(old) == src {
		return nil
	}
	if check {
		return fmt.Errorf("%s is out of date: run dgd-golden", path)
	}
	return os.WriteFile(path, []byte(src), 0o644)
}

func compareVersions(arg string) error {
	a, b, ok := strings.Cut(arg, ",")
	if !ok {
		return fmt.Errorf("-compare wants two versions, a,b: got %q", arg)
	}
	for _, ex := range goldens.Examples {
		ra, err := goldens.Load(a, ex)
		if err != nil {
			return err
		}
		rb, err := goldens.Load(b, ex)
		if err != nil {
			return err
		}
		fmt.Printf("== %s: %s -> %s\n%s", ex, a, b, goldencheck.Diff(ra, rb))
	}
	return nil
}
