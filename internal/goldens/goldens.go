// Package goldens stores and loads what the go command printed for each example: the output
// of `go list -json -deps` and the script of `go build -n`, under goldens/<go version>/<example>/.
// Machine-specific directories are replaced by fixed ones (see Normalise), so the recordings
// are the same on every machine and differ only where Go versions differ.
package goldens

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/dgd-build/dgd/internal/cgo"
)

// Fixed stand-ins for the directories of the recording machine.
const (
	ModRoot    = "/modroot"    // + "/" + example
	GOMODCACHE = "/gomodcache" //
	GOROOT     = "/goroot"     //
	OutDir     = "/out"        // -o of go build -n: only printed, never written
	GOCACHE    = "/gocache"    // where go list -test writes test mains
)

// Examples are the examples that have recordings.
var Examples = []string{"asm", "cgo", "dep", "embed", "hello", "majorv2", "multi", "packages", "pgo", "stamped", "subpackage", "tested", "vendored", "workspace"}

// Tested are the examples whose tests are recorded too: go list -test, go test -n and the test
// mains go list generated.
var Tested = map[string]bool{"majorv2": true, "tested": true}

// Recording is what go printed for one example with one Go version (the inputs:
// golist.json, build-n.txt, cc-supports.txt) and, once derived, what dgd made of it
// (actions.txt, plan.json). Files maps a file name of the recording's directory to its content.
type Recording struct {
	GoVersion, Example string
	Files              map[string][]byte
}

// The files of a recording.
const (
	GoList     = "golist.json"     // go list -json -deps
	BuildN     = "build-n.txt"     // go build -n (its standard error)
	CCSupports = "cc-supports.txt" // the C compiler's answers to cmd/go's flag probes
	Actions    = "actions.txt"     // dgd's typed actions, one command a line
	Plan       = "plan.json"       // dgd's plan: the derivations' scripts
	TestN      = "test-n.txt"      // go test -n of the packages with tests (Tested examples)
	TestMains  = "testmains.json"  // the test mains go list -test generated, by import path
)

// Inputs and Results are the recording's files that go printed and that dgd derived.
var (
	Inputs  = []string{GoList, BuildN, CCSupports, TestN, TestMains}
	Results = []string{Actions, Plan}
)

// Root returns the repository's root, found from this source file.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Dir is where the recordings of example for goVersion live.
func Dir(goVersion, example string) string {
	return filepath.Join(Root(), "goldens", goVersion, example)
}

// FlagsOf are the build flags an example is recorded with, as its arguments in
// examples/args.nix give them to the planner (ldflags, then tags).
func FlagsOf(example string) []string {
	if example == "stamped" {
		return []string{"-ldflags=-X main.name=DGD", "-tags=excited"}
	}
	return nil
}

// PackagesOf are the packages built for an example.
func PackagesOf(example string) []string {
	switch example {
	case "subpackage":
		return []string{"./cmd/hello"}
	case "workspace":
		return []string{"./app"}
	case "multi", "tested":
		return []string{"./..."}
	}
	return []string{"."}
}

// Write writes the recording's files.
func Write(r *Recording) error {
	d := Dir(r.GoVersion, r.Example)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	for name, b := range r.Files {
		if err := os.WriteFile(filepath.Join(d, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Supports reads cc-supports.txt: the C compiler (`go env CC`) and its answers.
func (r *Recording) Supports() (cc string, has cgo.Supports, err error) {
	ans := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(r.Files[CCSupports])), "\n") {
		f, v, ok := strings.Cut(l, " ")
		switch {
		case !ok:
			return "", nil, fmt.Errorf("%s/%s: malformed line %q", r.GoVersion, CCSupports, l)
		case f == "cc":
			cc = v
		default:
			ans[f] = v == "true"
		}
	}
	return cc, func(flag string) bool {
		v, ok := ans[flag]
		if !ok {
			panic("internal error: flag " + flag + " was not recorded")
		}
		return v
	}, nil
}

// Machine are the directories of the recording machine.
type Machine struct{ ModDir, GOMODCACHE, GOROOT, GOCACHE string }

var (
	concurrencyRE  = regexp.MustCompile(` -c=[0-9]+ `)
	compileIDRE    = regexp.MustCompile(` -buildid [A-Za-z0-9_-]+/[A-Za-z0-9_-]+ `)
	linkIDRE       = regexp.MustCompile(` -buildid=[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)+ `)
	normaliseRules = []struct {
		re   *regexp.Regexp
		with string
	}{{concurrencyRE, " -c=4 "}, {compileIDRE, " -buildid ID/ID "}, {linkIDRE, " -buildid=ID/ID/ID/ID "}}
)

// Normalise replaces what differs per machine: the module's directory, GOMODCACHE, GOROOT,
// the compiler's -c=N (it follows GOMAXPROCS) and the build IDs (action IDs that hash paths
// of the machine; dgd replaces them anyway).
func Normalise(s string, m Machine, example string) string {
	s = strings.ReplaceAll(s, m.ModDir, ModRoot+"/"+example)
	for _, r := range [][2]string{{m.GOMODCACHE, GOMODCACHE}, {m.GOROOT, GOROOT}, {m.GOCACHE, GOCACHE}} {
		if r[0] != "" {
			s = strings.ReplaceAll(s, r[0], r[1])
		}
	}
	for _, r := range normaliseRules {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

// Load reads the recording of example for goVersion: its inputs, and its results where they exist.
func Load(goVersion, example string) (*Recording, error) {
	d := Dir(goVersion, example)
	r := &Recording{GoVersion: goVersion, Example: example, Files: map[string][]byte{}}
	for _, name := range append(Inputs, Results...) {
		b, err := os.ReadFile(filepath.Join(d, name))
		if os.IsNotExist(err) && (slices.Contains(Results, name) || name == TestN || name == TestMains) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r.Files[name] = b
	}
	return r, nil
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
