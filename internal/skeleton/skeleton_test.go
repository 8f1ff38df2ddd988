package skeleton

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"go/build"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dgd-build/dgd/internal/goldens"
	"github.com/dgd-build/dgd/internal/planner"
	"github.com/google/go-cmp/cmp"
)

func TestGoFile(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"imports and body",
			"// Package a.\npackage a\n\nimport (\n\t\"fmt\"\n\tx \"os\"\n)\n\nfunc F() { fmt.Println(x.Args) }\n",
			"// Package a.\npackage a\n\nimport (\n\t\"fmt\"\n\tx \"os\"\n)\n"},
		{"no imports", "//go:build linux\n\npackage a\n\nvar V = 1\n", "//go:build linux\n\npackage a\n"},
		{"a comment after the last import", "package a\nimport \"C\" // cgo\nfunc F() {}\n", "package a\nimport \"C\" // cgo\n"},
		{"a block comment after the last import", "package a\nimport \"os\" /* one\ntwo */ var V = os.Args\n",
			"package a\nimport \"os\" /* one\ntwo */ var V = os.Args\n"},
		{"cgo preamble", "package a\n\n// #cgo LDFLAGS: -lm\n// #include <math.h>\nimport \"C\"\nimport \"embed\"\n\nfunc F() {}\n",
			"package a\n\n// #cgo LDFLAGS: -lm\n// #include <math.h>\nimport \"C\"\nimport \"embed\"\n"},
		{"embed lines, not in strings or after code",
			"package a\n\nimport _ \"embed\"\n\n//go:embed a.txt\nvar A string\n\nvar S = `\n//go:embed no.txt\n`\n\nvar B string //go:embed no2.txt\n\n\t//go:embed b/*\nvar C string\n",
			"package a\n\nimport _ \"embed\"\n\n//go:embed a.txt\n\n//go:embed b/*\nvar _ int\n"},
		{"one-line imports", "package a; import \"os\"; import (\"fmt\"); var V = fmt.Sprint(os.Args)",
			"package a; import \"os\"; import (\"fmt\");"},
		{"no package clause: whole", "func F() {}\n", "func F() {}\n"},
		{"a broken import: whole", "package a\nimport (\n\t\"os\"\nfunc F() {}\n", "package a\nimport (\n\t\"os\"\nfunc F() {}\n"},
		{"a body that does not scan: whole", "package a\nvar s = \"unterminated\n", "package a\nvar s = \"unterminated\n"},
	} {
		if got := string(goFile([]byte(tc.src))); got != tc.want {
			t.Errorf("%s: mismatch (-want +got):\n%s", tc.name, cmp.Diff(tc.want, got))
		}
	}
}

func TestLeadingComments(t *testing.T) {
	src := "// +build ignore\n\n/* x */\n//go:build linux\n#include <a.h>\nint f() { return 0; } // x\n"
	if got, want := string(src[:leadingComments([]byte(src))]), "// +build ignore\n\n/* x */\n//go:build linux\n"; got != want {
		t.Errorf("mismatch (-want +got):\n%s", cmp.Diff(want, got))
	}
}

