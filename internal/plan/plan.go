// Package plan is the plan's format, which nix/ reads, and its assembly: it joins the package
// graph (go list) to the actions of `go build -n` and `go test -n`, tells which package each
// action builds, and has each replayed as the shell script of one Nix derivation: a package's
// compile by package compile, a link, a test binary's link and its run by package link (both
// write through package replay).
//
// Paths in the scripts are placeholders that the Nix side replaces with store paths (which
// carry their string context):
//
//	@@goroot@@        the Go toolchain's GOROOT
//	@@gotool@@        a directory with the pack and buildid tools (Go >= 1.25 runs them as `go tool`)
//	@@src@@           the package's sources: its own files only, for the main module's packages
//	@@dep:PATH@@      the export data of package PATH: the out output of its derivation
//	@@link:PATH@@     its code (compile -linkobj, with its assembly and C objects): the link output
//	@@tree@@, @@dir@@ a test run's source tree and the package's directory in it (see Test)
//
// A PGO profile is a step of its own whose key, "pgo [FILE]", stands where an import path
// would (@@dep:pgo [FILE]@@: the preprocessed profile).
//
// and, quoted so that the shell expands them at build time, $w (the action's work directory),
// $c (the compiler's backend concurrency, kept out of the derivation) and $out.
//
// The compile's -buildid, which -n derives from action IDs that hash the machine's paths, is
// replaced by one derived from the import path, so that a package's derivation depends only on
// its own files and its dependencies.
package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/adapter"
	"github.com/dgd-build/dgd/internal/cgo"
	"github.com/dgd-build/dgd/internal/compile"
	"github.com/dgd-build/dgd/internal/link"
	"github.com/dgd-build/dgd/internal/replay"
)

// Version of the plan format read by nix/.
const Version = 3

// Plan is what the Nix side turns into derivations.
type Plan struct {
	Version   int
	GoVersion string
	// GorootRel is GOROOT relative to the go package's store path ("" or "/share/go").
	GorootRel string
	// Modules maps "path@version" to the module's directory relative to GOMODCACHE.
	Modules map[string]string `json:",omitempty"`
	// Env is the environment every step exports: the target (GOOS, GOARCH, ...) and
	// GOEXPERIMENT, which cmd/go gives the tools without printing them.
	Env      []string `json:",omitempty"`
	Packages []*Package
	Links    []*Link // one per main package, in the order go build links them
	Tests    []*Test `json:",omitempty"`
}

// Package is one package's compile step. Its ImportPath is go list's: a test variant's is
// "PATH [TESTED.test]", a test main's "TESTED.test".
type Package struct {
	ImportPath string
	Standard   bool   `json:",omitempty"`
	Source     Source `json:",omitempty"`
	Step
}

// Source says where a package's files come from.
type Source = replay.Source

// Link links one main package into $out/bin/Binary.
type Link struct {
	ImportPath string
	Binary     string // the name `go build` gives the program
	Step
}

// Test is one package's tests: Link links the test binary into $out/bin/Binary; Run runs it in
// a copy of the whole source tree, in the package's directory, with @@test@@ (the link's
// output), @@tree@@ (the source tree) and @@dir@@ (quoted for the shell: the package's
// directory in the tree, Dir relative to the main module's root) replaced.
type Test struct {
	ImportPath string
	Dir        string
	Binary     string
	Link       Step
	Run        Step
}

// Step is the script of one derivation.
type Step = replay.Step

// Input is everything the planner read.
type Input struct {
	Packages []*adapter.Package // go list -json -deps (-test when Tests is set)
	Actions  *actions.Plan      // go build -n of the main packages, grouped (nil: none)
	Tests    *actions.Plan      // go test -n of the tested packages, grouped (nil: none)
	// TestMains maps a test main's import path ("PATH.test") to the source go generated for it
	// (go list -test writes it; go test -n compiles it without printing it).
	TestMains map[string]string
	Env       []string // NAME=value: go env's variables that the tools read
	// PkgConfig are pkg-config's answers for the packages with `#cgo pkg-config:` lines, by
	// import path (go build -n prints the calls without running them).
	PkgConfig  map[string]cgo.PkgConfig
	GoVersion  string
	GOROOT     string // as go reports it
	GoPkg      string // the go package (GOROOT is inside it)
	GOMODCACHE string
	ModRoot    string // the main module's directory (a workspace's: the directory of go.work)
	CC         cgo.Supports
}

