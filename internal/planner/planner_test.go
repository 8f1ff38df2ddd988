package planner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgd-build/dgd/internal/goldens"
	"github.com/google/go-cmp/cmp"
)

// fakeGo writes a go command that answers `go env`, `go list` and `go build -n` from files.
func fakeGo(t *testing.T, goVersion string, list, buildN []byte) string {
	t.Helper()
	d := t.TempDir()
	env := `{"GOROOT": "/goroot", "GOMODCACHE": "/gomodcache", "GOVERSION": "` + goVersion + `", "CC": "gcc", "CXX": "g++", "CGO_ENABLED": "0", "GOMOD": "` + d + `/go.mod", "GOWORK": ""}`
	for name, b := range map[string][]byte{"env.json": []byte(env), "list.json": list, "build-n.txt": buildN} {
		if err := os.WriteFile(filepath.Join(d, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := "#!/bin/sh\ncase $1 in\nenv) cat " + d + "/env.json ;;\nlist) cat " + d + "/list.json ;;\nbuild) cat " + d + "/build-n.txt >&2 ;;\nesac\n"
	p := filepath.Join(d, "go")
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUnknownGoVersion(t *testing.T) {
	g := fakeGo(t, "go1.99.1", nil, nil)
	_, err := Plan(context.Background(), Config{Go: g, Dir: t.TempDir(), Packages: []string{"."}, Env: os.Environ()})
	if err == nil || !strings.Contains(err.Error(), "Go go1.99.1 is not known to dgd") || !strings.Contains(err.Error(), "dgd-golden") {
		t.Errorf("error = %v", err)
	}
}

func TestUnknownShape(t *testing.T) {
	r, err := goldens.Load("go1.26.8", "hello")
	if err != nil {
		t.Fatal(err)
	}
	// a command that no Go version prints, after the first action
	n := strings.Replace(string(r.Files[goldens.BuildN]), "mkdir -p $WORK/b005/\n", "mkdir -p $WORK/b005/\nfrobnicate $WORK/b005\n", 1)
	g := fakeGo(t, "go1.26.8", r.Files[goldens.GoList], []byte(n))
	_, err = Plan(context.Background(), Config{Go: g, Dir: t.TempDir(), Packages: []string{"."}, Env: os.Environ()})
	for _, want := range []string{"go build -n (go1.26.8):", `unrecognised command "frobnicate"`, "frobnicate $WORK/b005", "dgd-golden"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
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
