// Package plan joins the package graph (go list) to the actions of `go build -n` and writes, for
// each package and for the link, the shell script that replays its commands in a Nix derivation.
//
// Paths in the scripts are placeholders that the Nix side replaces with store paths (which
// carry their string context):
//
//	@@goroot@@        the Go toolchain's GOROOT
//	@@gotool@@        a directory with the pack and buildid tools (Go >= 1.25 runs them as `go tool`)
//	@@src@@           the package's sources: its own files only, for the main module's packages
//	@@dep:PATH@@      the export data of package PATH: the out output of its derivation
//	@@link:PATH@@     its code (compile -linkobj, with its assembly and C objects): the link output
//	@@tree@@, @@dir@@ a test run's source tree and the package's directory in it (see Test)
//
// A PGO profile is a step of its own whose key, "pgo [FILE]", stands where an import path
// would (@@dep:pgo [FILE]@@: the preprocessed profile).
//
// and, quoted so that the shell expands them at build time, $w (the action's work directory),
// $c (the compiler's backend concurrency, kept out of the derivation) and $out.
//
// The compile's -buildid, which -n derives from action IDs that hash the machine's paths, is
// replaced by one derived from the import path, so that a package's derivation depends only on
// its own files and its dependencies.
package plan

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/adapter"
	"github.com/dgd-build/dgd/internal/cgo"
)

// Version of the plan format read by nix/.
const Version = 3

// Plan is what the Nix side turns into derivations.
type Plan struct {
	Version   int
	GoVersion string
	// GorootRel is GOROOT relative to the go package's store path ("" or "/share/go").
	GorootRel string
	// Modules maps "path@version" to the module's directory relative to GOMODCACHE.
	Modules map[string]string `json:",omitempty"`
	// Env is the environment every step exports: the target (GOOS, GOARCH, ...) and
	// GOEXPERIMENT, which cmd/go gives the tools without printing them.
	Env      []string `json:",omitempty"`
	Packages []*Package
	Links    []*Link // one per main package, in the order go build links them
	Tests    []*Test `json:",omitempty"`
}

// Package is one package's compile step. Its ImportPath is go list's: a test variant's is
// "PATH [TESTED.test]", a test main's "TESTED.test".
type Package struct {
	ImportPath string
	Standard   bool   `json:",omitempty"`
	Source     Source `json:",omitempty"`
	Step
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

// Link links one main package into $out/bin/Binary.
type Link struct {
	ImportPath string
	Binary     string // the name `go build` gives the program
	Step
}

// Test is one package's tests: Link links the test binary into $out/bin/Binary; Run runs it in
// a copy of the whole source tree, in the package's directory, with @@test@@ (the link's
// output), @@tree@@ (the source tree) and @@dir@@ (quoted for the shell: the package's
// directory in the tree, Dir relative to the main module's root) replaced.
type Test struct {
	ImportPath string
	Dir        string
	Binary     string
	Link       Step
	Run        Step
}

// Step is the script of one derivation.
type Step struct {
	Deps   []string // import paths whose outputs the script reads, sorted
	Script string
	CC     bool `json:",omitempty"` // runs the C compiler (or links externally)
	Tools  bool `json:",omitempty"` // runs @@gotool@@
}

// Input is everything the planner read.
type Input struct {
	Packages []*adapter.Package // go list -json -deps (-test when Tests is set)
	Actions  *actions.Plan      // go build -n of the main packages, grouped (nil: none)
	Tests    *actions.Plan      // go test -n of the tested packages, grouped (nil: none)
	// TestMains maps a test main's import path ("PATH.test") to the source go generated for it
	// (go list -test writes it; go test -n compiles it without printing it).
	TestMains map[string]string
	Env       []string // NAME=value: go env's variables that the tools read
	// PkgConfig are pkg-config's answers for the packages with `#cgo pkg-config:` lines, by
	// import path (go build -n prints the calls without running them).
	PkgConfig  map[string]cgo.PkgConfig
	GoVersion  string
	GOROOT     string // as go reports it
	GoPkg      string // the go package (GOROOT is inside it)
	GOMODCACHE string
	ModRoot    string // the main module's directory (a workspace's: the directory of go.work)
	CC         cgo.Supports
}

var workRE = regexp.MustCompile(`\$WORK/b[0-9]+`)

// Make builds the plan.
func Make(in Input) (*Plan, error) {
	rel, ok := strings.CutPrefix(in.GOROOT, in.GoPkg)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
		return nil, fmt.Errorf("GOROOT %s is not inside the go package %s", in.GOROOT, in.GoPkg)
	}
	pl := &Plan{Version: Version, GoVersion: in.GoVersion, GorootRel: rel, Modules: map[string]string{}, Env: in.Env}
	r := &replayer{in: in, plan: pl, byPath: map[string]*adapter.Package{}, pkgs: map[string]*Package{}}
	for _, p := range in.Packages {
		r.byPath[p.ImportPath] = p
	}
	if in.Actions == nil && in.Tests == nil {
		return nil, fmt.Errorf("nothing to plan: no main package to link and no package to test")
	}
	for _, script := range []struct {
		acts *actions.Plan
		test bool
		name string
	}{{in.Actions, false, "go build -n"}, {in.Tests, true, "go test -n"}} {
		if script.acts != nil {
			if err := r.script(script.acts, script.test); err != nil {
				return nil, fmt.Errorf("%s: %w", script.name, err)
			}
		}
	}
	for _, pk := range r.pkgs {
		pl.Packages = append(pl.Packages, pk)
	}
	sort.Slice(pl.Packages, func(i, j int) bool { return pl.Packages[i].ImportPath < pl.Packages[j].ImportPath })
	if len(pl.Modules) == 0 {
		pl.Modules = nil
	}
	return pl, nil
}

