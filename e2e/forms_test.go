package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFinalAttrsAndOverrides builds examples/stamped in nixpkgs' `finalAttrs: { ... }` form,
// its version stamped with -X main.name=${finalAttrs.version}, then overrides it as users
// override buildGoModule's results: overrideAttrs with a new version re-stamps the binary,
// the two-argument form sees the final arguments, and override changes an argument. Each
// binary is go build's with the same flags.
func TestFinalAttrsAndOverrides(t *testing.T) {
	requireNix(t)
	dir := filepath.Join(repo, "examples", "stamped")
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			base := fmt.Sprintf(`(import %s { }).%s (finalAttrs: {
				pname = "stamped"; version = "DGD"; src = %s; dontStrip = true;
				ldflags = [ "-X" "main.name=${finalAttrs.version}" ]; tags = [ "excited" ];
				passthru.fullName = finalAttrs.finalPackage.name;
			})`, repo, builder, dir)
			for _, tc := range []struct {
				what, expr, name, prints string
				flags                    []string
			}{
				{"finalAttrs", base, "stamped-DGD", "Hello, DGD!", []string{"-tags=excited", "-ldflags=-X main.name=DGD -buildid="}},
				{"overrideAttrs version", "(" + base + `).overrideAttrs (prev: { version = "Nix"; })`, "stamped-Nix", "Hello, Nix!",
					[]string{"-tags=excited", "-ldflags=-X main.name=Nix -buildid="}},
				{"overrideAttrs final prev", "(" + base + `).overrideAttrs (final: prev: { pname = "loud"; ldflags = prev.ldflags ++ [ "-X" "main.name=${final.pname}" ]; })`,
					"loud-DGD", "Hello, loud!", []string{"-tags=excited", "-ldflags=-X main.name=DGD -X main.name=loud -buildid="}},
				{"override", "(" + base + `).override (old: { tags = [ ]; })`, "stamped-DGD", "Hello, DGD.", []string{"-ldflags=-X main.name=DGD -buildid="}},
			} {
				outs, log, err := nixBuild(t, "-E", tc.expr)
				if err != nil {
					t.Fatalf("%s: %v\n%s", tc.what, err, log)
				}
				if !strings.HasSuffix(outs[0], "-"+tc.name) {
					t.Errorf("%s: the result is %s, want it named %s", tc.what, outs[0], tc.name)
				}
				bin := filepath.Join(outs[0], "bin", "stamped")
				if s := run(t, bin); s != tc.prints {
					t.Errorf("%s: printed %q, want %q", tc.what, s, tc.prints)
				}
				got, _ := os.ReadFile(bin)
				if want := goBuildFlags(t, dir, ".", tc.flags...); !bytes.Equal(got, want) {
					t.Errorf("%s: %s differs from go build -trimpath %s", tc.what, bin, strings.Join(tc.flags, " "))
				}
			}
			out, _ := commandOutput(t, repo, "nix-instantiate", "--eval", "-E", "("+base+").passthru.fullName")
			if strings.TrimSpace(out) != `"stamped-DGD"` {
				t.Errorf("finalAttrs.finalPackage.name = %s, want \"stamped-DGD\"", out)
			}
		})
	}
}

// TestGOFLAGSPrecedence: as in buildGoModule, where GOFLAGS is the environment and the
// explicit flags are on go's command line, tags and ldflags win over GOFLAGS' -tags and
// -ldflags.
func TestGOFLAGSPrecedence(t *testing.T) {
	requireNix(t)
	dir := filepath.Join(repo, "examples", "stamped")
	want := goBuildFlags(t, dir, ".", "-tags=excited", "-ldflags=-X main.name=DGD -buildid=")
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			outs, log, err := buildDir(t, builder, dir, `GOFLAGS = [ "-tags=quiet" "-ldflags=-X main.name=GOFLAGS" ];
				tags = [ "excited" ]; ldflags = [ "-X" "main.name=DGD" ]; doCheck = false;`)
			if err != nil {
				t.Fatalf("%v\n%s", err, log)
			}
			bin := filepath.Join(outs[0], "bin", "stamped")
			if s := run(t, bin); s != "Hello, DGD!" {
				t.Errorf("printed %q, want the explicit flags' \"Hello, DGD!\"", s)
			}
			if got, _ := os.ReadFile(bin); !bytes.Equal(got, want) {
				t.Errorf("%s differs from go build -tags=excited -ldflags='-X main.name=DGD'", bin)
			}
		})
	}
}

// TestTestsRunAsBuildUser: the tests run as an unprivileged build user, as on a multi-user
// Nix installation, so a test that expects writing to / to be denied passes (gdu has one).
func TestTestsRunAsBuildUser(t *testing.T) {
	requireNix(t)
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			// a module never built before (the store outlives the test), so that the test runs
			dir := writeModule(t, map[string]string{
				"go.mod":  goMod,
				"main.go": "package main\n\nfunc main() {}\n",
				"main_test.go": fmt.Sprintf("// built with %s at %d", builder, time.Now().UnixNano()) + `
package main

import (
	"os"
	"testing"
)

func TestNotRoot(t *testing.T) {
	if os.Getuid() == 0 {
		t.Fatal("the test runs as root")
	}
	if err := os.WriteFile("/xyzxyz", nil, 0o644); err == nil {
		t.Fatal("writing /xyzxyz was allowed")
	}
}
`,
			})
			_, log, err := buildDir(t, builder, dir, `checkFlags = [ "-v" ];`)
			if err != nil {
				t.Fatalf("%v\n%s", err, log)
			}
			if !strings.Contains(log, "--- PASS: TestNotRoot") {
				t.Errorf("the log does not show TestNotRoot passing:\n%s", log)
			}
		})
	}
}
