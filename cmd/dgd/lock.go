package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dgd-build/dgd/internal/cli"
	"github.com/dgd-build/dgd/internal/lock"
)

// lockSetup declares `dgd lock [-C dir] [-check]`'s flags on fs.
func lockSetup(fs *flag.FlagSet) func(context.Context, []string) error {
	dir := fs.String("C", ".", "the module's `directory`")
	check := fs.Bool("check", false, "only check that "+lock.Name+" is up to date with go.mod and go.sum")
	goBin := fs.String("go", "go", "the go `command`")
	return func(ctx context.Context, args []string) error {
		if len(args) != 0 {
			return cli.Usagef("lock takes no arguments, got %q", args)
		}
		root, err := moduleRoot(*dir, "dgd lock")
		if err != nil {
			return err
		}
		if *check {
			return lock.Check(root)
		}
		return writeLock(ctx, *goBin, root)
	}
}

// moduleRoot is dir made absolute, once it is known to hold a go.mod.
func moduleRoot(dir, cmd string) (string, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("%s has no go.mod: %s works on a module's root (run it there, or give the root with -C)", root, cmd)
	}
	return root, nil
}

// writeLock writes the dgd.lock of the module in root.
func writeLock(ctx context.Context, goBin, root string) error {
	f, err := lock.Make(ctx, goBin, root, os.Environ(), os.Stderr)
	if err != nil {
		return err
	}
	out := filepath.Join(root, lock.Name)
	if err := os.WriteFile(out, f.Format(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "dgd lock: wrote %s (%d modules)\n", out, len(f.Entries))
	return nil
}
