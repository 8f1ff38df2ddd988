package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReproducibleAcrossStores builds real programs (yq: 308 packages, 41 modules; the cgo
// sqlite program) in two empty stores, standing for two machines that share nothing: every
// package derivation's output path (a content hash: the package derivations are floating
// content-addressed) is the same in both, the programs are byte-identical (and go build's),
// and building the result and a sample of package derivations again with --check (the
// standard library's first layer, a third-party package, the main package; for sqlite its cgo
// package) finds no difference.
func TestReproducibleAcrossStores(t *testing.T) {
	requireNix(t)
	for _, prog := range []struct {
		name, module, subPackage, bin string
		check                         []string // import paths of the packages to --check
	}{
		{"yq", "github.com/mikefarah/yq/v4@v4.54.3", "", "yq", []string{"runtime", "github.com/spf13/cobra", "github.com/mikefarah/yq/v4"}},
		{"sqlite", "github.com/mattn/go-sqlite3@v1.14.32", "_example/simple", "simple", []string{"runtime", "github.com/mattn/go-sqlite3", "github.com/mattn/go-sqlite3/_example/simple"}},
	} {
		t.Run(prog.name, func(t *testing.T) {
			dir := download(t, prog.module)
			runIn(t, dir, nil, dgdBin(t), "lock")
			pkg := "."
			args := fmt.Sprintf("src = %s; pname = %q; doCheck = false; dontStrip = true;", dir, prog.name)
			if prog.subPackage != "" {
				pkg = "./" + prog.subPackage
				args += fmt.Sprintf(" subPackage = %q;", prog.subPackage)
			}
			want := goBuild(t, dir, pkg, []string{"GOFLAGS=-mod=mod"})
			result := fmt.Sprintf("(import %s { }).buildWithIFD { %s }", repo, args)
			// every package derivation's outputs, a layer once
			outputs := fmt.Sprintf(`let r = %s; in builtins.concatMap (d: map (o: d.${o}) d.outputs)
			  (builtins.attrValues (builtins.listToAttrs (map (d: { name = builtins.unsafeDiscardStringContext d.drvPath; value = d; })
			    (builtins.attrValues r.passthru.packages))))`, result)
			var paths [2][]string
			var results [2]string
			for i, s := range [2]*store{newStore(t), newStore(t)} {
				out, _ := s.nix(t, "nix-build", "--no-out-link", "-E", result)
				results[i] = strings.TrimSpace(out)
				bin := filepath.Join(s.root, results[i], "bin", prog.bin)
				got, err := os.ReadFile(bin)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("store %d: %s differs from go build's (%v)", i+1, bin, err)
				}
				out, _ = s.nix(t, "nix-build", "--no-out-link", "-E", outputs)
				paths[i] = strings.Fields(out)
				slices.Sort(paths[i])
				if i == 0 {
					// the result and the sample, built again and compared with what was built
					for _, what := range append([]string{result}, checked(result, prog.check)...) {
						_, log := s.nix(t, "nix-build", "--no-out-link", "--check", "-E", what)
						if !strings.Contains(log, "checking outputs of") {
							t.Errorf("nix-build --check -E %s checked nothing:\n%s", what, log)
						}
					}
				}
			}
			if results[0] != results[1] {
				t.Errorf("the results differ: %s and %s", results[0], results[1])
			}
			if len(paths[0]) < 10 || !slices.Equal(paths[0], paths[1]) {
				t.Errorf("the package outputs differ between the stores (%d and %d paths):\n%s", len(paths[0]), len(paths[1]), setDiff(paths[0], paths[1]))
			}
			t.Logf("%s: %d package output paths, the same in both stores", prog.name, len(paths[0]))
		})
	}
}

// checked are the expressions of the package derivations of result named by import paths.
func checked(result string, importPaths []string) []string {
	var es []string
	for _, p := range importPaths {
		es = append(es, fmt.Sprintf("(%s).passthru.packages.%q", result, p))
	}
	return es
}

// setDiff lists what is in one sorted list only.
func setDiff(a, b []string) string {
	var d []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			d = append(d, "- "+x)
		}
	}
	for _, x := range b {
		if _, ok := slices.BinarySearch(a, x); !ok {
			d = append(d, "+ "+x)
		}
	}
	return strings.Join(d, "\n")
}
