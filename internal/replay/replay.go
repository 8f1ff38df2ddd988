// Package replay writes the shell script of one derivation from the commands of one action of
// go build -n: the planning machine's paths become the placeholders of package plan's
// contract, arguments are quoted for the shell, and the generic commands (mkdir, a file's
// write, cp) are written here. Package compile replays a package's compile, assembly, cgo
// and pack; package link a link, a test binary's link and its run.
package replay

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/cgo"
)

// Step is the script of one derivation.
type Step struct {
	Deps   []string // import paths whose outputs the script reads, sorted
	Script string
	CC     bool `json:",omitempty"` // runs the C compiler (or links externally)
	Tools  bool `json:",omitempty"` // runs @@gotool@@
}

// Source says where a package's files come from.
type Source struct {
	// Kind is "goroot" (the toolchain), "main" (the main module: Dir relative to its root,
	// Files the package's files relative to Dir), "module" (Module "path@version", Dir
	// relative to the module's root) or "testmain" (go test's generated main: in the script).
	Kind   string
	Module string   `json:",omitempty"`
	Dir    string   `json:",omitempty"`
	Files  []string `json:",omitempty"`
}

// Context is what every replay of one script needs: the planning machine's directories, the
// C compiler's answers, and which package each work directory builds.
type Context struct {
	GOROOT     string // as go reports it
	GoPkg      string // the go package (GOROOT is inside it)
	GOMODCACHE string
	ModRoot    string // the main module's directory (a workspace's: the directory of go.work)
	CC         cgo.Supports
	// WorkPkg maps each $WORK/bNNN of the script being replayed to the key (import path, or
	// a PGO profile's "pgo [FILE]") of the derivation that builds it.
	WorkPkg map[string]string
}

// WorkRE matches a work directory of go build -n.
var WorkRE = regexp.MustCompile(`\$WORK/b[0-9]+`)

// Writer writes one script.
type Writer struct {
	ctx    *Context
	Own    string          // $WORK/bNNN of the action
	SrcDir string          // the package's directory, replaced by @@src@@ ("" for none)
	Deps   map[string]bool // the keys of the derivations the script reads
	CC     bool            // the script runs the C compiler
	Tools  bool            // the script runs @@gotool@@
	b      strings.Builder
}

// New starts the script of the action in the work directory own, whose sources are in srcDir.
func New(ctx *Context, own, srcDir string) *Writer {
	return &Writer{ctx: ctx, Own: own, SrcDir: srcDir, Deps: map[string]bool{}}
}

// Context is the writer's context.
func (w *Writer) Context() *Context { return w.ctx }

// Path rewrites the machine's paths in x into placeholders.
func (w *Writer) Path(x string) (string, error) {
	var err error
	x = WorkRE.ReplaceAllStringFunc(x, func(d string) string {
		if d == w.Own {
			return "@@w@@"
		}
		ip, ok := w.ctx.WorkPkg[d]
		if !ok {
			err = fmt.Errorf("refers to %s, which builds no linked package", d)
			return d
		}
		w.Deps[ip] = true
		return "@@dep:" + ip + "@@"
	})
	if err != nil {
		return "", err
	}
	if w.SrcDir != "" {
		x = ReplaceDir(x, w.SrcDir, "@@src@@")
	}
	x = ReplaceDir(x, w.ctx.GOROOT, "@@goroot@@")
	for _, bad := range []string{w.ctx.ModRoot, w.ctx.GOMODCACHE, w.ctx.GoPkg, "$WORK"} {
		if bad != "" && strings.Contains(x, bad) {
			return "", fmt.Errorf("internal error: %q keeps a path of the planning machine (%s)", x, bad)
		}
	}
	return x, nil
}

