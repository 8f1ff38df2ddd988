package goldencheck

import (
	"testing"

	"github.com/dgd-build/dgd/internal/goldens"
)

// TestGoldens checks that the current parser and planner turn every recorded `go list` and
// `go build -n` (every Go version, every example) into the recorded actions and plan. No go
// and no Nix are needed. After a deliberate change, re-record with dgd-golden.
func TestGoldens(t *testing.T) {
	versions, err := goldens.Versions()
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) == 0 {
		t.Fatal("no goldens recorded")
	}
	for _, v := range versions {
		for _, ex := range goldens.Examples {
			t.Run(v+"/"+ex, func(t *testing.T) {
				rec, err := goldens.Load(v, ex)
				if err != nil {
					t.Fatal(err)
				}
				want := &goldens.Recording{GoVersion: v, Example: ex, Files: map[string][]byte{}}
				for k, b := range rec.Files {
					want.Files[k] = b
				}
				if err := Derive(rec); err != nil {
					t.Fatal(err)
				}
				if d := Diff(want, rec); d != "" {
					t.Errorf("the planner's result differs from the recording (run dgd-golden to re-record, then review):\n%s", d)
				}
			})
		}
	}
}

func TestDiffLines(t *testing.T) {
	if d := diffLines("a\nb\nc\n", "a\nb\nc\n", 1); d != "" {
		t.Errorf("equal inputs: %q", d)
	}
	got := diffLines("a\nb\nc\nd\n", "a\nB\nc\nd\n", 1)
	want := "@@ line 1\n  a\n+ B\n- b\n  c\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// FuzzGoList: the planner, given any `go list -json -deps` output beside a recorded go build
// -n, either plans or returns an error; it never panics. Seeded with every example's
// recording of go1.26.8.
func FuzzGoList(f *testing.F) {
	seeds := map[string]*goldens.Recording{}
	for _, ex := range goldens.Examples {
		r, err := goldens.Load("go1.26.8", ex)
		if err != nil {
			f.Fatal(err)
		}
		seeds[ex] = r
		f.Add(ex, r.Files[goldens.GoList])
	}
	f.Fuzz(func(t *testing.T, ex string, list []byte) {
		seed, ok := seeds[ex]
		if !ok {
			return
		}
		r := &goldens.Recording{GoVersion: seed.GoVersion, Example: ex, Files: map[string][]byte{}}
		for k, b := range seed.Files {
			r.Files[k] = b
		}
		r.Files[goldens.GoList] = list
		_ = Derive(r)
	})
}
