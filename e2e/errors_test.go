package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const goMod = "module example.com/m\n\ngo 1.22\n"

// TestBadInput checks that each kind of bad input fails with a message that says what is
// wrong and where.
func TestBadInput(t *testing.T) {
	requireNix(t)
	for _, tc := range []struct {
		name  string
		files map[string]string
		extra string   // more arguments of the builder
		want  []string // all of these in Nix's output
	}{
		{"no go.mod", map[string]string{"main.go": "package main\nfunc main() {}\n"}, "",
			[]string{"is not in a Go module: no go.mod found"}},
		{"compile error", map[string]string{"go.mod": goMod, "main.go": "package main\nimport \"example.com/m/a\"\nfunc main() { println(a.F()) }\n",
			"a/a.go": "package a\n\nfunc F() string {\n\treturn 1\n}\n"}, "",
			[]string{"a/a.go:4:9: cannot use 1 (untyped int constant) as string value in return statement", "gopkg-example.com-m-a.drv"}},
		{"missing subPackage", map[string]string{"go.mod": goMod, "main.go": "package main\nfunc main() {}\n"}, `subPackage = "cmd/nope";`,
			[]string{"cmd/nope: directory not found"}},
		{"missing vendorHash", map[string]string{"go.mod": goMod + "\nrequire github.com/google/uuid v1.6.0\n",
			"go.sum":  "github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\ngithub.com/google/uuid v1.6.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n",
			"main.go": "package main\nimport \"github.com/google/uuid\"\nfunc main() { println(uuid.NewString()) }\n"}, "",
			[]string{"requires third-party modules: set vendorHash"}},
		{"wrong vendorHash", map[string]string{"go.mod": goMod + "\nrequire github.com/google/uuid v1.6.0\n",
			"go.sum":  "github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\ngithub.com/google/uuid v1.6.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n",
			"main.go": "package main\nimport \"github.com/google/uuid\"\nfunc main() { println(uuid.NewString()) }\n"},
			`vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";`,
			[]string{"hash mismatch in fixed-output derivation", "got:    sha256-"}},
		{"unknown argument", map[string]string{"go.mod": goMod, "main.go": "package main\nfunc main() {}\n"}, `vendorSha256 = "";`,
			[]string{"unknown argument(s) vendorSha256"}},
		// a step that fails inside a standard-library layer fails the layer, naming the
		// compiler's complaint, once its running steps are done (nix/layer-scheduler.sh)
		{"failing step in a layer", map[string]string{"go.mod": goMod, "main.go": "package main\nfunc main() {}\n"}, `GOFLAGS = "-gcflags=runtime=-dgd-no-such-flag";`,
			[]string{"flag provided but not defined: -dgd-no-such-flag", "go-std-runtime.drv"}},
		// go's own complaint, from the standard library's plan (planned apart from the
		// program's, with its flags) or the program's, whichever Nix reports
		{"unknown flag in GOFLAGS", map[string]string{"go.mod": goMod, "main.go": "package main\nfunc main() {}\n"}, `GOFLAGS = "-dgd-no-such-flag=1";`,
			[]string{"flag provided but not defined: -dgd-no-such-flag"}},
		{"bad argument type", map[string]string{"go.mod": goMod, "main.go": "package main\nfunc main() {}\n"}, `env = [ "CGO_ENABLED=0" ];`,
			[]string{"argument `env` must be an attribute set, got list"}},
	} {
		for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
			t.Run(tc.name+"/"+builder, func(t *testing.T) {
				dir := writeModule(t, tc.files)
				_, log, err := buildDir(t, builder, dir, tc.extra)
				if err == nil {
					t.Fatalf("the build succeeded")
				}
				for _, w := range tc.want {
					if !strings.Contains(log, w) {
						t.Errorf("output lacks %q:\n%s", w, log)
					}
				}
			})
		}
	}
}

// TestOldNixIsRefused checks the message buildWithDynDrv gives on a Nix that cannot build
// dynamic derivations (this machine's Nix can, so the check is fed other versions).
func TestOldNixIsRefused(t *testing.T) {
	requireNix(t)
	for _, tc := range []struct{ args, want string }{
		{`nixVersion = "2.26.3"; hasOutputOf = true;`, "needs Nix >= 2.30 (dynamic derivations built in one go); this is Nix 2.26.3"},
		{`nixVersion = "2.34.8"; hasOutputOf = false;`, "needs the experimental features dynamic-derivations"},
		{`nixVersion = "2.34.8"; hasOutputOf = true;`, "null"},
	} {
		out, err := exec.Command("nix-instantiate", "--eval", "-E",
			"import "+filepath.Join(repo, "nix", "dyndrv-support.nix")+" { "+tc.args+" }").CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.args, err, out)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%s: got %s, want it to contain %q", tc.args, out, tc.want)
		}
	}
}