// script adds the packages, links and tests of one grouped script to the plan. Each link's
// importcfg names the package that each $WORK/bNNN builds; in a test link, a package with a
// test variant for that test (go list's "PATH [TESTED.test]") stands for the variant.
func (r *replayer) script(acts *actions.Plan, test bool) error {
	r.workPkg = map[string]string{}
	var links []*actions.Action
	for _, a := range acts.Actions {
		if a.Link {
			links = append(links, a)
		}
	}
	if len(links) == 0 {
		return fmt.Errorf("no link step: no main package or test")
	}
	for _, l := range links {
		cfg := map[string]string{}
		main := ""
		for _, c := range l.Cmds {
			if c.Kind == actions.Write && strings.HasSuffix(c.File, "/importcfg.link") {
				for _, line := range strings.Split(c.Content, "\n") {
					if pf, ok := strings.CutPrefix(line, "packagefile "); ok {
						ip, file, _ := strings.Cut(pf, "=")
						if m := workRE.FindString(file); m != "" {
							cfg[ip] = m
							if m == l.Work {
								main = ip
							}
						}
					}
				}
			}
		}
		for ip, w := range cfg {
			// the variant of ip built for this test, or for this program's profile (go list's
			// "PATH [MAIN]", when several programs have profiles)
			key := ip
			if v := ip + " [" + main + "]"; r.byPath[v] != nil {
				key = v
			}
			if old, ok := r.workPkg[w]; ok && old != key {
				return fmt.Errorf("%s builds both %s and %s", w, old, key)
			}
			r.workPkg[w] = key
		}
	}
	// profile-guided optimisation: cmd/go preprocesses the profile in an action of its own,
	// which every compile it gives -pgoprofile reads
	for _, a := range acts.Actions {
		if c := a.Tool("preprofile"); c != nil && !a.Link {
			pk, err := r.profilePackage(flagValue(c.Args, "-i"))
			if err != nil {
				return fmt.Errorf("go build -n:%d: %w", c.Line, err)
			}
			r.workPkg[a.Work] = pk.ImportPath
		}
	}
	for _, a := range acts.Actions {
		if a.Link {
			continue
		}
		if a.Tool("preprofile") != nil {
			if err := r.addPackage(r.profile(a)); err != nil {
				return err
			}
			continue
		}
		ip, ok := r.workPkg[a.Work]
		if !ok {
			return fmt.Errorf("line %d: %s is not linked: no package of a link's importcfg is built in it", a.Cmds[0].Line, a.Work)
		}
		p := r.byPath[ip]
		if p == nil {
			return fmt.Errorf("it builds %s, which go list did not report", ip)
		}
		pk, err := r.pkg(a, p)
		if err != nil {
			return fmt.Errorf("package %s: %w", ip, err)
		}
		if err := r.addPackage(pk, nil); err != nil {
			return err
		}
	}
	for _, l := range links {
		st, bin, run, err := r.link(l, test)
		if err != nil {
			return fmt.Errorf("link of %s: %w", r.workPkg[l.Work], err)
		}
		main := r.workPkg[l.Work]
		if !test {
			r.plan.Links = append(r.plan.Links, &Link{ImportPath: main, Binary: bin, Step: *st})
			continue
		}
		tested := strings.TrimSuffix(main, ".test")
		p := r.byPath[tested]
		if p == nil || run == nil {
			return fmt.Errorf("test binary %s: no run of it, or no package %s", bin, tested)
		}
		dir, err := underRoot(r.in.ModRoot, p.Dir)
		if err != nil {
			return err
		}
		r.plan.Tests = append(r.plan.Tests, &Test{ImportPath: tested, Dir: dir, Binary: bin, Link: *st, Run: *run})
	}
	return nil
}

