// Package link replays the link of a main package, the link of a test binary and the run of a
// test binary of go build -n and go test -n, each as the script of one derivation, through
// package replay.
package link

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/replay"
)

// Result is one link's replay.
type Result struct {
	Step   replay.Step
	Binary string       // the name go gives the program (or the test binary)
	Run    *replay.Step // for a test binary: the run of it
}

// Link replays the link action a of the main package main (or, with test, of a test
// binary, main "PATH.test"). The link shares its work directory with the main package's
// compile: only exe/, importcfg.link and a test binary are its own.
func Link(ctx *replay.Context, a *actions.Action, main string, test bool) (*Result, error) {
	w := replay.New(ctx, a.Work, "")
	w.Line("mkdir -p \"$w\"")
	delete(ctx.WorkPkg, a.Work)
	defer func() { ctx.WorkPkg[a.Work] = main }()
	// a test binary is linked into $WORK/bNNN/NAME.test, NAME as go test names it (the
	// last element of the import path without a /vN major version suffix)
	testBin := ""
	if test {
		if testBin = Output(a); testBin == "" || !strings.HasSuffix(testBin, ".test") {
			return nil, fmt.Errorf("the test link has no -o NAME.test (got %q)", testBin)
		}
	}
	own := func(x string) string {
		x = strings.ReplaceAll(x, a.Work+"/exe/", "@@w@@/exe/")
		x = strings.ReplaceAll(x, a.Work+"/importcfg.link", "@@w@@/importcfg.link")
		if test {
			x = strings.ReplaceAll(x, a.Work+"/"+testBin, "@@w@@/"+testBin)
		}
		return strings.ReplaceAll(x, a.Work+"/", "@@dep:"+main+"@@/")
	}
	w.Own = "$WORK/none"
	w.Deps[main] = true
	res := &Result{}
	cur, linkBuildID := "", ""
	for _, c := range a.Cmds {
		c.File = own(c.File)
		c.Content = own(c.Content)
		c.Args = slices.Clone(c.Args)
		for i := range c.Args {
			c.Args[i] = own(c.Args[i])
		}
		if c.Kind == actions.Remove || c.Kind == actions.Mkdir && !strings.Contains(c.Args[0], "@@") {
			// rm -rf $WORK/b001/: the build directory goes away with the build;
			// mkdir of -o's directory: the binary goes to $out/bin
			continue
		}
		if c.Kind == actions.TestRun {
			if !test || res.Run != nil {
				return nil, fmt.Errorf("%s: an unexpected run of a test binary", c.Pos)
			}
			run, err := testRun(ctx, c, strings.TrimSuffix(main, ".test"))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Pos, err)
			}
			res.Run = run
			continue
		}
		w.Cd(c, &cur)
		switch {
		case c.Kind == actions.Move:
			res.Binary = path.Base(c.Args[1])
			from, err := w.Path(c.Args[0])
			if err != nil {
				return nil, err
			}
			w.Line("mkdir -p \"$out/bin\"")
			w.Line("mv", replay.Quote(from), replay.Quote("@@out@@/bin/"+res.Binary))
		case c.Kind == actions.Tool && c.Tool == "buildid":
			// cmd/go rewrites the ID it computed where the linker wrote it; the link's last
			// -buildid= (from -ldflags) is empty, so there is none and cmd/go changes nothing.
			// The buildid tool would instead fail on a binary without an ID: leave it out.
			if linkBuildID != "" {
				return nil, fmt.Errorf("%s: the link keeps a build ID (%s): dgd needs -ldflags=-buildid=", c.Pos, linkBuildID)
			}
		case c.Kind == actions.Tool && c.Tool == "link":
			args := slices.Clone(c.Args)
			for _, a := range args {
				if id, ok := strings.CutPrefix(a, "-buildid="); ok {
					linkBuildID = id
				}
			}
			for i := range args {
				// the generated build ID; a -buildid= from -ldflags later on the line wins
				if strings.HasPrefix(args[i], "-buildid=") && strings.Contains(args[i], "/") {
					args[i] = "-buildid=dgd"
				}
				if strings.HasPrefix(args[i], "-extld=") {
					w.CC = true
				}
			}
			ws, err := w.CmdWords(c, args)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Pos, err)
			}
			w.Line(ws...)
		default:
			ok, err := w.Generic(c)
			if err == nil && !ok {
				err = fmt.Errorf("unexpected %s command in a link's action", c.Kind)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Pos, err)
			}
		}
	}
	if test {
		// go test runs the binary where it links it; dgd keeps it
		res.Binary = testBin
		w.Line("mkdir -p \"$out/bin\"")
		w.Line("mv", replay.Quote("@@w@@/"+testBin), replay.Quote("@@out@@/bin/"+testBin))
	}
	if res.Binary == "" {
		return nil, fmt.Errorf("no `mv` of the linked binary: cannot tell its name")
	}
	res.Step = w.Finish()
	// the linker reads the packages' code: their link outputs
	res.Step.Script = strings.ReplaceAll(res.Step.Script, "@@dep:", "@@link:")
	return res, nil
}

// Output is the base name of the file the link action's linker writes (its -o), "" if none.
func Output(a *actions.Action) string {
	for _, c := range a.Cmds {
		if c.Kind == actions.Tool && c.Tool == "link" {
			if o := slices.Index(c.Args, "-o"); o >= 0 && o+1 < len(c.Args) {
				return path.Base(c.Args[o+1])
			}
		}
	}
	return ""
}

// testRun is the step that runs a test binary the way go test does: in the package's directory
// (@@dir@@, quoted) of a writable copy of the source tree (@@tree@@), as buildGoModule's
// checkPhase and go test do, so that tests read files anywhere in it, with go test's flags
// (checkFlags translated by go test itself). The test's output goes to the log and to
// $out/log; a failing test fails the step.
func testRun(ctx *replay.Context, c actions.Cmd, tested string) (*replay.Step, error) {
	name := path.Base(c.Args[0])
	w := replay.New(ctx, "$WORK/none", "")
	var args []string
	for _, a := range c.Args[1:] {
		if strings.HasPrefix(a, "-test.testlogfile=") {
			continue // go test's own record of what the test read, for its cache
		}
		a, err := w.Path(a)
		if err != nil {
			return nil, err
		}
		args = append(args, replay.Quote(a))
	}
	if len(w.Deps) > 0 {
		return nil, fmt.Errorf("the test's flags name a build directory: %s", strings.Join(c.Args, " "))
	}
	w.Line(`export HOME="$TMPDIR/home"`)
	w.Line(`mkdir -p "$HOME" "$TMPDIR/src"`)
	w.Line(`cp -R @@tree@@/. "$TMPDIR/src/"`)
	w.Line(`chmod -R u+w "$TMPDIR/src"`)
	w.Line(`cd "$TMPDIR/src/"@@dir@@`)
	w.Line(append([]string{"if", replay.Quote("@@test@@/bin/" + name)}, append(args, `>"$TMPDIR/log"`, "2>&1;", "then", "v=ok;", "else", "v=FAIL;", "fi")...)...)
	w.Line(`mkdir -p "$out"`)
	w.Line(`cp "$TMPDIR/log" "$out/log"`)
	w.Line(`cat "$TMPDIR/log"`)
	w.Line(`printf '%s\t%s\n' "$v" ` + replay.Quote(tested))
	w.Line(`[ "$v" = ok ]`)
	st := w.Finish()
	return &st, nil
}
