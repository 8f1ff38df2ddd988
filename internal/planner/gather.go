package planner

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dgd-build/dgd/internal/adapter"
	"github.com/dgd-build/dgd/internal/cgo"
	"github.com/dgd-build/dgd/internal/gocmd"
)

// Config says what to plan.
type Config struct {
	Go  string // the go command
	Dir string // the main module's directory
	Request
	TestFlags []string // go test flags for the test binaries (-run=..., -short, ...)
	GoPkg     string   // the package directory holding GOROOT ("" for GOROOT itself)
	Env       []string // the environment go runs with (GOCACHE and GOTOOLCHAIN are set here)
	// Flags are build flags for go build (and, for those that select files, go list):
	// -tags=a,b, -ldflags=..., -gcflags=..., -asmflags=..., -buildmode=...
	Flags []string
	// OutDir is the -o directory go build -n prints (nothing is written there; default: one
	// in the temporary GOCACHE).
	OutDir string
	// ProbeCC asks the C compiler about its flags even when no package uses cgo (the goldens
	// record its answers for every example).
	ProbeCC bool
	// Timings, when not nil, gets how long each process took.
	Timings *Timings
}

// Request is what the packages to build and test are, as Derive needs it too.
type Request struct {
	Packages []string // package patterns, as go build takes them: their main packages are linked
	// Exclude are regular expressions: a package matched by Packages whose directory, as
	// ./DIR relative to the main module, matches one is left out (buildGoModule's
	// excludedPackages; with "./...", also its default: examples and Godeps).
	Exclude []string
	// Test plans the tests (go test -n) of the packages that have test files.
	Test bool
}

// Timings are how long the processes of one plan took. go build -n, go test -n and the C
// compiler's probes run at once (Gather): AtOnce is how long that took.
type Timings struct {
	Env, List, PkgConfig, BuildN, TestN time.Duration
	CC                                  time.Duration // the C compiler's probes of its flags
	AtOnce                              time.Duration
}

// track starts a clock; calling what it returns adds the time since to *d:
// defer track(&d)().
func track(d *time.Duration) func() {
	t0 := time.Now()
	return func() { *d += time.Since(t0) }
}

// Recorded is everything the processes of one plan printed, and what was asked of them: the
// whole input of Derive. The goldens store it as files.
type Recorded struct {
	Request                     // with the shell patterns of Packages expanded
	GoEnv     GoEnv             // go env -json of the variables below
	List      []byte            // go list -json -deps (-test with Test)
	BuildN    []byte            // go build -n of the main packages (its standard error); nil: none
	TestN     []byte            // go test -n of the tested packages; nil: none
	TestMains map[string]string // the test mains go list -test generated, "PATH.test" -> source
	// PkgConfig are pkg-config's answers for the packages with `#cgo pkg-config:` lines, by
	// import path (go build -n prints the calls without running them).
	PkgConfig map[string]cgo.PkgConfig
	// CCSupports are the C compiler's answers to cmd/go's flag probes (cgo.Probed), with
	// CGO_ENABLED=1 and a package that uses cgo (or ProbeCC).
	CCSupports map[string]bool
	GoPkg      string // the package directory holding GOROOT ("": GOROOT itself, as Derive takes it)
	GOCACHE    string // the GOCACHE go ran with (it no longer exists): test mains' paths name it
}

// GoEnv are the variables of go env a plan reads (envVars); the ones of toolEnv that are set
// reach every step.
type GoEnv map[string]string

// envVars are the variables of go env that Gather asks for.
// PKG_CONFIG is asked for apart (pkgConfigVar), and only when a package has `#cgo pkg-config:`
// lines: go env computes it with the C compiler's flags, probing the compiler (0.27 s of a
// plan of 2.6 s here), where every other variable costs nothing.
var envVars = append([]string{"GOROOT", "GOMODCACHE", "GOVERSION", "CC", "CXX", "CGO_ENABLED", "GOMOD", "GOWORK"}, toolEnv...)

// pkgConfigVar is the variable of go env that names the pkg-config command cmd/go runs.
const pkgConfigVar = "PKG_CONFIG"

// toolEnv are the variables of go env that cmd/go sets for the tools it runs (it sets all of
// go env; these are the ones the compiler, assembler and linker read) but -n does not print.
var toolEnv = []string{"GOOS", "GOARCH", "GOEXPERIMENT", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOMIPS64",
	"GOPPC64", "GORISCV64", "GOWASM", "GOFIPS140"}

