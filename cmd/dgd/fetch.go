package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/dgd-build/dgd/internal/lock"
)

// fetchMain is `dgd fetch [-go go] [-mod] PATH@VERSION DIR`: one locked module's download,
// laid out in DIR as dgd lock hashes it (nix/lock.nix's fixed-output derivations run it).
func fetchMain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fetch", flag.ContinueOnError)
	goBin := fs.String("go", "go", "the go command")
	modOnly := fs.Bool("mod", false, "only the module's go.mod (a module go.sum names only by its go.mod)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("fetch takes PATH@VERSION and a directory, got %q", fs.Args())
	}
	path, version, ok := strings.Cut(fs.Arg(0), "@")
	if !ok {
		return fmt.Errorf("fetch: %q is not PATH@VERSION", fs.Arg(0))
	}
	cwd, err := os.MkdirTemp("", "dgd-fetch-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cwd)
	e := lock.Entry{Path: path, Version: version, ModOnly: *modOnly}
	if err := lock.Fetch(ctx, *goBin, cwd, os.Environ(), e, fs.Arg(1)); err != nil {
		return fmt.Errorf("%w (GOPROXY=%s)", err, os.Getenv("GOPROXY"))
	}
	return nil
}
