package gocmd

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuildNFlags(t *testing.T) {
	got := BuildNFlags("/out", "-tags=netgo", "-ldflags=-s -w -X main.v=1")
	want := []string{"-n", "-a", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -X main.v=1 -buildid=", "-o", "/out/", "-tags=netgo"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"-tags=netgo"}, ListFlags([]string{"-tags=netgo", "-ldflags=-s", "-gcflags=all=-N"})); diff != "" {
		t.Errorf("ListFlags mismatch (-want +got):\n%s", diff)
	}
}
