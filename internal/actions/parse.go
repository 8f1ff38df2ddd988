// Package actions parses the script that `go build -n` (or `go test -n`) prints and recognises its commands.
//
// Parse, then recognise: the script is parsed as shell with mvdan.cc/sh/v3/syntax, each
// statement is turned into a Cmd (words unquoted the way cmd/go quoted them), and every command
// must be one of the shapes cmd/go prints (mkdir, echo/cat into a file, cd, cp, mv, rm, a Go tool,
// the C compiler, a flag probe). Anything else is an error naming its line: a command that is not
// understood is never skipped. Group then collects the commands of each action by the
// $WORK/bNNN directory they write into.
//
// Quirks of the printed script that Parse handles:
//   - Arguments are quoted with Go's strconv.Quote (cmd/go joinUnambiguously), which is not shell
//     quoting: a double-quoted word is unquoted with strconv.Unquote.
//   - A file written with `cat >F << 'EOF'` whose content does not end in a newline (embedcfg)
//     is printed with its terminator glued to the last line (`}EOF`); the body is kept byte for
//     byte, without the newline the shell parser needs.
//   - The directory of the last `cd` is printed as `.` where a token starts with it; Parse
//     expands such tokens back to absolute paths when that directory is a real one.
//   - go test prints the run of a test binary as its arguments joined by spaces, unquoted
//     (`$WORK/b001/x.test -test.skip=^A$|^B$`): such a line is not shell, so Parse takes it
//     apart by its spaces instead of parsing it (the planner refuses test flags with a space
//     or a newline, whose boundaries that loses).
package actions

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Kind says what a command does.
type Kind int

const (
	Mkdir     Kind = iota + 1 // mkdir -p DIR
	Write                     // echo ... > FILE, echo -n > FILE, cat >FILE << 'EOF'
	Copy                      // cp SRC DST
	Move                      // mv SRC DST
	Remove                    // rm -rf DIR
	Tool                      // a Go tool: compile, asm, cgo, link, pack, buildid, preprofile
	CC                        // the C (or C++) compiler
	Probe                     // CC FLAG ... || true: cmd/go asking whether CC supports FLAG
	TestRun                   // $WORK/bNNN/PKG.test -test.FLAG...: go test running a test binary
	PkgConfig                 // pkg-config --cflags|--libs -- PKG...: cgo's flags, already in later commands
)

var kindNames = map[Kind]string{Mkdir: "mkdir", Write: "write", Copy: "cp", Move: "mv",
	Remove: "rm", Tool: "tool", CC: "cc", Probe: "probe", TestRun: "test-run", PkgConfig: "pkg-config"}

func (k Kind) String() string { return kindNames[k] }

// Pos is where a command is in the script go printed: the script's name (e.g.
// "go test -n (go1.26.8)"), its line (1-based, as go printed it) and column. Every error
// about a command starts with it, printed one way: NAME:LINE:COL.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Cmd is one recognised command of the script.
type Cmd struct {
	Pos     Pos      // where it is in the script
	Kind    Kind     //
	Dir     string   // working directory from the last `cd` ("" before the first)
	Env     []string // NAME=value assignments before the command
	Args    []string // the command's words, unquoted, the command itself first
	Tool    string   // Tool: compile, asm, cgo, link, pack or buildid
	File    string   // Write: the file written
	Content string   // Write: its content, byte for byte
	// LinkTest marks cmd/go's "test for internal linking errors": it runs, and may fail.
	LinkTest bool `json:",omitempty"`
}

// Script is a parsed `go build -n` script.
type Script struct {
	Cmds []Cmd
}

// Options says how to recognise commands that depend on the environment.
type Options struct {
	// CC and CXX are the first words of `go env CC` and `go env CXX`.
	CC, CXX string
	// PkgConfig is the first word of `go env PKG_CONFIG` ("" for pkg-config).
	PkgConfig string
}

