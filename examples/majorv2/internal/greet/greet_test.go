package greet

import (
	"os"
	"strings"
	"testing"
)

// a test that reads a file elsewhere in the module (../../testdata), as k9s' tests do: go test
// runs it in the package's directory of the whole source tree
func TestSiblingFile(t *testing.T) {
	b, err := os.ReadFile("../../testdata/greeting.txt")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(b)) != Hello() {
		t.Fatalf("../../testdata/greeting.txt holds %q, want %q", b, Hello())
	}
}
