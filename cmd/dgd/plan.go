package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/dgd-build/dgd/internal/lock"
	"github.com/dgd-build/dgd/internal/plan"
	"github.com/dgd-build/dgd/internal/planner"
)

// planMain is `dgd plan`.
func planMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	dir := fs.String("C", ".", "the main module's `directory`")
	out := fs.String("o", "-", "write the plan to `file`")
	gopkg := fs.String("gopkg", "", "`path` of the go package that holds GOROOT (default: GOROOT)")
	goBin := fs.String("go", "go", "the go command")
	modules := fs.String("modules", "", "a `file` of locked module downloads (lines: kind path version store-path) to build GOMODCACHE from")
	test := fs.Bool("test", false, "plan the tests of the packages too (buildGoModule's doCheck)")
	var goflags, testflags, exclude []string
	fs.Func("testflag", "a go test `flag` (repeatable): -run=..., -short, -v (buildGoModule's checkFlags)", func(f string) error {
		testflags = append(testflags, f)
		return nil
	})
	fs.Func("exclude", "a regular `expression`: packages ./DIR of ./... that match it are not built (buildGoModule's excludedPackages)", func(f string) error {
		if _, err := regexp.Compile(f); err != nil {
			return fmt.Errorf("-exclude %q: %w", f, err)
		}
		exclude = append(exclude, f)
		return nil
	})
	fs.Func("goflag", "a go build `flag` (repeatable): -tags=..., -ldflags=..., -gcflags=...", func(f string) error {
		if !strings.HasPrefix(f, "-") || !strings.Contains(f, "=") {
			return fmt.Errorf("-goflag %q: give build flags as -name=value", f)
		}
		goflags = append(goflags, f)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	pkgs := fs.Args()
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	root, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	env := os.Environ()
	if *modules != "" {
		mc, err := os.MkdirTemp("", "dgd-modcache-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(mc)
		if err := assemble(root, *modules, mc); err != nil {
			return err
		}
		env = append(env, "GOMODCACHE="+mc)
	}
	t0 := time.Now()
	var tm planner.Timings
	p, err := planner.Plan(ctx, planner.Config{Go: *goBin, Dir: root, GoPkg: *gopkg, Env: env, Flags: goflags,
		Request: planner.Request{Packages: pkgs, Exclude: exclude, Test: *test}, TestFlags: testflags, Timings: &tm})
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *out == "-" {
		_, err = os.Stdout.Write(b)
	} else {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		return err
	}
	report(os.Stderr, p, &tm, time.Since(t0))
	return nil
}

// report says on w what the plan holds, where planning's time went and its peak memory.
func report(w io.Writer, p *plan.Plan, tm *planner.Timings, total time.Duration) {
	s := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	tools := tm.Env + tm.List + tm.PkgConfig + tm.BuildN + tm.TestN + tm.CC
	fmt.Fprintf(w, "dgd plan: %d packages, %d links, %d tests in %s: go env %s, go list %s, pkg-config %s, go build -n %s, go test -n %s, cc probes %s, the rest (parse, plan, write) %s",
		len(p.Packages), len(p.Links), len(p.Tests), s(total), s(tm.Env), s(tm.List), s(tm.PkgConfig), s(tm.BuildN), s(tm.TestN), s(tm.CC), s(total-tools))
	var self, children syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) == nil && syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children) == nil {
		unit := int64(1 << 10) // Maxrss is in KiB on Linux, in bytes on Darwin
		if runtime.GOOS == "darwin" {
			unit = 1 << 20
		}
		fmt.Fprintf(w, "; peak memory: dgd %d MiB, the largest go command %d MiB", int64(self.Maxrss)/unit, int64(children.Maxrss)/unit)
	}
	fmt.Fprintln(w)
}

// assemble builds GOMODCACHE in mc from the locked downloads listed in the file modules.
func assemble(root, modules, mc string) error {
	data, err := os.ReadFile(modules)
	if err != nil {
		return err
	}
	mods, err := lock.ParseLocated(data)
	if err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return lock.Assemble(mc, mods, sum)
}
