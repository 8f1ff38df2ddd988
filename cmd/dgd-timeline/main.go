// dgd-timeline says where the time of a Nix build went: it reads Nix's
// `--log-format internal-json` log with a time stamp on each line, from standard input, and
// prints the builds by kind, how many ran at once, and the longest. It stamps lines itself when
// they are not stamped yet (-stamp), so that it can read a build as it runs, and keeps the
// stamped log with -log:
//
//	nix-build --log-format internal-json -v ... 2>&1 >/dev/null | dgd-timeline -stamp -log build.log
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dgd-build/dgd/internal/cli"
	"github.com/dgd-build/dgd/internal/timeline"
)

var command = cli.Command{
	Setup: setup,
	Doc: `dgd-timeline says where the time of a Nix build went: it reads Nix's --log-format
internal-json log (each line stamped with the time it arrived) on standard input and prints
the builds by kind, how many ran at once, and the longest. -stamp stamps lines itself, to read
a build as it runs; -log keeps the stamped log.`,
	Example: "nix-build --log-format internal-json -v ... 2>&1 >/dev/null | dgd-timeline -stamp -log build.log\ndgd-timeline < build.log",
}

func main() {
	os.Exit(command.Main(context.Background(), "dgd-timeline", os.Args[1:], os.Stdout, os.Stderr))
}

func setup(fs *flag.FlagSet) func(context.Context, []string) error {
	stamp := fs.Bool("stamp", false, "stamp each line with the time it arrives (a live log)")
	top := fs.Int("top", 5, "how many of the longest builds to list")
	keep := fs.String("log", "", "also write the stamped log to `file`")
	return func(_ context.Context, args []string) error {
		if len(args) != 0 {
			return cli.Usagef("dgd-timeline reads standard input and takes no arguments, got %q", args)
		}
		var in io.Reader = os.Stdin
		if *stamp {
			r, w := io.Pipe()
			go func() {
				sc := bufio.NewScanner(os.Stdin)
				sc.Buffer(make([]byte, 1<<20), 64<<20)
				for sc.Scan() {
					fmt.Fprintf(w, "%.6f %s\n", float64(time.Now().UnixMicro())/1e6, sc.Text())
				}
				w.CloseWithError(sc.Err())
			}()
			in = r
		}
		if *keep != "" {
			f, err := os.Create(*keep)
			if err != nil {
				return err
			}
			defer f.Close()
			in = io.TeeReader(in, f)
		}
		builds, wall, err := timeline.Read(in)
		if err != nil {
			return err
		}
		timeline.Summarize(builds, wall, *top).Write(os.Stdout)
		return nil
	}
}
