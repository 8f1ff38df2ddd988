package scaffold

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite templates/default/flake.nix")

// The flake template is Template's rendering: go test -update writes it again.
func TestTemplate(t *testing.T) {
	file := filepath.Join("..", "..", "templates", "default", "flake.nix")
	if *update {
		if err := os.WriteFile(file, Template(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(Template()), string(got)); d != "" {
		t.Errorf("%s is not Template()'s (go test ./internal/scaffold -update writes it) (-want +got):\n%s", file, d)
	}
}

func TestProgramName(t *testing.T) {
	for _, c := range []struct{ pkg, mod, want string }{
		{"github.com/mikefarah/yq/v4", "github.com/mikefarah/yq/v4", "yq"},
		{"github.com/a/b/v2/cmd/v2", "github.com/a/b/v2", "v2"},
		{"example.com/m/cmd/tool", "example.com/m", "tool"},
		{"v3", "v3", "v3"},
		{"filippo.io/mkcert", "filippo.io/mkcert", "mkcert"},
	} {
		if got := programName(c.pkg, c.mod); got != c.want {
			t.Errorf("programName(%q, %q) = %q, want %q", c.pkg, c.mod, got, c.want)
		}
	}
}

// Detect on a module of three main packages (one under examples/, which buildGoModule leaves
// out), a library package, a go.mod that requires a module and no download: the main packages
// as subPackages and their programs' names, nothing downloaded.
func TestDetect(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":              "module example.com/tool/v2\n\ngo 1.22\n\nrequire golang.org/x/text v0.3.0\n",
		"main.go":             "package main\n\nfunc main() {}\n",
		"cmd/helper/main.go":  "package main\n\nimport _ \"golang.org/x/text/language\"\n\nfunc main() {}\n",
		"examples/ex/main.go": "package main\n\nfunc main() {}\n",
		"lib/lib.go":          "package lib\n",
		"gen.go":              "//go:build ignore\n\npackage main\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Detect(context.Background(), goBin, dir, append(os.Environ(), "GOPROXY=off", "GOMODCACHE="+t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	want := &Module{Path: "example.com/tool/v2", Mains: []string{".", "cmd/helper"}, Programs: []string{"tool", "helper"}, Requires: true}
	if d := cmp.Diff(want, m); d != "" {
		t.Errorf("Detect mismatch (-want +got):\n%s", d)
	}
	if m.Pname() != "tool" {
		t.Errorf("Pname() = %q, want tool", m.Pname())
	}
}