// addPackage adds pk to the plan; a package built by both scripts must be built the same way.
func (r *replayer) addPackage(pk *Package, err error) error {
	if err != nil {
		return fmt.Errorf("package %s: %w", pk.ImportPath, err)
	}
	ip := pk.ImportPath
	if old, ok := r.pkgs[ip]; ok && (old.Script != pk.Script || !slices.Equal(old.Deps, pk.Deps)) {
		return fmt.Errorf("package %s is built differently for the build and for its tests:\n%s\nand\n%s", ip, old.Script, pk.Script)
	}
	r.pkgs[ip] = pk
	return nil
}

// flagValue is the word after flag in args ("" if none).
func flagValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// profilePackage is the derivation of a PGO profile, a file of the main module, without its
// script: its key, "pgo [FILE]" (FILE relative to the module root, a name no import path can
// have), stands where an import path would; its only source is the file.
func (r *replayer) profilePackage(file string) (*Package, error) {
	if file == "" || !filepath.IsAbs(file) {
		return nil, fmt.Errorf("internal error: a PGO profile without an absolute path (%q)", file)
	}
	rel, err := underRoot(r.in.ModRoot, file)
	if err != nil {
		return nil, fmt.Errorf("the PGO profile %s (-pgo) is outside the main module %s: dgd builds from src only, so put the profile in it", file, r.in.ModRoot)
	}
	return &Package{ImportPath: "pgo [" + rel + "]", Source: Source{Kind: "main", Dir: path.Dir(rel), Files: []string{path.Base(rel)}}}, nil
}

// profile is the derivation of the preprocessed PGO profile (go >= 1.23's preprofile action):
// $out/pgo.preprofile.
func (r *replayer) profile(a *actions.Action) (*Package, error) {
	c := a.Tool("preprofile")
	file := flagValue(c.Args, "-i")
	pk, err := r.profilePackage(file)
	if err != nil {
		return &Package{ImportPath: file}, err
	}
	s := r.newStep(a.Work, filepath.Dir(file))
	s.line("mkdir -p \"$w\"")
	cur := ""
	for _, c := range a.Cmds {
		if err := s.cd(c, &cur); err != nil {
			return pk, fmt.Errorf("go build -n:%d: %w", c.Line, err)
		}
		if c.Kind != actions.Mkdir && (c.Kind != actions.Tool || c.Tool != "preprofile") {
			return pk, fmt.Errorf("go build -n:%d: unexpected %s command in the profile's action", c.Line, c.Kind)
		}
		if err := s.cmd(c, nil, ""); err != nil {
			return pk, fmt.Errorf("go build -n:%d: %w", c.Line, err)
		}
	}
	s.line("mkdir -p \"$out\" \"$link\"")
	s.line("cp", quote("@@w@@/"+path.Base(flagValue(c.Args, "-o"))), "\"$out/\"")
	s.finish(&pk.Step)
	return pk, nil
}

// rawProfile is the derivation of a PGO profile that the compiles read as it is (go 1.22,
// which has no preprofile action): $out/FILE's base name; it returns its key.
func (r *replayer) rawProfile(file string) (string, error) {
	pk, err := r.profilePackage(file)
	if err != nil {
		return "", err
	}
	s := r.newStep("$WORK/none", filepath.Dir(file))
	s.line("mkdir -p \"$out\" \"$link\"")
	s.line("cp", quote("@@src@@/"+filepath.Base(file)), "\"$out/\"")
	s.finish(&pk.Step)
	return pk.ImportPath, r.addPackage(pk, nil)
}