func (o Options) pkgConfig() string { return cmp.Or(o.PkgConfig, "pkg-config") }

const (
	heredocStart = " << 'EOF'"
	heredocEnd   = "EOF"
	linkTestNote = "# test for internal linking errors ("
)

// TestBinaryRE matches the test binary that `go test -n` links and runs.
var TestBinaryRE = regexp.MustCompile(`^\$WORK/b[0-9]+/[^/]+\.test$`)

// testRunLineRE matches a line of go test -n that runs a test binary (printed unquoted).
var testRunLineRE = regexp.MustCompile(`^\$WORK/b[0-9]+/[^/ ]+\.test( |$)`)

// Parse parses script, the standard error of `go build -n`; name is used in error messages.
func Parse(name string, script []byte, opt Options) (*Script, error) {
	src, origLine, trimmed, runs := fixHeredocs(script)
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(bytes.NewReader(src), name)
	if err != nil {
		if pe, ok := err.(syntax.ParseError); ok {
			return nil, fmt.Errorf("%s: cannot parse the script: %s", Pos{File: name, Line: origLine[pe.Pos.Line()], Col: int(pe.Pos.Col())}, pe.Text)
		}
		return nil, fmt.Errorf("%s: cannot parse the script: %w", name, err)
	}
	p := &parser{name: name, src: src, lines: bytes.Split(src, []byte("\n")), origLine: origLine, trimmed: trimmed, opt: opt}
	s := &Script{}
	// the test runs, taken out of the shell source, go back between the statements around them
	addRuns := func(before int) {
		for len(runs) > 0 && runs[0].Pos.Line < before {
			r := runs[0]
			r.Dir = p.dir
			r.Pos.File = name
			s.Cmds = append(s.Cmds, r)
			runs = runs[1:]
		}
	}
	for _, st := range f.Stmts {
		addRuns(p.pos(st.Pos()).Line)
		c, err := p.stmt(st)
		if err != nil {
			return nil, err
		}
		if c != nil {
			s.Cmds = append(s.Cmds, *c)
		}
	}
	addRuns(math.MaxInt)
	return s, nil
}

// fixHeredocs puts a heredoc terminator glued to the end of a line on a line of its own, and
// takes out the lines that run a test binary (an empty line stands in for each). It returns the
// new source, the original line of each new line, the (new) lines starting a heredoc whose
// body's last newline is not part of the content, and the test runs.
func fixHeredocs(script []byte) (src []byte, origLine map[uint]int, trimmed map[uint]bool, runs []Cmd) {
	lines := strings.SplitAfter(string(script), "\n")
	origLine, trimmed = map[uint]int{}, map[uint]bool{}
	var b strings.Builder
	n := uint(0)
	emit := func(s string, orig int) { n++; origLine[n] = orig; b.WriteString(s) }
	inDoc, docStart := false, uint(0)
	for i, l := range lines {
		body := strings.TrimSuffix(l, "\n")
		switch {
		case !inDoc && testRunLineRE.MatchString(body):
			emit("\n", i+1)
			runs = append(runs, Cmd{Pos: Pos{Line: i + 1, Col: 1}, Kind: TestRun, Args: strings.Split(body, " ")})
		case !inDoc:
			emit(l, i+1)
			inDoc = strings.HasPrefix(body, "cat >") && strings.Contains(body, heredocStart)
			docStart = n
		case body == heredocEnd:
			emit(l, i+1)
			inDoc = false
		case strings.HasSuffix(body, heredocEnd):
			emit(strings.TrimSuffix(body, heredocEnd)+"\n", i+1)
			trimmed[docStart] = true
			emit(heredocEnd+"\n", i+1)
			inDoc = false
		default:
			emit(l, i+1)
		}
	}
	origLine[n+1] = len(lines) + 1
	return []byte(b.String()), origLine, trimmed, runs
}

type parser struct {
	name     string
	src      []byte
	lines    [][]byte
	origLine map[uint]int
	trimmed  map[uint]bool
	opt      Options
	dir      string
}

