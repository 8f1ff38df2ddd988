package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dgd-build/dgd/internal/cli"
	"github.com/dgd-build/dgd/internal/lock"
)

var userinfo = regexp.MustCompile(`://[^/@]*@`)

// fetchSetup declares `dgd fetch [-go go] [-hash h] [-mod] PATH@VERSION DIR` and `dgd fetch
// [-go go] [-hash h] -mods LIST DIR`'s flags on fs: one locked module's download, or the shared
// download of the go.mod files of the modules that the file LIST names (one PATH@VERSION a
// line, the lock's unhashed "mod" lines in order), laid out in DIR as dgd lock hashes it
// (nix/lock.nix's fixed-output derivations run it).
func fetchSetup(fs *flag.FlagSet) func(context.Context, []string) error {
	goBin := fs.String("go", "go", "the go `command`")
	modOnly := fs.Bool("mod", false, "only the module's go.mod (a module go.sum names only by its go.mod)")
	modsList := fs.String("mods", "", "the `file` listing the modules of the shared go.mod download, one PATH@VERSION a line")
	want := fs.String("hash", "", "the `hash` the lock has for the download: fail, naming the module and the fix, when it differs")
	return func(ctx context.Context, args []string) error {
		var what string
		var fetch func(cwd, dst string) error
		switch {
		case *modsList != "" && (len(args) != 1 || *modOnly):
			return cli.Usagef("fetch -mods takes the list's file and a directory (and not -mod), got %q", args)
		case *modsList != "":
			es, err := readModsList(*modsList)
			if err != nil {
				return err
			}
			what = fmt.Sprintf("the shared download of the go.mod files of %s's \"mod\" lines", lock.Name)
			fetch = func(cwd, dst string) error { return lock.FetchShared(ctx, *goBin, cwd, os.Environ(), es, dst) }
		case len(args) != 2:
			return cli.Usagef("fetch takes PATH@VERSION and a directory, got %q", args)
		default:
			e, err := parseKey(args[0], *modOnly)
			if err != nil {
				return err
			}
			what = "module " + e.Key()
			fetch = func(cwd, dst string) error { return lock.Fetch(ctx, *goBin, cwd, os.Environ(), e, dst) }
		}
		dst := args[len(args)-1]
		cwd, err := os.MkdirTemp("", "dgd-fetch-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(cwd)
		// go's module cache inside dst, removed before dst is hashed: on dst's file system, the
		// module's files are moved out of it, not copied
		cache := filepath.Join(dst, ".modcache")
		os.Setenv("GOMODCACHE", cache)
		err = fetch(cwd, dst)
		if rerr := lock.RemoveModCache(cache); err == nil {
			err = rerr
		}
		if err != nil {
			// a password in GOPROXY's URLs is not printed
			return fmt.Errorf("%w (GOPROXY=%s)", err, userinfo.ReplaceAllString(os.Getenv("GOPROXY"), "://...@"))
		}
		if *want == "" {
			return nil
		}
		got, err := lock.NarHash(dst)
		if err != nil {
			return err
		}
		if got != *want {
			return fmt.Errorf("%s: its download hashes to %s, but %s has %s (an edited lock, or a proxy that serves other bytes than when the lock was written): run `dgd lock`", what, got, lock.Name, *want)
		}
		return nil
	}
}

// parseKey is the entry of "PATH@VERSION".
func parseKey(key string, modOnly bool) (lock.Entry, error) {
	path, version, ok := strings.Cut(key, "@")
	if !ok || path == "" || version == "" {
		return lock.Entry{}, cli.Usagef("%q is not PATH@VERSION", key)
	}
	return lock.Entry{Path: path, Version: version, ModOnly: modOnly}, nil
}

// readModsList reads -mods' file: one PATH@VERSION a line.
func readModsList(name string) ([]lock.Entry, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var es []lock.Entry
	for _, line := range strings.Fields(string(data)) {
		e, err := parseKey(line, true)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		es = append(es, e)
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("%s lists no module", name)
	}
	return es, nil
}
