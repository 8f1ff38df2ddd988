// Package lock reads and writes dgd.lock, the per-module lock file.
//
// The lock has one line per module that go.sum names. A module whose code is needed ("module"
// line: go.sum has its code's hash and the build list selects it) has its own fixed-output
// derivation that downloads it whole; the line gives its path, version and the Nix hash (NAR,
// sha256, SRI) of that download. The modules of which go only reads go.mod ("mod" lines, path
// and version: most of a large program's go.sum) share one download of those files, whose
// hash is the "mods" line: one go process fetches them all, where a derivation each cost a go
// process and a derivation per small file. A "mod" line with a hash of its own (written by dgd
// before the shared download) is still read: that module is downloaded alone. The downloads are
// laid out so that they do not depend on the Go version that made them:
//
//	mod    a module's go.mod as the proxy serves it
//	dir/   its files (for "module" lines)
//	N/mod  in the shared download, the go.mod of the lock's N-th unhashed "mod" line (from 0)
//
// The lock also records the sha256 of go.mod and go.sum, so that Nix can refuse a stale lock
// during evaluation, before anything is built.
package lock

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/nix-community/go-nix/pkg/nar"
)

// Name is the lock file's name in the module's root.
const Name = "dgd.lock"

// Entry is one module of the lock.
type Entry struct {
	Path, Version string
	ModOnly       bool   // only go.mod is needed
	Hash          string // "sha256-..." of the download's NAR ("" until fetched, and for a ModOnly entry of the shared download)
	Sum, ModSum   string // go.sum's h1: hashes of the module and of its go.mod (not written)
}

// Key is "path@version".
func (e Entry) Key() string { return e.Path + "@" + e.Version }

// File is a parsed lock.
type File struct {
	GoModSHA256, GoSumSHA256 string
	ModsHash                 string // the NAR hash of the shared download of the unhashed ModOnly entries' go.mod files
	Entries                  []Entry
}

// Shared lists the entries of the shared download, in its order (N/mod is the N-th's go.mod).
func (f *File) Shared() []Entry {
	var es []Entry
	for _, e := range f.Entries {
		if e.ModOnly && e.Hash == "" {
			es = append(es, e)
		}
	}
	return es
}

const header = `# dgd.lock: the Go modules of this module, one fixed-output download per module whose code is
# built and one of the go.mod files of the others ("mods").
# Written by "dgd lock"; "dgd lock -check" tells whether it is up to date. Do not edit.
`

// Format writes the lock.
func (f *File) Format() []byte {
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "go.mod %s\ngo.sum %s\n", f.GoModSHA256, f.GoSumSHA256)
	if f.ModsHash != "" {
		fmt.Fprintf(&b, "mods %s\n", f.ModsHash)
	}
	for _, e := range f.Entries {
		switch {
		case !e.ModOnly:
			fmt.Fprintf(&b, "module %s %s %s\n", e.Path, e.Version, e.Hash)
		case e.Hash != "":
			fmt.Fprintf(&b, "mod %s %s %s\n", e.Path, e.Version, e.Hash)
		default:
			fmt.Fprintf(&b, "mod %s %s\n", e.Path, e.Version)
		}
	}
	return b.Bytes()
}

// The lines of a lock besides empty ones and comments (nix/lock.nix accepts the same).
var (
	headerLine = regexp.MustCompile(`^(go\.mod|go\.sum) ([0-9a-f]+|none)$`)
	modsLine   = regexp.MustCompile(`^mods (sha256-[A-Za-z0-9+/]+=*)$`)
	entryLine  = regexp.MustCompile(`^(module|mod) ([^ ]+) ([^ ]+) (sha256-[A-Za-z0-9+/]+=*)$`)
	sharedLine = regexp.MustCompile(`^mod ([^ ]+) ([^ ]+)$`)
)