// Make builds the plan.
func Make(in Input) (*Plan, error) {
	rel, ok := strings.CutPrefix(in.GOROOT, in.GoPkg)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
		return nil, fmt.Errorf("GOROOT %s is not inside the go package %s", in.GOROOT, in.GoPkg)
	}
	pl := &Plan{Version: Version, GoVersion: in.GoVersion, GorootRel: rel, Modules: map[string]string{}, Env: in.Env}
	r := &replayer{in: in, plan: pl, byPath: map[string]*adapter.Package{}, pkgs: map[string]*Package{},
		ctx: &replay.Context{GOROOT: in.GOROOT, GoPkg: in.GoPkg, GOMODCACHE: in.GOMODCACHE, ModRoot: in.ModRoot, CC: in.CC}}
	r.env = &compile.Env{Context: r.ctx, TestMains: in.TestMains, PkgConfig: in.PkgConfig, RawProfile: r.rawProfile}
	for _, p := range in.Packages {
		r.byPath[p.ImportPath] = p
	}
	if in.Actions == nil && in.Tests == nil {
		return nil, fmt.Errorf("nothing to plan: no main package to link and no package to test")
	}
	for _, script := range []struct {
		acts *actions.Plan
		test bool
		name string
	}{{in.Actions, false, "the build"}, {in.Tests, true, "the tests"}} {
		if script.acts != nil {
			if err := r.script(script.acts, script.test); err != nil {
				return nil, fmt.Errorf("%s: %w", script.name, err)
			}
		}
	}
	for _, pk := range r.pkgs {
		pl.Packages = append(pl.Packages, pk)
	}
	sort.Slice(pl.Packages, func(i, j int) bool { return pl.Packages[i].ImportPath < pl.Packages[j].ImportPath })
	if len(pl.Modules) == 0 {
		pl.Modules = nil
	}
	return pl, nil
}

