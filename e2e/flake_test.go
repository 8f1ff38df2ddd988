package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlake evaluates dgd's flake in pure mode, offline: nix flake check (the examples built
// both ways and run), the dgd CLI through nix run, and a user's flake that takes dgd as an
// input (nixpkgs through follows) and builds a program with lib.<system>.buildWithIFD,
// lib.<system>.buildWithDynDrv and the overlay's dgdLib; the flake template, as
// `nix flake init -t` gives it, in a module (nothing edited); each binary is go build's.
func TestFlake(t *testing.T) {
	requireNix(t)
	nixpkgs := hostFlake(t)
	self := "git+file://" + repo // the files git tracks, as a user's clone has them
	noLock := []string{"--no-write-lock-file", "--override-input", "nixpkgs", nixpkgs}

	nixCmd(t, repo, append([]string{"flake", "check", self}, noLock...)...)

	mod := writeModule(t, map[string]string{"go.mod": goMod,
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"Hello, DGD!\") }\n"})
	plan := filepath.Join(t.TempDir(), "plan.json")
	nixCmd(t, repo, append([]string{"run", self + "#dgd"}, append(noLock, "--", "plan", "-C", mod, "-o", plan, ".")...)...)
	if b, err := os.ReadFile(plan); err != nil || !bytes.Contains(b, []byte(`"example.com/m"`)) {
		t.Errorf("nix run .#dgd -- plan: the plan lacks the main package (%v):\n%.500s", err, b)
	}

	system := strings.TrimSpace(nixCmd(t, repo, "eval", "--raw", "--impure", "--expr", "builtins.currentSystem"))
	flake := fmt.Sprintf(`{
  inputs.dgd.url = %q;
  inputs.nixpkgs.url = %q;
  inputs.dgd.inputs.nixpkgs.follows = "nixpkgs";
  outputs = { self, dgd, nixpkgs }:
    let
      system = %q;
      args = { src = ./.; pname = "m"; dontStrip = true; };
      pkgs = nixpkgs.legacyPackages.${system};
      withOverlay = pkgs // dgd.overlays.default withOverlay pkgs;
    in {
      packages.${system} = {
        ifd = dgd.lib.${system}.buildWithIFD args;
        dyndrv = dgd.lib.${system}.buildWithDynDrv args;
        overlay = withOverlay.dgdLib.buildWithIFD args;
        cli = withOverlay.dgd;
      };
    };
}
`, self, nixpkgs, system)
	if err := os.WriteFile(filepath.Join(mod, "flake.nix"), []byte(flake), 0o644); err != nil {
		t.Fatal(err)
	}
	want := goBuild(t, mod, ".", nil)
	for _, attr := range []string{"ifd", "dyndrv", "overlay"} {
		out := strings.TrimSpace(nixCmd(t, mod, "build", "--no-link", "--print-out-paths", "--no-write-lock-file", "path:"+mod+"#"+attr))
		got, err := os.ReadFile(filepath.Join(out, "bin", "m"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %s/bin/m differs from go build -trimpath", attr, out)
		}
	}
	tmpl := writeModule(t, map[string]string{"go.mod": goMod,
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"Hello, DGD!\") }\n"})
	nixCmd(t, tmpl, "flake", "init", "-t", self+"#default")
	out := strings.TrimSpace(nixCmd(t, tmpl, "build", "--no-link", "--print-out-paths", "--no-write-lock-file",
		"--override-input", "dgd", self, "--override-input", "nixpkgs", nixpkgs, "path:"+tmpl))
	checkStripped(t, filepath.Join(out, "bin", "m"), tmpl, ".")

	cli := strings.TrimSpace(nixCmd(t, mod, "build", "--no-link", "--print-out-paths", "--no-write-lock-file", "path:"+mod+"#cli"))
	if _, err := os.Stat(filepath.Join(cli, "bin", "dgd")); err != nil {
		t.Errorf("the overlay's dgd: %v", err)
	}
}