func (p *parser) errorf(pos syntax.Pos, format string, args ...any) error {
	text := ""
	if int(pos.Line()) <= len(p.lines) {
		text = string(p.lines[pos.Line()-1])
		if len(text) > 120 {
			text = text[:120] + "..."
		}
	}
	return fmt.Errorf("%s: %s\n\t%s", p.pos(pos), fmt.Sprintf(format, args...), text)
}

func (p *parser) stmt(st *syntax.Stmt) (*Cmd, error) {
	if st.Negated || st.Background || st.Coprocess {
		return nil, p.errorf(st.Pos(), "unexpected statement form")
	}
	switch x := st.Cmd.(type) {
	case *syntax.CallExpr:
		return p.call(st, x)
	case *syntax.BinaryCmd:
		// cmd/go's flag probes: `CC FLAG ... -o /dev/null || true`
		lhs, ok1 := x.X.Cmd.(*syntax.CallExpr)
		rhs, ok2 := x.Y.Cmd.(*syntax.CallExpr)
		if x.Op != syntax.OrStmt || !ok1 || !ok2 || len(rhs.Args) != 1 || rhs.Args[0].Lit() != "true" {
			return nil, p.errorf(st.Pos(), "unrecognised command: only `CC ... || true` flag probes may use ||")
		}
		args, err := p.words(lhs.Args)
		if err != nil {
			return nil, err
		}
		if !p.isCC(args[0]) {
			return nil, p.errorf(st.Pos(), "unrecognised command %q before `|| true`: expected the C compiler %q", args[0], p.opt.CC)
		}
		return &Cmd{Pos: p.pos(st.Pos()), Kind: Probe, Dir: p.dir, Args: args}, nil
	}
	return nil, p.errorf(st.Pos(), "unrecognised statement")
}

// pos is where pos of the shell source is in the script go printed.
func (p *parser) pos(pos syntax.Pos) Pos {
	return Pos{File: p.name, Line: p.origLine[pos.Line()], Col: int(pos.Col())}
}

func (p *parser) isCC(w string) bool {
	return w != "" && (w == p.opt.CC || w == p.opt.CXX)
}

var toolRE = regexp.MustCompile(`/pkg/tool/[a-z0-9]+_[a-z0-9]+/(compile|asm|cgo|link|pack|buildid|preprofile)$`)

