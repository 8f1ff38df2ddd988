// Package adapter reads the package graph from `go list -json -deps`, the source of truth for
// which files, imports, modules and embeds each package has.
package adapter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
)

// Package holds the fields of `go list -json` that dgd uses.
type Package struct {
	ImportPath string
	Name       string
	Dir        string
	Standard   bool    `json:",omitempty"`
	Goroot     bool    `json:",omitempty"`
	Module     *Module `json:",omitempty"`
	DepOnly    bool    `json:",omitempty"` // only a dependency of the packages asked for
	ForTest    string  `json:",omitempty"` // with -test: the package under test this variant is built for

	GoFiles, CgoFiles, CFiles, CXXFiles, HFiles, SFiles, SysoFiles []string `json:",omitempty"`
	EmbedFiles                                                     []string `json:",omitempty"`
	CgoPkgConfig                                                   []string `json:",omitempty"`
	IgnoredGoFiles                                                 []string `json:",omitempty"`
	TestGoFiles, XTestGoFiles                                      []string `json:",omitempty"`
	Imports, Deps                                                  []string `json:",omitempty"`

	Error      *PackageError   `json:",omitempty"`
	DepsErrors []*PackageError `json:",omitempty"`
}

// Module is a package's module.
type Module struct {
	Path      string
	Version   string `json:",omitempty"`
	Dir       string `json:",omitempty"`
	Main      bool   `json:",omitempty"`
	GoVersion string `json:",omitempty"`
}

// PackageError is a problem go list found in a package.
type PackageError struct {
	ImportStack []string `json:",omitempty"`
	Pos         string   `json:",omitempty"`
	Err         string
}

func (e *PackageError) Error() string {
	if e.Pos != "" {
		return e.Pos + ": " + e.Err
	}
	return e.Err
}

// SourceFiles lists the files of the package directory that building it reads.
func (p *Package) SourceFiles() []string {
	var fs []string
	for _, l := range [][]string{p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.HFiles, p.SFiles, p.SysoFiles, p.EmbedFiles} {
		fs = append(fs, l...)
	}
	return fs
}

// HasTests says whether the package has test files.
func (p *Package) HasTests() bool { return len(p.TestGoFiles)+len(p.XTestGoFiles) > 0 }

// IsTestMain says whether p is a test main that go list -test generated ("PATH.test").
func (p *Package) IsTestMain() bool {
	return p.ForTest == "" && p.Name == "main" && strings.HasSuffix(p.ImportPath, ".test")
}

// IsRoot says whether p is one of the packages go list was asked for: not a dependency, a
// test variant or a test main.
func (p *Package) IsRoot() bool { return !p.DepOnly && p.ForTest == "" && !p.IsTestMain() }

// Tested are the import paths of the packages go list was asked for that have test files.
func Tested(pkgs []*Package) []string {
	var t []string
	for _, p := range pkgs {
		if p.IsRoot() && p.HasTests() {
			t = append(t, p.ImportPath)
		}
	}
	return t
}

// TestMains reads the test mains of the tested packages (import paths) from where go list
// -test generated them, in its GOCACHE: "PATH.test" -> source. go test -n compiles them
// without printing them.
func TestMains(pkgs []*Package, tested []string) (map[string]string, error) {
	mains := map[string]string{}
	for _, p := range pkgs {
		if p.IsTestMain() && slices.Contains(tested, strings.TrimSuffix(p.ImportPath, ".test")) && len(p.GoFiles) == 1 {
			b, err := os.ReadFile(p.GoFiles[0])
			if err != nil {
				return nil, fmt.Errorf("the test main of %s: %w", p.ImportPath, err)
			}
			mains[p.ImportPath] = string(b)
		}
	}
	return mains, nil
}

// listFields are the fields of Package: the ones go list is asked for (it computes others,
// such as Stale, only when asked, which hashes every file).
func listFields() []string {
	t := reflect.TypeFor[Package]()
	fields := make([]string, t.NumField())
	for i := range fields {
		fields[i] = t.Field(i).Name
	}
	return fields
}

// ListArgs are the arguments of `go list` for the packages named by patterns; with test, their
// test variants, external test packages and generated test mains too.
func ListArgs(flags, patterns []string, test bool) []string {
	args := []string{"-json=" + strings.Join(listFields(), ","), "-deps"}
	if test {
		args = append(args, "-test")
	}
	args = append(args, flags...)
	return append(args, patterns...)
}

// Decode reads the stream of JSON objects that `go list -json` prints. A package with an
// error is reported with the import stack that leads to it.
func Decode(r io.Reader) ([]*Package, error) {
	dec := json.NewDecoder(r)
	var pkgs []*Package
	for dec.More() {
		p := new(Package)
		if err := dec.Decode(p); err != nil {
			return nil, fmt.Errorf("decoding go list -json: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	for _, p := range pkgs {
		if p.Error != nil {
			stack := ""
			if len(p.Error.ImportStack) > 1 {
				stack = " (imported by " + strings.Join(p.Error.ImportStack[:len(p.Error.ImportStack)-1], " <- ") + ")"
			}
			return nil, fmt.Errorf("package %s%s: %w", p.ImportPath, stack, p.Error)
		}
	}
	return pkgs, nil
}

// DecodeBytes is Decode on a byte slice.
func DecodeBytes(b []byte) ([]*Package, error) { return Decode(bytes.NewReader(b)) }
