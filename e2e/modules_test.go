package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestAddOneDependency adds a module to examples/dep and checks, from Nix's output, that of
// the packages built before only the importer (the main package) is rebuilt, with the link:
// the other modules' packages and the standard library keep their derivations.
func TestAddOneDependency(t *testing.T) {
	requireNix(t)
	for _, mode := range []string{"vendorHash", "lock"} {
		for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
			t.Run(mode+"/"+builder, func(t *testing.T) {
				dir := copyDir(t, filepath.Join(repo, "examples", "dep"))
				args := func() string {
					if mode == "lock" {
						runIn(t, dir, nil, dgdBin(t), "lock")
						return ""
					}
					return fmt.Sprintf("vendorHash = %q;", vendorHashOf(t, dir))
				}
				extra := args()
				if _, log, err := buildDir(t, builder, dir, extra); err != nil {
					t.Fatalf("first build: %v\n%s", err, log)
				}
				before := planPackages(t, dir, extra)

				// use github.com/pkg/errors in the main package (a new main package every run)
				main := filepath.Join(dir, "main.go")
				src, _ := os.ReadFile(main)
				edited := strings.Replace(string(src), `"github.com/google/uuid"`, `"github.com/google/uuid"
	"github.com/pkg/errors"`, 1)
				edited = strings.Replace(edited, `msg := "Hello, DGD!"`, fmt.Sprintf(`msg := errors.New("Hello, DGD!").Error()[:11+0*%d]`, time.Now().UnixNano()), 1)
				if err := os.WriteFile(main, []byte(edited), 0o644); err != nil {
					t.Fatal(err)
				}
				runIn(t, dir, []string{"GOFLAGS=-mod=mod"}, "go", "get", "github.com/pkg/errors@v0.9.1")
				extra = args()
				outs, log, err := buildDir(t, builder, dir, extra)
				if err != nil {
					t.Fatalf("build after adding a module: %v\n%s", err, log)
				}
				var rebuiltOld []string
				for _, n := range built(log) {
					if before[n] {
						rebuiltOld = append(rebuiltOld, n)
					}
				}
				sort.Strings(rebuiltOld)
				if diff := cmp.Diff([]string{"gopkg-example.com-dep"}, rebuiltOld); diff != "" {
					t.Errorf("rebuilt packages that existed before mismatch (-want +got):\n%s\nlog:\n%s", diff, log)
				}
				if !strings.Contains(log, "-dep.drv'") {
					t.Errorf("the link was not rebuilt:\n%s", log)
				}
				if s := run(t, filepath.Join(outs[0], "bin", "dep")); s != "Hello, DGD!" {
					t.Errorf("printed %q", s)
				}
			})
		}
	}
}

// TestStaleLock checks that a dgd.lock older than go.sum is refused, by `dgd lock -check`
// and by the Nix build, with the command that fixes it.
func TestStaleLock(t *testing.T) {
	requireNix(t)
	dir := copyDir(t, filepath.Join(repo, "examples", "dep"))
	runIn(t, dir, []string{"GOFLAGS=-mod=mod"}, "go", "get", "github.com/google/uuid@v1.5.0")
	out, err := exec.Command(dgdBin(t), "lock", "-check", "-C", dir).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "is out of date with go.mod/go.sum") || !strings.Contains(string(out), "run `dgd lock`") {
		t.Errorf("dgd lock -check: %v\n%s", err, out)
	}
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		_, log, err := buildDir(t, builder, dir, "")
		if err == nil || !strings.Contains(log, "dgd.lock is out of date with go.mod/go.sum") || !strings.Contains(log, "run `dgd lock`") {
			t.Errorf("%s with a stale lock: %v\n%s", builder, err, log)
		}
	}
	runIn(t, dir, nil, dgdBin(t), "lock")
	runIn(t, dir, nil, dgdBin(t), "lock", "-check")
}

