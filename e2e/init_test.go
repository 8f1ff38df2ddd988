package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInit is a user's first hour: `dgd init` on real modules from the Go module proxy that
// the project's other tests do not use, from the download to a running binary, with nixpkgs'
// defaults (tests on, binaries stripped) and nothing edited by hand:
//   - gojq, in a git repository: a flake.nix and a dgd.lock (init's defaults, buildWithIFD),
//     the files added to git as init says, then `nix build`;
//   - mkcert: a default.nix with buildWithDynDrv and a vendorHash that init learns from Nix,
//     then `nix-build`.
//
// Each binary is go build's of the same source after strip -S. dgd comes from this
// repository and nixpkgs is the host toolchain set (offline): the only flags beyond the ones
// init prints.
func TestInit(t *testing.T) {
	requireNix(t)
	dgd := dgdBin(t)
	nixpkgs := hostFlake(t)
	gitEnv := []string{"GIT_AUTHOR_NAME=u", "GIT_AUTHOR_EMAIL=u@example.com", "GIT_COMMITTER_NAME=u", "GIT_COMMITTER_EMAIL=u@example.com"}

	t.Run("gojq flake dgd.lock buildWithIFD", func(t *testing.T) {
		dir := download(t, "github.com/itchyny/gojq@v0.12.17")
		runIn(t, dir, gitEnv, "git", "init", "-q")
		runIn(t, dir, gitEnv, "git", "add", "-A")
		runIn(t, dir, gitEnv, "git", "commit", "-qm", "gojq")
		msg := runIn(t, dir, nil, dgd, "init")
		if want := "next: git add flake.nix dgd.lock && nix build && ./result/bin/gojq"; !strings.Contains(msg, want) {
			t.Errorf("dgd init printed no %q:\n%s", want, msg)
		}
		flake, err := os.ReadFile(filepath.Join(dir, "flake.nix"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`inputs.dgd.inputs.nixpkgs.follows = "nixpkgs";`, `subPackages = [ "cmd/gojq" ];`, `pname = "gojq";`, ".buildWithIFD (finalAttrs: {"} {
			if !bytes.Contains(flake, []byte(want)) {
				t.Errorf("flake.nix has no %q:\n%s", want, flake)
			}
		}
		// a second init replaces nothing
		cmd := exec.Command(dgd, "init")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), filepath.Join(dir, "flake.nix")+" exists") {
			t.Errorf("dgd init over its own flake.nix: %v, want an error naming the file:\n%s", err, out)
		}
		runIn(t, dir, gitEnv, "git", "add", "flake.nix", "dgd.lock")
		nixCmd(t, dir, "build", "--override-input", "dgd", "git+file://"+repo, "--override-input", "nixpkgs", nixpkgs)
		checkStripped(t, filepath.Join(dir, "result", "bin", "gojq"), dir, "./cmd/gojq")
		if out, err := exec.Command(filepath.Join(dir, "result", "bin", "gojq"), "-n", "[1,2] | add").Output(); err != nil || strings.TrimSpace(string(out)) != "3" {
			t.Errorf("result/bin/gojq -n '[1,2] | add': %v, %q", err, out)
		}
	})

	t.Run("mkcert default.nix vendorHash buildWithDynDrv", func(t *testing.T) {
		dir := download(t, "filippo.io/mkcert@v1.4.4")
		dgdArg := []string{"--arg", "dgd", "import " + repo + " { }"}
		msg := runIn(t, dir, nil, dgd, append([]string{"init", "-nix", "-dyndrv", "-vendor-hash", "--"}, dgdArg...)...)
		if want := "next: nix-build && ./result/bin/mkcert"; !strings.Contains(msg, want) {
			t.Errorf("dgd init printed no %q:\n%s", want, msg)
		}
		nix, err := os.ReadFile(filepath.Join(dir, "default.nix"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(nix, []byte(`vendorHash = "sha256-`)) || !bytes.Contains(nix, []byte("dgd.buildWithDynDrv (finalAttrs: {")) {
			t.Errorf("default.nix has no vendorHash or no buildWithDynDrv:\n%s", nix)
		}
		if _, err := os.Stat(filepath.Join(dir, "dgd.lock")); err == nil {
			t.Errorf("dgd init -vendor-hash wrote a dgd.lock")
		}
		commandOutput(t, dir, "nix-build", dgdArg...)
		checkStripped(t, filepath.Join(dir, "result", "bin", "mkcert"), dir, ".")
	})

	t.Run("no module", func(t *testing.T) {
		dir := t.TempDir()
		cmd := exec.Command(dgd, "init", "-C", dir)
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), dir+" has no go.mod") {
			t.Errorf("dgd init -C <empty dir>: exit %d (%v), want 1 and an error naming the directory:\n%s", code, err, out)
		}
	})
}

// checkStripped checks that bin is go build's binary of pkg in dir after strip -S.
func checkStripped(t *testing.T, bin, dir, pkg string) {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "ref")
	if err := os.WriteFile(ref, goBuild(t, dir, pkg, nil), 0o755); err != nil {
		t.Fatal(err)
	}
	stripS(t, ref)
	want, err := os.ReadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s (%d bytes) differs from go build -trimpath -ldflags=-buildid= %s after strip -S (%d bytes)", bin, len(got), pkg, len(want))
	}
}

// stripS strips file as Nix's fixup does (strip -S).
func stripS(t *testing.T, file string) {
	t.Helper()
	if out, err := exec.Command("strip", "-S", file).CombinedOutput(); err != nil {
		t.Fatalf("strip -S %s: %v\n%s", file, err, out)
	}
}
