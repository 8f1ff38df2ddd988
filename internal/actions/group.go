package actions

import (
	"fmt"
	"regexp"
	"strings"
)

// An Action is the commands that build one thing: a package (its cgo, C, assembly and Go steps,
// the pack and build ID) or, for the main package's directory, the link (and, for a test
// main, the run of the test binary).
type Action struct {
	Work string // the action's directory, "$WORK/b001"
	Link bool   // the link step (it shares its directory with the main package)
	Cmds []Cmd
}

// Key names the action: "b001" or "b001/link".
func (a *Action) Key() string {
	k := strings.TrimPrefix(a.Work, "$WORK/")
	if a.Link {
		k += "/link"
	}
	return k
}

// Tool returns the first command running the named Go tool, or nil.
func (a *Action) Tool(name string) *Cmd {
	for i := range a.Cmds {
		if c := &a.Cmds[i]; c.Kind == Tool && c.Tool == name {
			return c
		}
	}
	return nil
}

// Plan is a script grouped into actions, in the order the script runs them.
type Plan struct {
	Actions []*Action
	// Probes are the C compiler flags cmd/go asked about (the answers differ between -n and a
	// real build: cgo decides them).
	Probes [][]string
	// PkgConfig are the pkg-config calls cmd/go made (their answers are in the commands).
	PkgConfig [][]string
}

var workRE = regexp.MustCompile(`\$WORK/(b[0-9]+)`)

// Group assigns every command to the action whose $WORK directory it writes into.
func Group(s *Script) (*Plan, error) {
	p := &Plan{}
	byKey := map[string]*Action{}
	var lastLink *Action
	for _, c := range s.Cmds {
		if c.Kind == Probe {
			p.Probes = append(p.Probes, c.Args)
			continue
		}
		if c.Kind == PkgConfig {
			// cmd/go ran it while planning, and put its answer into the cgo and link commands
			p.PkgConfig = append(p.PkgConfig, c.Args)
			continue
		}
		work := ownerWork(c)
		if work == "" && c.Kind == Mkdir && lastLink != nil {
			// the directory of -o, made right before the binary is moved there
			lastLink.Cmds = append(lastLink.Cmds, c)
			continue
		}
		if work == "" {
			return nil, fmt.Errorf("%s: %s command touches no $WORK/bNNN directory: %s", c.Pos, c.Kind, strings.Join(c.Args, " "))
		}
		a := &Action{Work: "$WORK/" + work, Link: isLink(c)}
		if old, ok := byKey[a.Key()]; ok {
			a = old
		} else {
			byKey[a.Key()] = a
			p.Actions = append(p.Actions, a)
		}
		a.Cmds = append(a.Cmds, c)
		if a.Link {
			lastLink = a
		}
	}
	return p, nil
}

// ownerWork is the bNNN directory a command writes into: the first one it names, else the
// one it runs in (cgo's C compiles run in theirs with relative paths).
func ownerWork(c Cmd) string {
	for _, s := range append(append([]string{c.File}, c.Args...), c.Dir) {
		if m := workRE.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	return ""
}

func isLink(c Cmd) bool {
	switch c.Kind {
	case Tool:
		return c.Tool == "link" || (c.Tool == "buildid" && hasExe(c.Args))
	case Write:
		return strings.HasSuffix(c.File, "/importcfg.link")
	case Mkdir, Move, Remove:
		return hasExe(c.Args) || c.Kind == Remove
	case TestRun:
		return true
	}
	return false
}

// hasExe says whether args name a linked binary: $WORK/bNNN/exe/..., or a test binary.
func hasExe(args []string) bool {
	for _, a := range args {
		if workRE.MatchString(a) && (strings.Contains(a, "/exe/") || TestBinaryRE.MatchString(a)) {
			return true
		}
	}
	return false
}
