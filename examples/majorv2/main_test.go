package main

import (
	"os"
	"strings"
	"testing"

	"example.com/majorv2/v2/internal/greet"
)

func TestHello(t *testing.T) {
	if got := greet.Hello(); got != "Hello, DGD!" {
		t.Fatalf("Hello() = %q", got)
	}
}

// checkFlags skips these two with a regular expression that has a | in it
func TestSkippedA(t *testing.T) { t.Fatal("TestSkippedA should be skipped by checkFlags") }
func TestSkippedB(t *testing.T) { t.Fatal("TestSkippedB should be skipped by checkFlags") }

// the test reads a file of a directory that is no package of its own, as go test lets it
func TestReadsTheTree(t *testing.T) {
	b, err := os.ReadFile("testdata/greeting.txt")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(b)) != "Hello, DGD!" {
		t.Fatalf("testdata/greeting.txt holds %q", b)
	}
}
