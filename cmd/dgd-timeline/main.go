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
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/dgd-build/dgd/internal/timeline"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("dgd-timeline: ")
	stamp := flag.Bool("stamp", false, "stamp each line with the time it arrives (a live log)")
	top := flag.Int("top", 5, "how many of the longest builds to list")
	keep := flag.String("log", "", "also write the stamped log to `file`")
	flag.Parse()
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
			log.Fatal(err)
		}
		defer f.Close()
		in = io.TeeReader(in, f)
	}
	builds, wall, err := timeline.Read(in)
	if err != nil {
		log.Fatal(err)
	}
	timeline.Summarize(builds, wall, *top).Write(os.Stdout)
}
