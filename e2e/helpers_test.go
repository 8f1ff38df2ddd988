// Helpers the e2e tests share: running Nix and go, modules and stores to build in.
package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// goBuildFlags is goBuild with build flags instead of the default -ldflags.
func goBuildFlags(t *testing.T, dir, pkg string, flags ...string) []byte {
	t.Helper()
	return goBuildEnvFlags(t, dir, pkg, nil, flags...)
}

// goBuildEnvFlags is go build -trimpath -buildvcs=false of pkg in dir with flags, and env
// added to the environment: the binary.
func goBuildEnvFlags(t *testing.T, dir, pkg string, env []string, flags ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bin")
	args := append([]string{"build", "-trimpath", "-buildvcs=false", "-o", out}, flags...)
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"GOTOOLCHAIN=local", "GOFLAGS="}, env...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeModule writes files (path: content) into a new directory.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "m")
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// clibEnv is the environment dgd gives cgo for examples/clib's buildInputs (libgreet): go
// build gets the same.
func clibEnv(t *testing.T) []string {
	t.Helper()
	outs, log, err := nixBuild(t, "-E", fmt.Sprintf(`import %s/examples/clib/libgreet { pkgs = import (builtins.getEnv "DGD_HOST_PKGS"); }`, repo))
	if err != nil {
		t.Fatalf("libgreet: %v\n%s", err, log)
	}
	l := outs[0]
	return []string{"CGO_CFLAGS=-O2 -g -I" + l + "/include", "CGO_LDFLAGS=-O2 -g -L" + l + "/lib",
		"PKG_CONFIG_PATH=" + l + "/lib/pkgconfig:" + l + "/share/pkgconfig"}
}

// hostFlake is scripts/with-nix's host toolchain set as a flake: the nixpkgs the tests give
// dgd's flake (no network, no nixpkgs here).
func hostFlake(t *testing.T) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(os.Getenv("DGD_HOST_PKGS")), "host-flake")
	if _, err := os.Stat(filepath.Join(p, "flake.nix")); err != nil {
		t.Fatalf("no host flake (%v): run the tests through scripts/with-nix (make test)", err)
	}
	return "path:" + p
}

// nixCmd runs nix with args in dir and returns what it printed on stdout.
func nixCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, _ := commandOutput(t, dir, "nix", args...)
	return out
}

// copyDir copies the example src into a new temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if out, err := exec.Command("cp", "-R", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	return dst
}

// buildDir builds the module in dir with the named builder; extra is more arguments of the
// builder, nixArgs more of nix-build. The binaries are not stripped unless extra says
// dontStrip = false; pname is dir's name unless extra gives one.
func buildDir(t *testing.T, builder, dir, extra string, nixArgs ...string) ([]string, string, error) {
	t.Helper()
	if !strings.Contains(extra, "dontStrip") {
		extra += " dontStrip = true;"
	}
	if !strings.Contains(extra, "pname =") {
		extra += fmt.Sprintf(" pname = %q;", filepath.Base(dir))
	}
	expr := fmt.Sprintf(`(import %s { }).%s { src = %s; %s }`, repo, builder, dir, extra)
	return nixBuild(t, append(nixArgs, "-E", expr)...)
}

var (
	dgdOnce sync.Once
	dgdPath string
	dgdErr  error
)

// dgdBin builds cmd/dgd for the tests that run `dgd lock`.
func dgdBin(t *testing.T) string {
	t.Helper()
	dgdOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dgd-e2e-")
		if err != nil {
			dgdErr = err
			return
		}
		dgdPath = filepath.Join(dir, "dgd")
		out, err := exec.Command("go", "build", "-o", dgdPath, filepath.Join(repo, "cmd", "dgd")).CombinedOutput()
		if err != nil {
			dgdErr = fmt.Errorf("building dgd: %v\n%s", err, out)
		}
	})
	if dgdErr != nil {
		t.Fatal(dgdErr)
	}
	return dgdPath
}

