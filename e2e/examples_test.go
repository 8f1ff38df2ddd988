package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// examples mirrors examples/default.nix: how `go build` builds the same thing (one entry per
// program: examples/multi makes two).
var examples = []struct {
	name, pkg, bin string
	env            []string
	flags          []string // go build flags; default -ldflags=-buildid=
}{
	{"asm", ".", "asm", nil, nil},
	{"cgo", ".", "cgo", nil, nil},
	{"dep", ".", "dep", nil, nil},
	{"dep_lock", ".", "dep", nil, nil},
	{"embed", ".", "embed", nil, nil},
	{"hello", ".", "hello", nil, nil},
	{"hello_nocgo", ".", "hello", []string{"CGO_ENABLED=0"}, nil},
	{"packages", ".", "packages", nil, nil},
	{"storepath", ".", "storepath", nil, nil},
	{"subpackage", "./cmd/hello", "hello", nil, nil},
	{"vendored", ".", "vendored", nil, nil},
	{"workspace", "./app", "app", nil, nil},
	{"stamped", ".", "stamped", nil, []string{"-tags=excited", "-ldflags=-X main.name=DGD -buildid="}},
	{"multi", "./cmd/one", "one", nil, nil},
	{"multi", "./cmd/two", "two", nil, nil},
	{"tested", ".", "tested", nil, nil},
	{"clib", ".", "clib", nil, nil}, // env: clibEnv
}

// TestExamplesIdenticalToGoBuild builds every example both ways and compares each binary,
// byte for byte, with `go build -trimpath` of the same source by the same toolchain.
func TestExamplesIdenticalToGoBuild(t *testing.T) {
	requireNix(t)
	want := map[string][]byte{}
	for _, ex := range examples {
		dir := strings.TrimSuffix(ex.name, "_lock") // dep_lock builds examples/dep
		if ex.flags != nil {
			want[ex.name+ex.bin] = goBuildFlags(t, filepath.Join(repo, "examples", dir), ex.pkg, ex.flags...)
			continue
		}
		env := ex.env
		if ex.name == "clib" {
			env = clibEnv(t)
		}
		want[ex.name+ex.bin] = goBuild(t, filepath.Join(repo, "examples", dir), ex.pkg, env)
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
				if !bytes.Equal(got, want[ex.name+ex.bin]) {
					t.Errorf("%s: %s differs from go build -trimpath (%d vs %d bytes)", ex.name, bin, len(got), len(want[ex.name+ex.bin]))
				}
				if s := run(t, bin); s != "Hello, DGD!" {
					t.Errorf("%s printed %q", ex.name, s)
				}
			}
		})
	}
}
