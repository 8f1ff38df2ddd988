package actions

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dgd-build/dgd/internal/goldens"
	"github.com/google/go-cmp/cmp"
)

func parseRecorded(t *testing.T, name string) *Plan {
	t.Helper()
	r, err := goldens.Load(recordedGo, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(name, r.Files[goldens.BuildN], Options{CC: "gcc", CXX: "g++"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Group(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// recordedGo is the Go version whose recordings these tests read.
const recordedGo = "go1.26.8"

// wantLinks are the programs each example links.
var wantLinks = map[string][]string{"asm": {"asm"}, "cgo": {"cgo"}, "dep": {"dep"}, "embed": {"embed"}, "hello": {"hello"},
	"majorv2": {"majorv2"}, "multi": {"one", "two", "gen"}, "packages": {"packages"}, "pgo": {"pgo"}, "stamped": {"stamped"}, "subpackage": {"hello"}, "tested": {"tested"},
	"vendored": {"vendored"}, "workspace": {"app"}}

func TestRecordedScripts(t *testing.T) {
	for _, name := range goldens.Examples {
		t.Run(name, func(t *testing.T) {
			p := parseRecorded(t, name)
			links := 0
			for _, a := range p.Actions {
				if a.Link {
					links++
					if a.Tool("link") == nil {
						t.Errorf("link action %s runs no link", a.Key())
					}
					continue
				}
				if a.Tool("compile") == nil && a.Tool("preprofile") == nil {
					t.Errorf("action %s compiles nothing and preprocesses no profile", a.Key())
				}
				for _, c := range a.Cmds {
					if c.Kind == Write && strings.Contains(c.Content, "\nEOF") {
						t.Errorf("%s: heredoc body keeps its terminator: %q", a.Key(), c.Content)
					}
				}
			}
			if want := len(wantLinks[name]); links != want {
				t.Errorf("got %d link actions, want %d", links, want)
			}
		})
	}
}

func find(p *Plan, pred func(a *Action, c Cmd) bool) (*Action, *Cmd) {
	for _, a := range p.Actions {
		for i, c := range a.Cmds {
			if pred(a, c) {
				return a, &a.Cmds[i]
			}
		}
	}
	return nil, nil
}

func TestEmbedcfgKeptByteForByte(t *testing.T) {
	p := parseRecorded(t, "embed")
	_, c := find(p, func(_ *Action, c Cmd) bool { return strings.HasSuffix(c.File, "/embedcfg") })
	if c == nil {
		t.Fatal("no embedcfg written")
	}
	want := "{\n\t\"Patterns\": {\n\t\t\"static/greeting.txt\": [\n\t\t\t\"static/greeting.txt\"\n\t\t]\n\t},\n\t\"Files\": {\n\t\t\"static/greeting.txt\": \"/modroot/embed/static/greeting.txt\"\n\t}\n}"
	if diff := cmp.Diff(want, c.Content); diff != "" {
		t.Errorf("embedcfg mismatch (-want +got):\n%s", diff)
	}
	// the command after the glued `}EOF` terminator is still parsed as a command
	a, _ := find(p, func(_ *Action, c Cmd) bool { return strings.HasSuffix(c.File, "/embedcfg") })
	if a.Tool("compile") == nil {
		t.Errorf("the compile after the embedcfg was swallowed by the heredoc")
	}
}

func TestCgoStepsBelongToTheirPackage(t *testing.T) {
	p := parseRecorded(t, "cgo")
	for _, a := range p.Actions {
		cc, cgo := 0, a.Tool("cgo") != nil
		for _, c := range a.Cmds {
			if c.Kind == CC {
				cc++
			}
		}
		if cc > 0 && !cgo {
			t.Errorf("%s runs the C compiler %d times but no cgo", a.Key(), cc)
		}
	}
	_, lt := find(p, func(_ *Action, c Cmd) bool { return c.LinkTest })
	if lt == nil {
		t.Errorf("no command marked as the internal linking test")
	}
	if len(p.Probes) == 0 {
		t.Errorf("no flag probes recorded")
	}
}

func TestDotExpandsToTheCdDirectory(t *testing.T) {
	p := parseRecorded(t, "packages")
	_, c := find(p, func(_ *Action, c Cmd) bool {
		return c.Tool == "compile" && c.Dir == "/modroot/packages" && strings.Contains(strings.Join(c.Args, " "), "-p main")
	})
	if c == nil {
		t.Fatal("no compile of the main package")
	}
	if got := c.Args[len(c.Args)-1]; got != "/modroot/packages/main.go" {
		t.Errorf("main.go argument = %q, want /modroot/packages/main.go", got)
	}
}

func TestGoQuotedWords(t *testing.T) {
	script := "mkdir -p $WORK/b001/\ncd /x\n/go/pkg/tool/linux_amd64/compile -o $WORK/b001/_pkg_.a -trimpath \"$WORK/b001=>\" \"-ldflags=\\\"-O2\\\"\" \"a\\tb\" \"\\xff\"\n"
	s, err := Parse("t", []byte(script), Options{CC: "gcc"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/go/pkg/tool/linux_amd64/compile", "-o", "$WORK/b001/_pkg_.a", "-trimpath", "$WORK/b001=>", `-ldflags="-O2"`, "a\tb", "\xff"}
	if diff := cmp.Diff(want, s.Cmds[1].Args); diff != "" {
		t.Errorf("args mismatch (-want +got):\n%s", diff)
	}
}

func TestUnrecognisedCommandIsAnError(t *testing.T) {
	for _, tc := range []struct{ script, want string }{
		{"mkdir -p $WORK/b001/\nfrobnicate $WORK/b001\n", `t:2:1: unrecognised command "frobnicate"`},
		{"mkdir -p $WORK/b001/\nls | wc\n", "t:2:1: unrecognised command: only"},
		{"echo $HOME > $WORK/b001/x\n", "t:1:6: unexpected variable expansion"},
		{"clang -c x.c || true\n", `t:1:1: unrecognised command "clang" before`},
		{"cat >$WORK/b001/importcfg << 'EOF'\nunterminated\n", "t:"},
	} {
		_, err := Parse("t", []byte(tc.script), Options{CC: "gcc"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %v, want it to contain %q", tc.script, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range goldens.Examples {
		r, err := goldens.Load(recordedGo, name)
		if err != nil {
			f.Fatal(err)
		}
		b := r.Files[goldens.BuildN]
		if len(b) > 4000 {
			b = b[:4000]
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse("fuzz", b, Options{CC: "gcc", CXX: "g++"})
		if err != nil {
			return
		}
		for _, c := range s.Cmds {
			if c.Kind == 0 {
				t.Fatalf("command without a kind at %s", c.Pos)
			}
		}
		_, _ = Group(s)
	})
}

func TestRecordedTestScript(t *testing.T) {
	r, err := goldens.Load(recordedGo, "tested")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("tested", r.Files[goldens.TestN], Options{CC: "gcc", CXX: "g++"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Group(s)
	if err != nil {
		t.Fatal(err)
	}
	var runs []string
	for _, a := range p.Actions {
		for _, c := range a.Cmds {
			if c.Kind == TestRun {
				if !a.Link {
					t.Errorf("the run of %s is not in a link action", c.Args[0])
				}
				runs = append(runs, c.Args[0])
			}
		}
	}
	if want := []string{"$WORK/b001/calc.test"}; !slices.Equal(runs, want) {
		t.Errorf("test runs %q, want %q", runs, want)
	}
}

// go test prints a test binary's run unquoted: a checkFlags regular expression with | (the
// idiom nixpkgs documents) or $ is one argument, not shell, and the run keeps its place and
// directory among the commands around it.
func TestTestRunLineIsNotShell(t *testing.T) {
	script := "mkdir -p $WORK/b001/\ncd /src/p\n" +
		"$WORK/b001/p.test -test.testlogfile=$WORK/b001/testlog.txt -test.paniconexit0 -test.timeout=10m0s -test.skip=^TestA$|^TestB$ -test.run=(x)&&y\n" +
		"rm -rf $WORK/b001/\n"
	s, err := Parse("t", []byte(script), Options{CC: "gcc"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range s.Cmds {
		got = append(got, fmt.Sprintf("%d %s %s %q", c.Pos.Line, c.Kind, c.Dir, c.Args))
	}
	want := []string{
		`1 mkdir  ["$WORK/b001/"]`,
		`3 test-run /src/p ["$WORK/b001/p.test" "-test.testlogfile=$WORK/b001/testlog.txt" "-test.paniconexit0" "-test.timeout=10m0s" "-test.skip=^TestA$|^TestB$" "-test.run=(x)&&y"]`,
		`4 rm /src/p ["$WORK/b001/"]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commands mismatch (-want +got):\n%s", diff)
	}
}
