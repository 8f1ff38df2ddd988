// Package compile replays the action of one package of go build -n (its compile, assembly,
// cgo and C compiles, pack) and the preprocessing of a PGO profile as the script of one
// derivation, through package replay.
package compile

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/adapter"
	"github.com/dgd-build/dgd/internal/cgo"
	"github.com/dgd-build/dgd/internal/replay"
)

// Env is what a package's replay needs besides its action and package.
type Env struct {
	*replay.Context
	// TestMains maps a test main's import path ("PATH.test") to the source go generated for it.
	TestMains map[string]string
	// PkgConfig are pkg-config's answers for the packages with `#cgo pkg-config:` lines.
	PkgConfig map[string]cgo.PkgConfig
	// RawProfile gives the key of the derivation of a PGO profile that the compiles read as it
	// is (go 1.22's -pgoprofile=FILE), making it where it does not exist yet.
	RawProfile func(file string) (string, error)
}

// Package is one package's replay: its script, and where its files come from.
type Package struct {
	Source replay.Source
	// ModuleDir is, for a third-party package (Source.Kind "module"), its module's directory
	// relative to GOMODCACHE.
	ModuleDir string
	Step      replay.Step
}

// Compile replays the action a, which builds the package p.
func Compile(env *Env, a *actions.Action, p *adapter.Package) (*Package, error) {
	pk := &Package{}
	srcDir, trimTo := "", "/_/GOROOT"
	testMain, isTestMain := env.TestMains[p.ImportPath]
	switch {
	case isTestMain:
		pk.Source = replay.Source{Kind: "testmain"}
	case p.Goroot:
		pk.Source = replay.Source{Kind: "goroot"}
	case p.Module != nil && p.Module.Main:
		// the main module, or one of a workspace's modules (all under ModRoot)
		rel, err := replay.UnderRoot(env.ModRoot, p.Dir)
		if err != nil {
			return nil, err
		}
		inMod, err := filepath.Rel(p.Module.Dir, p.Dir)
		if err != nil {
			return nil, err
		}
		pk.Source = replay.Source{Kind: "main", Dir: rel, Files: p.SourceFiles()}
		srcDir = p.Dir
		trimTo = path.Join("/_", p.Module.Path, filepath.ToSlash(inMod))
	case p.Module != nil && p.Module.Dir == "" && strings.HasPrefix(p.Dir, filepath.Join(env.ModRoot, "vendor")+string(filepath.Separator)):
		// a package of the main module's vendor/ directory: part of src, like the main module's
		rel, err := replay.UnderRoot(env.ModRoot, p.Dir)
		if err != nil {
			return nil, err
		}
		pk.Source = replay.Source{Kind: "main", Dir: rel, Files: p.SourceFiles()}
		srcDir = p.Dir
		trimTo = path.Join("/_", rel) // cmd/go maps the vendor directory to /_/vendor
	case p.Module != nil && p.Module.Dir != "":
		mv := p.Module.Path + "@" + p.Module.Version
		modRel, err := filepath.Rel(env.GOMODCACHE, p.Module.Dir)
		if err != nil || strings.HasPrefix(modRel, "..") {
			return nil, fmt.Errorf("module %s is in %s, outside GOMODCACHE %s (replace directives to local directories are not supported yet)", mv, p.Module.Dir, env.GOMODCACHE)
		}
		pk.ModuleDir = filepath.ToSlash(modRel)
		rel, _ := filepath.Rel(p.Module.Dir, p.Dir)
		pk.Source = replay.Source{Kind: "module", Module: mv, Dir: filepath.ToSlash(rel)}
		srcDir = p.Dir
		trimTo = path.Join("/_", mv, filepath.ToSlash(rel))
	default:
		return nil, fmt.Errorf("in %s, which is neither GOROOT, the main module, its vendor directory nor GOMODCACHE (GOPATH mode is not supported)", p.Dir)
	}
	w := replay.New(env.Context, a.Work, srcDir)
	w.Line("mkdir -p \"$w\"")
	if isTestMain {
		w.Line("printf", "%s", replay.Quote(testMain), ">", replay.Quote("@@w@@/_testmain.go"))
	}
	cur := ""
	pc, hasPC := env.PkgConfig[p.ImportPath]
	for _, c := range a.Cmds {
		w.Cd(c, &cur)
		if hasPC {
			if err := insertPkgConfig(&c, a.Work, pc); err != nil {
				return nil, fmt.Errorf("%s: pkg-config: %w", c.Pos, err)
			}
		}
		if err := Cmd(env, w, c, p, trimTo); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Pos, err)
		}
	}
	w.Line("mkdir -p \"$out\" \"$link\"")
	w.Line("cp \"$w/_pkg_.a\" \"$out/\"")
	w.Line("cp \"$w/_link_.a\" \"$link/_pkg_.a\"")
	pk.Step = w.Finish()
	return pk, nil
}

