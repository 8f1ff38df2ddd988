package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// A store is an empty Nix store of its own, standing for another machine: a chroot store (its
// /nix/store paths live under root), built with the host's nix and settings plus opts.
type store struct {
	root string
	opts []string // more nix-build arguments: --option substituters ..., --option post-build-hook ...
}

func newStore(t *testing.T, opts ...string) *store {
	t.Helper()
	return &store{root: filepath.Join(storeTempDir(t), "store"), opts: opts}
}

// storeTempDir is a new directory for chroot stores, removed after the test. Not under /tmp:
// with build users, Nix refuses a store under a world-writable directory.
func storeTempDir(t *testing.T) string {
	t.Helper()
	base := filepath.Join(os.Getenv("HOME"), ".cache", "dgd", "e2e-stores")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(base, strings.ReplaceAll(t.Name(), "/", "-")+"-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// a store's directories are read-only
		exec.Command("chmod", "-R", "u+w", dir).Run()
		os.RemoveAll(dir)
	})
	return dir
}

// build builds the module in dir with builder into s, as buildDir does in the host's store;
// it returns the result's path on the host, Nix's output and how long it took.
func (s *store) build(t *testing.T, builder, dir string) (string, string, time.Duration) {
	t.Helper()
	start := time.Now()
	outs, log, err := buildDir(t, builder, dir, "", append([]string{"--store", s.root}, s.opts...)...)
	if err != nil {
		t.Fatalf("nix-build in the store %s: %v\n%s", s.root, err, log)
	}
	return filepath.Join(s.root, outs[0]), log, time.Since(start)
}

// nix runs a nix command (nix-build, nix-store, ...) on store s and returns its stdout and
// stderr.
func (s *store) nix(t *testing.T, name string, args ...string) (string, string) {
	t.Helper()
	return commandOutput(t, repo, name, append([]string{"--store", s.root}, args...)...)
}

var substitutedRE = regexp.MustCompile(`copying path '/nix/store/[a-z0-9]{32}-([^']+)' from '[a-z]+://`)

// substituted lists the names of the store paths Nix reports fetching from a substituter.
func substituted(log string) []string {
	var names []string
	for _, m := range substitutedRE.FindAllStringSubmatch(log, -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return names
}

// signingKey makes a binary cache signing key pair with nix key: the secret key's file and
// the public key.
func signingKey(t *testing.T) (string, string) {
	t.Helper()
	sk := filepath.Join(t.TempDir(), "secret-key")
	out, err := exec.Command("nix", "key", "generate-secret", "--key-name", "dgd-test-cache-1").Output()
	if err != nil {
		t.Fatalf("nix key generate-secret: %v", err)
	}
	if err := os.WriteFile(sk, out, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("nix", "key", "convert-secret-to-public")
	cmd.Stdin = strings.NewReader(string(out))
	pk, err := cmd.Output()
	if err != nil {
		t.Fatalf("nix key convert-secret-to-public: %v", err)
	}
	return sk, strings.TrimSpace(string(pk))
}

// cacheModule is a program with third-party modules (from its dgd.lock) and a package of
// its own, greet, whose body the tests edit.
func cacheModule(t *testing.T) string {
	t.Helper()
	files := map[string]string{
		"greet/greet.go": "package greet\n\n//go:noinline\nfunc Greeting() string { return \"Hello, DGD!\" }\n",
		"main.go": `package main

import (
	"fmt"
	"strings"

	"example.com/dep/greet"
	"github.com/google/uuid"
	"github.com/mattn/go-runewidth"
)

func main() {
	msg := greet.Greeting()
	if uuid.NewSHA1(uuid.NameSpaceURL, []byte(msg)).Version() != 5 {
		panic("unexpected uuid version")
	}
	fmt.Println(strings.TrimSpace(runewidth.FillRight(msg, runewidth.StringWidth(msg))))
}
`,
	}
	for _, f := range []string{"go.mod", "go.sum", "dgd.lock"} {
		b, err := os.ReadFile(filepath.Join(repo, "examples", "dep", f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = string(b)
	}
	dir := writeModule(t, files)
	// the program's name: buildDir names the result after the directory
	named := filepath.Join(filepath.Dir(dir), "dep")
	if err := os.Rename(dir, named); err != nil {
		t.Fatal(err)
	}
	return named
}

// editGreet changes the code of greet's function body, not its export data (every
// declaration stays on its line): early cutoff spares main, the link reads the new code.
func editGreet(t *testing.T, dir string) {
	t.Helper()
	p := filepath.Join(dir, "greet", "greet.go")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), `return "Hello, DGD!"`,
		fmt.Sprintf(`s := "Hello, DGD!"; for i := 0; i < 1; i++ { if len(s) > 50 { s = "%d" } }; return s`, time.Now().UnixNano()), 1)
	if edited == string(src) {
		t.Fatal("greet.go: nothing to edit")
	}
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkBinary checks that the program bin is go build's of the module in dir and prints the
// greeting.
func checkBinary(t *testing.T, bin, dir, what string) {
	t.Helper()
	got, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(goBuild(t, dir, ".", nil)) {
		t.Errorf("%s: %s differs from go build -trimpath", what, bin)
	}
	if s := run(t, bin); s != "Hello, DGD!" {
		t.Errorf("%s: %s printed %q", what, bin, s)
	}
}

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
		builder, plan string
	}{
		{"buildWithIFD", "dep-plan.json"},
		{"buildWithDynDrv", "dep.drv"},
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
			// build that package, the link and the result (and the plan), C substitutes the rest
			editGreet(t, dir)
			want := []string{"dep", "golink-dep", "gopkg-example.com-dep-greet", tc.plan}
			slicesSort(want)
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
