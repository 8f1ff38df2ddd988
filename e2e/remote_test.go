package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRemoteBuilders builds a program in an empty local store that may not build anything
// itself (max-jobs = 0): every derivation (the planner's IFD, the module downloads, the
// standard library layers, the packages, the link) is built by two remote builders over ssh-ng
// on loopback, and the binary is go build's. Then buildWithDynDrv in the same store, with one
// local build slot: its producers (preferLocalBuild: Nix 2.34 copies back a remote build's
// outputs, not the .drv files a producer's output refers to) build locally, the rest
// remotely.
func TestRemoteBuilders(t *testing.T) {
	requireNix(t)
	builders := loopbackBuilders(t, 2)
	local := newStore(t)
	dir := cacheModule(t)
	for _, tc := range []struct {
		builder, maxJobs string
		local            []string // the derivations built locally
	}{
		{"buildWithIFD", "0", nil},
		{"buildWithDynDrv", "1", []string{"dep-shared.json", "dep.drv", "go-std-runtime.drv"}}, // the producers
	} {
		t.Run(tc.builder, func(t *testing.T) {
			local.opts = []string{"--option", "builders", builders, "--option", "max-jobs", tc.maxJobs}
			out, log, took := local.build(t, tc.builder, dir)
			checkBinary(t, filepath.Join(out, "bin", "dep"), dir, "built remotely")
			on := builtOn(log)
			remote := map[string]bool{}
			for m, names := range on {
				if !strings.HasPrefix(m, "ssh-ng://root@127.0.0.1:") {
					t.Errorf("built on %s, want only the loopback builders", m)
				}
				for _, n := range names {
					remote[n] = true
				}
				t.Logf("%s: %d derivations", m, len(names))
			}
			var here []string
			for _, n := range built(log) {
				if !remote[n] {
					here = append(here, n)
				}
			}
			if strings.Join(here, " ") != strings.Join(tc.local, " ") {
				t.Errorf("built locally %v, want %v\nlog:\n%s", here, tc.local, log)
			}
			if len(remote) == 0 {
				t.Errorf("nothing was built remotely")
			}
			t.Logf("%d derivations built remotely on %d machines, %d locally, in %.1f s", len(remote), len(on), len(here), took.Seconds())
		})
	}
}