type replayer struct {
	in      Input
	plan    *Plan
	workPkg map[string]string // of the script being replayed: $WORK/bNNN -> import path
	byPath  map[string]*adapter.Package
	pkgs    map[string]*Package
}

// step is the state of writing one script.
type step struct {
	r      *replayer
	own    string          // $WORK/bNNN of the action
	ownAlt map[string]bool // for the link: $WORK/b001/... paths that are its own
	srcDir string          // the package's directory, replaced by @@src@@ ("" for none)
	deps   map[string]bool
	b      strings.Builder
	st     Step
}

func (r *replayer) newStep(own, srcDir string) *step {
	return &step{r: r, own: own, srcDir: srcDir, deps: map[string]bool{}}
}

// path rewrites the machine's paths in s into placeholders.
func (s *step) path(x string) (string, error) {
	var err error
	x = workRE.ReplaceAllStringFunc(x, func(w string) string {
		if w == s.own {
			return "@@w@@"
		}
		ip, ok := s.r.workPkg[w]
		if !ok {
			err = fmt.Errorf("refers to %s, which builds no linked package", w)
			return w
		}
		s.deps[ip] = true
		return "@@dep:" + ip + "@@"
	})
	if err != nil {
		return "", err
	}
	if s.srcDir != "" {
		x = replaceDir(x, s.srcDir, "@@src@@")
	}
	x = replaceDir(x, s.r.in.GOROOT, "@@goroot@@")
	for _, bad := range []string{s.r.in.ModRoot, s.r.in.GOMODCACHE, s.r.in.GoPkg, "$WORK"} {
		if bad != "" && strings.Contains(x, bad) {
			return "", fmt.Errorf("internal error: %q keeps a path of the planning machine (%s)", x, bad)
		}
	}
	return x, nil
}