// write writes the skeleton of src as the planner's derivation gets it (an archive, then its
// tree) to a new directory and returns it.
func write(t *testing.T, src string) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteArchive(src, &b); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "skeleton")
	if err := Extract(&b, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// tree is the tree under dir: each path with its content, or its link's target.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case d.IsDir():
			files[rel+"/"] = ""
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			files[rel] = "-> " + target
			return err
		default:
			b, err := os.ReadFile(path)
			files[rel] = string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// The archive holds the tree Write writes (symbolic links as links, .git left out), the same
// bytes each time; Extract refuses a path out of its directory.
func TestArchive(t *testing.T) {
	src := t.TempDir()
	for name, content := range map[string]string{
		"go.mod": "module example.com/a\n", "a.go": "package a\n\nimport \"os\"\n\nvar V = os.Args\n",
		"data/x.txt": "dropped", "c/c.h": "// +build linux\nint f();\n", ".git/HEAD": "ref: main\n"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("data/x.txt", filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "skeleton")
	if err := Write(src, dir); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"./": "", "go.mod": "module example.com/a\n", "a.go": "package a\n\nimport \"os\"\n",
		"data/": "", "data/x.txt": "", "c/": "", "c/c.h": "// +build linux\n", "link": "-> data/x.txt"}
	if diff := cmp.Diff(want, tree(t, dir)); diff != "" {
		t.Errorf("Write: mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, tree(t, write(t, src))); diff != "" {
		t.Errorf("WriteArchive and Extract: mismatch (-want +got):\n%s", diff)
	}
	var a, b bytes.Buffer
	if err := WriteArchive(src, &a); err != nil {
		t.Fatal(err)
	}
	if err := WriteArchive(src, &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two archives of the same tree differ")
	}

	var evil bytes.Buffer
	tw := tar.NewWriter(&evil)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "../x", Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	if err := Extract(&evil, filepath.Join(t.TempDir(), "x")); err == nil || !strings.Contains(err.Error(), "../x: not a path inside the skeleton") {
		t.Errorf("Extract of ../x: %v, want an error naming it", err)
	}
}

// go/build reads every package of Go's own sources (GOROOT/src: thousands of packages,
// cgo, assembly, embed, build constraints for every system) the same from their skeleton as
// from their files, but for positions and directories.
func TestGoBuildReadsTheSame(t *testing.T) {
	src := filepath.Join(runtime.GOROOT(), "src")
	skel := write(t, src)
	ctxt := build.Default
	ctxt.GOPATH = ""
	// the fields that hold positions or depend on the directory (under GOROOT or not); the
	// directives' positions differ, their text not
	clear := func(p *build.Package) {
		p.ImportPath, p.Root, p.SrcRoot, p.PkgRoot, p.PkgTargetRoot, p.BinDir, p.Goroot, p.PkgObj = "", "", "", "", "", "", false, ""
		p.Dir, p.ImportPos, p.TestImportPos, p.XTestImportPos = "", nil, nil, nil
		p.EmbedPatternPos, p.TestEmbedPatternPos, p.XTestEmbedPatternPos = nil, nil, nil
		for _, ds := range []*[]build.Directive{&p.Directives, &p.TestDirectives, &p.XTestDirectives} {
			for i := range *ds {
				(*ds)[i].Pos = token.Position{}
			}
		}
	}
	n := 0
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		want, werr := ctxt.ImportDir(path, 0)
		got, gerr := ctxt.ImportDir(filepath.Join(skel, rel), 0)
		if (werr == nil) != (gerr == nil) || werr != nil && strings.ReplaceAll(werr.Error(), src, "") != strings.ReplaceAll(gerr.Error(), skel, "") {
			t.Errorf("%s: error %v, from the skeleton %v", rel, werr, gerr)
			return nil
		}
		clear(want)
		clear(got)
		// ${SRCDIR} in #cgo lines is the directory
		w, _ := json.MarshalIndent(want, "", " ")
		g, _ := json.MarshalIndent(got, "", " ")
		if diff := cmp.Diff(strings.ReplaceAll(string(w), src, "SRC"), strings.ReplaceAll(string(g), skel, "SRC")); diff != "" {
			t.Errorf("%s: mismatch (-sources +skeleton):\n%s", rel, diff)
		}
		if werr == nil {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 300 {
		t.Errorf("only %d packages read: is GOROOT/src (%s) complete?", n, src)
	}
}

// Every example with a recording plans the same from its skeleton as from its sources (the
// modules come from the proxy into the host's module cache, as dgd-golden records them).
func TestExamplesPlanTheSame(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is needed: ", err)
	}
	for _, ex := range goldens.Examples {
		dir := filepath.Join(goldens.Root(), "examples", ex)
		plan := func(dir string) string {
			p, err := planner.Plan(context.Background(), planner.Config{Go: goBin, Dir: dir, Env: append(os.Environ(), "GOFLAGS="),
				Flags: goldens.FlagsOf(ex), Request: planner.Request{Packages: goldens.PackagesOf(ex), Test: goldens.Tested[ex]}})
			if err != nil {
				t.Fatalf("%s: %v", ex, err)
			}
			b, err := json.MarshalIndent(p, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		if diff := cmp.Diff(plan(dir), plan(write(t, dir))); diff != "" {
			t.Errorf("%s: mismatch (-sources +skeleton):\n%s", ex, diff)
		}
	}
}
