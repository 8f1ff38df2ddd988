package cgo

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRestore(t *testing.T) {
	gcc12 := func(f string) bool { return f != "-fno-caret-diagnostics" && f != "-Qunused-arguments" }
	none := func(string) bool { return false }
	d := Dirs{Work: "W", Source: "S", TrimTo: "/_/example.com/m", Seed: "R"}
	compile := []string{"gcc", "-I", ".", "-fPIC", "-m64", "-pthread", "-fmessage-length=0", "-I", "W/", "-O2", "-g", "-o", "W/_x001.o", "-c", "x.c"}
	link := []string{"gcc", "-I", ".", "-fPIC", "-m64", "-pthread", "-fmessage-length=0", "-o", "W/_cgo_.o", "W/_x001.o", "-O2", "-g"}
	for _, tc := range []struct {
		name string
		args []string
		has  Supports
		want []string
	}{
		{"compile, gcc 12", compile, gcc12, []string{"gcc", "-I", ".", "-fPIC", "-m64", "-pthread", "-Wl,--no-gc-sections", "-fmessage-length=0",
			"-ffile-prefix-map=W=/tmp/go-build", "-gno-record-gcc-switches", "-I", "W/", "-O2", "-g",
			"-ffile-prefix-map=S=/_/example.com/m", "-frandom-seed=R", "-o", "W/_x001.o", "-c", "x.c"}},
		{"ld, gcc 12", link, gcc12, []string{"gcc", "-I", ".", "-fPIC", "-m64", "-pthread", "-Wl,--no-gc-sections", "-fmessage-length=0",
			"-ffile-prefix-map=W=/tmp/go-build", "-gno-record-gcc-switches", "-o", "W/_cgo_.o", "W/_x001.o", "-O2", "-g"}},
		{"compile, nothing supported", compile, none, compile},
	} {
		got, err := Restore(tc.args, tc.has, d)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
	if _, err := Restore([]string{"gcc", "-c", "x.c"}, gcc12, d); err == nil {
		t.Error("a C compiler line without -fmessage-length=0 was accepted")
	}
}
