package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCrossBuilds builds examples/packages for other systems: the binaries are go build's,
// in bin/ as buildGoModule lays them out (bin/NAME, NAME.exe for Windows).
func TestCrossBuilds(t *testing.T) {
	requireNix(t)
	dir := filepath.Join(repo, "examples", "packages")
	for _, target := range [][2]string{{"linux", "arm64"}, {"darwin", "arm64"}, {"windows", "amd64"}} {
		goos, goarch := target[0], target[1]
		bin := "packages"
		if goos == "windows" {
			bin += ".exe"
		}
		want := goBuild(t, dir, ".", []string{"GOOS=" + goos, "GOARCH=" + goarch})
		for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
			t.Run(goos+"-"+goarch+"/"+builder, func(t *testing.T) {
				outs, log, err := buildDir(t, builder, dir, fmt.Sprintf(`GOOS = %q; GOARCH = %q;`, goos, goarch))
				if err != nil {
					t.Fatalf("%v\n%s", err, log)
				}
				got, err := os.ReadFile(filepath.Join(outs[0], "bin", bin))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("bin/%s differs from GOOS=%s GOARCH=%s go build (%d vs %d bytes)", bin, goos, goarch, len(got), len(want))
				}
			})
		}
	}
}

// TestBuildModeAndPerPackageFlags: -buildmode=pie and a -gcflags pattern through GOFLAGS give
// go build's binary, and the pattern's flags reach exactly the package it names.
func TestBuildModeAndPerPackageFlags(t *testing.T) {
	requireNix(t)
	dir := filepath.Join(repo, "examples", "packages")
	const gcflags = "-gcflags=example.com/packages/a=-N -l"
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			outs, log, err := buildDir(t, builder, dir, fmt.Sprintf(`GOFLAGS = [ "-buildmode=pie" %q ];`, gcflags))
			if err != nil {
				t.Fatalf("%v\n%s", err, log)
			}
			got, _ := os.ReadFile(filepath.Join(outs[0], "bin", "packages"))
			want := goBuildFlags(t, dir, ".", "-buildmode=pie", gcflags, "-ldflags=-buildid=")
			if len(got) == 0 || !bytes.Equal(got, want) {
				t.Errorf("bin/packages differs from go build -buildmode=pie %s", gcflags)
			}
			if s := run(t, filepath.Join(outs[0], "bin", "packages")); !strings.HasPrefix(s, "Hello, DGD!") {
				t.Errorf("printed %q", s)
			}
		})
	}
	// the plan: -N -l in a's compile only
	cmd := exec.Command(dgdBin(t), "plan", "-C", dir, "-goflag="+gcflags, ".")
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dgd plan: %v", err)
	}
	var p struct {
		Packages []struct{ ImportPath, Script string }
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	var with []string
	for _, pk := range p.Packages {
		if strings.Contains(pk.Script, "'-N' '-l'") {
			with = append(with, pk.ImportPath)
		}
	}
	if len(with) != 1 || with[0] != "example.com/packages/a" {
		t.Errorf("packages compiled with -N -l: %q, want only example.com/packages/a", with)
	}
}

// TestAllowGoReference: without it the program refers to no store path (-trimpath); with it,
// the program keeps the Go toolchain's path, as buildGoModule's allowGoReference allows.
func TestAllowGoReference(t *testing.T) {
	requireNix(t)
	dir := filepath.Join(repo, "examples", "hello_nocgo")
	for _, allow := range []bool{false, true} {
		outs, log, err := buildDir(t, "buildWithIFD", dir, fmt.Sprintf(`allowGoReference = %v; env.CGO_ENABLED = 0;`, allow))
		if err != nil {
			t.Fatalf("%v\n%s", err, log)
		}
		b, _ := os.ReadFile(filepath.Join(outs[0], "bin", "hello"))
		if got := bytes.Contains(b, []byte("/nix/store/")) && bytes.Contains(b, []byte("-go-")); got != allow {
			t.Errorf("allowGoReference = %v: the binary refers to the Go toolchain: %v", allow, got)
		}
		if s := run(t, filepath.Join(outs[0], "bin", "hello")); s != "Hello, DGD!" {
			t.Errorf("printed %q", s)
		}
	}
}

