// Package scaffold writes the Nix that builds a Go module with dgd (`dgd init`): it asks go
// what the module is (its path, its main packages, whether it requires other modules or
// vendors them) and renders a flake.nix or a default.nix from that.
package scaffold

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dgd-build/dgd/internal/gocmd"
	"github.com/dgd-build/dgd/internal/planner"
)

// Module is what the Nix of a module needs to know about it.
type Module struct {
	Path     string   // the module path
	Mains    []string // the main packages dgd builds by default, as subPackages: "." or "cmd/x"
	Programs []string // the names go build gives their binaries, in the order of Mains
	Requires bool     // go.mod requires other modules
	Vendored bool     // the module has vendor/modules.txt (vendorHash = null)
}

// Detect reads the module in root with goBin (env: the environment go runs with).
func Detect(ctx context.Context, goBin, root string, env []string) (*Module, error) {
	env = append(env[:len(env):len(env)], "GOTOOLCHAIN=local", "GO111MODULE=on", "GOFLAGS=", "GOWORK=off")
	out, _, err := gocmd.Run(ctx, gocmd.Invocation{Go: goBin, Verb: "mod", Args: []string{"edit", "-json"}, Env: env, Dir: root})
	if err != nil {
		return nil, err
	}
	var gomod struct {
		Module  struct{ Path string }
		Require []struct{ Path string }
	}
	if err := json.Unmarshal(out, &gomod); err != nil {
		return nil, fmt.Errorf("reading `go mod edit -json` in %s: %w", root, err)
	}
	m := &Module{Path: gomod.Module.Path, Requires: len(gomod.Require) > 0}
	if _, err := os.Stat(filepath.Join(root, "vendor", "modules.txt")); err == nil {
		m.Vendored = true
	}
	// -find: the packages' own files only, nothing downloaded
	out, _, err = gocmd.Run(ctx, gocmd.Invocation{Go: goBin, Verb: "list", Args: []string{"-e", "-find", "-json=ImportPath,Name,Dir", "./..."}, Env: env, Dir: root})
	if err != nil {
		return nil, err
	}
	exclude := regexp.MustCompile(planner.DefaultExclude)
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct{ ImportPath, Name, Dir string }
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("reading `go list -find -json ./...` in %s: %w", root, err)
		}
		rel, err := filepath.Rel(root, p.Dir)
		if err != nil || p.Name != "main" || exclude.MatchString("./"+filepath.ToSlash(rel)) {
			continue
		}
		m.Mains = append(m.Mains, filepath.ToSlash(rel))
		m.Programs = append(m.Programs, programName(p.ImportPath, m.Path))
	}
	if len(m.Mains) == 0 {
		return nil, fmt.Errorf("module %s in %s has no main package (outside examples/ and Godeps/): dgd builds programs", m.Path, root)
	}
	return m, nil
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// programName is the name go build gives the binary of the main package pkg of the module
// mod: its last path element, or the one before a major version suffix at the module's root.
func programName(pkg, mod string) string {
	elem := path.Base(pkg)
	if pkg == mod && majorVersion.MatchString(elem) && strings.Contains(pkg, "/") {
		return path.Base(path.Dir(pkg))
	}
	return elem
}

// Pname is the package name of the module: the last element of its path that is not a major
// version suffix (github.com/mikefarah/yq/v4: "yq").
func (m *Module) Pname() string { return programName(m.Path, m.Path) }

// Options say how the Nix is written.
type Options struct {
	DynDrv bool // buildWithDynDrv, else buildWithIFD
	// Modules is the expression's line for third-party modules ("vendorHash = ...;"), or ""
	// (a dgd.lock in src, or none needed)
	Modules string
	// Dgd is where dgd comes from: a flake reference for a flake; for a default.nix, a path
	// (imported) or the URL of a tarball (fetched)
	Dgd string
}

// Where dgd comes from by default: its flake, and a tarball of it.
const (
	DefaultDgdFlake   = "github:dgd-build/dgd"
	DefaultDgdTarball = "https://github.com/dgd-build/dgd/archive/main.tar.gz"
)

