package lock

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSelected(t *testing.T) {
	// the shape of `go list -m -json all`: the main module, a module, a module replaced by
	// another module's version and one replaced by a directory
	out := `{"Path": "example.com/main", "Main": true, "Dir": "/src"}
{"Path": "golang.org/x/text", "Version": "v0.14.0"}
{"Path": "example.com/old", "Version": "v1.0.0", "Replace": {"Path": "example.com/fork", "Version": "v1.0.1"}}
{"Path": "example.com/local", "Version": "v0.0.0", "Replace": {"Path": "../local"}}
`
	got, err := parseSelected([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"golang.org/x/text@v0.14.0": true, "example.com/fork@v1.0.1": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseSelected mismatch (-want +got):\n%s", diff)
	}
	if _, err := parseSelected([]byte(`{"Path": `)); err == nil || !strings.Contains(err.Error(), "go list -m -json all") {
		t.Errorf("parseSelected of truncated output: %v, want an error naming go list", err)
	}
}

// TestCheckSelection: a version whose code go.sum has may be locked as "mod" (the build list
// does not select it), but a version go.sum has only the go.mod of may not be "module".
func TestCheckSelection(t *testing.T) {
	gomod := "module example.com/m\n"
	gosum := "a.example/x v1.0.0 h1:AAA=\na.example/x v1.0.0/go.mod h1:BBB=\na.example/x v1.1.0 h1:CCC=\na.example/x v1.1.0/go.mod h1:DDD=\nb.example/y v0.1.0/go.mod h1:EEE=\n"
	for _, c := range []struct {
		name, lines, wantErr string
	}{
		{"all code", "module a.example/x v1.0.0 sha256-A\nmodule a.example/x v1.1.0 sha256-B\nmod b.example/y v0.1.0 sha256-C\n", ""},
		{"unselected as mod", "mod a.example/x v1.0.0 sha256-A\nmodule a.example/x v1.1.0 sha256-B\nmod b.example/y v0.1.0 sha256-C\n", ""},
		{"code without a hash", "module a.example/x v1.0.0 sha256-A\nmodule a.example/x v1.1.0 sha256-B\nmodule b.example/y v0.1.0 sha256-C\n", "module b.example/y@v0.1.0 differs"},
		{"a module missing", "module a.example/x v1.1.0 sha256-B\nmod b.example/y v0.1.0 sha256-C\n", "go.sum names 3 modules, the lock 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, data string) {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("go.mod", gomod)
			write("go.sum", gosum)
			mh, _ := FileSHA256(filepath.Join(dir, "go.mod"))
			sh, _ := FileSHA256(filepath.Join(dir, "go.sum"))
			write(Name, "go.mod "+mh+"\ngo.sum "+sh+"\n"+c.lines)
			err := Check(dir)
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("Check: %v, want nil", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "run `dgd lock`")):
				t.Errorf("Check: %v, want an error with %q and the fix", err, c.wantErr)
			}
		})
	}
}

// TestMakeUntidy: Make of a module whose go.sum is missing, or lacks a module go.mod requires,
// fails before downloading anything, naming the module's directory and the go command that
// fixes it; a module that requires nothing needs no go.sum.
func TestMakeUntidy(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	const requires = "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/text v0.3.0\n\tgolang.org/x/sync v0.1.0\n)\n"
	for _, c := range []struct{ name, gomod, gosum, wantErr string }{
		{"no go.sum", requires, "", "run `go mod tidy` in "},
		{"go.sum without x/sync", requires, "golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=\ngolang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n", "run `go mod tidy` in "},
		{"no requirement, no go.sum", "module example.com/m\n\ngo 1.22\n", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(c.gomod), 0o644); err != nil {
				t.Fatal(err)
			}
			if c.gosum != "" {
				if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(c.gosum), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := append(os.Environ(), "GOPROXY=off", "GOFLAGS=", "GOWORK=off")
			f, err := Make(context.Background(), goBin, dir, env, io.Discard)
			switch {
			case c.wantErr == "" && (err != nil || len(f.Entries) != 0):
				t.Errorf("Make: %v, want a lock of no modules", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr+dir) || !strings.Contains(err.Error(), "dgd lock` again")):
				t.Errorf("Make: %v, want an error with %q and the directory", err, c.wantErr)
			}
		})
	}
}

// TestParseShared: unhashed "mod" lines are the shared download's, in the lock's order, and
// need the mods line; a "mod" line with its own hash (an older dgd's) is its own download.
func TestParseShared(t *testing.T) {
	const head = "go.mod 00\ngo.sum none\n"
	lf, err := Parse("l", []byte(head+"mods sha256-M=\nmod a.example/x v1.0.0\nmodule a.example/x v1.1.0 sha256-B\nmod b.example/y v0.1.0 sha256-C\nmod c.example/z v0.2.0\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{{Path: "a.example/x", Version: "v1.0.0", ModOnly: true}, {Path: "c.example/z", Version: "v0.2.0", ModOnly: true}}
	if diff := cmp.Diff(want, lf.Shared()); diff != "" || lf.ModsHash != "sha256-M=" {
		t.Errorf("Shared() mismatch (-want +got):\n%s\nmods %q", diff, lf.ModsHash)
	}
	if _, err := Parse("l", []byte(head+"mod a.example/x v1.0.0\n")); err == nil || !strings.Contains(err.Error(), "no mods line") || !strings.Contains(err.Error(), "dgd lock") {
		t.Errorf("Parse without the mods line: %v, want an error naming it and the fix", err)
	}
	if _, err := Parse("l", []byte(head+"module a.example/x v1.0.0\n")); err == nil || !strings.Contains(err.Error(), "l:3: not a line") {
		t.Errorf("Parse of a module line without a hash: %v, want an error naming the line", err)
	}
}

// FuzzParse: a lock that Parse accepts is written back by Format into one that Parse reads
// as the same File (what Format writes is a lock); seeded with the examples' locks.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", Name))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no examples/*/%s to seed from (%v)", Name, err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("go.mod 00\ngo.sum none\nmods sha256-M=\nmod a.example/x v1.0.0\nmod b.example/y v0.1.0 sha256-C\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lf, err := Parse("fuzz", b)
		if err != nil {
			if !strings.Contains(err.Error(), "dgd lock") {
				t.Errorf("error without the fix: %v", err)
			}
			return
		}
		again, err := Parse("formatted", lf.Format())
		if err != nil {
			t.Fatalf("Parse of Format's lock: %v\n%s", err, lf.Format())
		}
		if d := cmp.Diff(lf, again); d != "" {
			t.Errorf("Parse(Format(lock)) mismatch (-want +got):\n%s", d)
		}
	})
}
