package plan_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/dgd-build/dgd/internal/goldencheck"
	"github.com/dgd-build/dgd/internal/goldens"
	. "github.com/dgd-build/dgd/internal/plan"
	"github.com/google/go-cmp/cmp"
	"mvdan.cc/sh/v3/syntax"
)

const recordedGo = "go1.26.8"

// makeRecorded plans a recorded example as if on the recording machine.
func makeRecorded(t *testing.T, example string) *Plan { return planRecorded(t, recordedGo, example) }

// planRecorded plans the recording of example made with goVersion.
func planRecorded(t *testing.T, goVersion, example string) *Plan {
	t.Helper()
	r, err := goldens.Load(goVersion, example)
	if err != nil {
		t.Fatal(err)
	}
	if err := goldencheck.Derive(r); err != nil {
		t.Fatalf("%s %s: %v", goVersion, example, err)
	}
	p := new(Plan)
	if err := json.Unmarshal(r.Files[goldens.Plan], p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRecordedExamplesPlan(t *testing.T) {
	wantBin := map[string][]string{"asm": {"asm"}, "cgo": {"cgo"}, "dep": {"dep"}, "embed": {"embed"}, "hello": {"hello"},
		"majorv2": {"majorv2"}, "multi": {"one", "two", "gen"}, "packages": {"packages"}, "pgo": {"pgo"}, "stamped": {"stamped"}, "subpackage": {"hello"}, "tested": {"tested"},
		"vendored": {"vendored"}, "workspace": {"app"}}
	for _, ex := range goldens.Examples {
		t.Run(ex, func(t *testing.T) {
			p := makeRecorded(t, ex)
			var bins []string
			var steps []*Step
			for _, l := range p.Links {
				bins = append(bins, l.Binary)
				steps = append(steps, &l.Step)
				for _, want := range []string{`mkdir -p "$w"'/exe/'`, `mv "$w"'/exe/a.out' "$out"'/bin/` + l.Binary + `'`} {
					if !strings.Contains(l.Script, want) {
						t.Errorf("the link's script lacks %s:\n%s", want, l.Script)
					}
				}
			}
			if diff := cmp.Diff(wantBin[ex], bins); diff != "" {
				t.Errorf("binaries (-want +got):\n%s", diff)
			}
			for _, tt := range p.Tests {
				steps = append(steps, &tt.Link, &tt.Run)
			}
			for _, pk := range p.Packages {
				steps = append(steps, &pk.Step)
			}
			for _, st := range steps {
				script := strings.ReplaceAll(st.Script, "@@goroot@@/src/", "@@goroot@@/")
				for _, bad := range []string{goldens.ModRoot + "/", goldens.GOROOT, goldens.GOMODCACHE, "$WORK"} {
					if i := strings.Index(script, bad); i >= 0 {
						t.Errorf("a script keeps %q: ...%s...", bad, script[max(0, i-80):min(len(script), i+80)])
					}
				}
			}
		})
	}
}

func TestScriptsAreValidShell(t *testing.T) {
	p := makeRecorded(t, "cgo")
	for _, pk := range append(p.Packages, &Package{ImportPath: "link", Step: p.Links[0].Step}) {
		cmd := exec.Command("sh", "-n")
		cmd.Stdin = strings.NewReader(pk.Script)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: sh -n: %v\n%s", pk.ImportPath, err, out)
		}
	}
}

func TestPackagesDeps(t *testing.T) {
	p := makeRecorded(t, "packages")
	got := map[string]Source{}
	var mainDeps []string
	for _, pk := range p.Packages {
		if pk.Source.Kind == "main" {
			got[pk.ImportPath] = pk.Source
		}
		if pk.ImportPath == "example.com/packages" {
			mainDeps = pk.Deps
		}
	}
	want := map[string]Source{
		"example.com/packages":   {Kind: "main", Dir: ".", Files: []string{"main.go"}},
		"example.com/packages/a": {Kind: "main", Dir: "a", Files: []string{"a.go"}},
		"example.com/packages/b": {Kind: "main", Dir: "b", Files: []string{"b.go"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sources mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"example.com/packages/a", "example.com/packages/b", "fmt", "runtime"}, mainDeps); diff != "" {
		t.Errorf("main's deps mismatch (-want +got):\n%s", diff)
	}
}

func TestDepModules(t *testing.T) {
	p := makeRecorded(t, "dep")
	want := map[string]string{
		"github.com/google/uuid@v1.6.0":         "github.com/google/uuid@v1.6.0",
		"github.com/mattn/go-runewidth@v0.0.16": "github.com/mattn/go-runewidth@v0.0.16",
		"github.com/rivo/uniseg@v0.2.0":         "github.com/rivo/uniseg@v0.2.0",
	}
	if diff := cmp.Diff(want, p.Modules); diff != "" {
		t.Errorf("modules mismatch (-want +got):\n%s", diff)
	}
}

func TestVendoredAndWorkspaceSources(t *testing.T) {
	for _, tc := range []struct {
		example, pkg string
		want         Source
	}{
		{"vendored", "github.com/pkg/errors", Source{Kind: "main", Dir: "vendor/github.com/pkg/errors", Files: []string{"errors.go", "go113.go", "stack.go"}}},
		{"workspace", "example.com/greet", Source{Kind: "main", Dir: "greet", Files: []string{"greet.go"}}},
		{"workspace", "example.com/app", Source{Kind: "main", Dir: "app", Files: []string{"main.go"}}},
		{"workspace", "github.com/google/uuid", Source{Kind: "module", Module: "github.com/google/uuid@v1.6.0", Dir: "."}},
	} {
		p := makeRecorded(t, tc.example)
		var got *Source
		for _, pk := range p.Packages {
			if pk.ImportPath == tc.pkg {
				got = &pk.Source
			}
		}
		if got == nil {
			t.Errorf("%s: no package %s", tc.example, tc.pkg)
			continue
		}
		if diff := cmp.Diff(tc.want, *got); diff != "" {
			t.Errorf("%s: %s's source mismatch (-want +got):\n%s", tc.example, tc.pkg, diff)
		}
	}
}

func TestCgoFlagsRestored(t *testing.T) {
	p := makeRecorded(t, "cgo")
	for _, pk := range p.Packages {
		if pk.ImportPath != "example.com/cgo" {
			continue
		}
		for _, want := range []string{`'-ffile-prefix-map='"$w"'=/tmp/go-build'`, "'-gno-record-gcc-switches'",
			"'-ffile-prefix-map=@@src@@=/_/example.com/cgo'", "'-Wl,--no-gc-sections'"} {
			if !strings.Contains(pk.Script, want) {
				t.Errorf("the cgo package's script lacks %s:\n%s", want, pk.Script)
			}
		}
		if !pk.CC {
			t.Errorf("the cgo package is not marked as running the C compiler")
		}
		return
	}
	t.Fatal("no package example.com/cgo")
}

// TestSourceQuoted: @@src@@ stands only inside plain single quotes in every script of every
// recorded example and Go version, where the Nix side may put a shell expansion in its place
// ('"$s"', nix/packages.nix's inline: a main-module package whose files its derivation carries).
func TestSourceQuoted(t *testing.T) {
	vs, err := goldens.Versions()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		for _, ex := range goldens.Examples {
			p := planRecorded(t, v, ex)
			main := 0
			for _, pk := range p.Packages {
				if pk.Source.Kind != "main" {
					continue
				}
				main++
				f, err := syntax.NewParser().Parse(strings.NewReader(pk.Script), pk.ImportPath)
				if err != nil {
					t.Fatalf("%s %s: %v", v, ex, err)
				}
				quoted := 0
				syntax.Walk(f, func(n syntax.Node) bool {
					if q, ok := n.(*syntax.SglQuoted); ok && !q.Dollar {
						quoted += strings.Count(q.Value, "@@src@@")
					}
					return true
				})
				if all := strings.Count(pk.Script, "@@src@@"); all == 0 || quoted != all {
					t.Errorf("%s %s: %s: @@src@@ %d times, %d of them in single quotes:\n%s", v, ex, pk.ImportPath, all, quoted, pk.Script)
				}
			}
			if main == 0 {
				t.Errorf("%s %s: no main-module package", v, ex)
			}
		}
	}
}
