package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/dgd-build/dgd/internal/cli"
	"github.com/dgd-build/dgd/internal/lock"
)

// fetchSetup declares `dgd fetch [-go go] [-mod] PATH@VERSION DIR`'s flags on fs: one locked
// module's download, laid out in DIR as dgd lock hashes it (nix/lock.nix's fixed-output
// derivations run it).
func fetchSetup(fs *flag.FlagSet) func(context.Context, []string) error {
	goBin := fs.String("go", "go", "the go `command`")
	modOnly := fs.Bool("mod", false, "only the module's go.mod (a module go.sum names only by its go.mod)")
	return func(ctx context.Context, args []string) error {
		if len(args) != 2 {
			return cli.Usagef("fetch takes PATH@VERSION and a directory, got %q", args)
		}
		path, version, ok := strings.Cut(args[0], "@")
		if !ok {
			return cli.Usagef("%q is not PATH@VERSION", args[0])
		}
		cwd, err := os.MkdirTemp("", "dgd-fetch-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(cwd)
		e := lock.Entry{Path: path, Version: version, ModOnly: *modOnly}
		if err := lock.Fetch(ctx, *goBin, cwd, os.Environ(), e, args[1]); err != nil {
			return fmt.Errorf("%w (GOPROXY=%s)", err, os.Getenv("GOPROXY"))
		}
		return nil
	}
}
