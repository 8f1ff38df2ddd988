package planner

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/adapter"
	"github.com/dgd-build/dgd/internal/plan"
)

// Derived is what dgd makes of a recording: the typed actions of go build -n and go test -n,
// and the plan.
type Derived struct {
	Actions, Tests *actions.Plan // nil: no main package, no tested package
	Plan           *plan.Plan
}

// Derive turns what the processes printed into the plan: it decodes go list's packages,
// chooses the main and tested ones (roots), parses and groups the scripts of go build -n
// and go test -n, and makes the plan. It runs nothing.
func Derive(r *Recorded) (*Derived, error) {
	ge := r.GoEnv
	modRoot, err := ge.check("")
	if err != nil {
		return nil, err
	}
	pkgs, mains, tested, err := r.roots(modRoot)
	if err != nil {
		return nil, err
	}
	version := ge["GOVERSION"]
	opt := actions.Options{CC: firstWord(ge["CC"]), CXX: firstWord(ge["CXX"]), PkgConfig: ge.pkgConfig()}
	script := func(verb string, out []byte, want []string) (*actions.Plan, error) {
		if len(want) == 0 {
			return nil, nil
		}
		if out == nil {
			return nil, fmt.Errorf("internal error: no go %s -n recorded for %s", verb, strings.Join(want, " "))
		}
		s, err := actions.Parse("go "+verb+" -n ("+version+")", out, opt)
		if err != nil {
			return nil, fmt.Errorf("%w\nThis shape of `go %s -n` (%s) is not known to dgd: record it with dgd-golden and teach the parser", err, verb, version)
		}
		return actions.Group(s)
	}
	d := &Derived{}
	if d.Actions, err = script("build", r.BuildN, mains); err != nil {
		return nil, err
	}
	if d.Tests, err = script("test", r.TestN, tested); err != nil {
		return nil, err
	}
	var stepEnv []string
	for _, k := range toolEnv {
		if v := ge[k]; v != "" {
			stepEnv = append(stepEnv, k+"="+v)
		}
	}
	in := plan.Input{Packages: pkgs, Actions: d.Actions, Tests: d.Tests, TestMains: r.TestMains, Env: stepEnv, PkgConfig: r.PkgConfig,
		GoVersion: version, GOROOT: ge["GOROOT"], GoPkg: cmp.Or(r.GoPkg, ge["GOROOT"]), GOMODCACHE: ge["GOMODCACHE"], ModRoot: modRoot}
	if r.CCSupports != nil {
		in.CC = func(flag string) bool {
			v, ok := r.CCSupports[flag]
			if !ok {
				panic("internal error: the C compiler was not asked about " + flag + " (cgo.Probed)")
			}
			return v
		}
	}
	if d.Plan, err = plan.Make(in); err != nil {
		return nil, err
	}
	return d, nil
}

// check says whether dgd knows this Go and returns the main module's root (a workspace's:
// the directory of go.work). dir names the directory go ran in, for the error.
func (ge GoEnv) check(dir string) (string, error) {
	if v := ge["GOVERSION"]; !slices.Contains(knownGo, minorVersion(v)) {
		return "", fmt.Errorf("Go %s is not known to dgd (known: %s): its `go build -n` may print shapes dgd has not seen; record its goldens with dgd-golden, review the diff, and teach the parser what changed", v, strings.Join(knownGo, ", "))
	}
	switch gowork, gomod := ge["GOWORK"], ge["GOMOD"]; {
	case gowork != "" && gowork != "off":
		return filepath.Dir(gowork), nil
	case gomod == "" || gomod == os.DevNull:
		return "", fmt.Errorf("%s is not in a Go module: no go.mod found (create one with `go mod init`)", cmp.Or(dir, "the directory"))
	default:
		return filepath.Dir(gomod), nil
	}
}

// pkgConfig is the pkg-config command cmd/go runs.
func (ge GoEnv) pkgConfig() string { return cmp.Or(firstWord(ge[pkgConfigVar]), "pkg-config") }

// roots decodes go list's packages and chooses the main and the tested ones (roots).
func (r *Recorded) roots(modRoot string) (pkgs []*adapter.Package, mains, tested []string, err error) {
	if pkgs, err = adapter.DecodeBytes(r.List); err != nil {
		return nil, nil, nil, err
	}
	mains, tested, err = roots(pkgs, modRoot, r.Request)
	return pkgs, mains, tested, err
}

// DefaultExclude is what buildGoModule leaves out of ./... unless told which packages to build.
const DefaultExclude = `(^|/)(examples|Godeps)(/|$)`

// roots are the packages named by req.Packages, as go build and go test take them: the main
// packages to link and, with req.Test, the packages with test files.
func roots(pkgs []*adapter.Package, modRoot string, req Request) (mains, tested []string, err error) {
	var res []*regexp.Regexp
	for _, e := range req.Exclude {
		re, err := regexp.Compile(e)
		if err != nil {
			return nil, nil, fmt.Errorf("excluded package pattern %q: %w", e, err)
		}
		res = append(res, re)
	}
	if slices.Contains(req.Packages, "./...") {
		res = append(res, regexp.MustCompile(DefaultExclude))
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
		if req.Test && p.HasTests() {
			tested = append(tested, p.ImportPath)
		}
	}
	if len(mains) == 0 && len(tested) == 0 {
		what := "no main package"
		if req.Test {
			what += " and no package with tests"
		}
		note := ""
		if len(excluded) > 0 {
			note = " (excluded: " + strings.Join(excluded, " ") + ")"
		}
		return nil, nil, fmt.Errorf("%s in %s%s: dgd builds programs; name them with subPackages", what, strings.Join(req.Packages, " "), note)
	}
	return mains, tested, nil
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