// Gather runs every process a plan needs and records what they printed: go env, go list,
// pkg-config, go build -n, go test -n and the C compiler's flag probes. Which packages go
// build and go test are given comes from go list's answer (Recorded.roots), as in Derive.
func Gather(ctx context.Context, cfg Config) (*Recorded, error) {
	patterns, err := expandGlobs(cfg.Dir, cfg.Packages)
	if err != nil {
		return nil, err
	}
	for _, f := range cfg.TestFlags {
		if strings.ContainsAny(f, " \n") {
			return nil, fmt.Errorf("test flag %q (checkFlags): go test -n prints the test binary's flags joined by spaces, so dgd cannot tell where one with a space or a newline ends; write the space in the regular expression as \\s or [ ]", f)
		}
	}
	cache, err := os.MkdirTemp("", "dgd-gocache-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(cache)
	r := &Recorded{Request: cfg.Request, GOCACHE: cache, GoPkg: cfg.GoPkg}
	r.Packages = patterns
	env := append(cfg.Env[:len(cfg.Env):len(cfg.Env)], "GOTOOLCHAIN=local", "GOCACHE="+cache)
	tm := cfg.Timings
	if tm == nil {
		tm = new(Timings)
	}
	run := func(d *time.Duration, verb string, args ...string) ([]byte, []byte, error) {
		defer track(d)()
		return gocmd.Run(ctx, gocmd.Invocation{Go: cfg.Go, Verb: verb, Args: args, Env: env, Dir: cfg.Dir})
	}

	goEnv := func(vars ...string) error {
		o, _, err := run(&tm.Env, "env", append([]string{"-json"}, vars...)...)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(o, &r.GoEnv); err != nil {
			return fmt.Errorf("go env: %w", err)
		}
		return nil
	}
	if err := goEnv(envVars...); err != nil {
		return nil, err
	}
	modRoot, err := r.GoEnv.check(cfg.Dir)
	if err != nil {
		return nil, err
	}

	if r.List, _, err = run(&tm.List, "list", adapter.ListArgs(gocmd.ListFlags(cfg.Flags), r.Packages, r.Test)...); err != nil {
		if strings.Contains(err.Error(), "disabled by GOPROXY=off") {
			err = fmt.Errorf("%w\na module is missing from the downloaded ones: vendorHash or dgd.lock is out of date with go.mod/go.sum (set vendorHash = \"\"; the error then prints the right one), or run `dgd lock`)", err)
		}
		return nil, err
	}
	pkgs, mains, tested, err := r.roots(modRoot)
	if err != nil {
		return nil, err
	}
	if r.TestMains, err = adapter.TestMains(pkgs, tested); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(pkgs, func(p *adapter.Package) bool { return len(p.CgoPkgConfig) > 0 }) {
		if err := goEnv(pkgConfigVar); err != nil {
			return nil, err
		}
	}
	stop := track(&tm.PkgConfig)
	r.PkgConfig, err = runPkgConfig(ctx, r.GoEnv.pkgConfig(), pkgs, env)
	stop()
	if err != nil {
		return nil, err
	}

	// go build -n, go test -n and the C compiler's probes need only what came before: they run
	// at once (the plan is on a cold build's critical path; each mostly waits for its own
	// process). Each writes only its own fields of r.
	defer track(&tm.AtOnce)()
	var wg sync.WaitGroup
	var buildErr, testErr error
	if len(mains) > 0 {
		out := cfg.OutDir
		if out == "" {
			out = filepath.Join(cache, "out")
		}
		wg.Go(func() {
			_, r.BuildN, buildErr = run(&tm.BuildN, "build", append(gocmd.BuildNFlags(out, cfg.Flags...), mains...)...)
		})
	}
	if len(tested) > 0 {
		wg.Go(func() {
			_, r.TestN, testErr = run(&tm.TestN, "test", gocmd.TestNFlags(cfg.Flags, tested, cfg.TestFlags)...)
		})
	}
	if r.GoEnv["CGO_ENABLED"] == "1" && (cfg.ProbeCC || slices.ContainsFunc(pkgs, func(p *adapter.Package) bool { return len(p.CgoFiles) > 0 })) {
		wg.Go(func() {
			defer track(&tm.CC)()
			r.CCSupports = probeAll(strings.Fields(r.GoEnv["CC"]), env)
		})
	}
	wg.Wait()
	if err := cmp.Or(buildErr, testErr); err != nil {
		return nil, err
	}
	return r, nil
}

// probeAll asks the C compiler cc about each flag of cgo.Probed, all at once.
func probeAll(cc, env []string) map[string]bool {
	has := make([]bool, len(cgo.Probed))
	var wg sync.WaitGroup
	for i, f := range cgo.Probed {
		wg.Go(func() { has[i] = cgo.Probe(cc, env)(f) })
	}
	wg.Wait()
	m := make(map[string]bool, len(has))
	for i, f := range cgo.Probed {
		m[f] = has[i]
	}
	return m
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
