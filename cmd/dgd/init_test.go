package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJobsHint runs jobsHint against a nix on PATH that answers `nix config show max-jobs` as
// a user's would.
func TestJobsHint(t *testing.T) {
	for _, tc := range []struct {
		script string // the fake nix's body
		hint   bool
	}{
		{`[ "$*" = "config show max-jobs" ] && echo 1`, true},
		{`echo 4`, false},
		{`echo auto`, false},
		{`echo "error: experimental Nix feature 'nix-command' is disabled" >&2; exit 1`, false},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "nix"), []byte("#!/bin/sh\n"+tc.script+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", dir)
		got := jobsHint(context.Background())
		if tc.hint != (got != "") || tc.hint && !strings.Contains(got, "max-jobs = auto") {
			t.Errorf("nix that runs %q: hint %q", tc.script, got)
		}
	}
	t.Setenv("PATH", t.TempDir())
	if got := jobsHint(context.Background()); got != "" {
		t.Errorf("no nix on PATH: hint %q", got)
	}
}
