// Command dgd plans Go builds as one Nix derivation per package.
//
//	dgd plan [-C dir] [-o plan.json] [-gopkg path] [-modules file] [package]
//	dgd lock [-C dir] [-check]
//	dgd fetch [-go go] [-mod] path@version dir
//	dgd skeleton src dir
//
// plan runs `go list -json -deps` and `go build -n` for one main package and writes the plan
// that dgd's Nix code turns into derivations. lock writes dgd.lock, one line per module that
// go.sum names with the Nix hash of its download; -check tells whether it is up to date.
// fetch is one of those downloads, laid out as lock hashes it (the lock's fixed-output
// derivations run it). skeleton writes to dir the part of the tree src that shapes a plan (the
// planner's input: an edit that leaves it the same re-plans nothing).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/dgd-build/dgd/internal/skeleton"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dgd plan [-C dir] [-o plan.json] [-gopkg path] [-modules file] [package]\n       dgd lock [-C dir] [-check]\n       dgd fetch [-go go] [-mod] path@version dir\n       dgd skeleton src dir")
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
		if len(os.Args) != 4 {
			err = fmt.Errorf("usage: dgd skeleton src dir")
			break
		}
		err = skeleton.Write(os.Args[2], os.Args[3])
	default:
		err = fmt.Errorf("unknown command %q (known: plan, lock, fetch, skeleton)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dgd:", err)
		os.Exit(1)
	}
}
