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

// planOptions are dgd plan's flags and arguments.
type planOptions struct {
	dir, out, gopkg, goBin, modules string
	test                            bool
	goflags, testflags, exclude     []string
	pkgs                            []string
}

// planSetup declares dgd plan's flags on fs.
func planSetup(fs *flag.FlagSet) func(context.Context, []string) error {
	var o planOptions
	fs.StringVar(&o.dir, "C", ".", "the main module's `directory`")
	fs.StringVar(&o.out, "o", "-", "write the plan to `file`")
	fs.StringVar(&o.gopkg, "gopkg", "", "`path` of the go package that holds GOROOT (default: GOROOT)")
	fs.StringVar(&o.goBin, "go", "go", "the go `command`")
	fs.StringVar(&o.modules, "modules", "", "a `file` of locked module downloads (lines: kind path version store-path) to build GOMODCACHE from")
	fs.BoolVar(&o.test, "test", false, "plan the tests of the packages too (buildGoModule's doCheck)")
	fs.Func("testflag", "a go test `flag` (repeatable): -run=..., -short, -v (buildGoModule's checkFlags)", func(f string) error {
		o.testflags = append(o.testflags, f)
		return nil
	})
	fs.Func("exclude", "a regular `expression`: packages ./DIR of ./... that match it are not built (buildGoModule's excludedPackages)", func(f string) error {
		if _, err := regexp.Compile(f); err != nil {
			return fmt.Errorf("-exclude %q: %w", f, err)
		}
		o.exclude = append(o.exclude, f)
		return nil
	})
	fs.Func("goflag", "a go build `flag` (repeatable): -tags=..., -ldflags=..., -gcflags=...", func(f string) error {
		if !strings.HasPrefix(f, "-") || !strings.Contains(f, "=") {
			return fmt.Errorf("-goflag %q: give build flags as -name=value", f)
		}
		o.goflags = append(o.goflags, f)
		return nil
	})
	return func(ctx context.Context, pkgs []string) error {
		o.pkgs = pkgs
		if len(pkgs) == 0 {
			o.pkgs = []string{"."}
		}
		return runPlan(ctx, o)
	}
}

// runPlan is dgd plan.
func runPlan(ctx context.Context, o planOptions) error {
	root, err := filepath.Abs(o.dir)
	if err != nil {
		return err
	}
	env := os.Environ()
	if o.modules != "" {
		mc, err := os.MkdirTemp("", "dgd-modcache-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(mc)
		if err := assemble(root, o.modules, mc); err != nil {
			return err
		}
		env = append(env, "GOMODCACHE="+mc)
	}
	t0 := time.Now()
	var tm planner.Timings
	p, err := planner.Plan(ctx, planner.Config{Go: o.goBin, Dir: root, GoPkg: o.gopkg, Env: env, Flags: o.goflags,
		Request: planner.Request{Packages: o.pkgs, Exclude: o.exclude, Test: o.test}, TestFlags: o.testflags, Timings: &tm})
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if o.out == "-" {
		_, err = os.Stdout.Write(b)
	} else {
		err = os.WriteFile(o.out, b, 0o644)
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
	tools := tm.Env + tm.List + tm.PkgConfig + tm.AtOnce
	fmt.Fprintf(w, "dgd plan: %d packages, %d links, %d tests in %s: go env %s, go list %s, pkg-config %s, then at once (%s) go build -n %s, go test -n %s and cc probes %s; the rest (parse, plan, write) %s",
		len(p.Packages), len(p.Links), len(p.Tests), s(total), s(tm.Env), s(tm.List), s(tm.PkgConfig), s(tm.AtOnce), s(tm.BuildN), s(tm.TestN), s(tm.CC), s(total-tools))
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