// replaceDir replaces dir where it stands as a whole path element prefix.
func replaceDir(s, dir, with string) string {
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

// quote quotes s for the shell; the runtime placeholders @@w@@, @@c@@ and @@out@@ become
// "$w", "$c" and "$out".
func quote(s string) string {
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

func (s *step) line(words ...string) {
	for i, w := range words {
		if i > 0 {
			s.b.WriteByte(' ')
		}
		s.b.WriteString(w)
	}
	s.b.WriteByte('\n')
}

// cmdWords rewrites and quotes a command's environment and arguments.
func (s *step) cmdWords(c actions.Cmd, args []string) ([]string, error) {
	var ws []string
	for _, e := range c.Env {
		k, v, _ := strings.Cut(e, "=")
		v, err := s.path(v)
		if err != nil {
			return nil, err
		}
		ws = append(ws, k+"="+quote(v))
	}
	for _, a := range args {
		a, err := s.path(a)
		if err != nil {
			return nil, err
		}
		ws = append(ws, quote(a))
	}
	return ws, nil
}

// cd writes the cd of a command that runs a program: into the action's directory, the
// package's sources, or GOROOT; any other directory of the planning machine (the command gets
// absolute paths there) becomes the build's own temporary directory.
func (s *step) cd(c actions.Cmd, cur *string) error {
	if c.Dir == *cur || c.Kind == actions.Mkdir || c.Kind == actions.Write || c.Kind == actions.Remove {
		return nil
	}
	*cur = c.Dir
	switch d := c.Dir; {
	case d == s.own || strings.HasPrefix(d, s.own+"/"):
		s.line("cd", quote("@@w@@"+d[len(s.own):]))
	case s.srcDir != "" && (d == s.srcDir || strings.HasPrefix(d, s.srcDir+"/")):
		s.line("cd", quote("@@src@@"+d[len(s.srcDir):]))
	case d == s.r.in.GOROOT || strings.HasPrefix(d, s.r.in.GOROOT+"/"):
		s.line("cd", quote("@@goroot@@"+d[len(s.r.in.GOROOT):]))
	default:
		s.line("cd", `"$TMPDIR"`)
	}
	return nil
}

func importPathHash(ip string) string {
	h := sha256.Sum256([]byte("dgd buildid " + ip))
	return base64.RawURLEncoding.EncodeToString(h[:15])
}

func (r *replayer) pkg(a *actions.Action, p *adapter.Package) (*Package, error) {
	pk := &Package{ImportPath: p.ImportPath, Standard: p.Standard}
	srcDir, trimTo := "", "/_/GOROOT"
	testMain, isTestMain := r.in.TestMains[p.ImportPath]
	switch {
	case isTestMain:
		pk.Source = Source{Kind: "testmain"}
	case p.Goroot:
		pk.Source = Source{Kind: "goroot"}
	case p.Module != nil && p.Module.Main:
		// the main module, or one of a workspace's modules (all under ModRoot)
		rel, err := underRoot(r.in.ModRoot, p.Dir)
		if err != nil {
			return nil, err
		}
		inMod, err := filepath.Rel(p.Module.Dir, p.Dir)
		if err != nil {
			return nil, err
		}
		pk.Source = Source{Kind: "main", Dir: rel, Files: p.SourceFiles()}
		srcDir = p.Dir
		trimTo = path.Join("/_", p.Module.Path, filepath.ToSlash(inMod))
	case p.Module != nil && p.Module.Dir == "" && strings.HasPrefix(p.Dir, filepath.Join(r.in.ModRoot, "vendor")+string(filepath.Separator)):
		// a package of the main module's vendor/ directory: part of src, like the main module's
		rel, err := underRoot(r.in.ModRoot, p.Dir)
		if err != nil {
			return nil, err
		}
		pk.Source = Source{Kind: "main", Dir: rel, Files: p.SourceFiles()}
		srcDir = p.Dir
		trimTo = path.Join("/_", rel) // cmd/go maps the vendor directory to /_/vendor
	case p.Module != nil && p.Module.Dir != "":
		mv := p.Module.Path + "@" + p.Module.Version
		modRel, err := filepath.Rel(r.in.GOMODCACHE, p.Module.Dir)
		if err != nil || strings.HasPrefix(modRel, "..") {
			return nil, fmt.Errorf("module %s is in %s, outside GOMODCACHE %s (replace directives to local directories are not supported yet)", mv, p.Module.Dir, r.in.GOMODCACHE)
		}
		r.plan.Modules[mv] = filepath.ToSlash(modRel)
		rel, _ := filepath.Rel(p.Module.Dir, p.Dir)
		pk.Source = Source{Kind: "module", Module: mv, Dir: filepath.ToSlash(rel)}
		srcDir = p.Dir
		trimTo = path.Join("/_", mv, filepath.ToSlash(rel))
	default:
		return nil, fmt.Errorf("in %s, which is neither GOROOT, the main module, its vendor directory nor GOMODCACHE (GOPATH mode is not supported)", p.Dir)
	}
	s := r.newStep(a.Work, srcDir)
	s.line("mkdir -p \"$w\"")
	if isTestMain {
		s.line("printf", "%s", quote(testMain), ">", quote("@@w@@/_testmain.go"))
	}
	cur := ""
	pc, hasPC := r.in.PkgConfig[p.ImportPath]
	for _, c := range a.Cmds {
		if err := s.cd(c, &cur); err != nil {
			return nil, fmt.Errorf("go build -n:%d: %w", c.Line, err)
		}
		if hasPC {
			if err := insertPkgConfig(&c, a.Work, pc); err != nil {
				return nil, fmt.Errorf("go build -n:%d: pkg-config: %w", c.Line, err)
			}
		}
		if err := s.cmd(c, p, trimTo); err != nil {
			return nil, fmt.Errorf("go build -n:%d: %w", c.Line, err)
		}
	}
	s.line("mkdir -p \"$out\" \"$link\"")
	s.line("cp \"$w/_pkg_.a\" \"$out/\"")
	s.line("cp \"$w/_link_.a\" \"$link/_pkg_.a\"")
	s.finish(&pk.Step)
	return pk, nil
}

// underRoot is dir relative to root, which must hold it.
func underRoot(root, dir string) (string, error) {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("directory %s is outside the source tree %s", dir, root)
	}
	return filepath.ToSlash(rel), nil
}

func (s *step) finish(st *Step) {
	st.Script = s.b.String()
	st.Deps = []string{}
	for d := range s.deps {
		st.Deps = append(st.Deps, d)
	}
	sort.Strings(st.Deps)
	st.CC = st.CC || s.st.CC
	st.Tools = st.Tools || s.st.Tools
}

func (s *step) cmd(c actions.Cmd, p *adapter.Package, trimTo string) error {
	switch c.Kind {
	case actions.Mkdir:
		d, err := s.path(c.Args[0])
		if err != nil {
			return err
		}
		s.line("mkdir", "-p", quote(d))
	case actions.Write:
		f, err := s.path(c.File)
		if err != nil {
			return err
		}
		body, err := s.path(c.Content)
		if err != nil {
			return err
		}
		s.line("printf", "%s", quote(body), ">", quote(f))
	case actions.Copy:
		ws, err := s.cmdWords(c, c.Args)
		if err != nil {
			return err
		}
		s.line(append([]string{"cp"}, ws...)...)
	case actions.Tool:
		args := slices.Clone(c.Args)
		if args[0] == "go" { // go tool pack|buildid: the tools derivation has them
			args = append([]string{"@@gotool@@/" + c.Tool}, args[3:]...)
			s.st.Tools = true
		}
		pkgFile, linkFile := s.own+"/_pkg_.a", s.own+"/_link_.a"
		switch c.Tool {
		case "compile":
			for i := range args {
				if strings.HasPrefix(args[i], "-c=") {
					args[i] = "-c=@@c@@"
				}
				if f, ok := strings.CutPrefix(args[i], "-pgoprofile="); ok && !strings.HasPrefix(f, "$WORK/") {
					key, err := s.r.rawProfile(f)
					if err != nil {
						return err
					}
					s.deps[key] = true
					args[i] = "-pgoprofile=@@dep:" + key + "@@/" + filepath.Base(f)
				}
				if args[i] == "-buildid" && i+1 < len(args) {
					h := importPathHash(p.ImportPath)
					args[i+1] = h + "/" + h
				}
			}
			// export data in _pkg_.a (what importers read), the code in _link_.a (what the
			// linker reads): a body edit that keeps the export data rebuilds no importer
			if o := slices.Index(args, "-o"); o >= 0 && o+1 < len(args) && args[o+1] == pkgFile {
				args = slices.Insert(args, o+2, "-linkobj", linkFile)
			}
		case "pack":
			// assembly and C objects belong with the code (buildid -w stays on _pkg_.a: the
			// link object has no build ID to rewrite)
			for i := range args {
				if args[i] == pkgFile {
					args[i] = linkFile
				}
			}
		}
		ws, err := s.cmdWords(c, args)
		if err != nil {
			return err
		}
		s.line(ws...)
	case actions.CC:
		s.st.CC = true
		if s.r.in.CC == nil {
			return fmt.Errorf("internal error: the script runs the C compiler but no C compiler was probed")
		}
		src := "@@src@@"
		if p.Goroot {
			src = "@@goroot@@"
		}
		args, err := cgo.Restore(c.Args, s.r.in.CC, cgo.Dirs{Work: "@@w@@", Source: src, TrimTo: trimTo, Seed: importPathHash(p.ImportPath + " " + c.Args[len(c.Args)-1])})
		if err != nil {
			return err
		}
		ws, err := s.cmdWords(actions.Cmd{Env: c.Env}, args)
		if err != nil {
			return err
		}
		if c.LinkTest {
			ws = append(ws, "||", "true")
		}
		s.line(ws...)
	default:
		return fmt.Errorf("unexpected %s command in a package's action", c.Kind)
	}
	return nil
}

// link writes the link of a main package (Binary: the name go gives it) or of a test binary;
// for a test, run is the step that runs it.
func (r *replayer) link(a *actions.Action, test bool) (st *Step, bin string, run *Step, err error) {
	s := r.newStep(a.Work, "")
	s.line("mkdir -p \"$w\"")
	// The link shares $WORK/bNNN with the main package: only exe/, importcfg.link and a test
	// binary are its own.
	main := r.workPkg[a.Work]
	delete(r.workPkg, a.Work)
	defer func() { r.workPkg[a.Work] = main }()
	// a test binary is linked into $WORK/bNNN/NAME.test, NAME as go test names it (the
	// last element of the import path without a /vN major version suffix)
	testBin := ""
	if test {
		if testBin = linkOutput(a); testBin == "" || !strings.HasSuffix(testBin, ".test") {
			return nil, "", nil, fmt.Errorf("the test link has no -o NAME.test (got %q)", testBin)
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
	s.own = "$WORK/none"
	s.deps[main] = true
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
			if !test || run != nil {
				return nil, "", nil, fmt.Errorf("go test -n:%d: an unexpected run of a test binary", c.Line)
			}
			if run, err = r.testRun(c, strings.TrimSuffix(main, ".test")); err != nil {
				return nil, "", nil, fmt.Errorf("go test -n:%d: %w", c.Line, err)
			}
			continue
		}
		if err := s.cd(c, &cur); err != nil {
			return nil, "", nil, fmt.Errorf("go build -n:%d: %w", c.Line, err)
		}
		switch {
		case c.Kind == actions.Move:
			bin = path.Base(c.Args[1])
			from, err := s.path(c.Args[0])
			if err != nil {
				return nil, "", nil, err
			}
			s.line("mkdir -p \"$out/bin\"")
			s.line("mv", quote(from), quote("@@out@@/bin/"+bin))
		case c.Kind == actions.Tool && c.Tool == "buildid":
			// cmd/go rewrites the ID it computed where the linker wrote it; the link's last
			// -buildid= (from -ldflags) is empty, so there is none and cmd/go changes nothing.
			// The buildid tool would instead fail on a binary without an ID: leave it out.
			if linkBuildID != "" {
				return nil, "", nil, fmt.Errorf("go build -n:%d: the link keeps a build ID (%s): dgd needs -ldflags=-buildid=", c.Line, linkBuildID)
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
					s.st.CC = true
				}
			}
			ws, err := s.cmdWords(c, args)
			if err != nil {
				return nil, "", nil, fmt.Errorf("go build -n:%d: %w", c.Line, err)
			}
			s.line(ws...)
		default:
			if err := s.cmd(c, r.byPath[main], ""); err != nil {
				return nil, "", nil, fmt.Errorf("go build -n:%d: %w", c.Line, err)
			}
		}
	}
	if test {
		// go test runs the binary where it links it; dgd keeps it
		bin = testBin
		s.line("mkdir -p \"$out/bin\"")
		s.line("mv", quote("@@w@@/"+bin), quote("@@out@@/bin/"+bin))
	}
	if bin == "" {
		return nil, "", nil, fmt.Errorf("no `mv` of the linked binary: cannot tell its name")
	}
	st = &Step{}
	s.finish(st)
	// the linker reads the packages' code: their link outputs
	st.Script = strings.ReplaceAll(st.Script, "@@dep:", "@@link:")
	return st, bin, run, nil
}

