package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// copyDir copies the example src into a new temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if out, err := exec.Command("cp", "-R", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	return dst
}

// buildDir builds the module in dir with the named builder; extra is more Nix arguments.
// The binaries are not stripped unless extra says dontStrip = false; pname is dir's name
// unless extra gives one.
func buildDir(t *testing.T, builder, dir, extra string) ([]string, string, error) {
	t.Helper()
	if !strings.Contains(extra, "dontStrip") {
		extra += " dontStrip = true;"
	}
	if !strings.Contains(extra, "pname =") {
		extra += fmt.Sprintf(" pname = %q;", filepath.Base(dir))
	}
	expr := fmt.Sprintf(`(import %s { }).%s { src = %s; %s }`, repo, builder, dir, extra)
	return nixBuild(t, "-E", expr)
}

// TestIncrementalEdit edits one function body in examples/packages/a and checks, from Nix's
// own output, that only a, its importer (the main package) and the link are rebuilt, plus the
// planning step of each mode.
func TestIncrementalEdit(t *testing.T) {
	requireNix(t)
	for _, tc := range []struct {
		builder string
		plan    string // the mode's planning derivation
	}{
		{"buildWithIFD", "packages-plan.json"},
		{"buildWithDynDrv", "packages.drv"}, // the producer makes the link's .drv
	} {
		t.Run(tc.builder, func(t *testing.T) {
			dir := copyDir(t, filepath.Join(repo, "examples", "packages"))
			if _, log, err := buildDir(t, tc.builder, dir, ""); err != nil {
				t.Fatalf("first build: %v\n%s", err, log)
			}
			// a body edit never built before (the store outlives the test): same result, new code
			edit := fmt.Sprintf(`return "Hello"[:5+0*%d]`, time.Now().UnixNano())
			a := filepath.Join(dir, "a", "a.go")
			src, err := os.ReadFile(a)
			if err != nil {
				t.Fatal(err)
			}
			edited := bytes.Replace(src, []byte(`return "Hello"`), []byte(edit), 1)
			if bytes.Equal(edited, src) {
				t.Fatal("the edit changed nothing: examples/packages/a/a.go was changed")
			}
			if err := os.WriteFile(a, edited, 0o644); err != nil {
				t.Fatal(err)
			}
			outs, log, err := buildDir(t, tc.builder, dir, "")
			if err != nil {
				t.Fatalf("build after the edit: %v\n%s", err, log)
			}
			want := []string{"gopkg-example.com-packages", "gopkg-example.com-packages-a", "golink-packages", "packages", tc.plan}
			slicesSort(want)
			if diff := cmp.Diff(want, built(log)); diff != "" {
				t.Errorf("rebuilt derivations mismatch (-want +got):\n%s\nlog:\n%s", diff, log)
			}
			bin := filepath.Join(outs[0], "bin", "packages")
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
		})
	}
}

func slicesSort(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}