// Parse reads a lock; name is used in error messages.
func Parse(name string, data []byte) (*File, error) {
	f := &File{}
	for n, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := headerLine.FindStringSubmatch(line); m != nil {
			if m[1] == "go.mod" {
				f.GoModSHA256 = m[2]
			} else {
				f.GoSumSHA256 = m[2]
			}
			continue
		}
		if m := modsLine.FindStringSubmatch(line); m != nil {
			f.ModsHash = m[1]
			continue
		}
		if m := sharedLine.FindStringSubmatch(line); m != nil {
			f.Entries = append(f.Entries, Entry{Path: m[1], Version: m[2], ModOnly: true})
			continue
		}
		m := entryLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s:%d: not a line of a dgd.lock: %q (regenerate it with `dgd lock`)", name, n+1, line)
		}
		f.Entries = append(f.Entries, Entry{Path: m[2], Version: m[3], ModOnly: m[1] == "mod", Hash: m[4]})
	}
	for _, h := range []struct{ name, value string }{{"go.mod", f.GoModSHA256}, {"go.sum", f.GoSumSHA256}} {
		if h.value == "" {
			return nil, fmt.Errorf("%s has no %s line: regenerate it with `dgd lock`", name, h.name)
		}
	}
	if f.ModsHash == "" && len(f.Shared()) > 0 {
		return nil, fmt.Errorf("%s has \"mod\" lines without a hash but no mods line: regenerate it with `dgd lock`", name)
	}
	return f, nil
}

// Needed lists the modules that go.sum names, sorted by path and version.
func Needed(gosum []byte) ([]Entry, error) {
	byKey := map[string]*Entry{}
	for n, line := range strings.Split(string(gosum), "\n") {
		w := strings.Fields(line)
		if len(w) == 0 {
			continue
		}
		if len(w) != 3 || !strings.HasPrefix(w[2], "h1:") {
			return nil, fmt.Errorf("go.sum:%d: malformed line %q", n+1, line)
		}
		ver, isMod := strings.CutSuffix(w[1], "/go.mod")
		e := byKey[w[0]+"@"+ver]
		if e == nil {
			e = &Entry{Path: w[0], Version: ver, ModOnly: true}
			byKey[w[0]+"@"+ver] = e
		}
		if isMod {
			e.ModSum = w[2]
		} else {
			e.Sum, e.ModOnly = w[2], false
		}
	}
	var es []Entry
	for _, e := range byKey {
		es = append(es, *e)
	}
	sort.Slice(es, func(i, j int) bool {
		if es[i].Path != es[j].Path {
			return es[i].Path < es[j].Path
		}
		return es[i].Version < es[j].Version
	})
	return es, nil
}

// FileSHA256 is the hex sha256 of a file, or "none" if it does not exist.
func FileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "none", nil
	}
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// NarHash is the SRI sha256 of the NAR serialisation of path, as Nix hashes a recursive
// fixed-output derivation's output.
func NarHash(path string) (string, error) {
	h := sha256.New()
	if err := nar.DumpPath(h, path); err != nil {
		return "", err
	}
	return "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

// Check reports whether the lock in dir is up to date with go.mod and go.sum.
func Check(dir string) error {
	lockPath := filepath.Join(dir, Name)
	data, err := os.ReadFile(lockPath)
	if err != nil {
		return fmt.Errorf("%w (create it with `dgd lock`)", err)
	}
	f, err := Parse(lockPath, data)
	if err != nil {
		return err
	}
	stale := func(why string) error {
		return fmt.Errorf("%s is out of date with go.mod/go.sum (%s): run `dgd lock` in %s", lockPath, why, dir)
	}
	for _, s := range []struct{ name, want string }{{"go.mod", f.GoModSHA256}, {"go.sum", f.GoSumSHA256}} {
		got, err := FileSHA256(filepath.Join(dir, s.name))
		if err != nil {
			return err
		}
		if got != s.want {
			return stale(s.name + " changed")
		}
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	need, err := Needed(sum)
	if err != nil {
		return err
	}
	if len(need) != len(f.Entries) {
		return stale(fmt.Sprintf("go.sum names %d modules, the lock %d", len(need), len(f.Entries)))
	}
	for i, e := range need {
		// a version go.sum has the code of may be a "mod" line (the build list does not select
		// it; go.mod decides that, and its hash is checked above), never the reverse
		l := f.Entries[i]
		if e.Path != l.Path || e.Version != l.Version || e.ModOnly && !l.ModOnly {
			return stale("module " + e.Key() + " differs")
		}
	}
	return nil
}