// Cmd writes one command of package p's action: a Go tool (compile, asm, cgo, pack, ...), the
// C compiler, or a generic command. trimTo is where cmd/go maps the package's directory in
// the binary (-trimpath).
func Cmd(env *Env, w *replay.Writer, c actions.Cmd, p *adapter.Package, trimTo string) error {
	if ok, err := w.Generic(c); ok {
		return err
	}
	switch c.Kind {
	case actions.Tool:
		args := slices.Clone(c.Args)
		if args[0] == "go" { // go tool pack|buildid: the tools derivation has them
			args = append([]string{"@@gotool@@/" + c.Tool}, args[3:]...)
			w.Tools = true
		}
		pkgFile, linkFile := w.Own+"/_pkg_.a", w.Own+"/_link_.a"
		switch c.Tool {
		case "compile":
			for i := range args {
				if strings.HasPrefix(args[i], "-c=") {
					args[i] = "-c=@@c@@"
				}
				if f, ok := strings.CutPrefix(args[i], "-pgoprofile="); ok && !strings.HasPrefix(f, "$WORK/") {
					key, err := env.RawProfile(f)
					if err != nil {
						return err
					}
					w.Deps[key] = true
					args[i] = "-pgoprofile=@@dep:" + key + "@@/" + filepath.Base(f)
				}
				if args[i] == "-buildid" && i+1 < len(args) {
					h := replay.ImportPathHash(p.ImportPath)
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
		ws, err := w.CmdWords(c, args)
		if err != nil {
			return err
		}
		w.Line(ws...)
	case actions.CC:
		w.CC = true
		if env.CC == nil {
			return fmt.Errorf("internal error: the script runs the C compiler but no C compiler was probed")
		}
		src := "@@src@@"
		if p.Goroot {
			src = "@@goroot@@"
		}
		args, err := cgo.Restore(c.Args, env.CC, cgo.Dirs{Work: "@@w@@", Source: src, TrimTo: trimTo, Seed: replay.ImportPathHash(p.ImportPath + " " + c.Args[len(c.Args)-1])})
		if err != nil {
			return err
		}
		ws, err := w.CmdWords(actions.Cmd{Env: c.Env}, args)
		if err != nil {
			return err
		}
		if c.LinkTest {
			ws = append(ws, "||", "true")
		}
		w.Line(ws...)
	default:
		return fmt.Errorf("unexpected %s command in a package's action", c.Kind)
	}
	return nil
}

// ProfileSource is the key and the source of the derivation of a PGO profile, a file of the
// main module: "pgo [FILE]" (FILE relative to the module root, a name no import path can
// have), which stands where an import path would; its only source is the file.
func ProfileSource(modRoot, file string) (string, replay.Source, error) {
	if file == "" || !filepath.IsAbs(file) {
		return "", replay.Source{}, fmt.Errorf("internal error: a PGO profile without an absolute path (%q)", file)
	}
	rel, err := replay.UnderRoot(modRoot, file)
	if err != nil {
		return "", replay.Source{}, fmt.Errorf("the PGO profile %s (-pgo) is outside the main module %s: dgd builds from src only, so put the profile in it", file, modRoot)
	}
	return "pgo [" + rel + "]", replay.Source{Kind: "main", Dir: path.Dir(rel), Files: []string{path.Base(rel)}}, nil
}

// Profile replays the preprocessing of a PGO profile (go >= 1.23's preprofile action a):
// $out/pgo.preprofile.
func Profile(ctx *replay.Context, a *actions.Action) (replay.Step, error) {
	c := a.Tool("preprofile")
	w := replay.New(ctx, a.Work, filepath.Dir(replay.FlagValue(c.Args, "-i")))
	w.Line("mkdir -p \"$w\"")
	cur := ""
	for _, c := range a.Cmds {
		w.Cd(c, &cur)
		if c.Kind != actions.Mkdir && (c.Kind != actions.Tool || c.Tool != "preprofile") {
			return replay.Step{}, fmt.Errorf("%s: unexpected %s command in the profile's action", c.Pos, c.Kind)
		}
		if err := Cmd(&Env{Context: ctx}, w, c, nil, ""); err != nil {
			return replay.Step{}, fmt.Errorf("%s: %w", c.Pos, err)
		}
	}
	w.Line("mkdir -p \"$out\" \"$link\"")
	w.Line("cp", replay.Quote("@@w@@/"+path.Base(replay.FlagValue(c.Args, "-o"))), "\"$out/\"")
	return w.Finish(), nil
}

// RawProfile is the script of the derivation of a PGO profile that the compiles read as it is
// (go 1.22, which has no preprofile action): $out/FILE's base name.
func RawProfile(ctx *replay.Context, file string) replay.Step {
	w := replay.New(ctx, "$WORK/none", filepath.Dir(file))
	w.Line("mkdir -p \"$out\" \"$link\"")
	w.Line("cp", replay.Quote("@@src@@/"+filepath.Base(file)), "\"$out/\"")
	return w.Finish()
}
