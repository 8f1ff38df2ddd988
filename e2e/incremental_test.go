package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestIncrementalEdit edits one function body in examples/packages/a and checks, from Nix's
// own output, that only a and the link are rebuilt (early cutoff: a's importer reads a's export
// data, which the edit leaves as it was), plus the planner's input (the skeleton: the plan is
// not made again, its input is the same) and, with dynamic derivations, the main producer and
// the result (named as the program, as the link is); buildWithIFD links, strips and installs
// in the result itself.
func TestIncrementalEdit(t *testing.T) {
	requireNix(t)
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) { incrementalEdit(t, builder, "") })
	}
}

// perEdit lists the derivations of each mode that every edit of examples/packages builds
// beyond the package and the link
var perEdit = map[string][]string{
	"buildWithIFD":    {"packages-skeleton"},
	"buildWithDynDrv": {"packages-skeleton", "packages.drv", "packages"}, // the main producer makes the link's .drv
}

// incrementalEdit is TestIncrementalEdit's check with builder, in the host's store or (root
// not "") in the one under root, which nixArgs name to nix-build
func incrementalEdit(t *testing.T, builder, root string, nixArgs ...string) {
	t.Helper()
	dir := copyDir(t, filepath.Join(repo, "examples", "packages"))
	if _, log, err := buildDir(t, builder, dir, "", nixArgs...); err != nil {
		t.Fatalf("first build: %v\n%s", err, log)
	}
	// a body edit never built before (the store outlives the test): same result, new
	// code. (A new package-level declaration would change a's export data; an edit
	// that compiles to the same code, say a constant expression, would leave even
	// the link alone: Nix's content addressing notices.)
	a := filepath.Join(dir, "a", "a.go")
	src, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(src, []byte(`return "Hello"`), fmt.Appendf(nil,
		"x := \"Hello\"\n\tfor i := 0; i < 1; i++ {\n\t\tif len(x) > 5 {\n\t\t\tx = \"%d\"\n\t\t}\n\t}\n\treturn x", time.Now().UnixNano()), 1)
	if bytes.Equal(edited, src) {
		t.Fatal("the edit changed nothing: examples/packages/a/a.go was changed")
	}
	if err := os.WriteFile(a, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	outs, log, err := buildDir(t, builder, dir, "", nixArgs...)
	if err != nil {
		t.Fatalf("build after the edit: %v\n%s", err, log)
	}
	// early cutoff: a.Greeting is not inlined, so a's export data is unchanged and its
	// importer (the main package) is not compiled again; only the link reads a's code
	want := append([]string{"gopkg-example.com-packages-a", "packages"}, perEdit[builder]...)
	slices.Sort(want)
	if diff := cmp.Diff(want, built(log)); diff != "" {
		t.Errorf("rebuilt derivations mismatch (-want +got):\n%s\nlog:\n%s", diff, log)
	}
	bin := filepath.Join(root, outs[0], "bin", "packages")
	got, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, goBuild(t, dir, ".", nil)) {
		t.Errorf("after the edit, %s differs from go build -trimpath", bin)
	}
	if s := run(t, bin); !strings.HasPrefix(s, "Hello, DGD!") {
		t.Errorf("printed %q", s)
	}
}

// TestEarlyCutoff edits, in a package that many packages import, first the body of a function
// that is not inlined (no importer is compiled again: only that package and the link), then
// the function's signature (every importer is).
func TestEarlyCutoff(t *testing.T) {
	requireNix(t)
	files := map[string]string{"go.mod": goMod,
		"deep/deep.go": "package deep\n\n//go:noinline\nfunc Word() string { return \"DGD\" }\n",
		"main.go":      "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/one\"\n\t\"example.com/m/two\"\n)\n\nfunc main() { fmt.Println(one.Hello() + two.Bang()) }\n",
	}
	for _, n := range []string{"one", "two"} {
		body := map[string]string{"one": `"Hello, " + deep.Word()`, "two": `"!"[:len(deep.Word())-2]`}[n]
		name := map[string]string{"one": "Hello", "two": "Bang"}[n]
		files[n+"/"+n+".go"] = fmt.Sprintf("package %s\n\nimport \"example.com/m/deep\"\n\nfunc %s() string { return %s }\n", n, name, body)
	}
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			// Stamp makes this run's packages its own (the store outlives the test); n is
			// data the body reads, unexported: not in the export data
			stamp := fmt.Sprint(time.Now().UnixNano())
			files["deep/deep.go"] = "package deep\n\nconst Stamp = " + stamp + "\n\nvar n = 1\n\n//go:noinline\nfunc Word() string { return \"DGD\"[:3*(n/n)] }\n"
			files["stamp.go"] = "package main\n\n// " + stamp + "\n"
			dir := writeModule(t, files)
			if _, log, err := buildDir(t, builder, dir, ""); err != nil {
				t.Fatalf("first build: %v\n%s", err, log)
			}
			perEdit := map[string][]string{"buildWithIFD": {"m-skeleton"}, "buildWithDynDrv": {"m-skeleton", "m.drv", "m"}}[builder]
			edit := func(from, to string, want []string) {
				t.Helper()
				p := filepath.Join(dir, "deep", "deep.go")
				src, _ := os.ReadFile(p)
				if !bytes.Contains(src, []byte(from)) {
					t.Fatalf("deep.go lacks %q", from)
				}
				os.WriteFile(p, bytes.Replace(src, []byte(from), []byte(to), 1), 0o644)
				outs, log, err := buildDir(t, builder, dir, "")
				if err != nil {
					t.Fatalf("after %q -> %q: %v\n%s", from, to, err, log)
				}
				slices.Sort(want)
				if diff := cmp.Diff(want, built(log)); diff != "" {
					t.Errorf("after %q -> %q, rebuilt (-want +got):\n%s\nlog:\n%s", from, to, diff, log)
				}
				if s := run(t, filepath.Join(outs[0], "bin", "m")); s != "Hello, DGD!" {
					t.Errorf("printed %q", s)
				}
				if got, _ := os.ReadFile(filepath.Join(outs[0], "bin", "m")); !bytes.Equal(got, goBuild(t, dir, ".", nil)) {
					t.Errorf("after %q -> %q, the binary differs from go build -trimpath", from, to)
				}
			}
			// neither edit changes the plan's input (the skeleton): no plan is made
			edit("var n = 1", "var n = 2", append([]string{"gopkg-example.com-m-deep", "m"}, perEdit...))
			edit("func Word() string", "func Word() (s string)", append([]string{"gopkg-example.com-m-deep", "gopkg-example.com-m-one",
				"gopkg-example.com-m-two", "gopkg-example.com-m", "m"}, perEdit...))

			// without content addressing (a Nix without ca-derivations): the same binary
			outs, log, err := buildDir(t, builder, dir, "earlyCutoff = false;")
			if err != nil {
				t.Fatalf("earlyCutoff = false: %v\n%s", err, log)
			}
			if got, _ := os.ReadFile(filepath.Join(outs[0], "bin", "m")); !bytes.Equal(got, goBuild(t, dir, ".", nil)) {
				t.Errorf("with earlyCutoff = false, the binary differs from go build -trimpath")
			}
		})
	}
}