// script adds the packages, links and tests of one grouped script to the plan. Each link's
// importcfg names the package that each $WORK/bNNN builds; in a test link, a package with a
// test variant for that test (go list's "PATH [TESTED.test]") stands for the variant.
func (r *replayer) script(acts *actions.Plan, test bool) error {
	r.ctx.WorkPkg = map[string]string{}
	var links []*actions.Action
	for _, a := range acts.Actions {
		if a.Link {
			links = append(links, a)
		}
	}
	if len(links) == 0 {
		return fmt.Errorf("no link step: no main package or test")
	}
	for _, l := range links {
		cfg := map[string]string{}
		main := ""
		for _, c := range l.Cmds {
			if c.Kind == actions.Write && strings.HasSuffix(c.File, "/importcfg.link") {
				for _, line := range strings.Split(c.Content, "\n") {
					if pf, ok := strings.CutPrefix(line, "packagefile "); ok {
						ip, file, _ := strings.Cut(pf, "=")
						if m := replay.WorkRE.FindString(file); m != "" {
							cfg[ip] = m
							if m == l.Work {
								main = ip
							}
						}
					}
				}
			}
		}
		for ip, w := range cfg {
			// the variant of ip built for this test, or for this program's profile (go list's
			// "PATH [MAIN]", when several programs have profiles)
			key := ip
			if v := ip + " [" + main + "]"; r.byPath[v] != nil {
				key = v
			}
			if old, ok := r.ctx.WorkPkg[w]; ok && old != key {
				return fmt.Errorf("%s builds both %s and %s", w, old, key)
			}
			r.ctx.WorkPkg[w] = key
		}
	}
	// profile-guided optimisation: cmd/go preprocesses the profile in an action of its own,
	// which every compile it gives -pgoprofile reads
	for _, a := range acts.Actions {
		if c := a.Tool("preprofile"); c != nil && !a.Link {
			key, _, err := compile.ProfileSource(r.in.ModRoot, replay.FlagValue(c.Args, "-i"))
			if err != nil {
				return fmt.Errorf("%s: %w", c.Pos, err)
			}
			r.ctx.WorkPkg[a.Work] = key
		}
	}
	for _, a := range acts.Actions {
		if a.Link {
			continue
		}
		if a.Tool("preprofile") != nil {
			if err := r.addPackage(r.profile(a)); err != nil {
				return err
			}
			continue
		}
		ip, ok := r.ctx.WorkPkg[a.Work]
		if !ok {
			return fmt.Errorf("%s: %s is not linked: no package of a link's importcfg is built in it", a.Cmds[0].Pos, a.Work)
		}
		p := r.byPath[ip]
		if p == nil {
			return fmt.Errorf("it builds %s, which go list did not report", ip)
		}
		c, err := compile.Compile(r.env, a, p)
		if err != nil {
			return fmt.Errorf("package %s: %w", ip, err)
		}
		if c.Source.Kind == "module" {
			r.plan.Modules[c.Source.Module] = c.ModuleDir
		}
		if err := r.addPackage(&Package{ImportPath: p.ImportPath, Standard: p.Standard, Source: c.Source, Step: c.Step}, nil); err != nil {
			return err
		}
	}
	for _, l := range links {
		main := r.ctx.WorkPkg[l.Work]
		res, err := link.Link(r.ctx, l, main, test)
		if err != nil {
			return fmt.Errorf("link of %s: %w", main, err)
		}
		st, bin, run := res.Step, res.Binary, res.Run
		if !test {
			r.plan.Links = append(r.plan.Links, &Link{ImportPath: main, Binary: bin, Step: st})
			continue
		}
		tested := strings.TrimSuffix(main, ".test")
		p := r.byPath[tested]
		if p == nil || run == nil {
			return fmt.Errorf("test binary %s: no run of it, or no package %s", bin, tested)
		}
		dir, err := replay.UnderRoot(r.in.ModRoot, p.Dir)
		if err != nil {
			return err
		}
		r.plan.Tests = append(r.plan.Tests, &Test{ImportPath: tested, Dir: dir, Binary: bin, Link: st, Run: *run})
	}
	return nil
}

// addPackage adds pk to the plan; a package built by both scripts must be built the same way.
func (r *replayer) addPackage(pk *Package, err error) error {
	if err != nil {
		return fmt.Errorf("package %s: %w", pk.ImportPath, err)
	}
	ip := pk.ImportPath
	if old, ok := r.pkgs[ip]; ok && (old.Script != pk.Script || !slices.Equal(old.Deps, pk.Deps)) {
		return fmt.Errorf("package %s is built differently for the build and for its tests:\n%s\nand\n%s", ip, old.Script, pk.Script)
	}
	r.pkgs[ip] = pk
	return nil
}

// profile is the derivation of the preprocessed PGO profile (go >= 1.23's preprofile action).
func (r *replayer) profile(a *actions.Action) (*Package, error) {
	file := replay.FlagValue(a.Tool("preprofile").Args, "-i")
	key, src, err := compile.ProfileSource(r.in.ModRoot, file)
	if err != nil {
		return &Package{ImportPath: file}, err
	}
	st, err := compile.Profile(r.ctx, a)
	return &Package{ImportPath: key, Source: src, Step: st}, err
}

// rawProfile is the derivation of a PGO profile that the compiles read as it is (go 1.22,
// which has no preprofile action); it returns its key.
func (r *replayer) rawProfile(file string) (string, error) {
	key, src, err := compile.ProfileSource(r.in.ModRoot, file)
	if err != nil {
		return "", err
	}
	return key, r.addPackage(&Package{ImportPath: key, Source: src, Step: compile.RawProfile(r.ctx, file)}, nil)
}

type replayer struct {
	in     Input
	plan   *Plan
	ctx    *replay.Context // of the script being replayed
	env    *compile.Env
	byPath map[string]*adapter.Package
	pkgs   map[string]*Package
}