// ReplaceDir replaces dir where it stands as a whole path element prefix.
func ReplaceDir(s, dir, with string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, dir)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(dir)
		if end == len(s) || strings.ContainsRune("/=\";:, '\n", rune(s[end])) {
			b.WriteString(s[:i] + with)
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

// Quote quotes s for the shell; the runtime placeholders @@w@@, @@c@@ and @@out@@ become
// "$w", "$c" and "$out".
func Quote(s string) string {
	var b strings.Builder
	lit := func(t string) {
		if t != "" {
			b.WriteString("'" + strings.ReplaceAll(t, "'", `'\''`) + "'")
		}
	}
	last := 0
	for _, m := range runtimeRE.FindAllStringSubmatchIndex(s, -1) {
		lit(s[last:m[0]])
		b.WriteString(`"$` + s[m[2]:m[3]] + `"`)
		last = m[1]
	}
	lit(s[last:])
	if b.Len() == 0 {
		return "''"
	}
	return b.String()
}

var runtimeRE = regexp.MustCompile(`@@(w|c|out)@@`)

// Line writes one line of words, as they are.
func (w *Writer) Line(words ...string) {
	for i, s := range words {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(s)
	}
	w.b.WriteByte('\n')
}

// CmdWords rewrites and quotes a command's environment and arguments args.
func (w *Writer) CmdWords(c actions.Cmd, args []string) ([]string, error) {
	var ws []string
	for _, e := range c.Env {
		k, v, _ := strings.Cut(e, "=")
		v, err := w.Path(v)
		if err != nil {
			return nil, err
		}
		ws = append(ws, k+"="+Quote(v))
	}
	for _, a := range args {
		a, err := w.Path(a)
		if err != nil {
			return nil, err
		}
		ws = append(ws, Quote(a))
	}
	return ws, nil
}

// Cd writes the cd of a command that runs a program: into the action's directory, the
// package's sources, or GOROOT; any other directory of the planning machine (the command gets
// absolute paths there) becomes the build's own temporary directory. cur is the directory the
// script is in.
func (w *Writer) Cd(c actions.Cmd, cur *string) {
	if c.Dir == *cur || c.Kind == actions.Mkdir || c.Kind == actions.Write || c.Kind == actions.Remove {
		return
	}
	*cur = c.Dir
	switch d := c.Dir; {
	case d == w.Own || strings.HasPrefix(d, w.Own+"/"):
		w.Line("cd", Quote("@@w@@"+d[len(w.Own):]))
	case w.SrcDir != "" && (d == w.SrcDir || strings.HasPrefix(d, w.SrcDir+"/")):
		w.Line("cd", Quote("@@src@@"+d[len(w.SrcDir):]))
	case d == w.ctx.GOROOT || strings.HasPrefix(d, w.ctx.GOROOT+"/"):
		w.Line("cd", Quote("@@goroot@@"+d[len(w.ctx.GOROOT):]))
	default:
		w.Line("cd", `"$TMPDIR"`)
	}
}

// Generic writes the commands every action may have: mkdir, a file's write, cp. It reports
// whether c is one.
func (w *Writer) Generic(c actions.Cmd) (bool, error) {
	switch c.Kind {
	case actions.Mkdir:
		d, err := w.Path(c.Args[0])
		if err != nil {
			return true, err
		}
		w.Line("mkdir", "-p", Quote(d))
	case actions.Write:
		f, err := w.Path(c.File)
		if err != nil {
			return true, err
		}
		body, err := w.Path(c.Content)
		if err != nil {
			return true, err
		}
		w.Line("printf", "%s", Quote(body), ">", Quote(f))
	case actions.Copy:
		ws, err := w.CmdWords(c, c.Args)
		if err != nil {
			return true, err
		}
		w.Line(append([]string{"cp"}, ws...)...)
	default:
		return false, nil
	}
	return true, nil
}

// Finish is the script written.
func (w *Writer) Finish() Step {
	st := Step{Script: w.b.String(), Deps: []string{}, CC: w.CC, Tools: w.Tools}
	for d := range w.Deps {
		st.Deps = append(st.Deps, d)
	}
	sort.Strings(st.Deps)
	return st
}

// ImportPathHash is a build ID's part derived from ip (the machine's action IDs hash paths).
func ImportPathHash(ip string) string {
	h := sha256.Sum256([]byte("dgd buildid " + ip))
	return base64.RawURLEncoding.EncodeToString(h[:15])
}

// UnderRoot is dir relative to root, which must hold it.
func UnderRoot(root, dir string) (string, error) {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("directory %s is outside the source tree %s", dir, root)
	}
	return filepath.ToSlash(rel), nil
}

// FlagValue is the word after flag in args ("" if none).
func FlagValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}
