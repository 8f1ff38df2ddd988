package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var storeNameRE = regexp.MustCompile(`/nix/store/[a-z0-9]{32}-(\S+)`)

// TestGarbageCollection builds a program in an empty store with gc roots for its result and
// the result's cache (a derivation whose output refers to every package's outputs, the plan
// and the planner), collects garbage and builds again: nothing is built. Without the roots,
// garbage collection takes the packages, and a new build rebuilds only derivations whose
// outputs were collected, with the same result.
func TestGarbageCollection(t *testing.T) {
	requireNix(t)
	s := newStore(t)
	// the planner comes from the host's store, and stays (a rebuild of dgd is not the point)
	outs, log, err := nixBuild(t, "-A", "dgd")
	if err != nil {
		t.Fatalf("dgd: %v\n%s", err, log)
	}
	commandOutput(t, repo, "nix", "copy", "--no-check-sigs", "--to", s.root, outs[0])
	roots := t.TempDir()
	s.nix(t, "nix-store", "--realise", outs[0], "--add-root", filepath.Join(roots, "dgd"))
	dir := copyDir(t, filepath.Join(repo, "examples", "packages"))
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			result := filepath.Join(roots, builder)
			// the next builder's gc must not find this one's roots
			defer os.Remove(result + "-2")
			defer os.Remove(result)
			// a version names the result apart from the link (packages-1.0, packages)
			expr := fmt.Sprintf(`let r = (import %s { }).%s { src = %s; version = "1.0"; dontStrip = true; }; in [ r r.cache ]`, repo, builder, dir)
			build := func() (string, []string) {
				t.Helper()
				out, log := s.nix(t, "nix-build", "-E", expr, "-o", result)
				paths := strings.Fields(out)
				checkBinary(t, filepath.Join(s.root, paths[0], "bin", "packages"), dir, builder)
				return paths[0], built(log)
			}
			first, firstBuilt := build()
			// the cache names what the result's build built: buildWithIFD links in the
			// result, so no link of its own is built for the cache
			links := map[string]int{"buildWithIFD": 0, "buildWithDynDrv": 1}[builder]
			if n := strings.Count(" "+strings.Join(firstBuilt, " ")+" ", " packages "); n != links {
				t.Errorf("the result and its cache built %d derivations named packages (the link), want %d: %v", n, links, firstBuilt)
			}
			s.nix(t, "nix-store", "--gc")
			again, rebuilt := build()
			if again != first || len(rebuilt) != 0 {
				t.Errorf("with the result's roots, after a gc: result %s (first %s), built %v, want nothing", again, first, rebuilt)
			}
			// the cache's closure: every package's outputs, after the gc as well
			target, err := os.Readlink(result + "-2")
			if err != nil {
				t.Fatal(err)
			}
			closure, _ := s.nix(t, "nix-store", "--query", "--requisites", target)
			if !strings.Contains(closure, "-gopkg-example.com-packages-a\n") || !strings.Contains(closure, "-go-std-runtime-link\n") {
				t.Errorf("the cache's closure lacks packages:\n%s", closure)
			}
			for _, p := range strings.Fields(closure) {
				if _, err := os.Stat(filepath.Join(s.root, p)); err != nil { // a path of s is under s.root
					t.Errorf("with the result's roots, gc collected %s", p)
				}
			}

			// without the roots, gc takes the packages; a build makes the same result again
			for _, r := range []string{result, result + "-2"} {
				if err := os.Remove(r); err != nil {
					t.Fatal(err)
				}
			}
			dead, _ := s.nix(t, "nix-store", "--gc", "--print-dead")
			collected := map[string]bool{}
			for _, m := range storeNameRE.FindAllStringSubmatch(dead, -1) {
				collected[m[1]] = true
			}
			s.nix(t, "nix-store", "--gc")
			for _, p := range []string{"gopkg-example.com-packages-a", "go-std-runtime-link"} {
				if !collected[p] {
					t.Errorf("without the result's roots, gc left %s: collected %v", p, collected)
				}
			}
			again, rebuilt = build()
			if again != first {
				t.Errorf("after a gc, the result is %s, want %s", again, first)
			}
			for _, d := range rebuilt {
				if !collected[d] && !collected[d+"-link"] && !collected[d+"-cache"] {
					t.Errorf("after a gc, %s was rebuilt but nothing of it was collected (collected: %v)", d, collected)
				}
			}
			if len(rebuilt) == 0 {
				t.Errorf("after a gc without the cache root, nothing was rebuilt")
			}
			t.Logf("without the roots, gc collected %d paths, the build after it built %d derivations", len(collected), len(rebuilt))
		})
	}
}
