package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/dgd-build/dgd/internal/cli"
	"github.com/dgd-build/dgd/internal/lock"
)

var userinfo = regexp.MustCompile(`://[^/@]*@`)

// fetchSetup declares `dgd fetch [-go go] [-mod] PATH@VERSION DIR`'s flags on fs: one locked
// module's download, laid out in DIR as dgd lock hashes it (nix/lock.nix's fixed-output
// derivations run it).
func fetchSetup(fs *flag.FlagSet) func(context.Context, []string) error {
	goBin := fs.String("go", "go", "the go `command`")
	modOnly := fs.Bool("mod", false, "only the module's go.mod (a module go.sum names only by its go.mod)")
	want := fs.String("hash", "", "the `hash` the lock has for the download: fail, naming the module and the fix, when it differs")
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
			// a password in GOPROXY's URLs is not printed
			return fmt.Errorf("%w (GOPROXY=%s)", err, userinfo.ReplaceAllString(os.Getenv("GOPROXY"), "://...@"))
		}
		if *want == "" {
			return nil
		}
		got, err := lock.NarHash(args[1])
		if err != nil {
			return err
		}
		if got != *want {
			return fmt.Errorf("module %s: its download hashes to %s, but %s has %s (an edited lock, or a proxy that serves other bytes than when the lock was written): run `dgd lock`", e.Key(), got, lock.Name, *want)
		}
		return nil
	}
}
