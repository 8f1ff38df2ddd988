// Package planner runs the go command for `dgd plan`: go env, go list and go build -n, each
// with an explicit environment, and hands their output to package plan.
package planner

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/adapter"
	"github.com/dgd-build/dgd/internal/cgo"
	"github.com/dgd-build/dgd/internal/gocmd"
	"github.com/dgd-build/dgd/internal/lock"
	"github.com/dgd-build/dgd/internal/plan"
)

// Main is `dgd plan`.
func Main(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	dir := fs.String("C", ".", "the main module's `directory`")
	out := fs.String("o", "-", "write the plan to `file`")
	gopkg := fs.String("gopkg", "", "`path` of the go package that holds GOROOT (default: GOROOT)")
	goBin := fs.String("go", "go", "the go command")
	modules := fs.String("modules", "", "a `file` of locked module downloads (lines: kind path version store-path) to build GOMODCACHE from")
	var goflags []string
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
	pkg := "."
	switch fs.NArg() {
	case 0:
	case 1:
		pkg = fs.Arg(0)
	default:
		return fmt.Errorf("plan takes one package, got %q", fs.Args())
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
	p, err := Plan(ctx, Config{Go: *goBin, Dir: root, Package: pkg, GoPkg: *gopkg, Env: env, Flags: goflags})
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
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}

// Config says what to plan.
type Config struct {
	Go      string   // the go command
	Dir     string   // the main module's directory
	Package string   // the main package, as go build takes it
	GoPkg   string   // the package directory holding GOROOT ("" for GOROOT itself)
	Env     []string // the environment go runs with (GOCACHE and GOTOOLCHAIN are set here)
	// Flags are build flags for go build (and, for those that select files, go list):
	// -tags=a,b, -ldflags=..., -gcflags=..., -asmflags=..., -buildmode=...
	Flags []string
}

type goEnv struct {
	GOROOT, GOMODCACHE, GOVERSION, CC, CXX, CGO_ENABLED, GOMOD, GOWORK string
}

// Plan runs go and makes the plan.
func Plan(ctx context.Context, cfg Config) (*plan.Plan, error) {
	cache, err := os.MkdirTemp("", "dgd-gocache-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(cache)
	env := append(cfg.Env[:len(cfg.Env):len(cfg.Env)], "GOTOOLCHAIN=local", "GOCACHE="+cache)
	inv := func(verb string, args ...string) gocmd.Invocation {
		return gocmd.Invocation{Go: cfg.Go, Verb: verb, Args: args, Env: env, Dir: cfg.Dir}
	}

	o, _, err := gocmd.Run(ctx, inv("env", "-json", "GOROOT", "GOMODCACHE", "GOVERSION", "CC", "CXX", "CGO_ENABLED", "GOMOD", "GOWORK"))
	if err != nil {
		return nil, err
	}
	var ge goEnv
	if err := json.Unmarshal(o, &ge); err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	if !slices.Contains(knownGo, minorVersion(ge.GOVERSION)) {
		return nil, fmt.Errorf("Go %s is not known to dgd (known: %s): its `go build -n` may print shapes dgd has not seen; record its goldens with dgd-golden, review the diff, and teach the parser what changed", ge.GOVERSION, strings.Join(knownGo, ", "))
	}
	var modRoot string
	switch {
	case ge.GOWORK != "" && ge.GOWORK != "off":
		modRoot = filepath.Dir(ge.GOWORK)
	case ge.GOMOD == "" || ge.GOMOD == os.DevNull:
		return nil, fmt.Errorf("%s is not in a Go module: no go.mod found (create one with `go mod init`)", cfg.Dir)
	default:
		modRoot = filepath.Dir(ge.GOMOD)
	}

	o, _, err = gocmd.Run(ctx, inv("list", adapter.ListArgs(gocmd.ListFlags(cfg.Flags), []string{cfg.Package})...))
	if err != nil {
		if strings.Contains(err.Error(), "disabled by GOPROXY=off") {
			err = fmt.Errorf("%w\na module is missing from the downloaded ones: vendorHash or dgd.lock is out of date with go.mod/go.sum (set vendorHash = \"\" to learn the new hash, or run `dgd lock`)", err)
		}
		return nil, err
	}
	pkgs, err := adapter.DecodeBytes(o)
	if err != nil {
		return nil, err
	}
	if n := len(pkgs); n == 0 || pkgs[n-1].Name != "main" {
		return nil, fmt.Errorf("package %s is not a main package: dgd builds programs", cfg.Package)
	}

	_, script, err := gocmd.Run(ctx, inv("build", append(gocmd.BuildNFlags(filepath.Join(cache, "out"), cfg.Flags...), cfg.Package)...))
	if err != nil {
		return nil, err
	}
	opt := actions.Options{CC: firstWord(ge.CC), CXX: firstWord(ge.CXX)}
	s, err := actions.Parse("go build -n ("+ge.GOVERSION+")", script, opt)
	if err != nil {
		return nil, fmt.Errorf("%w\nThis shape of `go build -n` (%s) is not known to dgd: record it with dgd-golden and teach the parser", err, ge.GOVERSION)
	}
	grouped, err := actions.Group(s)
	if err != nil {
		return nil, err
	}
	var supports cgo.Supports
	if ge.CGO_ENABLED == "1" {
		supports = cgo.Probe(strings.Fields(ge.CC), env)
	}
	gopkg := cfg.GoPkg
	if gopkg == "" {
		gopkg = ge.GOROOT
	}
	return plan.Make(plan.Input{
		Packages: pkgs, Actions: grouped, GoVersion: ge.GOVERSION,
		GOROOT: ge.GOROOT, GoPkg: gopkg, GOMODCACHE: ge.GOMODCACHE, ModRoot: modRoot, CC: supports,
	})
}

// minorVersion is "go1.N" of "go1.N.P" (or of "go1.N rc1").
func minorVersion(v string) string {
	v, _, _ = strings.Cut(v, " ")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
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
