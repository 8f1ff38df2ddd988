package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestChecksPerPackage builds examples/tested with its tests (doCheck, on by default): the
// tests pass as with go test, their output is in the log, the test binary is the one
// go test runs, and editing a test file re-runs that package's test derivations only.
func TestChecksPerPackage(t *testing.T) {
	requireNix(t)
	const calc = "example.com/tested/calc"
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			dir := copyDir(t, filepath.Join(repo, "examples", "tested"))
			// test code never built before (the store outlives the test): the tests run. stamp
			// is data of the test variant, unexported: not in its export data
			tf := filepath.Join(dir, "calc", "calc_test.go")
			src, _ := os.ReadFile(tf)
			os.WriteFile(tf, append(src, fmt.Sprintf("\nvar stamp = \"%s %d\"\n", builder, time.Now().UnixNano())...), 0o644)
			if out, ok := goTest(t, dir, "./..."); !ok {
				t.Fatalf("go test fails on examples/tested:\n%s", out)
			}
			outs, log, err := buildDir(t, builder, dir, `checkFlags = [ "-v" ];`)
			if err != nil {
				t.Fatalf("%v\n%s", err, log)
			}
			for _, want := range []string{`--- PASS: TestLoopback`, `--- PASS: TestTestdata`, `--- PASS: TestWritable`, `--- PASS: TestGreeting`, `ok\s+` + regexp.QuoteMeta(calc)} {
				if !regexp.MustCompile(want).MatchString(log) {
					t.Errorf("the log lacks %q:\n%s", want, log)
				}
			}
			if s := run(t, filepath.Join(outs[0], "bin", "tested")); s != "Hello, DGD!" {
				t.Errorf("printed %q", s)
			}

			// a test-only edit that keeps the variant's export data: the program's packages
			// and link stay, so do the packages built against the variant (early cutoff); the
			// variant, the test binary and the run are built again
			src, _ = os.ReadFile(tf)
			edited := bytes.Replace(src, []byte(`var stamp = "`), []byte(`var stamp = "edited `), 1)
			if bytes.Equal(src, edited) {
				t.Fatal("the edit changed nothing: examples/tested/calc/calc_test.go was changed")
			}
			os.WriteFile(tf, edited, 0o644)
			_, log, err = buildDir(t, builder, dir, `checkFlags = [ "-v" ];`)
			if err != nil {
				t.Fatalf("after the edit: %v\n%s", err, log)
			}
			// a test file is in the planner's input whole (go list makes the test main from
			// it): the skeleton and the plan are made again; the plan is the same, so the
			// shared producer is not run again (dynamic derivations), the main one is. The
			// programs are collected again after the tests passed: buildWithIFD strips in the
			// collector (the result), buildWithDynDrv's result copies from it
			perEdit := map[string][]string{"buildWithIFD": {"tested-skeleton", "tested-plan.json", "tested"},
				"buildWithDynDrv": {"tested-skeleton", "tested-plan.json", "tested.drv", "tested", "tested"}}[builder]
			want := append([]string{
				"gopkg-example.com-tested-calc+example.com-tested-calc.test",
				"gotest-example.com-tested-calc", "gotest-run-example.com-tested-calc",
			}, perEdit...)
			slices.Sort(want)
			if diff := cmp.Diff(want, built(log)); diff != "" {
				t.Errorf("rebuilt derivations after a test-only edit (-want +got):\n%s\nlog:\n%s", diff, log)
			}
		})
	}

	// the test binary is the one go test runs (-exec: a program that keeps a copy, then runs it)
	dir := filepath.Join(repo, "examples", "tested")
	outs, log, err := nixBuild(t, "-E", fmt.Sprintf(`((import %s { }).buildWithIFD { src = %s; }).passthru.tests.%q.link`, repo, dir, calc))
	if err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	got, _ := os.ReadFile(filepath.Join(outs[0], "bin", "calc.test"))
	tmp := t.TempDir()
	keep := filepath.Join(tmp, "keep")
	os.WriteFile(keep, []byte("#!/bin/sh\ncp \"$1\" "+tmp+"/calc.test\nexec \"$@\"\n"), 0o755)
	if out, ok := goTest(t, dir, "-ldflags=-buildid=", "-exec", keep, "./calc"); !ok {
		t.Fatalf("go test -exec: %s", out)
	}
	want, _ := os.ReadFile(filepath.Join(tmp, "calc.test"))
	if len(got) == 0 || !bytes.Equal(got, want) {
		t.Errorf("the test binary differs from the one go test runs (%d vs %d bytes)", len(got), len(want))
	}
}

// TestFailingTest: a failing test fails the build with the test's output, as go test fails;
// checkFlags that leave it out let the build pass, as they let go test pass; doCheck = false
// builds no test at all.
func TestFailingTest(t *testing.T) {
	requireNix(t)
	dir := filepath.Join(repo, "examples", "failing")
	if out, ok := goTest(t, dir, "."); ok {
		t.Fatalf("go test passes on examples/failing:\n%s", out)
	}
	if out, ok := goTest(t, dir, ".", "-run=TestGreeting"); !ok {
		t.Fatalf("go test -run=TestGreeting fails:\n%s", out)
	}
	for _, builder := range []string{"buildWithIFD", "buildWithDynDrv"} {
		t.Run(builder, func(t *testing.T) {
			_, log, err := buildDir(t, builder, dir, "")
			if err == nil {
				t.Fatalf("the build passed with a failing test:\n%s", log)
			}
			for _, want := range []string{`--- FAIL: TestBroken`, `this test fails on purpose: 2 != 3`, `FAIL\s+example\.com/failing`} {
				if !regexp.MustCompile(want).MatchString(log) {
					t.Errorf("the log lacks %q:\n%s", want, log)
				}
			}
			if _, log, err := buildDir(t, builder, dir, `checkFlags = [ "-run=TestGreeting" ];`); err != nil {
				t.Errorf("with -run=TestGreeting: %v\n%s", err, log)
			}
			_, log, err = buildDir(t, builder, dir, `doCheck = false;`)
			if err != nil {
				t.Fatalf("doCheck = false: %v\n%s", err, log)
			}
			if regexp.MustCompile(`gotest-`).MatchString(log) {
				t.Errorf("doCheck = false built tests:\n%s", log)
			}
		})
	}
}
