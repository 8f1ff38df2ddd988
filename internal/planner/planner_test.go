package planner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgd-build/dgd/internal/goldens"
	"github.com/google/go-cmp/cmp"
)

// recorded is the recording of examples/hello with go1.26.8, its go build -n edited by edit.
func recorded(t *testing.T, goVersion string, edit func(string) string) *Recorded {
	t.Helper()
	r, err := goldens.Load("go1.26.8", "hello")
	if err != nil {
		t.Fatal(err)
	}
	return &Recorded{Request: Request{Packages: []string{"."}},
		GoEnv: GoEnv{"GOVERSION": goVersion, "GOROOT": goldens.GOROOT, "GOMODCACHE": goldens.GOMODCACHE, "CC": "gcc",
			"CGO_ENABLED": "0", "GOMOD": goldens.ModRoot + "/hello/go.mod"},
		List: r.Files[goldens.GoList], BuildN: []byte(edit(string(r.Files[goldens.BuildN])))}
}

func TestUnknownGoVersion(t *testing.T) {
	_, err := Derive(recorded(t, "go1.99.1", func(s string) string { return s }))
	if err == nil || !strings.Contains(err.Error(), "Go go1.99.1 is not known to dgd") || !strings.Contains(err.Error(), "dgd-golden") {
		t.Errorf("error = %v", err)
	}
}

func TestUnknownShape(t *testing.T) {
	// a command that no Go version prints, after the first action
	_, err := Derive(recorded(t, "go1.26.8", func(s string) string {
		return strings.Replace(s, "mkdir -p $WORK/b005/\n", "mkdir -p $WORK/b005/\nfrobnicate $WORK/b005\n", 1)
	}))
	for _, want := range []string{"go build -n (go1.26.8):", `unrecognised command "frobnicate"`, "frobnicate $WORK/b005", "dgd-golden"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// Derive plans what the recording holds: the hello example's one main package and its link.
func TestDerive(t *testing.T) {
	d, err := Derive(recorded(t, "go1.26.8", func(s string) string { return s }))
	if err != nil {
		t.Fatal(err)
	}
	if d.Tests != nil || len(d.Plan.Links) != 1 || d.Plan.Links[0].Binary != "hello" || len(d.Plan.Packages) == 0 {
		t.Errorf("tests %v, links %+v, %d packages", d.Tests, d.Plan.Links, len(d.Plan.Packages))
	}
}

// subPackages = [ "cmd/*" ] is a shell pattern in buildGoModule: its directories, sorted; go's
// own patterns stay; a pattern that matches no directory is an error that names it.
func TestExpandGlobs(t *testing.T) {
	d := t.TempDir()
	for _, dir := range []string{"cmd/b", "cmd/a", "tools/x"} {
		if err := os.MkdirAll(filepath.Join(d, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(d, "cmd", "README"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := expandGlobs(d, []string{"./cmd/*", "./...", "./tools/x"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"./cmd/a", "./cmd/b", "./...", "./tools/x"}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if _, err := expandGlobs(d, []string{"./nothing/*"}); err == nil || !strings.Contains(err.Error(), `"./nothing/*"`) {
		t.Errorf("error = %v, want one naming the pattern", err)
	}
}

// A line of go test -n is named as such in errors, with its line and column.
func TestUnknownShapeInTests(t *testing.T) {
	r, err := goldens.Load("go1.26.8", "tested")
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Replace(string(r.Files[goldens.TestN]), "mkdir -p $WORK/b001/\n", "mkdir -p $WORK/b001/\n  frobnicate $WORK/b001\n", 1)
	line := strings.Count(n[:strings.Index(n, "  frobnicate")], "\n") + 1
	rec := &Recorded{Request: Request{Packages: []string{"./..."}, Test: true},
		GoEnv: GoEnv{"GOVERSION": "go1.26.8", "GOROOT": goldens.GOROOT, "GOMODCACHE": goldens.GOMODCACHE, "CC": "gcc",
			"CGO_ENABLED": "0", "GOMOD": goldens.ModRoot + "/tested/go.mod"},
		List: r.Files[goldens.GoList], BuildN: r.Files[goldens.BuildN], TestN: []byte(n)}
	_, err = Derive(rec)
	want := fmt.Sprintf("go test -n (go1.26.8):%d:3: unrecognised command \"frobnicate\"", line)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error lacks %q: %v", want, err)
	}
}