// linkOutput is the base name of the file the link step's linker writes (its -o), "" if none.
func linkOutput(a *actions.Action) string {
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
func (r *replayer) testRun(c actions.Cmd, tested string) (*Step, error) {
	name := path.Base(c.Args[0])
	s := r.newStep("$WORK/none", "")
	var args []string
	for _, a := range c.Args[1:] {
		if strings.HasPrefix(a, "-test.testlogfile=") {
			continue // go test's own record of what the test read, for its cache
		}
		a, err := s.path(a)
		if err != nil {
			return nil, err
		}
		args = append(args, quote(a))
	}
	if len(s.deps) > 0 {
		return nil, fmt.Errorf("the test's flags name a build directory: %s", strings.Join(c.Args, " "))
	}
	s.line(`export HOME="$TMPDIR/home"`)
	s.line(`mkdir -p "$HOME" "$TMPDIR/src"`)
	s.line(`cp -R @@tree@@/. "$TMPDIR/src/"`)
	s.line(`chmod -R u+w "$TMPDIR/src"`)
	s.line(`cd "$TMPDIR/src/"@@dir@@`)
	s.line(append([]string{"if", quote("@@test@@/bin/" + name)}, append(args, `>"$TMPDIR/log"`, "2>&1;", "then", "v=ok;", "else", "v=FAIL;", "fi")...)...)
	s.line(`mkdir -p "$out"`)
	s.line(`cp "$TMPDIR/log" "$out/log"`)
	s.line(`cat "$TMPDIR/log"`)
	s.line(`printf '%s\t%s\n' "$v" ` + quote(tested))
	s.line(`[ "$v" = ok ]`)
	st := &Step{}
	s.finish(st)
	return st, nil
}
