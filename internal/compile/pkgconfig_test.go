package compile

import (
	"testing"

	"github.com/dgd-build/dgd/internal/actions"
	"github.com/dgd-build/dgd/internal/cgo"
	"github.com/google/go-cmp/cmp"
)

// TestInsertPkgConfig puts pkg-config's answers into the commands of a cgo package as
// go build -n prints them (go1.26: -ldflags=; go1.22: CGO_LDFLAGS).
func TestInsertPkgConfig(t *testing.T) {
	pc := cgo.PkgConfig{CFlags: []string{"-I/lib/include"}, Libs: []string{"-L/lib/lib", "-lgreet"}}
	const w = "$WORK/b001"
	for _, tc := range []struct {
		name     string
		in, want actions.Cmd
	}{
		{"cgo tool",
			actions.Cmd{Kind: actions.Tool, Tool: "cgo", Env: []string{"TERM=dumb", "CGO_LDFLAGS="}, Args: []string{"cgo", "-objdir", w + "/", "-importpath", "x", `-ldflags="-O2" "-g"`, "--", "-I", w + "/", "-O2", "-g", "/m/main.go"}},
			actions.Cmd{Kind: actions.Tool, Tool: "cgo", Env: []string{"TERM=dumb", "CGO_LDFLAGS="}, Args: []string{"cgo", "-objdir", w + "/", "-importpath", "x", `-ldflags="-O2" "-g" "-L/lib/lib" "-lgreet"`, "--", "-I/lib/include", "-I", w + "/", "-O2", "-g", "/m/main.go"}}},
		{"cgo tool, go1.22",
			actions.Cmd{Kind: actions.Tool, Tool: "cgo", Env: []string{"TERM=dumb", `CGO_LDFLAGS="-O2" "-g"`}, Args: []string{"cgo", "-objdir", w + "/", "-importpath", "x", "--", "-I", w + "/", "-O2", "-g", "/m/main.go"}},
			actions.Cmd{Kind: actions.Tool, Tool: "cgo", Env: []string{"TERM=dumb", `CGO_LDFLAGS="-O2" "-g" "-L/lib/lib" "-lgreet"`}, Args: []string{"cgo", "-objdir", w + "/", "-importpath", "x", "--", "-I/lib/include", "-I", w + "/", "-O2", "-g", "/m/main.go"}}},
		{"compile in the work directory",
			actions.Cmd{Kind: actions.CC, Dir: w, Args: []string{"gcc", "-I", "/m", "-fPIC", "-I", "./", "-O2", "-g", "-o", "./_x001.o", "-c", "_cgo_export.c"}},
			actions.Cmd{Kind: actions.CC, Dir: w, Args: []string{"gcc", "-I", "/m", "-fPIC", "-I/lib/include", "-I", "./", "-O2", "-g", "-o", "./_x001.o", "-c", "_cgo_export.c"}}},
		{"compile in the package",
			actions.Cmd{Kind: actions.CC, Dir: "/m", Args: []string{"gcc", "-I", "/m", "-I", w + "/", "-O2", "-o", w + "/_x003.o", "-c", "hello.c"}},
			actions.Cmd{Kind: actions.CC, Dir: "/m", Args: []string{"gcc", "-I", "/m", "-I/lib/include", "-I", w + "/", "-O2", "-o", w + "/_x003.o", "-c", "hello.c"}}},
		{"link of _cgo_.o",
			actions.Cmd{Kind: actions.CC, Dir: w, Args: []string{"gcc", "-o", w + "/_cgo_.o", w + "/_cgo_main.o", "-O2", "-g"}},
			actions.Cmd{Kind: actions.CC, Dir: w, Args: []string{"gcc", "-o", w + "/_cgo_.o", w + "/_cgo_main.o", "-O2", "-g", "-L/lib/lib", "-lgreet"}}},
	} {
		c := tc.in
		if err := insertPkgConfig(&c, w, pc); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, c); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
