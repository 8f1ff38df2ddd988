package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// examples mirrors examples/default.nix: how `go build` builds the same thing.
var examples = []struct {
	name, pkg, bin string
	env            []string
}{
	{"asm", ".", "asm", nil},
	{"cgo", ".", "cgo", nil},
	{"dep", ".", "dep", nil},
	{"dep_lock", ".", "dep", nil},
	{"embed", ".", "embed", nil},
	{"hello", ".", "hello", nil},
	{"hello_nocgo", ".", "hello", []string{"CGO_ENABLED=0"}},
	{"packages", ".", "packages", nil},
	{"storepath", ".", "storepath", nil},
	{"subpackage", "./cmd/hello", "hello", nil},
	{"vendored", ".", "vendored", nil},
	{"workspace", "./app", "app", nil},
}

// TestExamplesIdenticalToGoBuild builds every example both ways and compares each binary,
// byte for byte, with `go build -trimpath` of the same source by the same toolchain.
func TestExamplesIdenticalToGoBuild(t *testing.T) {
	requireNix(t)
	want := map[string][]byte{}
	for _, ex := range examples {
		dir := strings.TrimSuffix(ex.name, "_lock") // dep_lock builds examples/dep
		want[ex.name] = goBuild(t, filepath.Join(repo, "examples", dir), ex.pkg, ex.env)
	}
	for _, dyn := range []bool{false, true} {
		mode := map[bool]string{false: "ifd", true: "dyndrv"}[dyn]
		t.Run(mode, func(t *testing.T) {
			args := []string{"--arg", "useDynDrv", fmt.Sprint(dyn)}
			for _, ex := range examples {
				args = append(args, "-A", "examples."+ex.name)
			}
			outs, log, err := nixBuild(t, args...)
			if err != nil {
				t.Fatalf("nix-build: %v\n%s", err, log)
			}
			if len(outs) != len(examples) {
				t.Fatalf("nix-build printed %d paths for %d examples: %q", len(outs), len(examples), outs)
			}
			for i, ex := range examples {
				bin := filepath.Join(outs[i], "bin", ex.bin)
				got, err := os.ReadFile(bin)
				if err != nil {
					t.Errorf("%s: %v", ex.name, err)
					continue
				}
				if !bytes.Equal(got, want[ex.name]) {
					t.Errorf("%s: %s differs from go build -trimpath (%d vs %d bytes)", ex.name, bin, len(got), len(want[ex.name]))
				}
				if s := run(t, bin); s != "Hello, DGD!" {
					t.Errorf("%s printed %q", ex.name, s)
				}
			}
		})
	}
}
