package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDaemon builds as a multi-user installation does (NixOS, Nix's own installer): nix-build
// is a client of a nix-daemon, which builds in a store of its own, empty at first (another
// machine's). Each builder's first build, then a body edit: only the edited package, the link
// and each mode's per-edit derivations are built, and the binary is go build's. The plan
// (IFD: built by the daemon, read by the client's evaluation) and the producers (recursive Nix
// inside the daemon's builds) are what a daemon changes.
func TestDaemon(t *testing.T) {
	requireNix(t)
	s := newStore(t)
	sock := filepath.Join(filepath.Dir(s.root), "daemon.socket")
	daemon := exec.Command("nix-daemon", "--option", "store", s.root)
	daemon.Env = append(os.Environ(), "NIX_DAEMON_SOCKET_PATH="+sock)
	logf, err := os.Create(filepath.Join(filepath.Dir(s.root), "daemon.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	daemon.Stdout, daemon.Stderr = logf, logf
	dlog := func() string { b, _ := os.ReadFile(logf.Name()); return string(b) }
	if err := daemon.Start(); err != nil {
		t.Fatalf("nix-daemon: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- daemon.Wait() }()
	t.Cleanup(func() {
		daemon.Process.Kill()
		<-exited
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("nix-daemon exited (%v):\n%s", err, dlog())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nix-daemon made no socket at %s in 10 s:\n%s", sock, dlog())
		}
	}
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			// the outputs land under s.root: only the daemon builds there; root= tells the
			// client where the store's files are, as a daemon's clients read /nix/store
			incrementalEdit(t, builder, s.root, "--store", "unix://"+sock+"?root="+s.root)
		})
	}
	if !strings.Contains(dlog(), "accepted connection") {
		t.Errorf("the daemon's log shows no client:\n%s", dlog())
	}
}