// args are the builder's arguments, indented by ind. A Module without Mains is the flake
// template's: every main package, the modules left for the user to lock.
func (m *Module) args(o Options, ind string) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(ind + s + "\n") }
	line("pname = " + strconv.Quote(m.Pname()) + ";")
	line(`version = "0.1.0"; # your release's version`)
	line("src = ./.;")
	if o.Modules != "" {
		line(o.Modules)
	}
	if len(m.Mains) == 0 {
		line(`# subPackages = [ "cmd/my-program" ]; # default: every main package of ./...`)
	} else {
		quoted := make([]string, len(m.Mains))
		for i, s := range m.Mains {
			quoted[i] = strconv.Quote(s)
		}
		line("subPackages = [ " + strings.Join(quoted, " ") + " ];")
	}
	line(`# ldflags = [ "-s" "-w" "-X main.version=${finalAttrs.version}" ]; # as go build -ldflags`)
	line("# tags = [ ]; env.CGO_ENABLED = 0; doCheck = false; # and buildGoModule's other arguments (dgd's README)")
	if len(m.Programs) == 1 || slices.Contains(m.Programs, m.Pname()) {
		main := m.Pname()
		if len(m.Programs) == 1 {
			main = m.Programs[0]
		}
		line("meta.mainProgram = " + strconv.Quote(main) + ";")
	}
	return b.String()
}

// Template is the flake template's flake.nix (templates/default): a flake for any module.
func Template() []byte {
	m := &Module{Path: "my-program"}
	return m.Flake(Options{Modules: "# third-party modules: a dgd.lock (`nix run github:dgd-build/dgd -- lock` writes it), or vendorHash = \"\"; to learn a vendorHash"})
}

// Builder is the name of the builder the Nix calls.
func (o Options) Builder() string {
	if o.DynDrv {
		return "buildWithDynDrv"
	}
	return "buildWithIFD"
}

// other names the other builder, for the comment that says it exists
func (o Options) other(ind string) string {
	if o.DynDrv {
		return "dgd.buildWithIFD takes the same arguments and\n" + ind + "# uses import-from-derivation instead of dynamic derivations"
	}
	return "dgd.buildWithDynDrv takes the same arguments and\n" + ind + "# uses dynamic derivations instead of import-from-derivation"
}

// Flake is the flake.nix of the module: packages.<system>.default, dgd as the input dgd
// following the flake's nixpkgs.
func (m *Module) Flake(o Options) []byte {
	dgd := cmp.Or(o.Dgd, DefaultDgdFlake)
	return []byte(fmt.Sprintf(`{
  description = %s;

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.dgd.url = %s;
  inputs.dgd.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, nixpkgs, dgd }:
    let
      systems = { x86_64-linux = 0; aarch64-linux = 0; x86_64-darwin = 0; aarch64-darwin = 0; };
    in
    {
      # nix build: one derivation per Go package. dgd.lib.forPkgs pkgs: the builders for a
      # package set; %s.
      packages = builtins.mapAttrs (system: pkgs: {
        default = (dgd.lib.forPkgs pkgs).%s (finalAttrs: {
%s        });
      }) (builtins.intersectAttrs systems nixpkgs.legacyPackages);
    };
}
`, strconv.Quote(m.Pname()+" built with dgd, one Nix derivation per Go package"), strconv.Quote(dgd), o.other("      "), o.Builder(), m.args(o, "          ")))
}

// DefaultNix is the default.nix of the module, for nix-build: its argument dgd defaults to
// o.Dgd (imported, or fetched when it is a URL).
func (m *Module) DefaultNix(o Options) []byte {
	dgd := "import (builtins.fetchTarball " + strconv.Quote(cmp.Or(o.Dgd, DefaultDgdTarball)) + ") { }"
	if o.Dgd != "" && !strings.Contains(o.Dgd, "://") {
		abs, err := filepath.Abs(o.Dgd)
		if err == nil {
			dgd = "import " + abs + " { }"
		}
	}
	return []byte(fmt.Sprintf(`# nix-build builds %s with dgd: one Nix derivation per Go package.
# %s.
# dgd's argument pkgs defaults to <nixpkgs>.
{ dgd ? %s }:
dgd.%s (finalAttrs: {
%s})
`, m.Pname(), o.other(""), dgd, o.Builder(), m.args(o, "  ")))
}