// TestStdLayers builds a program that uses net/http and cgo's os/user with the standard library
// in layers (the default) and one derivation per package: both binaries are go build's.
func TestStdLayers(t *testing.T) {
	requireNix(t)
	dir := writeModule(t, map[string]string{"go.mod": goMod, "main.go": `package main

import (
	"fmt"
	"net/http"
	"os/user"
)

func main() {
	_, err := user.Current()
	fmt.Println(http.StatusText(http.StatusTeapot), err == nil)
}
`})
	want := goBuild(t, dir, ".", nil)
	for _, layers := range []bool{true, false} {
		extra := fmt.Sprintf("stdLayers = %v;", layers)
		names := planPackages(t, dir, extra)
		for _, n := range []string{"go-std-runtime", "go-std-os", "go-std-fmt", "go-std-bufio", "go-std-crypto", "go-std-net", "go-std-crypto-tls", "go-std-net-http"} {
			if names[n] != layers {
				t.Errorf("stdLayers = %v: derivation %s planned: %v", layers, n, names[n])
			}
		}
		if names["gopkg-net-http"] == layers || names["gopkg-runtime-cgo"] == layers {
			t.Errorf("stdLayers = %v: planned %v", layers, names)
		}
		if layers {
			// the crypto layer does not wait for net's (runtime/cgo's C compiles)
			drvs := packageDrvs(t, dir, extra, "crypto/sha256", "net")
			crypto, net := drvs["crypto/sha256"], drvs["net"]
			refs, err := exec.Command("nix-store", "-q", "--references", crypto).CombinedOutput()
			if err != nil {
				t.Fatalf("nix-store -q --references %s: %v\n%s", crypto, err, refs)
			}
			if !strings.HasSuffix(crypto, "-go-std-crypto.drv") {
				t.Errorf("crypto/sha256 is built by %s, not by the crypto layer", crypto)
			}
			if strings.Contains(string(refs), net) {
				t.Errorf("the crypto layer %s takes net's layer %s as an input", crypto, net)
			}
		}
		outs, log, err := buildDir(t, "buildWithIFD", dir, extra)
		if err != nil {
			t.Fatalf("stdLayers = %v: %v\n%s", layers, err, log)
		}
		got, _ := os.ReadFile(filepath.Join(outs[0], "bin", filepath.Base(dir)))
		if !bytes.Equal(got, want) {
			t.Errorf("stdLayers = %v: the binary differs from go build's", layers)
		}
	}
}

// TestPGO: examples/pgo's default.pgo (-pgo=auto) with a library package that has tests, so
// go list names the standard packages built with the profile "PATH [example.com/pgo]" and the
// tests build them without it; GOFLAGS' -pgo=off and -pgo=FILE. Each binary is go build's with
// the same flag, the profile's derivation is built (and the layers for the program's copies
// of the standard library) or, with -pgo=off, not.
func TestPGO(t *testing.T) {
	requireNix(t)
	dir := copyDir(t, filepath.Join(repo, "examples", "pgo"))
	for name, content := range map[string]string{
		"lib/lib.go":      "package lib\n\nimport \"fmt\"\n\nfunc F() string { return fmt.Sprint(1) }\n",
		"lib/lib_test.go": "package lib\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) {\n\tif F() != \"1\" {\n\t\tt.Fatal(F())\n\t}\n}\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		goflags, flag     string
		profile, variants bool // -pgo=FILE gives every package the profile: no copies
	}{
		{"", "-pgo=auto", true, true},
		{`GOFLAGS = [ "-pgo=off" ];`, "-pgo=off", false, false},
		{`GOFLAGS = [ "-pgo=default.pgo" ];`, "-pgo=default.pgo", true, false},
	} {
		want := goBuildFlags(t, dir, ".", tc.flag, "-ldflags=-buildid=")
		for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
			t.Run(tc.flag+"/"+builder, func(t *testing.T) {
				outs, log, err := buildDir(t, builder, dir, tc.goflags+` pname = "pgo";`)
				if err != nil {
					t.Fatalf("%v\n%s", err, log)
				}
				got, _ := os.ReadFile(filepath.Join(outs[0], "bin", "pgo"))
				if len(got) == 0 || !bytes.Equal(got, want) {
					t.Errorf("bin/pgo differs from go build %s", tc.flag)
				}
			})
		}
		// the plan: the profile's derivation, and with -pgo=auto the standard library built with
		// it for the program (go list's "PATH [example.com/pgo]") beside the one the tests use
		out, _ := commandOutput(t, repo, "nix-instantiate", "--eval", "--strict", "--json", "-E", fmt.Sprintf(
			`let p = ((import %s { }).buildWithIFD { src = %s; %s }).passthru.packages; in map (n: p ? ${n}) [ "pgo [default.pgo]" "runtime [example.com/pgo]" "runtime" ]`,
			repo, dir, tc.goflags))
		if want := fmt.Sprintf("[%t,%t,true]", tc.profile, tc.variants); strings.TrimSpace(out) != want {
			t.Errorf("%s: the plan has the profile, the program's runtime, runtime: %s, want %s", tc.flag, out, want)
		}
	}
}