func runIn(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

var gotHashRE = regexp.MustCompile(`got:\s+(sha256-[A-Za-z0-9+/=]+)`)

// vendorHashOf learns a module's vendorHash the way a user does: from the mismatch error.
func vendorHashOf(t *testing.T, dir string) string {
	t.Helper()
	_, log, err := buildDir(t, "buildWithIFD", dir, `vendorHash = "";`)
	m := gotHashRE.FindStringSubmatch(log)
	if err == nil || m == nil {
		t.Fatalf("no hash mismatch reported for vendorHash = \"\": %v\n%s", err, log)
	}
	return m[1]
}

// planPackages lists the names of the package derivations that dgd plans for a module (the
// standard library's layers included).
func planPackages(t *testing.T, dir, extra string) map[string]bool {
	t.Helper()
	var names []string
	evalPackages(t, dir, extra, `map (d: d.name) (builtins.attrValues packages)`, &names)
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// packageDrvs maps each import path of ips to the .drv of the derivation that builds it (a
// layer's, for a standard package in one) when dgd builds the module in dir.
func packageDrvs(t *testing.T, dir, extra string, ips ...string) map[string]string {
	t.Helper()
	list, _ := json.Marshal(ips)
	drvs := map[string]string{}
	evalPackages(t, dir, extra, fmt.Sprintf(`builtins.listToAttrs (map (ip: { name = ip; value = packages.${ip}.drvPath; }) (builtins.fromJSON %q))`, list), &drvs)
	return drvs
}

// evalPackages evaluates expr, where packages is buildWithIFD's passthru.packages for the
// module in dir, and decodes the JSON value into v.
func evalPackages(t *testing.T, dir, extra, expr string, v any) {
	t.Helper()
	e := fmt.Sprintf(`let packages = ((import %s { }).buildWithIFD { src = %s; pname = "%s"; dontStrip = true; %s }).passthru.packages; in %s`, repo, dir, filepath.Base(dir), extra, expr)
	// the value is stdout; stderr has the log of what evaluation built (the plan, with IFD)
	var stderr bytes.Buffer
	cmd := exec.Command("nix-instantiate", "--eval", "--read-write-mode", "--strict", "--json", "-E", e)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nix-instantiate: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("nix-instantiate printed %q: %v\n%s", out, err, stderr.String())
	}
}

// repo is the repository's root.
var repo = func() string {
	d, err := filepath.Abs("..")
	if err != nil {
		panic(err)
	}
	return d
}()

func requireNix(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nix-build"); err != nil {
		t.Fatal("nix-build is not on PATH: run the tests through scripts/with-nix (make test)")
	}
	if os.Getenv("GOPROXY") == "" {
		t.Fatal("GOPROXY is not in the environment: fixed-output module downloads need it (make test exports it)")
	}
}

// nixBuild runs nix-build with args and returns the output paths and everything Nix printed.
func nixBuild(t *testing.T, args ...string) ([]string, string, error) {
	t.Helper()
	cmd := exec.Command("nix-build", append([]string{"--no-out-link"}, args...)...)
	cmd.Dir = repo
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return strings.Fields(out.String()), errb.String(), err
}

// commandOutput runs a command (nix, nix-build, nix-store, a script that runs them) in dir
// and returns its stdout and stderr; the test fails, with the stderr, when the command does.
func commandOutput(t *testing.T, dir, name string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String()
}

var buildingRE = regexp.MustCompile(`building '/nix/store/[a-z0-9]{32}-([^']+)\.drv'`)

// built lists the names of the derivations Nix reports building, sorted, a name once per
// derivation of that name (a program's link and the result can have the same name).
func built(log string) []string {
	var names []string
	for _, m := range buildingRE.FindAllStringSubmatch(log, -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return names
}

// goBuild builds pkg in dir with the go on PATH, as dgd's oracle: the unstripped binary of
// `go build -trimpath -buildvcs=false -ldflags=-buildid=`.
func goBuild(t *testing.T, dir, pkg string, env []string) []byte {
	t.Helper()
	return goBuildEnvFlags(t, dir, pkg, env, "-ldflags=-buildid=")
}

func run(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	return strings.TrimSpace(string(out))
}

// download puts the source of module@version into a new writable directory.
func download(t *testing.T, mv string) string {
	t.Helper()
	cache := t.TempDir()
	cmd := exec.Command("go", "mod", "download", "-json", mv)
	cmd.Env = append(os.Environ(), "GOMODCACHE="+cache, "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", mv, err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "src")
	if out, err := exec.Command("cp", "-R", m.Dir, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	if out, err := exec.Command("chmod", "-R", "u+w", dst, cache).CombinedOutput(); err != nil {
		t.Fatalf("chmod: %v\n%s", err, out)
	}
	return dst
}

// loopbackBuilders starts n remote builders on loopback (scripts/loopback-builder: an OpenSSH
// server on a free port of 127.0.0.1, one chroot store each) and returns Nix's builders
// setting; the server stops when the test ends.
func loopbackBuilders(t *testing.T, n int) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := storeTempDir(t)
	script := filepath.Join(repo, "scripts", "loopback-builder")
	t.Cleanup(func() {
		if out, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
			t.Errorf("loopback-builder stop: %v\n%s", err, out)
		}
	})
	out, _ := commandOutput(t, repo, script, "start", dir, strconv.Itoa(port), strconv.Itoa(n))
	return strings.TrimSpace(out)
}

var remoteRE = regexp.MustCompile(`building '/nix/store/[a-z0-9]{32}-([^']+)\.drv' on '([^']+)'`)

// builtOn maps each machine Nix reports building on (its store URI) to the names of the
// derivations it built there.
func builtOn(log string) map[string][]string {
	on := map[string][]string{}
	for _, m := range remoteRE.FindAllStringSubmatch(log, -1) {
		on[m[2]] = append(on[m[2]], m[1])
	}
	for _, names := range on {
		sort.Strings(names)
	}
	return on
}

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

// goTest runs go test on the same source as the oracle of a test verdict: its output, and
// whether it passed.
func goTest(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"test", "-vet=off", "-trimpath", "-count=1"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}
