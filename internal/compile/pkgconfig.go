package compile

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/cgo"
)

// insertPkgConfig puts pc into c, one command of a cgo package whose work directory is objdir
// ("$WORK/bNNN"): the C flags go before the -I of the work directory (cmd/go appends that
// -I after them) in the cgo tool's C flags and in C compiles; the libraries go at the end of
// cgo's LDFLAGS (its -ldflags= option, or CGO_LDFLAGS before Go 1.23) and of the links of
// _cgo_.o.
func insertPkgConfig(c *actions.Cmd, objdir string, pc cgo.PkgConfig) error {
	quoted := func(fs []string) string {
		q := make([]string, len(fs))
		for i, f := range fs {
			q[i] = strconv.Quote(f)
		}
		return strings.Join(q, " ")
	}
	switch {
	case c.Kind == actions.Tool && c.Tool == "cgo" && slices.Contains(c.Args, "-objdir"):
		dash := slices.Index(c.Args, "--")
		if dash < 0 {
			return fmt.Errorf("cgo command without --: %q", c.Args)
		}
		if len(pc.CFlags) > 0 {
			i := indexPair(c.Args[dash:], "-I", objdir+"/")
			if i < 0 {
				return fmt.Errorf("no -I %s/ among cgo's C flags to put pkg-config's before: %q", objdir, c.Args)
			}
			c.Args = slices.Insert(slices.Clone(c.Args), dash+i, pc.CFlags...)
		}
		if len(pc.Libs) == 0 {
			return nil
		}
		for i, a := range c.Args[:dash] {
			if v, ok := strings.CutPrefix(a, "-ldflags="); ok {
				c.Args[i] = "-ldflags=" + strings.TrimSpace(v+" "+quoted(pc.Libs))
				return nil
			}
		}
		for i, e := range c.Env {
			if v, ok := strings.CutPrefix(e, "CGO_LDFLAGS="); ok && v != "" {
				c.Env = slices.Clone(c.Env)
				c.Env[i] = "CGO_LDFLAGS=" + v + " " + quoted(pc.Libs)
				return nil
			}
		}
		return fmt.Errorf("cgo command without LDFLAGS to add pkg-config's libraries to: %q", c.Args)
	case c.Kind == actions.CC && slices.Contains(c.Args, "-c"):
		if len(pc.CFlags) == 0 {
			return nil
		}
		dir := objdir + "/"
		if c.Dir == objdir {
			dir = "./"
		}
		if i := indexPair(c.Args, "-I", dir); i >= 0 {
			c.Args = slices.Insert(slices.Clone(c.Args), i, pc.CFlags...)
		}
	case c.Kind == actions.CC:
		if o := slices.Index(c.Args, "-o"); o >= 0 && o+1 < len(c.Args) && path.Base(c.Args[o+1]) == "_cgo_.o" {
			c.Args = append(slices.Clone(c.Args), pc.Libs...)
		}
	}
	return nil
}

// indexPair is the index of the first a followed by b in args, or -1.
func indexPair(args []string, a, b string) int {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == a && args[i+1] == b {
			return i
		}
	}
	return -1
}
