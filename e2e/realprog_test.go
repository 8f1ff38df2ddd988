package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// realPrograms are real programs from the Go module proxy: a CLI with third-party modules,
// a small tool, a cgo program that links externally (sqlite), and one with a larger
// dependency tree (yq: 48 modules in go.sum, 41 of them with code) in both module modes.
var realPrograms = []struct {
	name, module, subPackage, vendorHash, bin string
	lock                                      bool // run `dgd lock` and build from dgd.lock
}{
	{"fzf", "github.com/junegunn/fzf@v0.65.2", "", "sha256-1URk8uebZbJWYuJSZ3KGKVO9n0vfi+h2dGq/OyTpTno=", "fzf", false},
	{"tomlv", "github.com/BurntSushi/toml@v1.6.0", "cmd/tomlv", "", "tomlv", false},
	{"sqlite", "github.com/mattn/go-sqlite3@v1.14.32", "_example/simple", "", "simple", false},
	{"yq-vendorHash", "github.com/mikefarah/yq/v4@v4.54.3", "", "sha256-KueZNYCnrylOqFzDehXn17PGLj/B/SWfZUEaQZj7O5A=", "yq", false},
	{"yq-lock", "github.com/mikefarah/yq/v4@v4.54.3", "", "", "yq", true},
}

// TestRealProgramsIdenticalToGoBuild builds real programs both ways and compares them byte for
// byte with `go build -trimpath`.
func TestRealProgramsIdenticalToGoBuild(t *testing.T) {
	requireNix(t)
	for _, p := range realPrograms {
		t.Run(p.name, func(t *testing.T) {
			dir := download(t, p.module)
			if p.lock {
				runIn(t, dir, nil, dgdBin(t), "lock")
			}
			// doCheck = false: this test is about the binaries; TestNixpkgsArguments runs tests
			pkg, extra := ".", "doCheck = false;"
			if p.subPackage != "" {
				pkg, extra = "./"+p.subPackage, fmt.Sprintf("subPackage = %q;", p.subPackage)
			}
			if p.vendorHash != "" {
				extra += fmt.Sprintf(" vendorHash = %q;", p.vendorHash)
			}
			want := goBuild(t, dir, pkg, []string{"GOFLAGS=-mod=mod"})
			for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
				outs, log, err := buildDir(t, builder, dir, extra)
				if err != nil {
					t.Fatalf("%s: %v\n%s", builder, err, log)
				}
				bin := filepath.Join(outs[0], "bin", p.bin)
				got, err := os.ReadFile(bin)
				if err != nil {
					t.Fatalf("%s: %v", builder, err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: %s differs from go build -trimpath (%d vs %d bytes)", builder, bin, len(got), len(want))
				}
			}
		})
	}
}
