package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dgd-build/dgd/internal/cli"
	"github.com/dgd-build/dgd/internal/lock"
	"github.com/dgd-build/dgd/internal/scaffold"
)

// initOptions are dgd init's flags.
type initOptions struct {
	dir, goBin, dgd                string
	nix, dynDrv, vendorHash, force bool
	nixFlags                       []string // after --: for the nix command -vendorHash runs
}

// initSetup declares dgd init's flags on fs.
func initSetup(fs *flag.FlagSet) func(context.Context, []string) error {
	var o initOptions
	fs.StringVar(&o.dir, "C", ".", "the module's `directory`")
	fs.BoolVar(&o.nix, "nix", false, "write a default.nix (for nix-build) instead of a flake.nix")
	fs.BoolVar(&o.dynDrv, "dyndrv", false, "build with dynamic derivations (buildWithDynDrv) instead of import-from-derivation (buildWithIFD)")
	fs.BoolVar(&o.vendorHash, "vendor-hash", false, "a vendorHash, learnt from Nix's download of the modules, instead of a "+lock.Name)
	fs.StringVar(&o.dgd, "dgd", "", "where dgd comes from: a flake `reference` (default "+scaffold.DefaultDgdFlake+"); with -nix a path or a tarball's URL (default "+scaffold.DefaultDgdTarball+")")
	fs.BoolVar(&o.force, "force", false, "replace the files init writes when they exist")
	fs.StringVar(&o.goBin, "go", "go", "the go `command`")
	return func(ctx context.Context, args []string) error {
		if len(args) > 0 && !o.vendorHash {
			return cli.Usagef("init takes no arguments (nix flags after -- are for -vendor-hash), got %q", args)
		}
		o.nixFlags = args
		return runInit(ctx, o)
	}
}

func runInit(ctx context.Context, o initOptions) error {
	root, err := moduleRoot(o.dir, "dgd init")
	if err != nil {
		return err
	}
	m, err := scaffold.Detect(ctx, o.goBin, root, os.Environ())
	if err != nil {
		return err
	}
	name := "flake.nix"
	if o.nix {
		name = "default.nix"
	}
	nixFile := filepath.Join(root, name)
	useLock := m.Requires && !m.Vendored && !o.vendorHash
	written := []string{name}
	if useLock {
		written = append(written, lock.Name)
	}
	if !o.force {
		for _, f := range written {
			if _, err := os.Lstat(filepath.Join(root, f)); err == nil {
				return fmt.Errorf("%s exists: dgd init does not replace it (-force does)", filepath.Join(root, f))
			}
		}
	}
	so := scaffold.Options{DynDrv: o.dynDrv, Dgd: o.dgd}
	render := func() []byte {
		if o.nix {
			return m.DefaultNix(so)
		}
		return m.Flake(so)
	}
	switch {
	case m.Vendored:
		so.Modules = "vendorHash = null; # the modules are in vendor/"
	case !m.Requires:
	case useLock:
		so.Modules = "# third-party modules: " + lock.Name + " (after a change of go.mod or go.sum, run `dgd lock` again)"
		if err := writeLock(ctx, o.goBin, root); err != nil {
			return err
		}
	default:
		so.Modules = `vendorHash = "";`
		old, oldErr := os.ReadFile(nixFile) // what -force replaces, put back if Nix fails
		if err := os.WriteFile(nixFile, render(), 0o644); err != nil {
			return err
		}
		hash, err := learnVendorHash(ctx, root, name, o)
		if err != nil {
			if oldErr == nil {
				os.WriteFile(nixFile, old, 0o644)
			} else {
				os.Remove(nixFile)
			}
			return err
		}
		so.Modules = "vendorHash = " + fmt.Sprintf("%q", hash) + "; # dgd's hash of go mod download (set it to \"\" to learn it again)"
	}
	if err := os.WriteFile(nixFile, render(), 0o644); err != nil {
		return err
	}
	build, run := "nix build", "./result/bin/"+m.Programs[0]
	if o.nix {
		build = "nix-build"
	}
	next := build + " && " + run
	if !o.nix && inGit(root) {
		next = "git add " + strings.Join(written, " ") + " && " + next + " (a flake sees only the files git tracks)"
	}
	fmt.Fprintf(os.Stderr, "dgd init: wrote %s: %s of %s (pname %q)\nnext: %s\n%s", strings.Join(written, " and "), so.Builder(), strings.Join(m.Mains, " "), m.Pname(), next, jobsHint(ctx))
	return nil
}

// jobsHint is a note for a Nix that builds one derivation at a time: max-jobs = 1 is Nix's own
// default, which Nix's installer leaves as it is (NixOS sets auto), and a client's max-jobs is
// what its daemon builds with. dgd makes a derivation per Go package, so one at a time leaves
// the other cores idle. Empty when nix cannot say (not on PATH, nix-command off) or says
// another value.
func jobsHint(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "nix", "config", "show", "max-jobs").Output()
	if err != nil || strings.TrimSpace(string(out)) != "1" {
		return ""
	}
	return "note: this Nix builds one derivation at a time (max-jobs = 1, Nix's default), and dgd builds one per Go package: " +
		"set max-jobs = auto in nix.conf (/etc/nix/nix.conf, then restart nix-daemon), or pass --max-jobs auto\n"
}

var gotHash = regexp.MustCompile(`got:\s+(sha256-[A-Za-z0-9+/]+=*)`)

// learnVendorHash builds the module's Nix file, written with vendorHash = "", and returns the
// hash Nix reports for the download of the modules.
func learnVendorHash(ctx context.Context, root, name string, o initOptions) (string, error) {
	bin, args := "nix", []string{"build", "--no-link", "path:" + root + "#default"}
	if o.nix {
		bin, args = "nix-build", []string{"--no-out-link", filepath.Join(root, name)}
	}
	args = append(args, o.nixFlags...)
	fmt.Fprintf(os.Stderr, "dgd init: learning vendorHash: %s\n", commandLine(bin, args))
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if m := gotHash.FindSubmatch(out.Bytes()); m != nil {
		return string(m[1]), nil
	}
	var exitErr *exec.ExitError
	if err == nil || errors.As(err, &exitErr) {
		return "", fmt.Errorf("%s did not report the modules' hash (is %s a dgd expression with vendorHash = \"\"?):\n%s", commandLine(bin, args), name, lastLines(out.String(), 30))
	}
	return "", fmt.Errorf("running %s for -vendor-hash (it needs Nix on PATH): %w", bin, err)
}

// commandLine is bin and args as a shell reads them back.
func commandLine(bin string, args []string) string {
	words := []string{bin}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}();&|<>#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// inGit tells whether dir is in a git work tree.
func inGit(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}
