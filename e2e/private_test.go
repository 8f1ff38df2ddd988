package e2e

import (
	"archive/zip"
	"bytes"
	"cmp"
	"compress/bzip2"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// privateProxy is a Go module proxy on 127.0.0.1 that serves one module, private.example/
// secret v1.0.0, to the user "dgd" with the password it was made with (HTTP basic
// authentication), and answers anything else with 401 and a message.
type privateProxy struct {
	URL   string
	cert  []byte            // its certificate (PEM), to be trusted
	files map[string][]byte // by URL path
}

const privateModule = "private.example/secret"

// newPrivateProxy starts the proxy (over HTTPS, with httptest's certificate); it stops when the test ends. greeting makes the module's
// content, so that every test run downloads it anew.
func newPrivateProxy(t *testing.T, password, greeting string) *privateProxy {
	t.Helper()
	gomod := "module " + privateModule + "\n\ngo 1.22\n"
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	for name, content := range map[string]string{
		"go.mod":    gomod,
		"secret.go": "// Package secret is a private module.\npackage secret\n\n// Greeting is what the program prints.\nconst Greeting = " + fmt.Sprintf("%q", greeting) + "\n",
	} {
		w, err := zw.Create(privateModule + "@v1.0.0/" + name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	base := "/" + privateModule + "/@v/"
	p := &privateProxy{files: map[string][]byte{
		base + "list":        []byte("v1.0.0\n"),
		base + "v1.0.0.info": []byte(`{"Version":"v1.0.0","Time":"2026-01-02T03:04:05Z"}`),
		base + "v1.0.0.mod":  []byte(gomod),
		base + "v1.0.0.zip":  z.Bytes(),
	}}
	// HTTPS: go sends netrc credentials over HTTPS only
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, pw, ok := r.BasicAuth(); !ok || u != "dgd" || pw != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="private"`)
			http.Error(w, "private proxy: wrong or missing credentials for "+r.URL.Path, http.StatusUnauthorized)
			return
		}
		b, ok := p.files[r.URL.Path]
		if !ok {
			http.Error(w, "private proxy: no "+r.URL.Path, http.StatusNotFound)
			return
		}
		w.Write(b)
	}))
	srv.StartTLS()
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	p.cert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return p
}

// TestPrivateModules builds a program that requires a module only a password-protected proxy
// serves, in both module modes (vendorHash and dgd.lock) and with both builders, with the
// credentials given the documented way: a netrc's content in DGD_NETRC for Nix's downloads
// (a netrc file, NETRC, for go and dgd lock on the host), GONOSUMDB for the module. Wrong
// or missing credentials fail, naming the module and the proxy's answer. The password is in
// no store path made by the test, no .drv, no build log.
func TestPrivateModules(t *testing.T) {
	requireNix(t)
	raw := make([]byte, 12)
	rand.Read(raw)
	password := "pw-" + hex.EncodeToString(raw)
	greeting := "Hello from a private module " + hex.EncodeToString(raw[:4])
	proxy := newPrivateProxy(t, password, greeting)
	// a netrc for a proxy (since Go 1.24 its machine is the host with the port)
	netrc := func(p *privateProxy, pw string) string {
		return "machine " + strings.TrimPrefix(p.URL, "https://") + " login dgd password " + pw + "\n"
	}
	// the proxy's certificate beside the system's: for go on the host (SSL_CERT_FILE), and
	// for Nix, which puts its ssl-cert-file (NIX_SSL_CERT_FILE) into the sandbox of a
	// download as /etc/ssl/certs/ca-certificates.crt, where go looks when SSL_CERT_FILE is empty
	system, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, append(system, proxy.cert...), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NIX_SSL_CERT_FILE", bundle)
	t.Setenv("SSL_CERT_FILE", "")
	writeNetrc := func(p *privateProxy) string {
		f := filepath.Join(t.TempDir(), "netrc")
		if err := os.WriteFile(f, []byte(netrc(p, password)), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	storeBefore := storeListing(t)
	t.Setenv("GOPROXY", proxy.URL)
	t.Setenv("GONOSUMDB", privateModule)
	t.Setenv("GOFLAGS", "")
	t.Setenv("DGD_NETRC", netrc(proxy, password))

	// a program that prints the private module's greeting, its go.sum written by go on the
	// host with p's credentials (hostEnv)
	hostEnv := func(p *privateProxy) []string {
		return []string{"NETRC=" + writeNetrc(p), "SSL_CERT_FILE=" + bundle, "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOMODCACHE=" + t.TempDir()}
	}
	appModule := func(p *privateProxy) string {
		dir := writeModule(t, map[string]string{
			"go.mod":  "module example.com/app\n\ngo 1.22\n\nrequire " + privateModule + " v1.0.0\n",
			"main.go": "package main\n\nimport (\n\t\"fmt\"\n\n\t\"" + privateModule + "\"\n)\n\nfunc main() { fmt.Println(secret.Greeting) }\n",
		})
		runIn(t, dir, hostEnv(p), "go", "mod", "tidy")
		return dir
	}
	app := appModule(proxy)
	host := hostEnv(proxy)
	want := goBuildEnvFlags(t, app, ".", host, "-ldflags=-buildid=")

	vendorHash := vendorHashOf(t, app)
	locked := copyDir(t, app)
	runIn(t, locked, host, dgdBin(t), "lock")

	for _, mode := range []struct{ name, dir, extra string }{
		{"vendorHash", app, fmt.Sprintf("vendorHash = %q;", vendorHash)},
		{"dgd.lock", locked, ""},
	} {
		for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
			t.Run(mode.name+"/"+builder, func(t *testing.T) {
				outs, log, err := buildDir(t, builder, mode.dir, mode.extra)
				if err != nil {
					t.Fatalf("%v\n%s", err, log)
				}
				bin := filepath.Join(outs[0], "bin", "app")
				got, err := os.ReadFile(bin)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s differs from go build's (%v)", bin, err)
				}
				if s := run(t, bin); s != greeting {
					t.Errorf("%s printed %q, want %q", bin, s, greeting)
				}
			})
		}
	}

	// Wrong and missing credentials, for a download Nix has not made yet (the module's content
	// is new): the module and the proxy's answer in the error
	for _, c := range []struct {
		name  string
		wrong bool // else no credentials
	}{{"wrong password", true}, {"no credentials", false}} {
		t.Run(c.name, func(t *testing.T) {
			other := newPrivateProxy(t, password, greeting+" ("+c.name+")")
			t.Setenv("GOPROXY", other.URL)
			t.Setenv("DGD_NETRC", "")
			if c.wrong {
				t.Setenv("DGD_NETRC", netrc(other, "not-"+password))
			}
			dir := appModule(other)
			runIn(t, dir, hostEnv(other), dgdBin(t), "lock")
			for _, extra := range []string{"", `vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";`} {
				_, log, err := buildDir(t, "buildWithIFD", dir, extra)
				if err == nil || !strings.Contains(log, privateModule+"@v1.0.0") || !strings.Contains(log, "401 Unauthorized") ||
					!strings.Contains(log, "private proxy: wrong or missing credentials") {
					t.Errorf("build (%s) with %s: %v, want an error naming %s@v1.0.0 and the proxy's answer:\n%s", cmp.Or(extra, "dgd.lock"), c.name, err, privateModule, log)
				}
			}
		})
	}

	// a proxy that serves a damaged zip of the module (go.sum and dgd.lock were written from a
	// good one): the module and go's complaint about the zip in the error
	t.Run("damaged zip", func(t *testing.T) {
		good := newPrivateProxy(t, password, greeting+" (damaged zip)")
		t.Setenv("GOPROXY", good.URL)
		dir := appModule(good)
		runIn(t, dir, hostEnv(good), dgdBin(t), "lock")
		bad := newPrivateProxy(t, password, greeting+" (damaged zip)")
		zipPath := "/" + privateModule + "/@v/v1.0.0.zip"
		bad.files[zipPath] = bad.files[zipPath][:len(bad.files[zipPath])/2] // before any request
		t.Setenv("GOPROXY", bad.URL)
		t.Setenv("DGD_NETRC", netrc(bad, password))
		for _, extra := range []string{"", `vendorHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";`} {
			_, log, err := buildDir(t, "buildWithIFD", dir, extra)
			if err == nil || !strings.Contains(log, privateModule+"@v1.0.0") || !strings.Contains(log, "zip") {
				t.Errorf("build (%s) from a proxy serving a damaged zip: %v, want an error naming %s@v1.0.0 and the zip:\n%s", cmp.Or(extra, "dgd.lock"), err, privateModule, log)
			}
		}
	})

	// the password: in no new store path (the .drv files among them) and no build log
	for _, p := range newStorePaths(t, storeBefore) {
		out, _ := exec.Command("grep", "-rlF", password, p).Output()
		if len(out) > 0 {
			t.Errorf("the password is in the store: %s", out)
		}
	}
	logs, _ := filepath.Glob("/nix/var/log/nix/drvs/*/*")
	downloads := 0 // logs of the test's downloads: the search looked where the password could be
	for _, l := range logs {
		f, err := os.Open(l)
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = f
		if strings.HasSuffix(l, ".bz2") {
			r = bzip2.NewReader(f)
		}
		b, err := io.ReadAll(r)
		f.Close()
		if err == nil && bytes.Contains(b, []byte(password)) {
			t.Errorf("the password is in the build log %s", l)
		}
		if bytes.Contains(b, []byte("dgd: downloading the modules of app")) {
			downloads++
		}
	}
	if downloads == 0 {
		t.Errorf("no build log of the test's module downloads among %d in /nix/var/log/nix/drvs: the search for the password saw none", len(logs))
	}
}

// storeListing is the set of the store's paths now.
func storeListing(t *testing.T) map[string]bool {
	t.Helper()
	es, err := os.ReadDir("/nix/store")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, e := range es {
		m[e.Name()] = true
	}
	return m
}

// newStorePaths are the store paths that were not in before.
func newStorePaths(t *testing.T, before map[string]bool) []string {
	t.Helper()
	var ps []string
	for name := range storeListing(t) {
		if !before[name] && !strings.HasSuffix(name, ".lock") {
			ps = append(ps, filepath.Join("/nix/store", name))
		}
	}
	if len(ps) == 0 {
		t.Fatal("the test made no store path")
	}
	return ps
}
