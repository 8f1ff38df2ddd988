// Package skeleton writes the part of a source tree that shapes a plan: the input of the
// planner, so that an edit which leaves it the same re-plans nothing (the planner's derivation
// takes a content-addressed skeleton of the sources, and Nix finds its plan already built).
//
// What go list and go build -n read of a module, and so what a skeleton keeps:
//   - every directory and every file name (package patterns, //go:embed patterns and the files
//     they match, the files go list lists but does not build); a file's content is dropped
//     unless a rule below keeps some of it. Symbolic links stay links.
//   - of a .go file, what go/build reads: the header up to the end of its imports (build
//     constraints, //go:debug lines, the package clause, the imports, cgo's preamble and its
//     #cgo lines), then the file's //go:embed lines (a line comment that starts a line) and,
//     after them, a declaration (var _ int);
//   - a _test.go file whole: go list -test generates the test main from the names of its test,
//     benchmark, fuzz and example functions and from the examples' output comments;
//   - of the other files whose build constraints go/build reads (.c, .h, .s, ...), the leading
//     comments and blank space, which is all it reads;
//   - go.mod, go.sum, go.work, go.work.sum, vendor/modules.txt and profiles (*.pgo) whole.
//
// A .go file whose header does not scan as Go is kept whole, so that go reports the same
// error. The .git directory is left out: dgd's go commands run with -buildvcs=false.
// skeleton_test.go checks that every example plans the same from its skeleton as from its
// sources; e2e's corpus test checks it for real programs.
package skeleton

import (
	"archive/tar"
	"bytes"
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Write writes the skeleton of the tree src to the directory dst, which must not exist.
func Write(src, dst string) error {
	return walk(src, dirSink(dst))
}

// WriteArchive writes the skeleton of the tree src to w as a tar archive, the same bytes for
// the same skeleton (names in lexical order, no times, owners or modes but 0644 and 0755).
// One file is cheaper for Nix to register than a tree of mostly empty files: Extract makes
// the tree again where the planner runs.
func WriteArchive(src string, w io.Writer) error {
	tw := tar.NewWriter(w)
	if err := walk(src, tarSink{tw}); err != nil {
		return err
	}
	return tw.Close()
}

// Extract writes the tree of the archive r (WriteArchive's) to the directory dst, which must
// not exist.
func Extract(r io.Reader, dst string) error {
	if err := os.Mkdir(dst, 0o755); err != nil {
		return err
	}
	out := dirSink(dst)
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if !filepath.IsLocal(h.Name) {
			return fmt.Errorf("%s: not a path inside the skeleton", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = out.dir(h.Name)
		case tar.TypeSymlink:
			err = out.symlink(h.Name, h.Linkname)
		case tar.TypeReg:
			var b []byte
			if b, err = io.ReadAll(tr); err == nil {
				err = out.file(h.Name, b)
			}
		default:
			err = fmt.Errorf("%s: an entry of type %q: not a skeleton's (a directory, a file or a symbolic link)", h.Name, h.Typeflag)
		}
		if err != nil {
			return err
		}
	}
}

// A sink is where a skeleton goes: its directories, symbolic links and files by their paths
// relative to its root (slash-separated), parents first.
type sink interface {
	dir(rel string) error
	symlink(rel, target string) error
	file(rel string, b []byte) error
}

// walk puts the skeleton of the tree src in out.
func walk(src string, out sink) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && d.Name() == ".git" && rel != ".":
			return filepath.SkipDir
		case d.IsDir():
			return out.dir(rel)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return out.symlink(rel, target)
		case !d.Type().IsRegular():
			return fmt.Errorf("%s: not a regular file, a directory or a symbolic link: a Go module's sources cannot hold it", path)
		}
		kept, err := keep(rel, path)
		if err != nil {
			return err
		}
		return out.file(rel, kept)
	})
}

// dirSink writes a skeleton under a directory (rel "." is the directory itself).
type dirSink string

func (d dirSink) path(rel string) string           { return filepath.Join(string(d), filepath.FromSlash(rel)) }
func (d dirSink) dir(rel string) error             { return os.Mkdir(d.path(rel), 0o755) }
func (d dirSink) symlink(rel, target string) error { return os.Symlink(target, d.path(rel)) }
func (d dirSink) file(rel string, b []byte) error  { return os.WriteFile(d.path(rel), b, 0o644) }

// tarSink writes a skeleton to a tar archive (the root is not an entry).
type tarSink struct{ w *tar.Writer }

func (t tarSink) dir(rel string) error {
	if rel == "." {
		return nil
	}
	return t.w.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: rel + "/", Mode: 0o755})
}

func (t tarSink) symlink(rel, target string) error {
	return t.w.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: rel, Linkname: target, Mode: 0o777})
}

func (t tarSink) file(rel string, b []byte) error {
	if err := t.w.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: rel, Mode: 0o644, Size: int64(len(b))}); err != nil {
		return err
	}
	_, err := t.w.Write(b)
	return err
}

// whole are the files go reads whole, by name (or, for modules.txt, by path).
var whole = map[string]bool{"go.mod": true, "go.sum": true, "go.work": true, "go.work.sum": true}

// constrained are the extensions of the files, besides .go, whose leading comments go/build
// reads for build constraints.
var constrained = map[string]bool{".c": true, ".cc": true, ".cxx": true, ".cpp": true, ".m": true, ".s": true,
	".h": true, ".hh": true, ".hpp": true, ".hxx": true, ".f": true, ".F": true, ".f90": true, ".S": true,
	".sx": true, ".swig": true, ".swigcxx": true}

