package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// A corpus program (corpus.json): a real program from the Go module proxy with the arguments
// of its nixpkgs package, translated (notes says what could not be kept and why).
type corpusProgram struct {
	Name, Module, Nixpkgs string
	Features              []string
	Args                  string // the argument of buildWithIFD/buildWithDynDrv; @SRC@ is the source
	// PostPatch is shell run in the source tree before anything else: nixpkgs' postPatch, as
	// a user of dgd gives it (src = applyPatches { inherit src; postPatch = ...; })
	PostPatch string
	Build     struct {
		Packages      []string
		Ldflags, Tags string
		Env           []string
		ModRoot       string
	}
	Test struct {
		Packages, Flags []string
	}
	Bins                   []string
	Packages, TestPackages int
	Notes                  string
}

// corpusInTest are the corpus programs that `make test` builds (both builders); `make corpus`
// (DGD_CORPUS=all) builds every one, DGD_CORPUS=a,b the ones named.
var corpusInTest = []string{"go-task", "protoc-gen-go-grpc", "gofumpt", "gdu"}

func loadCorpus(t *testing.T) []corpusProgram {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "e2e", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ps []corpusProgram
	if err := json.Unmarshal(b, &ps); err != nil {
		t.Fatalf("corpus.json: %v", err)
	}
	return ps
}

