package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// TestKilledBuilds kills a cold build of a real program (age: 183 packages, 7 modules) with
// SIGKILL (Nix's process group; its builders die with it) at several points while packages
// build: after the 3rd package derivation started, 30 package derivations into the next
// build, and when the link starts; then builds again to the end.
// The last build succeeds and its binary is go build's: nothing half-written was used.
func TestKilledBuilds(t *testing.T) {
	requireNix(t)
	dir := download(t, "filippo.io/age@v1.2.1")
	runIn(t, dir, nil, dgdBin(t), "lock")
	s := newStore(t)
	expr := fmt.Sprintf(`(import %s { }).buildWithIFD { src = %s; pname = "age"; subPackage = "cmd/age"; doCheck = false; dontStrip = true; }`, repo, dir)
	for _, kill := range []struct {
		what  string
		after func(started []string) bool
	}{
		{"after 3 package builds started", func(b []string) bool { return packageBuilds(b) >= 3 }},
		{"30 package builds into the next build", func(b []string) bool { return packageBuilds(b) >= 30 }},
		{"when the link starts", func(b []string) bool { return len(b) > 0 && b[len(b)-1] == "age" }},
	} {
		started, log, finished := buildKilledWhen(t, s, expr, kill.after)
		if finished {
			t.Fatalf("the build ended before it could be killed %s (%d builds):\n%s", kill.what, len(started), log)
		}
		t.Logf("killed %s: %d derivations had started, %d of packages", kill.what, len(started), packageBuilds(started))
	}
	out, _ := s.nix(t, "nix-build", "--no-out-link", "-E", expr)
	bin := filepath.Join(s.root, strings.TrimSpace(out), "bin", "age")
	got, err := os.ReadFile(bin)
	if err != nil || !bytes.Equal(got, goBuild(t, dir, "./cmd/age", []string{"GOFLAGS=-mod=mod"})) {
		t.Errorf("after the killed builds, %s differs from go build's (%v)", bin, err)
	}
}

// packageBuilds counts the package derivations (and standard-library layers) among names.
func packageBuilds(names []string) int {
	n := 0
	for _, b := range names {
		if strings.HasPrefix(b, "gopkg-") || strings.HasPrefix(b, "go-std-") {
			n++
		}
	}
	return n
}

// buildKilledWhen starts nix-build of expr in s and kills it and every process it started with
// SIGKILL once kill says so of the derivations started so far (names, in order); it returns
// those, Nix's output, and whether the build finished first.
func buildKilledWhen(t *testing.T, s *store, expr string, kill func(started []string) bool) ([]string, string, bool) {
	t.Helper()
	cmd := exec.Command("nix-build", "--store", s.root, "--no-out-link", "-E", expr)
	cmd.Dir = repo
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	var started []string
	sc := bufio.NewScanner(stderr)
	killed := false
	for sc.Scan() {
		line := sc.Text()
		log.WriteString(line + "\n")
		if m := buildingRE.FindStringSubmatch(line); m != nil {
			started = append(started, m[1])
			if kill(started) {
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				killed = true
				break
			}
		}
	}
	io.Copy(io.Discard, stderr)
	err = cmd.Wait()
	if !killed && err != nil {
		t.Fatalf("nix-build failed before it was killed: %v\n%s", err, log.String())
	}
	return started, log.String(), !killed
}

// TestConcurrentBuilds builds two programs that share the standard library's layers (age and
// examples/dep) at once in one empty store: both succeed and are go build's.
func TestConcurrentBuilds(t *testing.T) {
	requireNix(t)
	age := download(t, "filippo.io/age@v1.2.1")
	runIn(t, age, nil, dgdBin(t), "lock")
	dep := copyDir(t, filepath.Join(repo, "examples", "dep"))
	s := newStore(t)
	// Nix opening a store that does not exist yet creates its database holding only a shared
	// lock, so two first openings at once race on "pragma journal_mode = wal" and one fails with
	// "SQLite database ... is busy" (Nix's LocalStore constructor; CI saw it). The store is made
	// first, still empty, so that the builds race on what this test is about: the shared layers.
	s.nix(t, "nix-store", "--init")
	progs := []struct{ dir, args, pkg, bin string }{
		{age, `pname = "age"; subPackage = "cmd/age";`, "./cmd/age", "age"},
		{dep, `pname = "dep";`, ".", "dep"},
	}
	outs := make([][]string, len(progs))
	logs := make([]string, len(progs))
	errs := make([]error, len(progs))
	var wg sync.WaitGroup
	for i, p := range progs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], logs[i], errs[i] = buildDir(t, "buildWithIFD", p.dir, p.args+" doCheck = false;", "--store", s.root)
		}()
	}
	wg.Wait()
	for i, p := range progs {
		if errs[i] != nil {
			t.Errorf("%s: %v\n%s", p.bin, errs[i], logs[i])
			continue
		}
		bin := filepath.Join(s.root, outs[i][0], "bin", p.bin)
		got, err := os.ReadFile(bin)
		if err != nil || !bytes.Equal(got, goBuild(t, p.dir, p.pkg, []string{"GOFLAGS=-mod=mod"})) {
			t.Errorf("%s differs from go build's (%v)", bin, err)
		}
	}
}
