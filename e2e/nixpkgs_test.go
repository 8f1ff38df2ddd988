package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// nixpkgsPackages are real programs from the Go module proxy with the arguments their
// nixpkgs packages give buildGoModule (version stamping, subPackages, checkFlags, env); dgd
// takes the same arguments, tests included (doCheck is on, as in nixpkgs).
var nixpkgsPackages = []struct {
	name, module, args string
	pkgs, bins, tested []string // what go build builds, the programs, what go test tests
	ldflags            string
	testFlags          []string
	env                []string
}{
	{
		name: "age", module: "filippo.io/age@v1.2.1",
		args: `pname = "age"; version = "1.2.1"; vendorHash = "sha256-hMfyD0YubXEi4PuPDEE+C3rQQfPBHRUxiC3kEp4kY24=";
			subPackages = [ "cmd/age" "cmd/age-keygen" ];
			ldflags = [ "-s" "-w" "-X main.Version=1.2.1" ];
			checkFlags = [ "-skip" "TestScript/plugin" ];`,
		pkgs: []string{"./cmd/age", "./cmd/age-keygen"}, bins: []string{"age", "age-keygen"}, tested: []string{"./cmd/age", "./cmd/age-keygen"},
		ldflags: "-s -w -X main.Version=1.2.1", testFlags: []string{"-skip", "TestScript/plugin"},
	},
	{
		name: "fzf", module: "github.com/junegunn/fzf@v0.65.2",
		args: `pname = "fzf"; version = "0.65.2"; vendorHash = "sha256-1URk8uebZbJWYuJSZ3KGKVO9n0vfi+h2dGq/OyTpTno=";
			env.CGO_ENABLED = 0;
			ldflags = [ "-s" "-w" "-X main.version=0.65.2 -X main.revision=v0.65.2" ];`,
		pkgs: []string{"."}, bins: []string{"fzf"}, tested: []string{"./..."}, // no subPackages: every package's tests
		ldflags: "-s -w -X main.version=0.65.2 -X main.revision=v0.65.2", env: []string{"CGO_ENABLED=0"},
	},
}

// TestNixpkgsArguments builds each program as its nixpkgs package does, both ways: the
// programs are go build's with the same flags (before strip), the tests pass as go test's do.
func TestNixpkgsArguments(t *testing.T) {
	requireNix(t)
	for _, p := range nixpkgsPackages {
		t.Run(p.name, func(t *testing.T) {
			dir := download(t, p.module)
			env := append([]string{"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local"}, p.env...)
			ref := t.TempDir()
			cmd := exec.Command("go", append([]string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + p.ldflags + " -buildid=", "-o", ref + "/"}, p.pkgs...)...)
			cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			// the oracle of the tests: go test on the packages buildGoModule tests
			cmd = exec.Command("go", append(append([]string{"test", "-vet=off", "-trimpath", "-count=1"}, p.tested...), p.testFlags...)...)
			cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
			goTestOut, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go test fails, so dgd's build must fail too; pick passing checkFlags: %v\n%s", err, goTestOut)
			}
			var tested []string
			for _, m := range regexp.MustCompile(`(?m)^ok\s+(\S+)`).FindAllStringSubmatch(string(goTestOut), -1) {
				tested = append(tested, m[1])
			}
			for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
				outs, log, err := buildDir(t, builder, dir, p.args)
				if err != nil {
					t.Fatalf("%s: %v\n%s", builder, err, log)
				}
				for _, bin := range p.bins {
					got, _ := os.ReadFile(filepath.Join(outs[0], "bin", bin))
					want, _ := os.ReadFile(filepath.Join(ref, bin))
					if len(got) == 0 || !bytes.Equal(got, want) {
						t.Errorf("%s: bin/%s differs from go build -ldflags=%q (%d vs %d bytes)", builder, bin, p.ldflags, len(got), len(want))
					}
				}
				// every package go test ran passed in dgd's build too (a first build shows the
				// runs; a cached one has them in the store)
				for _, ip := range tested {
					run := fmt.Sprintf(`((import %s { }).buildWithIFD { src = %s; %s }).passthru.tests.%q.run`, repo, dir, p.args, ip)
					outs, log, err := nixBuild(t, "-E", run)
					if err != nil {
						t.Fatalf("the test run of %s: %v\n%s", ip, err, log)
					}
					b, _ := os.ReadFile(filepath.Join(outs[0], "log"))
					if !strings.Contains(string(b), "PASS") {
						t.Errorf("%s: the log of %s's tests says no PASS:\n%s", builder, ip, b)
					}
				}
				if len(tested) == 0 {
					t.Errorf("go test ran no tests of %s: the comparison would be empty", p.name)
				}
			}
		})
	}
}
