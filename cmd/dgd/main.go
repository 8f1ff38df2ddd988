// Command dgd plans Go builds as one Nix derivation per package.
//
//	dgd plan [-C dir] [-o plan.json] [-gopkg path] [-modules file] [package]
//	dgd lock [-C dir] [-check]
//	dgd fetch [-go go] [-mod] path@version dir
//	dgd skeleton src archive
//	dgd skeleton -x archive dir
//
// plan runs `go list -json -deps` and `go build -n` for one main package and writes the plan
// that dgd's Nix code turns into derivations. lock writes dgd.lock, one line per module that
// go.sum names with the Nix hash of its download; -check tells whether it is up to date.
// fetch is one of those downloads, laid out as lock hashes it (the lock's fixed-output
// derivations run it). skeleton writes to archive (a tar file) the part of the tree src that shapes a
// plan (the planner's input: an edit that leaves it the same re-plans nothing); -x makes the
// tree of such an archive in dir, where the planner runs.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"

	"github.com/dgd-build/dgd/internal/skeleton"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dgd plan [-C dir] [-o plan.json] [-gopkg path] [-modules file] [package]\n       dgd lock [-C dir] [-check]\n       dgd fetch [-go go] [-mod] path@version dir\n       dgd skeleton src archive\n       dgd skeleton -x archive dir")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "plan":
		err = planMain(context.Background(), os.Args[2:])
	case "lock":
		err = lockMain(context.Background(), os.Args[2:])
	case "fetch":
		err = fetchMain(context.Background(), os.Args[2:])
	case "skeleton":
		err = skeletonMain(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (known: plan, lock, fetch, skeleton)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dgd:", err)
		os.Exit(1)
	}
}

// skeletonMain is dgd skeleton: src archive, or -x archive dir.
func skeletonMain(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "-x":
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		defer f.Close()
		if err := skeleton.Extract(bufio.NewReader(f), args[2]); err != nil {
			return fmt.Errorf("%s: %w", args[1], err)
		}
		return nil
	case len(args) == 2:
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
	return fmt.Errorf("usage: dgd skeleton src archive, or dgd skeleton -x archive dir")
}
