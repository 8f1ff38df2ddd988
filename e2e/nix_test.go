// Package e2e builds the examples with real Nix (through scripts/with-nix: `make test`) and
// checks the results against `go build`. Without nix-build on PATH these tests fail.
package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// repo is the repository's root.
var repo = func() string {
	d, err := filepath.Abs("..")
	if err != nil {
		panic(err)
	}
	return d
}()

func requireNix(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nix-build"); err != nil {
		t.Fatal("nix-build is not on PATH: run the tests through scripts/with-nix (make test)")
	}
	if os.Getenv("GOPROXY") == "" {
		t.Fatal("GOPROXY is not in the environment: fixed-output module downloads need it (make test exports it)")
	}
}

// nixBuild runs nix-build with args and returns the output paths and everything Nix printed.
func nixBuild(t *testing.T, args ...string) ([]string, string, error) {
	t.Helper()
	cmd := exec.Command("nix-build", append([]string{"--no-out-link"}, args...)...)
	cmd.Dir = repo
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return strings.Fields(out.String()), errb.String(), err
}

// commandOutput runs a command (nix, nix-build, nix-store, a script that runs them) in dir
// and returns its stdout and stderr; the test fails, with the stderr, when the command does.
func commandOutput(t *testing.T, dir, name string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String()
}

var buildingRE = regexp.MustCompile(`building '/nix/store/[a-z0-9]{32}-([^']+)\.drv'`)

// built lists the names of the derivations Nix reports building, sorted, without repeats.
func built(log string) []string {
	seen := map[string]bool{}
	var names []string
	for _, m := range buildingRE.FindAllStringSubmatch(log, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	sort.Strings(names)
	return names
}

// goBuild builds pkg in dir with the go on PATH, as dgd's oracle: the unstripped binary of
// `go build -trimpath -buildvcs=false -ldflags=-buildid=`.
func goBuild(t *testing.T, dir, pkg string, env []string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bin")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-buildid=", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"GOTOOLCHAIN=local", "GOFLAGS="}, env...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func run(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	return strings.TrimSpace(string(out))
}
