package calc

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSum(t *testing.T) {
	if got := Sum(1, 2, 3); got != 6 {
		t.Fatalf("Sum(1, 2, 3) = %d, want 6", got)
	}
}

// The test runs in the package's directory: testdata/ is there.
func TestTestdata(t *testing.T) {
	b, err := os.ReadFile("testdata/words.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := Upper(strings.Fields(string(b))[0]); got != "DGD" {
		t.Fatalf("got %q", got)
	}
}

// HOME and TMPDIR are writable.
func TestWritable(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "x"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "y"), []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Loopback works where the sandbox has it.
func TestLoopback(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Write([]byte("ok"))
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b := make([]byte, 2)
	if _, err := c.Read(b); err != nil || string(b) != "ok" {
		t.Fatalf("read %q, %v", b, err)
	}
}

func TestLong(t *testing.T) {
	if testing.Short() {
		t.Skip("long test: skipped with -short")
	}
	if Sum(make([]int, 1000)...) != 0 {
		t.Fatal("bad sum")
	}
}
