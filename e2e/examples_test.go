package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// example is one example of examples/args.nix, the one list of them, and what go build needs
// to build the same: its directory (src), flags and environment, and its programs (from its
// plan: import path and the name go gives the binary).
type example struct {
	Name, Dir      string
	Ldflags, Tags  []string
	Env            map[string]string
	HasBuildInputs bool
	Links          []struct{ ImportPath, Binary string }
}

// examples reads examples/args.nix and each example's plan (buildWithIFD's planDrv).
func examples(t *testing.T) []example {
	t.Helper()
	out, _ := commandOutput(t, repo, "nix-instantiate", "--eval", "--json", "--strict", "-E", `
	  builtins.attrValues (builtins.mapAttrs (n: a: {
	    Name = n; Dir = toString a.src; Ldflags = a.ldflags or [ ]; Tags = a.tags or [ ];
	    Env = builtins.mapAttrs (_: toString) (a.env or { }); HasBuildInputs = a ? buildInputs;
	  }) (import ./examples/args.nix { pkgs = null; }))`)
	var exs []example
	if err := json.Unmarshal([]byte(out), &exs); err != nil {
		t.Fatal(err)
	}
	args := []string{"--arg", "useDynDrv", "false"}
	for _, ex := range exs {
		args = append(args, "-A", "examples."+ex.Name+".passthru.planDrv")
	}
	plans, log, err := nixBuild(t, args...)
	if err != nil || len(plans) != len(exs) {
		t.Fatalf("the examples' plans: %v (%d for %d examples)\n%s", err, len(plans), len(exs), log)
	}
	for i := range exs {
		var plan struct {
			Links []struct{ ImportPath, Binary string }
		}
		b, err := os.ReadFile(plans[i])
		if err == nil {
			err = json.Unmarshal(b, &plan)
		}
		exs[i].Links = plan.Links
		if err != nil || len(exs[i].Links) == 0 {
			t.Fatalf("%s's plan %s: %v, %d links", exs[i].Name, plans[i], err, len(exs[i].Links))
		}
	}
	return exs
}

// TestExamplesIdenticalToGoBuild builds every example both ways and compares each binary,
// byte for byte, with `go build -trimpath` of the same source by the same toolchain.
func TestExamplesIdenticalToGoBuild(t *testing.T) {
	requireNix(t)
	exs := examples(t)
	want := map[string][]byte{}
	for _, ex := range exs {
		var env []string
		for k, v := range ex.Env {
			env = append(env, k+"="+v)
		}
		if ex.HasBuildInputs {
			if ex.Name != "clib" {
				t.Fatalf("%s has buildInputs: give the test its C environment as clibEnv gives clib's", ex.Name)
			}
			env = clibEnv(t)
		}
		flags := []string{"-ldflags=" + strings.TrimSpace(strings.Join(ex.Ldflags, " ")+" -buildid=")}
		if len(ex.Tags) > 0 {
			flags = append(flags, "-tags="+strings.Join(ex.Tags, ","))
		}
		for _, l := range ex.Links {
			want[ex.Name+"/"+l.Binary] = goBuildEnvFlags(t, ex.Dir, l.ImportPath, env, flags...)
		}
	}
	t.Logf("%d examples, %d programs", len(exs), len(want))
	for _, dyn := range []bool{false, true} {
		mode := map[bool]string{false: "ifd", true: "dyndrv"}[dyn]
		t.Run(mode, func(t *testing.T) {
			args := []string{"--arg", "useDynDrv", fmt.Sprint(dyn)}
			for _, ex := range exs {
				args = append(args, "-A", "examples."+ex.Name)
			}
			outs, log, err := nixBuild(t, args...)
			if err != nil {
				t.Fatalf("nix-build: %v\n%s", err, log)
			}
			if len(outs) != len(exs) {
				t.Fatalf("nix-build printed %d paths for %d examples: %q", len(outs), len(exs), outs)
			}
			for i, ex := range exs {
				for _, l := range ex.Links {
					bin := filepath.Join(outs[i], "bin", l.Binary)
					got, err := os.ReadFile(bin)
					if err != nil {
						t.Errorf("%s: %v", ex.Name, err)
						continue
					}
					if w := want[ex.Name+"/"+l.Binary]; !bytes.Equal(got, w) {
						t.Errorf("%s: %s differs from go build -trimpath (%d vs %d bytes)", ex.Name, bin, len(got), len(w))
					}
					if s := run(t, bin); s != "Hello, DGD!" {
						t.Errorf("%s printed %q", ex.Name, s)
					}
				}
			}
		})
	}
}

// TestEarlyLayer checks that the standard library's runtime layer, which dgd plans apart from
// the program (from a main package that imports nothing, with the same Go, flags and
// environment) so that Nix builds it while the modules download and the program is planned,
// is the very derivation the program's own plan makes, for every example: otherwise it would
// be built for nothing. The one example with a profile (pgo), whose standard library is its
// own, has none.
func TestEarlyLayer(t *testing.T) {
	requireNix(t)
	out, log := commandOutput(t, repo, "nix-instantiate", "--eval", "--read-write-mode", "--strict", "--json", "--arg", "useDynDrv", "false", "-E", `
	  { useDynDrv }: builtins.mapAttrs (n: e: let p = e.passthru; in
	    if p.earlyLayer == null then null else [ p.earlyLayer.drvPath p.packages.runtime.drvPath ])
	    (import ./. { inherit useDynDrv; }).examples`)
	var got map[string]*[2]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s\n%s", err, out, log)
	}
	for name, drvs := range got {
		switch {
		case name == "pgo" && drvs != nil:
			t.Errorf("pgo: an early runtime layer %s, where the standard library is built with the program's profile", drvs[0])
		case name == "pgo":
		case drvs == nil:
			t.Errorf("%s: no early runtime layer", name)
		case drvs[0] != drvs[1]:
			t.Errorf("%s: the early runtime layer is %s, the plan's %s", name, drvs[0], drvs[1])
		}
	}
	if len(got) < 10 {
		t.Errorf("%d examples: %v", len(got), got)
	}
	// buildWithDynDrv's producer of that layer outputs the same .drv (same name, text and
	// references: the same path), which its shared producer registers again; under another
	// name Nix would name the layer's outputs after it, and refuse the second path of the same
	// realisation when both are built
	top, _ := commandOutput(t, repo, "nix-instantiate", "-A", "examples.hello", "--arg", "useDynDrv", "true")
	closure, _ := commandOutput(t, repo, "nix-store", "--query", "--requisites", strings.TrimSpace(top))
	var producer string
	for _, p := range strings.Fields(closure) {
		if strings.HasSuffix(p, "-go-std-runtime.drv.drv") {
			producer = p
		}
	}
	if producer == "" {
		t.Fatalf("no go-std-runtime.drv producer among the inputs of buildWithDynDrv's hello:\n%s", closure)
	}
	drv, _ := commandOutput(t, repo, "nix-store", "--realise", producer)
	if hello := got["hello"]; hello == nil || strings.TrimSpace(drv) != hello[0] {
		t.Errorf("buildWithDynDrv's producer of the runtime layer gives %s, buildWithIFD's early layer is %v", drv, hello)
	}
}