// keep is what the skeleton keeps of the file at path (rel, relative to the tree's root).
func keep(rel, path string) ([]byte, error) {
	name := filepath.Base(rel)
	ext := filepath.Ext(name)
	wholeFile := whole[name] || rel == "vendor/modules.txt" || strings.HasSuffix(rel, "/vendor/modules.txt") || ext == ".pgo" ||
		strings.HasSuffix(name, "_test.go")
	if !wholeFile && ext != ".go" && !constrained[ext] {
		return nil, nil // the name only
	}
	b, err := os.ReadFile(path)
	switch {
	case err != nil || wholeFile:
		return b, err
	case ext == ".go":
		return goFile(b), nil
	}
	return b[:leadingComments(b)], nil
}

// goFile is what go/build reads of a Go file: its header to the end of the imports, then its
// //go:embed lines; the whole file if it does not scan or its header does not parse.
func goFile(src []byte) []byte {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	broken := false
	s.Init(file, src, func(token.Position, string) { broken = true }, scanner.ScanComments)
	var toks []tok   // the tokens but comments, the last one EOF
	var embeds []tok // the //go:embed line comments
	for t := token.ILLEGAL; t != token.EOF; {
		var pos token.Pos
		var lit string
		pos, t, lit = s.Scan()
		off := file.Offset(pos)
		switch {
		case t == token.EOF:
			toks = append(toks, tok{len(src), t, ""})
		case t != token.COMMENT:
			toks = append(toks, tok{off, t, lit})
		case strings.HasPrefix(lit, "//go:embed") && startsLine(src, off):
			embeds = append(embeds, tok{off, t, lit})
		}
	}
	cut := header(src, toks)
	if broken || cut < 0 {
		return src
	}
	out := append([]byte(nil), src[:cut]...)
	n := len(out)
	for _, e := range embeds {
		if e.off >= cut {
			out = append(append(append(out, '\n'), e.lit...), '\n')
		}
	}
	if len(out) > n {
		// a declaration after them, as in the file: go/build before Go 1.24 reads the
		// imports up to the next token and looks for //go:embed lines only when that read
		// stopped before the end of the file
		out = append(out, "var _ int\n"...)
	}
	if !sameHeader(src, out) {
		return src
	}
	return out
}

// sameHeader says whether go/parser reads the same package clause, imports and comments
// before the first declaration from the skeleton of a file as from the file: the check that
// the cut was made where go/build's reading stops.
func sameHeader(src, skel []byte) bool {
	read := func(b []byte) string {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "", b, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return "\x00error"
		}
		var w strings.Builder
		fmt.Fprintf(&w, "package %s\n", f.Name.Name)
		for _, im := range f.Imports {
			fmt.Fprintf(&w, "import %v %s %q\n", im.Name, im.Path.Value, im.Doc.Text())
		}
		for _, g := range f.Comments {
			if g.Pos() < f.Name.Pos() {
				fmt.Fprintf(&w, "comment %q\n", g.Text())
			}
		}
		return w.String()
	}
	return read(src) == read(skel)
}

// tok is a token of a Go file, at offset off.
type tok struct {
	off int
	t   token.Token
	lit string
}

// header is the length of the package clause and the import declarations of the file with
// tokens toks (the last one EOF), or -1 if they do not parse.
func header(src []byte, toks []tok) int {
	i := 0
	at := func(ts ...token.Token) bool {
		for k, t := range ts {
			if i+k >= len(toks) || toks[i+k].t != t {
				return false
			}
		}
		return true
	}
	// semi reads a semicolon and says where it ends: an inserted one (at a newline, or at a
	// comment before it) at the end of its line
	semi := func() int {
		switch {
		case at(token.SEMICOLON) && toks[i].lit == "\n":
			i++
			if nl := bytes.IndexByte(src[toks[i-1].off:], '\n'); nl >= 0 {
				return toks[i-1].off + nl + 1
			}
			return len(src)
		case at(token.SEMICOLON):
			i++
			return toks[i-1].off + 1
		case at(token.EOF):
			return toks[i].off
		}
		return -1
	}
	spec := func() bool {
		if at(token.IDENT) || at(token.PERIOD) {
			i++
		}
		if !at(token.STRING) {
			return false
		}
		i++
		return true
	}
	if !at(token.PACKAGE, token.IDENT) {
		return -1
	}
	i += 2
	end := semi()
	for end >= 0 && at(token.IMPORT) {
		i++
		if at(token.LPAREN) {
			for i++; !at(token.RPAREN); {
				if !spec() || !at(token.RPAREN) && semi() < 0 {
					return -1
				}
			}
			i++
		} else if !spec() {
			return -1
		}
		end = semi()
	}
	return end
}

// startsLine says whether only blanks come before offset off on its line.
func startsLine(src []byte, off int) bool {
	line := src[bytes.LastIndexByte(src[:off], '\n')+1 : off]
	return len(bytes.Trim(line, " \t")) == 0
}

// leadingComments is the length of b's leading blank space and comments, which is what
// go/build reads of a non-Go file.
func leadingComments(b []byte) int {
	i := 0
	for i < len(b) {
		switch {
		case b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r':
			i++
		case bytes.HasPrefix(b[i:], []byte("//")):
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				return len(b)
			}
			i += j + 1
		case bytes.HasPrefix(b[i:], []byte("/*")):
			j := bytes.Index(b[i+2:], []byte("*/"))
			if j < 0 {
				return len(b)
			}
			i += 2 + j + 2
		default:
			return i
		}
	}
	return i
}
