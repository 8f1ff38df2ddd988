// Command dgd plans Go builds as one Nix derivation per package; `dgd help` lists its
// commands, `dgd help CMD` says what CMD does (cmd/dgd/main.go holds both texts).
//
//	dgd init [-C dir] [-nix] [-dyndrv] [-vendor-hash] [-dgd ref] [-force] [-- nix flags]
//	dgd lock [-C dir] [-check]
//	dgd plan [-C dir] [-o plan.json] [-gopkg path] [-modules file] [package]
//	dgd fetch [-go go] [-hash h] [-mod] path@version dir
//	dgd fetch [-go go] [-hash h] -mods list dir
//	dgd skeleton src archive
//	dgd skeleton -x archive dir
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/dgd-build/dgd/internal/cli"
	"github.com/dgd-build/dgd/internal/skeleton"
)

var program = cli.Program{
	Name: "dgd",
	Doc: `dgd builds a Go module with Nix as one derivation per Go package (standard library,
third-party and your own) plus the link: an edit rebuilds the packages it changes, and the
binary is the one go build makes. In a Go module, ` + "`dgd init`" + ` writes the Nix that builds it.`,
	Commands: []cli.Command{{
		Name: "init", Args: "[-- nix flags]", Setup: initSetup,
		Summary: "write a flake.nix (or default.nix) that builds this module with dgd, and its dgd.lock",
		Doc: `init writes, in the module's root, a flake.nix (with -nix: a default.nix) whose package builds
every main package of the module with dgd (pname from the module path, the main packages as
subPackages, ldflags for you to fill in), and makes its third-party modules reproducible:
a dgd.lock (as dgd lock writes it), or with -vendor-hash a vendorHash that init learns by
asking Nix to download the modules once (flags after -- go to that nix build or nix-build).
It refuses to replace a file that exists unless -force is given. Then ` + "`nix build`" + ` (or
` + "`nix-build`" + `) builds the module; in a git repository, git add the files first (a flake
sees only the files git tracks).`,
		Example: `cd ~/src/mytool && dgd init && git add flake.nix dgd.lock && nix build && ./result/bin/mytool
dgd init -C ~/src/mytool -nix -dyndrv        # default.nix with buildWithDynDrv
dgd init -vendor-hash -- --option sandbox true`,
	}, {
		Name: "lock", Setup: lockSetup,
		Summary: "write dgd.lock: the Nix hash of the download of every module go.sum names",
		Doc: `lock writes dgd.lock in the module's root: one line per module that go.sum names, with the
Nix hash of its download, so that each module is a fixed-output derivation of its own (no
vendorHash needed). It downloads every module through GOPROXY and checks it against go.sum;
go.mod and go.sum must list every module the build needs (` + "`go mod tidy`" + ` makes them).
-check only tells whether dgd.lock is up to date with go.mod and go.sum.`,
		Example: "dgd lock -C ~/src/mytool\ndgd lock -check",
	}, {
		Name: "plan", Args: "[package]", Setup: planSetup,
		Summary: "print the per-package plan of a main package (what dgd's Nix code builds)",
		Doc: `plan runs go list -json -deps and go build -n for one main package (default ".") and writes
the plan that dgd's Nix code turns into derivations: every package's sources, dependencies
and exact command lines, and the link. It also says where planning's time went.`,
		Example: "dgd plan -C ~/src/mytool -o plan.json ./cmd/mytool",
	}, {
		Name: "fetch", Args: "path@version dir | -mods list dir", Setup: fetchSetup,
		Summary: "one locked module's download (run by dgd's Nix code)",
		Doc: `fetch downloads one module into dir, laid out as dgd lock hashes it; the fixed-output
derivations of a dgd.lock run it. With -mods, it downloads the go.mod files of the modules
the file list names (one path@version a line) with one go process into dir/N/mod: the
lock's shared download of its "mod" lines. go's module cache is made in dir/.modcache and
removed (GOMODCACHE is not used).`,
		Example: "dgd fetch golang.org/x/sys@v0.30.0 /tmp/x-sys\ndgd fetch -mods mods.txt /tmp/mods",
	}, {
		Name: "skeleton", Args: "src archive | -x archive dir", Setup: skeletonSetup,
		Summary: "the part of a source tree that shapes a plan (run by dgd's Nix code)",
		Doc: `skeleton writes to archive (a tar file) the part of the tree src that shapes a plan, the
planner's input: an edit that leaves it the same plans nothing again. -x makes the tree of
such an archive in dir, where the planner runs.`,
		Example: "dgd skeleton ./src skeleton.tar\ndgd skeleton -x skeleton.tar ./tree",
	}},
}

func main() {
	os.Exit(program.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// skeletonSetup declares dgd skeleton's flags on fs: src archive, or -x archive dir.
func skeletonSetup(fs *flag.FlagSet) func(context.Context, []string) error {
	extract := fs.Bool("x", false, "extract: make the tree of the archive in dir")
	return func(_ context.Context, args []string) error {
		if len(args) != 2 {
			return cli.Usagef("skeleton takes two arguments, got %q", args)
		}
		if *extract {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			if err := skeleton.Extract(bufio.NewReader(f), args[1]); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return nil
		}
		f, err := os.OpenFile(args[1], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		if err := skeleton.WriteArchive(args[0], w); err != nil {
			f.Close()
			return err
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
}
