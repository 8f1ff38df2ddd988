// Package goldens records and loads what the go command printed for each example: the output
// of `go list -json -deps` and the script of `go build -n`, under goldens/<go version>/<example>/.
// Machine-specific directories are replaced by fixed ones (see Normalise), so the recordings
// are the same on every machine and differ only where Go versions differ.
package goldens

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/dgd-build/dgd/internal/gocmd"
)

// Fixed stand-ins for the directories of the recording machine.
const (
	ModRoot    = "/modroot"    // + "/" + example
	GOMODCACHE = "/gomodcache" //
	GOROOT     = "/goroot"     //
	OutDir     = "/out"        // -o of go build -n: only printed, never written
)

// Examples are the examples that have recordings.
var Examples = []string{"asm", "cgo", "dep", "embed", "hello", "packages", "subpackage", "vendored", "workspace"}

// Recording is what go printed for one example.
type Recording struct {
	GoList  []byte // go list -json -deps
	BuildN  []byte // go build -n (standard error)
	Package string // the package built, relative to the module root
}

// Root returns the repository's root, found from this source file.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Dir is where the recordings of example for goVersion live.
func Dir(goVersion, example string) string {
	return filepath.Join(Root(), "goldens", goVersion, example)
}

// PackageOf is the package built for an example.
func PackageOf(example string) string {
	switch example {
	case "subpackage":
		return "./cmd/hello"
	case "workspace":
		return "./app"
	}
	return "."
}

// Record runs the go command goBin for example and writes its recording.
func Record(ctx context.Context, goBin, example string) (string, error) {
	dir := filepath.Join(Root(), "examples", example)
	cache, err := os.MkdirTemp("", "dgd-golden-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(cache)
	env := append(os.Environ(), "GOTOOLCHAIN=local", "GOCACHE="+cache, "GOFLAGS=")
	pkg := PackageOf(example)
	inv := func(verb string, args ...string) gocmd.Invocation {
		return gocmd.Invocation{Go: goBin, Verb: verb, Args: args, Env: env, Dir: dir}
	}
	ver, _, err := gocmd.Run(ctx, inv("env", "GOVERSION"))
	if err != nil {
		return "", err
	}
	mc, _, err := gocmd.Run(ctx, inv("env", "GOMODCACHE"))
	if err != nil {
		return "", err
	}
	goroot, _, err := gocmd.Run(ctx, inv("env", "GOROOT"))
	if err != nil {
		return "", err
	}
	list, _, err := gocmd.Run(ctx, inv("list", "-json", "-deps", pkg))
	if err != nil {
		return "", err
	}
	_, script, err := gocmd.Run(ctx, inv("build", append(gocmd.BuildNFlags(OutDir), pkg)...))
	if err != nil {
		return "", err
	}
	norm := func(b []byte) []byte {
		return []byte(Normalise(string(b), Machine{ModDir: dir, GOMODCACHE: strings.TrimSpace(string(mc)), GOROOT: strings.TrimSpace(string(goroot))}, example))
	}
	out := Dir(strings.TrimSpace(string(ver)), example)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(out, "golist.json"), norm(list), 0o644); err != nil {
		return "", err
	}
	return out, os.WriteFile(filepath.Join(out, "build-n.txt"), norm(script), 0o644)
}

// Machine are the directories of the recording machine.
type Machine struct{ ModDir, GOMODCACHE, GOROOT string }

var concurrencyRE = regexp.MustCompile(` -c=[0-9]+ `)

// Normalise replaces what differs per machine: the module's directory, GOMODCACHE, GOROOT and
// the compiler's -c=N (it follows GOMAXPROCS).
func Normalise(s string, m Machine, example string) string {
	s = strings.ReplaceAll(s, m.ModDir, ModRoot+"/"+example)
	for _, r := range [][2]string{{m.GOMODCACHE, GOMODCACHE}, {m.GOROOT, GOROOT}} {
		if r[0] != "" {
			s = strings.ReplaceAll(s, r[0], r[1])
		}
	}
	return concurrencyRE.ReplaceAllString(s, " -c=4 ")
}

// Load reads the recording of example for goVersion.
func Load(goVersion, example string) (*Recording, error) {
	d := Dir(goVersion, example)
	l, err := os.ReadFile(filepath.Join(d, "golist.json"))
	if err != nil {
		return nil, err
	}
	n, err := os.ReadFile(filepath.Join(d, "build-n.txt"))
	if err != nil {
		return nil, err
	}
	return &Recording{GoList: l, BuildN: n, Package: PackageOf(example)}, nil
}

// Versions lists the Go versions that have recordings.
func Versions() ([]string, error) {
	es, err := os.ReadDir(filepath.Join(Root(), "goldens"))
	if err != nil {
		return nil, err
	}
	var vs []string
	for _, e := range es {
		if e.IsDir() && strings.HasPrefix(e.Name(), "go") {
			vs = append(vs, e.Name())
		}
	}
	return vs, nil
}

// HostGo is the go on PATH.
func HostGo() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}
