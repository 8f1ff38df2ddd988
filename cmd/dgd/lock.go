package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dgd-build/dgd/internal/lock"
)

// lockMain is `dgd lock [-C dir] [-check]`.
func lockMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("lock", flag.ContinueOnError)
	dir := fs.String("C", ".", "the module's `directory`")
	check := fs.Bool("check", false, "only check that "+lock.Name+" is up to date with go.mod and go.sum")
	goBin := fs.String("go", "go", "the go command")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("lock takes no arguments, got %q", fs.Args())
	}
	root, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("%s has no go.mod: dgd lock works on a module's root", root)
	}
	if *check {
		return lock.Check(root)
	}
	f, err := lock.Make(ctx, *goBin, root, os.Environ(), os.Stderr)
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
