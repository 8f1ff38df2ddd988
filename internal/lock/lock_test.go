package lock

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/dirhash"
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

// TestFetchShared: the go.mod files of more modules than one go process is given (listShare),
// from a module proxy on disk, land in the layout in the entries' order (N/mod is the N-th's),
// each checked against its go.sum hash; a mismatch, or a module the proxy lacks, is an error
// that names the module.
func TestFetchShared(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	const n = 5*listShare + 3
	proxy, gosum := fakeProxy(t, n)
	es, err := Needed([]byte(gosum))
	if err != nil {
		t.Fatal(err)
	}
	for i := range es {
		es[i].ModOnly, es[i].Sum = true, ""
	}
	fetch := func(es []Entry) (string, error) {
		tmp := t.TempDir()
		t.Cleanup(func() { RemoveModCache(tmp) })
		env := append(os.Environ(), "GOPROXY=file://"+proxy, "GOFLAGS=-mod=mod", "GOSUMDB=off", "GOTOOLCHAIN=local",
			"GO111MODULE=on", "GOMODCACHE="+filepath.Join(tmp, "modcache"), "GOWORK=off")
		dst := filepath.Join(tmp, "layout")
		return dst, FetchShared(context.Background(), goBin, tmp, env, es, dst)
	}
	dst, err := fetch(es)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range es {
		b, err := os.ReadFile(filepath.Join(dst, strconv.Itoa(i), "mod"))
		if err != nil || !strings.HasPrefix(string(b), "module "+e.Path+"\n") {
			t.Errorf("layout %d: %q (%v), want the go.mod of %s", i, b, err, e.Key())
		}
	}

	bad := slices.Clone(es)
	bad[2*listShare+1].ModSum = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	if _, err := fetch(bad); err == nil || !strings.Contains(err.Error(), bad[2*listShare+1].Key()) {
		t.Errorf("a go.mod that does not match go.sum: %v, want an error naming %s", err, bad[2*listShare+1].Key())
	}
	missing := append(slices.Clone(es), Entry{Path: "example.com/absent", Version: "v1.0.0", ModOnly: true})
	if _, err := fetch(missing); err == nil || !strings.Contains(err.Error(), "example.com/absent@v1.0.0") {
		t.Errorf("a module the proxy lacks: %v, want an error naming it", err)
	}
}

// fakeProxy writes a module proxy on disk (GOPROXY=file://...) serving n modules
// example.com/mI v1.I.0, each with one Go file, and returns its directory and the go.sum lines
// of all of them.
func fakeProxy(t *testing.T, n int) (string, string) {
	t.Helper()
	proxy := t.TempDir()
	var gosum strings.Builder
	for i := range n {
		path, version := fmt.Sprintf("example.com/m%d", i), fmt.Sprintf("v1.%d.0", i)
		at := filepath.Join(proxy, path, "@v", version)
		gomod := fmt.Sprintf("module %s\n\ngo 1.22\n", path)
		files := map[string]string{"go.mod": gomod, "m.go": fmt.Sprintf("package m%d\n\nconst N = %d\n", i, i)}
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		for _, name := range slices.Sorted(maps.Keys(files)) {
			w, err := zw.Create(path + "@" + version + "/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(w, files[name]); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(at), 0o755); err != nil {
			t.Fatal(err)
		}
		for ext, b := range map[string][]byte{".mod": []byte(gomod), ".info": []byte(`{"Version":"` + version + `"}`), ".zip": zb.Bytes()} {
			if err := os.WriteFile(at+ext, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		h, err := dirhash.HashZip(at+".zip", dirhash.Hash1)
		if err != nil {
			t.Fatal(err)
		}
		mh, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(gomod)), nil })
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&gosum, "%s %s %s\n%s %s/go.mod %s\n", path, version, h, path, version, mh)
	}
	return proxy, gosum.String()
}

// TestMakeConcurrent: Make downloads the modules a few at a time, and each module's hash is
// that of its download alone; a module the proxy cannot serve fails the lock, named.
func TestMakeConcurrent(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	const n = 2*fetchProcs + 3
	proxy, gosum := fakeProxy(t, n)
	dir := t.TempDir()
	served, err := Needed([]byte(gosum))
	if err != nil {
		t.Fatal(err)
	}
	var gomod strings.Builder
	gomod.WriteString("module example.com/main\n\ngo 1.22\n\nrequire (\n")
	for _, e := range served {
		fmt.Fprintf(&gomod, "\t%s %s\n", e.Path, e.Version)
	}
	gomod.WriteString(")\n")
	for name, b := range map[string]string{"go.mod": gomod.String(), "go.sum": gosum} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOPROXY=file://"+proxy, "GOFLAGS=", "GOSUMDB=off", "GOWORK=off")
	var log bytes.Buffer
	f, err := Make(context.Background(), goBin, dir, env, &log)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != n || strings.Count(log.String(), "dgd lock: example.com/m") != n {
		t.Fatalf("Make: %d entries, log:\n%s\nwant %d modules, each named", len(f.Entries), log.String(), n)
	}
	tmp := t.TempDir()
	t.Cleanup(func() { RemoveModCache(tmp) })
	alone := append(env, "GOMODCACHE="+filepath.Join(tmp, "modcache"), "GOTOOLCHAIN=local", "GO111MODULE=on", "GOFLAGS=-mod=mod")
	for i, e := range f.Entries {
		layout := filepath.Join(tmp, strconv.Itoa(i))
		if err := Fetch(context.Background(), goBin, tmp, alone, e, layout); err != nil {
			t.Fatal(err)
		}
		if h, err := NarHash(layout); err != nil || h != e.Hash {
			t.Errorf("%s: Make's hash %s, its download alone %s (%v)", e.Key(), e.Hash, h, err)
		}
	}

	if err := os.Remove(filepath.Join(proxy, "example.com/m7/@v/v1.7.0.zip")); err != nil {
		t.Fatal(err)
	}
	if _, err := Make(context.Background(), goBin, dir, env, io.Discard); err == nil || !strings.Contains(err.Error(), "example.com/m7@v1.7.0") {
		t.Errorf("Make with a module the proxy lacks: %v, want an error naming example.com/m7@v1.7.0", err)
	}
}
