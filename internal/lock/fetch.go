package lock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/dgd-build/dgd/internal/gocmd"
	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
)

// download is what `go mod download -json` and `go list -m -json` print.
type download struct {
	Dir, GoMod, Sum, GoModSum string
	Error                     string
}

// Make writes the lock of the module in dir: it downloads every module go.sum names with
// goBin (through the module proxy of env), checks each against go.sum, and hashes the layout
// that nix/lock.nix's download produces. Only the versions the build list selects are
// downloaded whole: go.sum also names versions that go only read the go.mod of (the module
// graph's), and their code is never built; their go.mod files are one shared download.
func Make(ctx context.Context, goBin, dir string, env []string, log io.Writer) (*File, error) {
	f := &File{}
	var err error
	if f.GoModSHA256, err = FileSHA256(filepath.Join(dir, "go.mod")); err != nil {
		return nil, err
	}
	if f.GoSumSHA256, err = FileSHA256(filepath.Join(dir, "go.sum")); err != nil {
		return nil, err
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	need, err := Needed(sum)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "dgd-lock-")
	if err != nil {
		return nil, err
	}
	defer RemoveModCache(tmp)
	empty := filepath.Join(tmp, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		return nil, err
	}
	env = append(env[:len(env):len(env)], "GOMODCACHE="+filepath.Join(tmp, "modcache"), "GOTOOLCHAIN=local", "GO111MODULE=on")
	sel, err := selected(ctx, goBin, dir, append(env, "GOFLAGS=-mod=readonly"))
	if err != nil {
		return nil, err
	}
	for i := range need {
		if !sel[need[i].Key()] {
			need[i].ModOnly = true
		}
	}
	env = append(env, "GOFLAGS=-mod=mod")
	f.Entries = need
	// fetchProcs modules download at once (a download mostly waits for the proxy), each named
	// as it starts, in the lock's order; the first to fail stops the others, and its error is
	// the one told
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	slots := make(chan struct{}, fetchProcs)
	var wg sync.WaitGroup
	for i, e := range need {
		if e.ModOnly {
			continue
		}
		slots <- struct{}{}
		if ctx.Err() != nil {
			break
		}
		fmt.Fprintf(log, "dgd lock: %s\n", e.Key())
		wg.Go(func() {
			defer func() { <-slots }()
			layout := filepath.Join(tmp, "layout", fmt.Sprint(i))
			err := Fetch(ctx, goBin, empty, env, e, layout)
			if err == nil {
				need[i].Hash, err = NarHash(layout)
			}
			if err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	if shared := f.Shared(); len(shared) > 0 {
		fmt.Fprintf(log, "dgd lock: go.mod files of the \"mod\" lines: %d, one download\n", len(shared))
		layout := filepath.Join(tmp, "layout", "mods")
		if err := FetchShared(ctx, goBin, empty, env, shared, layout); err != nil {
			return nil, err
		}
		if f.ModsHash, err = NarHash(layout); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// fetchProcs is how many modules dgd lock downloads at once.
const fetchProcs = 8

// selected is the set of "path@version" whose code the build list of the module in dir
// selects (`go list -m all`; a replacement by another module counts as that module).
func selected(ctx context.Context, goBin, dir string, env []string) (map[string]bool, error) {
	// go reads the module graph's go.mod files GOMAXPROCS at a time, and each costs the proxy's
	// latency, not a core (golangci-lint's: 30.4 s with 2, 2.3 s with 32, on 2 cores here)
	env = append(env[:len(env):len(env)], "GOMAXPROCS=32")
	inv := gocmd.Invocation{Go: goBin, Verb: "list", Args: []string{"-m", "-json", "all"}, Env: env, Dir: dir}
	out, stderr, err := gocmd.Run(ctx, inv)
	if err != nil {
		if bytes.Contains(stderr, []byte("go.sum")) || bytes.Contains(stderr, []byte("go.mod")) {
			return nil, fmt.Errorf("%s: go.mod and go.sum do not list every module the build needs: run `go mod tidy` in %s, then `dgd lock` again:\n%w", dir, dir, err)
		}
		return nil, err
	}
	return parseSelected(out)
}

// parseSelected reads the modules of `go list -m -json all`: the main module (no version) and
// modules replaced by a directory select no download.
func parseSelected(out []byte) (map[string]bool, error) {
	type mod struct {
		Path, Version string
		Replace       *struct{ Path, Version string }
	}
	sel := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var m mod
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("reading `go list -m -json all`: %w", err)
		}
		if m.Replace != nil {
			m.Path, m.Version = m.Replace.Path, m.Replace.Version
		}
		if m.Version != "" {
			sel[m.Path+"@"+m.Version] = true
		}
	}
	return sel, nil
}

// Fetch downloads one module with goBin (in the directory cwd, with exactly env) and lays it
// out in dst: dst/mod (its go.mod) and, unless e.ModOnly, dst/dir (its files, moved out of
// the module cache when it is on dst's file system, else copied). dgd lock hashes
// this layout; the fixed-output download of nix/lock.nix makes it (`dgd fetch`). The download
// is checked against e's go.sum hashes where e has them.
func Fetch(ctx context.Context, goBin, cwd string, env []string, e Entry, dst string) error {
	if e.ModOnly {
		mods, err := listMods(ctx, goBin, cwd, env, []Entry{e})
		if err != nil {
			return err
		}
		return writeMod(dst, mods[0])
	}
	inv := gocmd.Invocation{Go: goBin, Verb: "mod", Args: []string{"download", "-json", e.Key()}, Env: env, Dir: cwd}
	out, _, err := gocmd.Run(ctx, inv)
	var d download
	if jerr := json.Unmarshal(out, &d); err != nil || jerr != nil || d.Error != "" {
		return fmt.Errorf("module %s cannot be downloaded: %v %s", e.Key(), err, d.Error)
	}
	if e.ModSum != "" && d.GoModSum != e.ModSum {
		return modMismatch(e, d.GoModSum)
	}
	if e.Sum != "" && d.Sum != e.Sum {
		return fmt.Errorf("go.sum mismatch for module %s: go.sum has %s, the proxy serves %s", e.Key(), e.Sum, d.Sum)
	}
	if err := writeMod(dst, d.GoMod); err != nil {
		return err
	}
	// the module cache's copy is moved where it can be (the cache on dst's file system): each
	// file created costs more than its bytes (a journal-less ext4 scans for a free inode)
	if err := os.Rename(d.Dir, filepath.Join(dst, "dir")); err == nil {
		return nil
	}
	return os.CopyFS(filepath.Join(dst, "dir"), os.DirFS(d.Dir))
}

// RemoveModCache removes a module cache (whose directories go made read-only).
func RemoveModCache(dir string) error {
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// FetchShared downloads the go.mod files of the ModOnly entries es and lays them out in dst:
// dst/N/mod is es[N]'s (the shared download of a lock's unhashed "mod" lines, File.Shared).
// Each is checked against its go.sum hash where es has it.
func FetchShared(ctx context.Context, goBin, cwd string, env []string, es []Entry, dst string) error {
	mods, err := listMods(ctx, goBin, cwd, env, es)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for i, m := range mods {
		if err := writeMod(filepath.Join(dst, strconv.Itoa(i)), m); err != nil {
			return err
		}
	}
	return nil
}

// Fetching go.mod files: `go list -m` asks the proxy for one module after another, so a go.mod
// costs the proxy's latency, not a core (golangci-lint's 554 took 71 s in one go process here,
// 5.9 s in 16 at once). listMods runs up to listProcs go processes at once, each with a share of
// at least listShare modules, on one module cache (go locks what it writes there).
const (
	listProcs = 16
	listShare = 8
)

// listMods downloads the go.mod files of es with `go list -m` and returns their paths in the
// module cache, in es's order, each checked against its entry's go.mod hash.
func listMods(ctx context.Context, goBin, cwd string, env []string, es []Entry) ([]string, error) {
	procs := min(listProcs, (len(es)+listShare-1)/listShare)
	got := make([]map[string]listed, procs)
	errs := make([]error, procs)
	var wg sync.WaitGroup
	for p := range procs {
		share := es[p*len(es)/procs : (p+1)*len(es)/procs]
		wg.Go(func() { got[p], errs[p] = listModsOnce(ctx, goBin, cwd, env, share) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	all := map[string]listed{}
	for _, g := range got {
		maps.Copy(all, g)
	}
	paths := make([]string, len(es))
	for i, e := range es {
		l, ok := all[e.Key()]
		switch {
		case !ok:
			return nil, fmt.Errorf("module %s cannot be downloaded: `go list -m` printed nothing for it", e.Key())
		case l.Error != nil || l.GoMod == "":
			msg := "no go.mod"
			if l.Error != nil {
				msg = l.Error.Err
			}
			return nil, fmt.Errorf("module %s cannot be downloaded: %s", e.Key(), msg)
		}
		sum, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) { return os.Open(l.GoMod) })
		if err != nil {
			return nil, err
		}
		if e.ModSum != "" && sum != e.ModSum {
			return nil, modMismatch(e, sum)
		}
		paths[i] = l.GoMod
	}
	return paths, nil
}

// listed is what `go list -m -json -e` prints of a module.
type listed struct {
	Path, Version, GoMod string
	Error                *struct{ Err string }
}

// listModsOnce runs one `go list -m -json -e` of es: what it printed, by "path@version".
func listModsOnce(ctx context.Context, goBin, cwd string, env []string, es []Entry) (map[string]listed, error) {
	args := []string{"-m", "-json", "-e"}
	for _, e := range es {
		args = append(args, e.Key())
	}
	inv := gocmd.Invocation{Go: goBin, Verb: "list", Args: args, Env: env, Dir: cwd}
	out, _, err := gocmd.Run(ctx, inv)
	if err != nil {
		return nil, fmt.Errorf("the go.mod files of %s cannot be downloaded: %w", keys(es), err)
	}
	got := map[string]listed{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var l listed
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("reading `go list -m -json`: %w", err)
		}
		got[l.Path+"@"+l.Version] = l
	}
	return got, nil
}

// keys names es for an error: the first few keys and how many.
func keys(es []Entry) string {
	var ks []string
	for _, e := range es[:min(len(es), 3)] {
		ks = append(ks, e.Key())
	}
	if len(es) > 3 {
		ks = append(ks, fmt.Sprintf("... (%d in all)", len(es)))
	}
	return strings.Join(ks, ", ")
}

func modMismatch(e Entry, got string) error {
	return fmt.Errorf("go.sum mismatch for module %s: go.sum has %s for its go.mod, the proxy serves %s", e.Key(), e.ModSum, got)
}

// writeMod makes the directory dst with the go.mod gomod in it as dst/mod.
func writeMod(dst, gomod string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	mod, err := os.ReadFile(gomod)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "mod"), mod, 0o644)
}

// Located is a locked module and the store path of its download.
type Located struct {
	Entry
	Store string
}

// ParseLocated reads the lines "kind path version store-path" that nix/lock.nix writes.
func ParseLocated(data []byte) ([]Located, error) {
	var ls []Located
	for n, line := range strings.Split(string(data), "\n") {
		w := strings.Fields(line)
		if len(w) == 0 {
			continue
		}
		if len(w) != 4 || (w[0] != "module" && w[0] != "mod") {
			return nil, fmt.Errorf("modules list:%d: malformed line %q", n+1, line)
		}
		ls = append(ls, Located{Entry: Entry{Path: w[1], Version: w[2], ModOnly: w[0] == "mod"}, Store: w[3]})
	}
	return ls, nil
}

// Assemble makes a GOMODCACHE in dir from the locked downloads, for go to read with
// GOPROXY=off: each module's go.mod and, for whole modules, its directory (a symbolic link
// to the download) and .ziphash (from go.sum, which go checks it against).
func Assemble(dir string, mods []Located, gosum []byte) error {
	need, err := Needed(gosum)
	if err != nil {
		return err
	}
	sums := map[string]string{}
	for _, e := range need {
		sums[e.Key()] = e.Sum
	}
	for _, m := range mods {
		ep, err := module.EscapePath(m.Path)
		if err != nil {
			return err
		}
		ev, err := module.EscapeVersion(m.Version)
		if err != nil {
			return err
		}
		dl := filepath.Join(dir, "cache", "download", ep, "@v")
		if err := os.MkdirAll(dl, 0o755); err != nil {
			return err
		}
		if err := os.Symlink(filepath.Join(m.Store, "mod"), filepath.Join(dl, ev+".mod")); err != nil {
			return err
		}
		info := fmt.Sprintf("{\"Version\":%q}\n", m.Version)
		if err := os.WriteFile(filepath.Join(dl, ev+".info"), []byte(info), 0o644); err != nil {
			return err
		}
		if m.ModOnly {
			continue
		}
		if sums[m.Key()] == "" {
			return fmt.Errorf("module %s is locked but go.sum has no hash for it: the lock is stale, run `dgd lock`", m.Key())
		}
		if err := os.WriteFile(filepath.Join(dl, ev+".ziphash"), []byte(sums[m.Key()]), 0o644); err != nil {
			return err
		}
		target := filepath.Join(dir, ep+"@"+ev)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(filepath.Join(m.Store, "dir"), target); err != nil {
			return err
		}
	}
	return nil
}