func (p *parser) call(st *syntax.Stmt, x *syntax.CallExpr) (*Cmd, error) {
	c := &Cmd{Pos: p.pos(st.Pos()), Dir: p.dir}
	for _, a := range x.Assigns {
		if a.Append || a.Naked || a.Index != nil || a.Array != nil {
			return nil, p.errorf(a.Pos(), "unrecognised assignment")
		}
		v := ""
		if a.Value != nil {
			var err error
			if v, err = p.word(a.Value); err != nil {
				return nil, err
			}
		}
		c.Env = append(c.Env, a.Name.Value+"="+v)
	}
	args, err := p.words(x.Args)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, p.errorf(st.Pos(), "unrecognised command: an assignment alone")
	}
	var out string
	var doc *string
	for _, r := range st.Redirs {
		switch {
		case r.Op == syntax.RdrOut && r.N == nil && out == "":
			if out, err = p.word(r.Word); err != nil {
				return nil, err
			}
		case r.Op == syntax.Hdoc && r.Word.Lit() == "" && doc == nil:
			body := ""
			if r.Hdoc != nil {
				body = string(p.src[r.Hdoc.Pos().Offset():r.Hdoc.End().Offset()])
			}
			body = strings.TrimSuffix(body, heredocEnd)
			if p.trimmed[r.Word.Pos().Line()] {
				body = strings.TrimSuffix(body, "\n")
			}
			doc = &body
		default:
			return nil, p.errorf(r.Pos(), "unrecognised redirection")
		}
	}
	if p.lineHas(st, linkTestNote) {
		c.LinkTest = true
	}
	name := args[0]
	noRedir := out == "" && doc == nil
	switch {
	case name == "cd" && len(args) == 2 && noRedir && len(c.Env) == 0:
		p.dir = args[1]
		return nil, nil
	case name == "mkdir" && len(args) == 3 && args[1] == "-p" && noRedir:
		c.Kind, c.Args = Mkdir, args[2:]
	case name == "echo" && out != "" && doc == nil && len(args) == 2 && args[1] == "-n":
		c.Kind, c.File, c.Content = Write, out, ""
	case name == "echo" && out != "" && doc == nil:
		c.Kind, c.File, c.Content = Write, out, strings.Join(args[1:], " ")+"\n"
	case name == "cat" && len(args) == 1 && out != "" && doc != nil:
		c.Kind, c.File, c.Content = Write, out, *doc
	case name == "cp" && len(args) == 3 && noRedir:
		c.Kind, c.Args = Copy, args[1:]
	case name == "mv" && len(args) == 3 && noRedir:
		c.Kind, c.Args = Move, args[1:]
	case name == "rm" && len(args) == 3 && args[1] == "-rf" && noRedir:
		c.Kind, c.Args = Remove, args[2:]
	case name == "go" && len(args) >= 3 && args[1] == "tool" && noRedir && (args[2] == "pack" || args[2] == "buildid"):
		c.Kind, c.Args, c.Tool = Tool, args, args[2]
	case toolRE.MatchString(name) && noRedir:
		c.Kind, c.Args, c.Tool = Tool, args, toolRE.FindStringSubmatch(name)[1]
	case p.isCC(name) && noRedir:
		c.Kind, c.Args = CC, args
	case name == p.opt.pkgConfig() && len(args) >= 3 && (args[1] == "--cflags" || args[1] == "--libs") && noRedir:
		c.Kind, c.Args = PkgConfig, args
	default:
		return nil, p.errorf(st.Pos(), "unrecognised command %q", name)
	}
	return c, nil
}

func (p *parser) lineHas(st *syntax.Stmt, s string) bool {
	l := int(st.End().Line())
	return l >= 1 && l <= len(p.lines) && bytes.Contains(p.lines[l-1], []byte(s))
}

func (p *parser) words(ws []*syntax.Word) ([]string, error) {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		s, err := p.word(w)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// word unquotes one word as cmd/go quoted it.
func (p *parser) word(w *syntax.Word) (string, error) {
	var b strings.Builder
	for i, part := range w.Parts {
		switch x := part.(type) {
		case *syntax.Lit:
			v := x.Value
			if strings.ContainsRune(v, '\\') {
				return "", p.errorf(x.Pos(), "unexpected backslash in unquoted word %q", v)
			}
			// ShowCmd printed " <dir>" as " ." (dir: the last cd); undo it for real directories.
			if i == 0 && strings.HasPrefix(v, ".") && p.dir != "" && !strings.HasPrefix(p.dir, "$WORK") && p.dir != "." {
				v = p.dir + v[1:]
			}
			b.WriteString(v)
		case *syntax.SglQuoted:
			if x.Dollar {
				return "", p.errorf(x.Pos(), "unexpected $'...' quoting")
			}
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			raw := string(p.src[x.Pos().Offset():x.End().Offset()])
			s, err := strconv.Unquote(raw)
			if err != nil {
				return "", p.errorf(x.Pos(), "cannot unquote %s as Go quotes it: %v", raw, err)
			}
			b.WriteString(s)
		case *syntax.ParamExp:
			if !x.Short || x.Param.Value != "WORK" {
				return "", p.errorf(x.Pos(), "unexpected variable expansion (only $WORK is expected)")
			}
			b.WriteString("$WORK")
		default:
			return "", p.errorf(part.Pos(), "unrecognised word")
		}
	}
	return b.String(), nil
}
