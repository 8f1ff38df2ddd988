// Package gocmd describes calls to the go command (Invocation) apart from running them (Run),
// so that the arguments dgd builds can be tested without running go.
package gocmd

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Invocation is one call to go: `go Verb Args...` in Dir with exactly Env (nothing inherited).
type Invocation struct {
	Go   string // path of the go binary
	Verb string
	Args []string
	Env  []string
	Dir  string
}

func (inv Invocation) String() string {
	return strings.Join(append([]string{"go", inv.Verb}, inv.Args...), " ")
}

// Run runs inv and returns its standard output and standard error. A failure is an error
// that names the command and includes what go printed on standard error.
func Run(ctx context.Context, inv Invocation) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(ctx, inv.Go, append([]string{inv.Verb}, inv.Args...)...)
	cmd.Env = inv.Env
	cmd.Dir = inv.Dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		return o.Bytes(), e.Bytes(), fmt.Errorf("%s (in %s): %w\n%s", inv, inv.Dir, err, strings.TrimSpace(e.String()))
	}
	return o.Bytes(), e.Bytes(), nil
}

// BuildNFlags are the flags of `go build -n` that every plan uses: -a and an empty GOCACHE make
// go print every action; the build ID is empty, as buildGoModule's (-n cannot give the real one).
// The binary goes into the directory outDir, so that go names it and no source directory of
// the same name is in its way. user are the user's build flags (-tags=..., -ldflags=..., ...):
// their -ldflags are kept, with -buildid= last.
func BuildNFlags(outDir string, user ...string) []string {
	ldflags := "-buildid="
	var rest []string
	for _, f := range user {
		if v, ok := strings.CutPrefix(f, "-ldflags="); ok {
			ldflags = v + " -buildid="
			continue
		}
		rest = append(rest, f)
	}
	return append([]string{"-n", "-a", "-trimpath", "-buildvcs=false", "-ldflags=" + ldflags, "-o", outDir + "/"}, rest...)
}

// TestNFlags are the arguments of `go test -n` for the packages pkgs: BuildNFlags' (without
// -o: go test keeps its test binaries in $WORK) and -vet=off, as buildGoModule's checkPhase;
// testFlags (-run=..., -short, ...) go after the packages, where go test takes them.
func TestNFlags(user, pkgs, testFlags []string) []string {
	args := BuildNFlags("", user...)
	for i, a := range args {
		if a == "-o" {
			args = append(args[:i:i], args[i+2:]...)
			break
		}
	}
	args = append(append(args, "-vet=off"), pkgs...)
	return append(args, testFlags...)
}

// ListFlags are the user's build flags that go list takes too: those that select files, and
// -pgo (with profiles, go list names the packages built for one program "PATH [MAIN]").
func ListFlags(user []string) []string {
	var l []string
	for _, f := range user {
		if strings.HasPrefix(f, "-tags=") || strings.HasPrefix(f, "-mod=") || strings.HasPrefix(f, "-pgo=") {
			l = append(l, f)
		}
	}
	return l
}