// TestModuleErrors: a go.sum that does not match the module, a module that cannot be
// downloaded, and a dgd.lock line that was truncated or whose hash was edited are reported
// with the module's name (or the lock's line) and the fix.
func TestModuleErrors(t *testing.T) {
	requireNix(t)
	corrupt := func(t *testing.T) string {
		dir := copyDir(t, filepath.Join(repo, "examples", "dep"))
		sum := filepath.Join(dir, "go.sum")
		b, _ := os.ReadFile(sum)
		bad := regexp.MustCompile(`(github.com/google/uuid v1.6.0 h1:)[^\n]+`).ReplaceAllString(string(b), "${1}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
		if err := os.WriteFile(sum, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	t.Run("go.sum mismatch/vendorHash", func(t *testing.T) {
		_, log, err := buildDir(t, "buildWithIFD", corrupt(t), `vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";`)
		if err == nil || !strings.Contains(log, "github.com/google/uuid@v1.6.0: checksum mismatch") {
			t.Errorf("%v\n%s", err, log)
		}
	})
	t.Run("go.sum mismatch/lock", func(t *testing.T) {
		out, err := exec.Command(dgdBin(t), "lock", "-C", corrupt(t)).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "go.sum mismatch for module github.com/google/uuid@v1.6.0") {
			t.Errorf("%v\n%s", err, out)
		}
	})
	editLock := func(t *testing.T, from, to string) string {
		dir := copyDir(t, filepath.Join(repo, "examples", "dep"))
		lockFile := filepath.Join(dir, "dgd.lock")
		b, _ := os.ReadFile(lockFile)
		edited := regexp.MustCompile(from).ReplaceAllString(string(b), to)
		if edited == string(b) {
			t.Fatalf("%q is not in examples/dep/dgd.lock", from)
		}
		if err := os.WriteFile(lockFile, []byte(edited), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	t.Run("truncated lock line", func(t *testing.T) {
		dir := editLock(t, `(module github.com/google/uuid v1\.6)\.0 sha256-[^\n]+`, "$1")
		want := `dgd.lock:5: not a line of a dgd.lock: "module github.com/google/uuid v1.6" (regenerate it with ` + "`dgd lock`)"
		out, err := exec.Command(dgdBin(t), "lock", "-check", "-C", dir).CombinedOutput()
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("dgd lock -check: %v, want %q:\n%s", err, want, out)
		}
		_, log, err := buildDir(t, "buildWithIFD", dir, "")
		if err == nil || !strings.Contains(log, want) {
			t.Errorf("build: %v, want %q:\n%s", err, want, log)
		}
	})
	t.Run("edited lock hash", func(t *testing.T) {
		dir := editLock(t, `(module github.com/google/uuid v1\.6\.0) sha256-[^\n]+`, "$1 sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
		_, log, err := buildDir(t, "buildWithIFD", dir, "")
		want := "module github.com/google/uuid@v1.6.0: its download hashes to sha256-TSCDWxGTqnhf9m5p8wV1uWRHa19hoat351fLnf1XZLw=, but dgd.lock has sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
		if err == nil || !strings.Contains(log, want) || !strings.Contains(log, "run `dgd lock`") {
			t.Errorf("build: %v, want %q and the fix:\n%s", err, want, log)
		}
	})
	t.Run("no such module", func(t *testing.T) {
		dir := copyDir(t, filepath.Join(repo, "examples", "dep"))
		gomod := filepath.Join(dir, "go.mod")
		b, _ := os.ReadFile(gomod)
		os.WriteFile(gomod, []byte(strings.Replace(string(b), "github.com/google/uuid v1.6.0", "github.com/google/uuid v1.99.0", 1)), 0o644)
		_, log, err := buildDir(t, "buildWithIFD", dir, `vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";`)
		if err == nil || !strings.Contains(log, "github.com/google/uuid@v1.99.0") || !strings.Contains(log, "dgd: downloading the modules of") {
			t.Errorf("%v\n%s", err, log)
		}
	})
}

// TestModOnlyLines: a module whose go.sum names a version only by its go.mod (examples/dep with
// uniseg raised to v0.4.7, where go-runewidth requires v0.2.0) gets a "mod" line without a
// hash, its go.mod in the lock's one shared download (the mods line). It builds with both
// builders into go build's binary; the same lock in the form an older dgd wrote (the "mod" line
// with its own download's hash, no mods line) still builds it; an edited mods hash is refused,
// naming the shared download and the fix.
func TestModOnlyLines(t *testing.T) {
	requireNix(t)
	dir := copyDir(t, filepath.Join(repo, "examples", "dep"))
	runIn(t, dir, []string{"GOFLAGS=-mod=mod"}, "go", "get", "github.com/rivo/uniseg@v0.4.7")
	runIn(t, dir, nil, dgdBin(t), "lock")
	lockFile := filepath.Join(dir, "dgd.lock")
	locked, err := os.ReadFile(lockFile)
	if err != nil {
		t.Fatal(err)
	}
	modsRE := regexp.MustCompile(`(?m)^mods (sha256-\S+)\n`)
	const modLine = "\nmod github.com/rivo/uniseg v0.2.0\n"
	if !strings.Contains(string(locked), modLine) || !modsRE.Match(locked) {
		t.Fatalf("dgd.lock has no unhashed \"mod\" line of uniseg v0.2.0, or no mods line:\n%s", locked)
	}
	want := goBuild(t, dir, ".", []string{"GOFLAGS=-mod=mod"})
	same := func(what string, builders ...string) {
		t.Helper()
		for _, builder := range builders {
			outs, log, err := buildDir(t, builder, dir, "doCheck = false;")
			if err != nil {
				t.Fatalf("%s, %s: %v\n%s", what, builder, err, log)
			}
			if got, err := os.ReadFile(filepath.Join(outs[0], "bin", "dep")); err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s, %s: bin/dep differs from go build's (%v)", what, builder, err)
			}
		}
	}
	same("the lock", "buildWithIFD", "buildWithDynDrv")

	// an older dgd's line: the module's go.mod alone, laid out as dir/mod, hashed as Nix does
	gomod, _ := commandOutput(t, dir, "go", "mod", "download", "-json", "github.com/rivo/uniseg@v0.2.0")
	var dl struct{ GoMod string }
	if err := json.Unmarshal([]byte(gomod), &dl); err != nil {
		t.Fatalf("go mod download -json: %v\n%s", err, gomod)
	}
	layout := filepath.Join(t.TempDir(), "layout")
	os.Mkdir(layout, 0o755)
	if b, err := os.ReadFile(dl.GoMod); err != nil || os.WriteFile(filepath.Join(layout, "mod"), b, 0o644) != nil {
		t.Fatalf("the go.mod of uniseg v0.2.0: %v", err)
	}
	hash := strings.TrimSpace(runIn(t, dir, nil, "nix-hash", "--type", "sha256", "--sri", layout))
	legacy := strings.Replace(modsRE.ReplaceAllString(string(locked), ""), modLine, "\nmod github.com/rivo/uniseg v0.2.0 "+hash+"\n", 1)
	if err := os.WriteFile(lockFile, []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	runIn(t, dir, nil, dgdBin(t), "lock", "-check")
	same("an older dgd's lock", "buildWithIFD")

	edited := modsRE.ReplaceAllString(string(locked), "mods sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
	if err := os.WriteFile(lockFile, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	_, log, err := buildDir(t, "buildWithIFD", dir, "doCheck = false;")
	wantErr := `the shared download of the go.mod files of dgd.lock's "mod" lines: its download hashes to ` + modsRE.FindStringSubmatch(string(locked))[1] + ", but dgd.lock has sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	if err == nil || !strings.Contains(log, wantErr) || !strings.Contains(log, "run `dgd lock`") {
		t.Errorf("build with an edited mods hash: %v, want %q and the fix:\n%s", err, wantErr, log)
	}
}