// TestCorpus builds real programs with their nixpkgs arguments and nixpkgs' defaults (tests
// on, binaries stripped), both builders, from a dgd.lock written by `dgd lock`: every binary
// is go build's with the same flags after strip -S, every package go test would test has a
// test run in the build (which fails when a test fails), and a table of the results is
// printed (and written to $DGD_CORPUS_TABLE when set).
func TestCorpus(t *testing.T) {
	requireNix(t)
	want := corpusInTest
	switch sel := os.Getenv("DGD_CORPUS"); sel {
	case "":
	case "all":
		want = nil
	default:
		want = strings.Split(sel, ",")
	}
	var rows []string
	corpus := loadCorpus(t)
	for _, name := range want {
		if !slices.ContainsFunc(corpus, func(p corpusProgram) bool { return p.Name == name }) {
			t.Fatalf("DGD_CORPUS names %q, which e2e/corpus.json does not have", name)
		}
	}
	for _, p := range corpus {
		if want != nil && !slices.Contains(want, p.Name) {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			row := corpusBuild(t, p)
			rows = append(rows, row)
			t.Log(row)
		})
	}
	if len(rows) == 0 {
		t.Fatalf("no corpus program is named %q", want)
	}
	table := "| program | module | packages (with tests) | features | IFD: result, time, derivations built | DynDrv |\n|---|---|---|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
	fmt.Print(table)
	if f := os.Getenv("DGD_CORPUS_TABLE"); f != "" {
		if err := os.WriteFile(f, []byte(table), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// corpusBuild builds one program both ways and returns its row of the table.
func corpusBuild(t *testing.T, p corpusProgram) string {
	// the source tree: the module's files, in the directory modRoot of it when it is nested
	// (the proxy serves the module alone; its repository had it there)
	src, modDir := download(t, p.Module), ""
	if m := p.Build.ModRoot; m != "" && m != "." {
		tree := filepath.Join(t.TempDir(), "tree")
		modDir = filepath.Join(tree, m)
		if err := os.MkdirAll(filepath.Dir(modDir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(src, modDir); err != nil {
			t.Fatal(err)
		}
		src = tree
	} else {
		modDir = src
	}
	if p.PostPatch != "" {
		runIn(t, src, nil, "sh", "-ec", p.PostPatch)
	}
	runIn(t, modDir, []string{"GOFLAGS=-mod=mod"}, dgdBin(t), "lock")
	corpusSkeletonPlans(t, p, src, modDir)
	ref := corpusReference(t, p, modDir)
	tested := corpusTested(t, p, modDir)
	// the arguments as given, with the source (a function's too: finalAttrs)
	args := strings.ReplaceAll(p.Args, "@SRC@", src)
	cells := []string{}
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		expr := fmt.Sprintf(`(import %s { }).%s (%s)`, repo, builder, args)
		t0 := time.Now()
		outs, log, err := nixBuild(t, "-E", expr)
		took := time.Since(t0)
		if err != nil {
			t.Errorf("%s: %v\n%s", builder, err, tail(log, 60))
			cells = append(cells, "FAIL")
			continue
		}
		ok := "identical"
		for _, bin := range p.Bins {
			got, err := os.ReadFile(filepath.Join(outs[0], "bin", bin))
			if err != nil || !bytes.Equal(got, ref[bin]) {
				t.Errorf("%s: bin/%s differs from go build -ldflags=%q -tags=%q after strip -S (%d vs %d bytes, %v)", builder, bin, p.Build.Ldflags, p.Build.Tags, len(got), len(ref[bin]), err)
				ok = "DIFFERS"
			}
		}
		cells = append(cells, fmt.Sprintf("%s, %.0f s, %d", ok, took.Seconds(), len(built(log))))
	}
	// every package with tests among the tested ones has its test run in the build; the
	// runtime layer planned apart from the program is the plan's own (TestEarlyLayer), but
	// where the program's profile makes the standard library its own
	out, _ := commandOutput(t, repo, "nix-instantiate", "--eval", "--json", "--strict", "-E",
		fmt.Sprintf(`let p = ((import %s { }).buildWithIFD (%s)).passthru; in {
		  runs = builtins.attrNames p.tests;
		  early = if p.earlyLayer == null then null else [ p.earlyLayer.drvPath p.packages.runtime.drvPath ];
		}`, repo, args))
	var got struct {
		Runs  []string
		Early *[2]string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Runs, tested) {
		t.Errorf("the build runs the tests of %q, go test those of %q", got.Runs, tested)
	}
	switch profiled := strings.Contains(p.Args, "-pgo=") || mainProfile(t, modDir) != ""; {
	case got.Early == nil && !profiled:
		t.Errorf("no early runtime layer, and neither -pgo= in the arguments nor a default.pgo beside a main package's files")
	case got.Early != nil && got.Early[0] != got.Early[1]:
		t.Errorf("the early runtime layer is %s, the plan's %s", got.Early[0], got.Early[1])
	}
	version := p.Module[strings.LastIndex(p.Module, "@")+1:]
	return fmt.Sprintf("| %s %s | %s | %d (%d) | %s | %s |", p.Name, version, strings.Split(p.Module, "@")[0], p.Packages, p.TestPackages,
		strings.Join(p.Features, "; "), strings.Join(cells, " | "))
}

var packageMainRE = regexp.MustCompile(`(?m)^package main\b`)

// mainProfile returns a default.pgo of the tree dir that sits beside a Go file (not a test's)
// of package main, or "": a profile that go build's -pgo=auto applies to that program.
func mainProfile(t *testing.T, dir string) string {
	t.Helper()
	found := ""
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found != "" || d.Name() != "default.pgo" {
			return err
		}
		gos, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.go"))
		for _, g := range gos {
			b, err := os.ReadFile(g)
			if err != nil {
				return err
			}
			if !strings.HasSuffix(g, "_test.go") && packageMainRE.Match(b) {
				found = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// corpusSkeletonPlans checks the plan cutoff on a real program: dgd plans the same from the
// skeleton of the source tree src (the planner's input in the builds) as from src itself, with
// the program's flags and tests.
func corpusSkeletonPlans(t *testing.T, p corpusProgram, src, modDir string) {
	t.Helper()
	rel, err := filepath.Rel(src, modDir)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	skel := filepath.Join(tmp, "skeleton")
	runIn(t, src, nil, dgdBin(t), "skeleton", src, skel+".tar")
	runIn(t, src, nil, dgdBin(t), "skeleton", "-x", skel+".tar", skel)
	args := []string{"plan", "-o", "-", "-goflag=-ldflags=" + p.Build.Ldflags}
	if p.Build.Tags != "" {
		args = append(args, "-goflag=-tags="+p.Build.Tags)
	}
	if len(p.Test.Packages) > 0 {
		args = append(args, "-test")
		for _, f := range p.Test.Flags {
			args = append(args, "-testflag="+f)
		}
	}
	args = append(args, p.Build.Packages...)
	env := append([]string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}, p.Build.Env...)
	plan := func(dir string) string {
		out, errs := commandOutput(t, dir, "env", append(append(env, dgdBin(t)), args...)...)
		if out == "" {
			t.Fatalf("dgd plan in %s: %s", dir, errs)
		}
		return out
	}
	full, fromSkel := plan(modDir), plan(filepath.Join(skel, rel))
	if full != fromSkel {
		a, b := strings.Split(full, "\n"), strings.Split(fromSkel, "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("the plan from the skeleton differs from the plan from the sources, first at line %d:\n%s\nvs\n%s", i+1, a[i], b[i])
				return
			}
		}
		t.Errorf("the plan from the skeleton has %d lines, from the sources %d", len(b), len(a))
	}
}

// corpusReference is the oracle: go build's binaries with the program's flags, stripped as Nix
// strips (strip -S).
func corpusReference(t *testing.T, p corpusProgram, dir string) map[string][]byte {
	t.Helper()
	out := t.TempDir()
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + strings.TrimSpace(p.Build.Ldflags+" -buildid=")}
	if p.Build.Tags != "" {
		args = append(args, "-tags="+p.Build.Tags)
	}
	args = append(append(args, "-o", out+"/"), p.Build.Packages...)
	runIn(t, dir, append([]string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}, p.Build.Env...), "go", args...)
	bins := map[string][]byte{}
	for _, b := range p.Bins {
		f := filepath.Join(out, b)
		stripS(t, f)
		bins[b], _ = os.ReadFile(f)
	}
	return bins
}

// corpusTested are the packages with test files that go test tests for the program: its test
// packages' patterns minus buildGoModule's default exclusions when they are ./....
func corpusTested(t *testing.T, p corpusProgram, dir string) []string {
	t.Helper()
	if len(p.Test.Packages) == 0 { // doCheck = false
		return nil
	}
	args := []string{"list", "-f", "{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}"}
	if p.Build.Tags != "" {
		args = append(args, "-tags="+p.Build.Tags)
	}
	out := runIn(t, dir, append([]string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}, p.Build.Env...), "go", append(args, p.Test.Packages...)...)
	exclude := regexp.MustCompile(`(^|/)(examples|Godeps)(/|$)`)
	var ips []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		ip, d, ok := strings.Cut(l, " ")
		if !ok {
			continue
		}
		if rel, err := filepath.Rel(dir, d); err == nil && slices.Contains(p.Test.Packages, "./...") && exclude.MatchString(filepath.ToSlash(rel)) {
			continue
		}
		ips = append(ips, ip)
	}
	sort.Strings(ips)
	return ips
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	l := strings.Split(s, "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
