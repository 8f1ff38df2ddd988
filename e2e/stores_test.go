package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBinaryCache: machine A (an empty store) builds a program and pushes every derivation it
// builds to a signed file:// binary cache (Nix's post-build-hook running nix copy, realisations
// of the content-addressed package derivations included); machine B (another empty store, the
// cache its only substituter, trusting only its key) builds the same program with nothing to
// build, then, after an edit of one package's body, builds only that package, the link and the
// result (and the plan) and substitutes the rest. Both builders; the binaries are go build's.
func TestBinaryCache(t *testing.T) {
	requireNix(t)
	nix, err := exec.LookPath("nix")
	if err != nil {
		t.Fatal(err)
	}
	sk, pk := signingKey(t)
	for _, tc := range []struct {
		builder string
		perEdit []string // what every edit builds: the planner's input (the skeleton), the main producer
	}{
		{"buildWithIFD", []string{"dep-skeleton"}},
		{"buildWithDynDrv", []string{"dep-skeleton", "dep.drv", "dep"}},
	} {
		t.Run(tc.builder, func(t *testing.T) {
			cache := filepath.Join(t.TempDir(), "cache")
			a := newStore(t)
			hook := filepath.Join(t.TempDir(), "push")
			if err := os.WriteFile(hook, []byte(fmt.Sprintf("#!/bin/sh\n# Nix runs this after each build, DRV_PATH in the environment\nexec %s copy --from %s --to 'file://%s?secret-key=%s&compression=zstd' \"$DRV_PATH^*\"\n",
				nix, a.root, cache, sk)), 0o755); err != nil {
				t.Fatal(err)
			}
			a.opts = []string{"--option", "post-build-hook", hook}
			dir := cacheModule(t)

			outA, logA, tookA := a.build(t, tc.builder, dir)
			checkBinary(t, filepath.Join(outA, "bin", "dep"), dir, "A")
			builtA := built(logA)

			b := newStore(t, "--option", "substituters", "file://"+cache, "--option", "trusted-public-keys", pk)
			outB, logB, tookB := b.build(t, tc.builder, dir)
			checkBinary(t, filepath.Join(outB, "bin", "dep"), dir, "B")
			if got := built(logB); len(got) != 0 {
				t.Errorf("B built %d derivations, want none (all in the cache): %v\nlog:\n%s", len(got), got, logB)
			}
			t.Logf("A, empty store: built %d derivations in %.1f s; B from the cache: built 0, substituted %d paths in %.1f s: %v",
				len(builtA), tookA.Seconds(), len(substituted(logB)), tookB.Seconds(), substituted(logB))

			// an edit never built anywhere: B, and C (another empty store with the same cache),
			// build that package, the link (the result with buildWithIFD; with dynamic
			// derivations the result is a second derivation named dep) and the skeleton (not the
			// plan: its input is the same), C substitutes the rest
			editGreet(t, dir)
			want := append([]string{"dep", "gopkg-example.com-dep-greet"}, tc.perEdit...)
			slices.Sort(want)
			c := newStore(t, b.opts...)
			for _, s := range []struct {
				name  string
				store *store
			}{{"B", b}, {"C (empty)", c}} {
				out, log, took := s.store.build(t, tc.builder, dir)
				checkBinary(t, filepath.Join(out, "bin", "dep"), dir, s.name+" after the edit")
				if got := built(log); strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("after the edit, %s built %v, want %v\nlog:\n%s", s.name, got, want, log)
				}
				subs := substituted(log)
				t.Logf("%s after editing greet: built %v, substituted %d paths in %.1f s", s.name, built(log), len(subs), took.Seconds())
				if s.store != c {
					continue
				}
				// every output B fetched for the first build, but the rebuilt derivations', the
				// .drv files and the main module's sources (C's producer writes its own)
				for _, p := range substituted(logB) {
					rebuilt := slices.Contains(want, strings.TrimSuffix(strings.TrimSuffix(p, "-link"), "-cache"))
					if !rebuilt && !strings.HasSuffix(p, ".drv") && !strings.HasPrefix(p, "gosrc-") && !slices.Contains(subs, p) {
						t.Errorf("after the edit, C did not substitute %s", p)
					}
				}
			}
		})
	}
}
