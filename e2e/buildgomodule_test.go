package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLdflagsTagsAndRelink builds examples/stamped with -X stamping and a build tag, compares
// it with go build, then changes only the stamp: no package is recompiled, and for a plain value
// (the version stamps of nixpkgs' ldflags, as one element or as "-X" then "name=value") nothing
// is planned either: the link and the result only. A value with a blank is planned again.
func TestLdflagsTagsAndRelink(t *testing.T) {
	requireNix(t)
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		for _, form := range []struct {
			name, ldflags, goLdflags string
			plans                    bool // a new stamp plans again
		}{
			{"one element", `[ "-s" "-X main.name=%s" ]`, "-s -X main.name=%s", false},
			{"two elements", `[ "-X" "main.name=%s" ]`, "-X main.name=%s", false},
			{"a value with a blank", `[ "-X 'main.name=%s and co'" ]`, "-X 'main.name=%s and co'", true},
		} {
			t.Run(builder+"/"+form.name, func(t *testing.T) {
				dir := copyDir(t, filepath.Join(repo, "examples", "stamped"))
				args := func(name string) string {
					return fmt.Sprintf(`ldflags = %s; tags = [ "excited" ]; dontStrip = true;`, fmt.Sprintf(form.ldflags, name))
				}
				greeting := func(name string) string {
					if form.plans {
						name += " and co"
					}
					return "Hello, " + name + "!"
				}
				outs, log, err := buildDir(t, builder, dir, args("DGD"))
				if err != nil {
					t.Fatalf("%v\n%s", err, log)
				}
				bin := filepath.Join(outs[0], "bin", "stamped")
				if s := run(t, bin); s != greeting("DGD") {
					t.Errorf("printed %q", s)
				}
				got, _ := os.ReadFile(bin)
				want := goBuildFlags(t, dir, ".", "-tags=excited", "-ldflags="+fmt.Sprintf(form.goLdflags, "DGD")+" -buildid=")
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from go build -trimpath -tags=excited -ldflags=...", bin)
				}

				stamp := fmt.Sprintf("DGD%d", time.Now().UnixNano())
				outs, log, err = buildDir(t, builder, dir, args(stamp))
				if err != nil {
					t.Fatalf("%v\n%s", err, log)
				}
				planned := false
				for _, n := range built(log) {
					if strings.HasPrefix(n, "gopkg-") {
						t.Errorf("changing only -X recompiled %s:\n%s", n, log)
					}
					planned = planned || strings.HasSuffix(n, "-plan.json")
				}
				if planned != form.plans {
					t.Errorf("changing only -X: planned %v, want %v (built %v)", planned, form.plans, built(log))
				}
				bin = filepath.Join(outs[0], "bin", "stamped")
				if s := run(t, bin); s != greeting(stamp) {
					t.Errorf("printed %q", s)
				}
				got, _ = os.ReadFile(bin)
				if want := goBuildFlags(t, dir, ".", "-tags=excited", "-ldflags="+fmt.Sprintf(form.goLdflags, stamp)+" -buildid="); !bytes.Equal(got, want) {
					t.Errorf("%s differs from go build with the new stamp", bin)
				}
			})
		}
	}
}

// TestSubPackagesAndStrip builds two programs of one module into one output, stripped by
// default as Nix strips (strip -S), and checks them against go build's binaries stripped so.
func TestSubPackagesAndStrip(t *testing.T) {
	requireNix(t)
	main := func(who string) string {
		return "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"Hello, " + who + "!\") }\n"
	}
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			dir := writeModule(t, map[string]string{"go.mod": goMod, "cmd/a/main.go": main("A"), "cmd/b/main.go": main("B")})
			outs, log, err := buildDir(t, builder, dir, `subPackages = [ "cmd/a" "cmd/b" ]; dontStrip = false; postInstall = "echo installed > $out/note";`)
			if err != nil {
				t.Fatalf("%v\n%s", err, log)
			}
			for _, who := range []string{"a", "b"} {
				bin := filepath.Join(outs[0], "bin", who)
				if s := run(t, bin); s != "Hello, "+strings.ToUpper(who)+"!" {
					t.Errorf("%s printed %q", who, s)
				}
				ref := filepath.Join(t.TempDir(), who)
				os.WriteFile(ref, goBuild(t, dir, "./cmd/"+who, nil), 0o755)
				if out, err := exec.Command("strip", "-S", ref).CombinedOutput(); err != nil {
					t.Fatalf("strip: %v\n%s", err, out)
				}
				got, _ := os.ReadFile(bin)
				want, _ := os.ReadFile(ref)
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from go build's binary after strip -S", bin)
				}
			}
			if b, err := os.ReadFile(filepath.Join(outs[0], "note")); err != nil || string(b) != "installed\n" {
				t.Errorf("postInstall did not run: %q %v", b, err)
			}
		})
	}
}

// TestArgumentsTable keeps the README's argument table in step with nix/arguments.nix, where
// each argument is declared once: every declared argument is in a row that says "yes" or
// among "dgd's own arguments", and every argument a "yes" row names is declared.
func TestArgumentsTable(t *testing.T) {
	requireNix(t)
	out, _ := commandOutput(t, repo, "nix-instantiate", "--eval", "--json", "-E", "builtins.attrNames (import ./nix/arguments.nix)")
	var declared []string
	if err := json.Unmarshal([]byte(out), &declared); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "### buildGoModule's arguments\n")
	section, _, _ = strings.Cut(section, "\n## ")
	if !ok {
		t.Fatal("README.md has no section \"### buildGoModule's arguments\"")
	}
	name := regexp.MustCompile("`([A-Za-z_]+)`")
	documented := map[string]bool{}
	for _, l := range strings.Split(section, "\n") {
		cells := strings.Split(l, " | ")
		switch {
		case strings.HasPrefix(l, "| `") && len(cells) >= 2:
			if !strings.HasPrefix(cells[1], "yes") {
				continue
			}
			for _, m := range name.FindAllStringSubmatch(cells[0], -1) {
				documented[m[1]] = true
				if !slices.Contains(declared, m[1]) {
					t.Errorf("README.md's row %q says yes, but nix/arguments.nix does not declare %s", cells[0], m[1])
				}
			}
		case strings.HasPrefix(l, "dgd's own arguments:"):
			_, own, _ := strings.Cut(section, "dgd's own arguments:")
			own, _, _ = strings.Cut(own, "\n\n")
			for _, m := range name.FindAllStringSubmatch(own, -1) {
				documented[m[1]] = true
			}
		}
	}
	for _, a := range declared {
		if !documented[a] {
			t.Errorf("nix/arguments.nix declares %s, but README.md's argument table does not say what dgd does with it", a)
		}
	}
}
