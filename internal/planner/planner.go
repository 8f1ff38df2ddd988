// Package planner runs the go command for `dgd plan`: go env, go list and go build -n, each
// with an explicit environment, and hands their output to package plan.
package planner

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

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
	var tm Timings
	p, err := Plan(ctx, Config{Go: *goBin, Dir: root, Packages: pkgs, GoPkg: *gopkg, Env: env, Flags: goflags,
		Test: *test, TestFlags: testflags, Exclude: exclude, Timings: &tm})
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
func report(w io.Writer, p *plan.Plan, tm *Timings, total time.Duration) {
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

// Config says what to plan.
type Config struct {
	Go       string   // the go command
	Dir      string   // the main module's directory
	Packages []string // package patterns, as go build takes them: their main packages are linked
	// Exclude are regular expressions: a package matched by Packages whose directory, as
	// ./DIR relative to the main module, matches one is left out (buildGoModule's
	// excludedPackages; with "./...", also its default: examples and Godeps).
	Exclude []string
	// Test plans the tests (go test -n) of the packages that have test files, with TestFlags
	// (-run=..., -short, ...) for the test binaries.
	Test      bool
	TestFlags []string
	GoPkg     string   // the package directory holding GOROOT ("" for GOROOT itself)
	Env       []string // the environment go runs with (GOCACHE and GOTOOLCHAIN are set here)
	// Flags are build flags for go build (and, for those that select files, go list):
	// -tags=a,b, -ldflags=..., -gcflags=..., -asmflags=..., -buildmode=...
	Flags []string
	// Timings, when not nil, gets how long each go command took.
	Timings *Timings
}

// Timings are how long the go commands of one plan took.
type Timings struct {
	Env, List, PkgConfig, BuildN, TestN time.Duration
	CC                                  time.Duration // the C compiler's probes of its flags
}

// track starts a clock; calling what it returns adds the time since to *d:
// defer track(&d)().
func track(d *time.Duration) func() {
	t0 := time.Now()
	return func() { *d += time.Since(t0) }
}

// toolEnv are the variables of go env that cmd/go sets for the tools it runs (it sets all of
// go env; these are the ones the compiler, assembler and linker read) but -n does not print.
var toolEnv = []string{"GOOS", "GOARCH", "GOEXPERIMENT", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOMIPS64",
	"GOPPC64", "GORISCV64", "GOWASM", "GOFIPS140"}

type goEnv struct {
	GOROOT, GOMODCACHE, GOVERSION, CC, CXX, CGO_ENABLED, GOMOD, GOWORK, PKG_CONFIG string
}

// Plan runs go and makes the plan.
func Plan(ctx context.Context, cfg Config) (*plan.Plan, error) {
	patterns, err := expandGlobs(cfg.Dir, cfg.Packages)
	if err != nil {
		return nil, err
	}
	cfg.Packages = patterns
	cache, err := os.MkdirTemp("", "dgd-gocache-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(cache)
	env := append(cfg.Env[:len(cfg.Env):len(cfg.Env)], "GOTOOLCHAIN=local", "GOCACHE="+cache)
	inv := func(verb string, args ...string) gocmd.Invocation {
		return gocmd.Invocation{Go: cfg.Go, Verb: verb, Args: args, Env: env, Dir: cfg.Dir}
	}
	tm := cfg.Timings
	if tm == nil {
		tm = new(Timings)
	}
	run := func(d *time.Duration, i gocmd.Invocation) ([]byte, []byte, error) {
		defer track(d)()
		return gocmd.Run(ctx, i)
	}

	o, _, err := run(&tm.Env, inv("env", append([]string{"-json", "GOROOT", "GOMODCACHE", "GOVERSION", "CC", "CXX", "CGO_ENABLED", "GOMOD", "GOWORK", "PKG_CONFIG"}, toolEnv...)...))
	if err != nil {
		return nil, err
	}
	var ge goEnv
	if err := json.Unmarshal(o, &ge); err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	var all map[string]string
	if err := json.Unmarshal(o, &all); err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	var stepEnv []string
	for _, k := range toolEnv {
		if v := all[k]; v != "" {
			stepEnv = append(stepEnv, k+"="+v)
		}
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

	o, _, err = run(&tm.List, inv("list", adapter.ListArgs(gocmd.ListFlags(cfg.Flags), cfg.Packages, cfg.Test)...))
	if err != nil {
		if strings.Contains(err.Error(), "disabled by GOPROXY=off") {
			err = fmt.Errorf("%w\na module is missing from the downloaded ones: vendorHash or dgd.lock is out of date with go.mod/go.sum (set vendorHash = \"\"; the error then prints the right one), or run `dgd lock`)", err)
		}
		return nil, err
	}
	pkgs, err := adapter.DecodeBytes(o)
	if err != nil {
		return nil, err
	}
	mains, tested, err := roots(pkgs, modRoot, cfg)
	if err != nil {
		return nil, err
	}
	testMains, err := adapter.TestMains(pkgs, tested)
	if err != nil {
		return nil, err
	}

	pkgConfig := cmp.Or(firstWord(ge.PKG_CONFIG), "pkg-config")
	stop := track(&tm.PkgConfig)
	answers, err := runPkgConfig(ctx, pkgConfig, pkgs, env)
	stop()
	if err != nil {
		return nil, err
	}
	opt := actions.Options{CC: firstWord(ge.CC), CXX: firstWord(ge.CXX), PkgConfig: pkgConfig}
	script := func(d *time.Duration, verb string, args []string) (*actions.Plan, error) {
		_, out, err := run(d, inv(verb, args...))
		if err != nil {
			return nil, err
		}
		s, err := actions.Parse("go "+verb+" -n ("+ge.GOVERSION+")", out, opt)
		if err != nil {
			return nil, fmt.Errorf("%w\nThis shape of `go %s -n` (%s) is not known to dgd: record it with dgd-golden and teach the parser", err, verb, ge.GOVERSION)
		}
		return actions.Group(s)
	}
	in := plan.Input{Packages: pkgs, TestMains: testMains, Env: stepEnv, PkgConfig: answers, GoVersion: ge.GOVERSION, GOROOT: ge.GOROOT, GOMODCACHE: ge.GOMODCACHE, ModRoot: modRoot}
	if len(mains) > 0 {
		if in.Actions, err = script(&tm.BuildN, "build", append(gocmd.BuildNFlags(filepath.Join(cache, "out"), cfg.Flags...), mains...)); err != nil {
			return nil, err
		}
	}
	if len(tested) > 0 {
		for _, f := range cfg.TestFlags {
			if strings.ContainsAny(f, " \n") {
				return nil, fmt.Errorf("test flag %q (checkFlags): go test -n prints the test binary's flags joined by spaces, so dgd cannot tell where one with a space or a newline ends; write the space in the regular expression as \\s or [ ]", f)
			}
		}
		if in.Tests, err = script(&tm.TestN, "test", gocmd.TestNFlags(cfg.Flags, tested, cfg.TestFlags)); err != nil {
			return nil, err
		}
	}
	if ge.CGO_ENABLED == "1" {
		probe := cgo.Probe(strings.Fields(ge.CC), env)
		in.CC = func(flag string) bool {
			defer track(&tm.CC)()
			return probe(flag)
		}
	}
	gopkg := cfg.GoPkg
	if gopkg == "" {
		gopkg = ge.GOROOT
	}
	in.GoPkg = gopkg
	return plan.Make(in)
}

// runPkgConfig asks pkg-config what cmd/go would ask it for each package with `#cgo
// pkg-config:` lines (go build -n only prints the calls).
func runPkgConfig(ctx context.Context, pkgConfig string, pkgs []*adapter.Package, env []string) (map[string]cgo.PkgConfig, error) {
	answers := map[string]cgo.PkgConfig{}
	asked := map[string]cgo.PkgConfig{} // by directory and lines: a test variant asks what its package asked
	for _, p := range pkgs {
		if len(p.CgoPkgConfig) == 0 {
			continue
		}
		key := p.Dir + "\x00" + strings.Join(p.CgoPkgConfig, "\x00")
		if pc, ok := asked[key]; ok {
			answers[p.ImportPath] = pc
			continue
		}
		opts, names := cgo.PkgConfigArgs(p.CgoPkgConfig)
		var pc cgo.PkgConfig
		for _, what := range []string{"--cflags", "--libs"} {
			args := append(append([]string{what}, opts...), "--")
			cmd := exec.CommandContext(ctx, pkgConfig, append(args, names...)...)
			cmd.Dir, cmd.Env = p.Dir, env
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				return nil, fmt.Errorf("package %s: %s %s: %v\n%s\n(its C libraries come from buildInputs, pkg-config from nativeBuildInputs)", p.ImportPath, pkgConfig, strings.Join(append(args, names...), " "), err, stderr.String())
			}
			flags, err := cgo.SplitPkgConfig(out)
			if err != nil {
				return nil, fmt.Errorf("package %s: %w", p.ImportPath, err)
			}
			if what == "--cflags" {
				pc.CFlags = flags
			} else {
				pc.Libs = flags
			}
		}
		answers[p.ImportPath], asked[key] = pc, pc
	}
	return answers, nil
}

// defaultExclude is what buildGoModule leaves out of ./... unless told which packages to build.
const defaultExclude = `(^|/)(examples|Godeps)(/|$)`

// roots are the packages named by cfg.Packages, as go build and go test take them: the main
// packages to link and, with cfg.Test, the packages with test files.
func roots(pkgs []*adapter.Package, modRoot string, cfg Config) (mains, tested []string, err error) {
	var res []*regexp.Regexp
	for _, e := range cfg.Exclude {
		re, err := regexp.Compile(e)
		if err != nil {
			return nil, nil, fmt.Errorf("excluded package pattern %q: %w", e, err)
		}
		res = append(res, re)
	}
	if slices.Contains(cfg.Packages, "./...") {
		res = append(res, regexp.MustCompile(defaultExclude))
	}
	var excluded []string
	for _, p := range pkgs {
		if !p.IsRoot() {
			continue
		}
		dir := p.ImportPath
		if rel, err := filepath.Rel(modRoot, p.Dir); err == nil && !strings.HasPrefix(rel, "..") {
			dir = "./" + filepath.ToSlash(rel)
		}
		if slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(dir) }) {
			excluded = append(excluded, dir)
			continue
		}
		if p.Name == "main" {
			mains = append(mains, p.ImportPath)
		}
		if cfg.Test && p.HasTests() {
			tested = append(tested, p.ImportPath)
		}
	}
	if len(mains) == 0 && len(tested) == 0 {
		what := "no main package"
		if cfg.Test {
			what += " and no package with tests"
		}
		note := ""
		if len(excluded) > 0 {
			note = " (excluded: " + strings.Join(excluded, " ") + ")"
		}
		return nil, nil, fmt.Errorf("%s in %s%s: dgd builds programs; name them with subPackages", what, strings.Join(cfg.Packages, " "), note)
	}
	return mains, tested, nil
}

// expandGlobs expands the shell patterns among the package patterns (subPackages = [ "cmd/*" ]),
// as buildGoModule's shell does, into the directories they match in dir, sorted; go's own
// patterns ("./...") stay.
func expandGlobs(dir string, patterns []string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		if !strings.ContainsAny(p, "*?[") {
			out = append(out, p)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(dir, p))
		if err != nil {
			return nil, fmt.Errorf("package pattern %q (subPackages): %w", p, err)
		}
		n := len(out)
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() {
				rel, _ := filepath.Rel(dir, m)
				out = append(out, "./"+filepath.ToSlash(rel))
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("package pattern %q (subPackages) matches no directory in %s", p, dir)
		}
	}
	return out, nil
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
