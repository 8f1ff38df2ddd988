// Package cgo restores the C compiler flags that `go build -n` leaves out.
//
// Under -n, cmd/go answers every "does the C compiler support FLAG?" probe with no (it prints
// the probe as `CC FLAG ... || true` instead of running it), so the printed C compiler lines lack
// the flags a real build passes: -Wl,--no-gc-sections, the -ffile-prefix-map (or
// -fdebug-prefix-map) of the work and source directories, -gno-record-gcc-switches and
// -frandom-seed. Without them C debug information keeps real paths and the binary differs.
//
// Restore asks the real compiler (as cmd/go's gccSupportsFlag does) and puts the flags where
// cmd/go's compilerCmd and ccompile put them. The flags are given in the form they take in the
// replayed command: the work and source directories are the replay's.
package cgo

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
)

// Supports reports whether a C compiler accepts a flag.
type Supports func(flag string) bool

// Probe asks the compiler cc (a command line: program and arguments) the way cmd/go does:
// run it on an empty C input and look for a complaint in its output.
func Probe(cc []string, env []string) Supports {
	cache := map[string]bool{}
	return func(flag string) bool {
		if v, ok := cache[flag]; ok {
			return v
		}
		args := append(slices.Clone(cc[1:]), flag, "-O2", "-g")
		if !bytes.HasPrefix([]byte(flag), []byte("-Wl,")) {
			args = append(args, "-c")
		}
		args = append(args, "-x", "c", "-", "-o", "/dev/null")
		cmd := exec.Command(cc[0], args...)
		cmd.Env = append(slices.Clone(env), "LC_ALL=C")
		out, _ := cmd.CombinedOutput()
		ok := true
		for _, bad := range []string{"unrecognized", "unknown", "unrecognised", "is not supported", "not recognized", "unsupported"} {
			if bytes.Contains(out, []byte(bad)) {
				ok = false
			}
		}
		cache[flag] = ok
		return ok
	}
}

// Probed are the flags Restore asks about.
var Probed = []string{"-fno-caret-diagnostics", "-Qunused-arguments", "-Wl,--no-gc-sections",
	"-fdebug-prefix-map=a=b", "-ffile-prefix-map=a=b", "-gno-record-gcc-switches", "-frandom-seed=1"}

// Dirs are the directories of one replayed C compiler command.
type Dirs struct {
	Work   string // the action's object directory, as the replay names it
	Source string // directory prefix of the package's sources, as the replay names it
	// TrimTo is where Source maps to: "/_/<module>@<version>[/<dir>]" or "/_/GOROOT".
	TrimTo string
	Seed   string // value for -frandom-seed
}

// Restore returns args (a C compiler command as -n printed it) with the flags cmd/go would
// have added for a compiler that supports them.
func Restore(args []string, has Supports, d Dirs) ([]string, error) {
	at := slices.Index(args, "-fmessage-length=0")
	if at < 0 {
		return nil, fmt.Errorf("C compiler command without -fmessage-length=0, not a shape cmd/go prints: %q", args)
	}
	var before, after []string
	for _, f := range []string{"-fno-caret-diagnostics", "-Qunused-arguments", "-Wl,--no-gc-sections"} {
		if has(f) {
			before = append(before, f)
		}
	}
	mapFlag := ""
	if has("-fdebug-prefix-map=a=b") {
		mapFlag = "-fdebug-prefix-map"
		if has("-ffile-prefix-map=a=b") {
			mapFlag = "-ffile-prefix-map"
		}
		after = append(after, mapFlag+"="+d.Work+"=/tmp/go-build")
	}
	if has("-gno-record-gcc-switches") {
		after = append(after, "-gno-record-gcc-switches")
	}
	out := slices.Concat(args[:at], before, args[at:at+1], after, args[at+1:])

	// ccompile: CC ... FLAGS -o OUT -c FILE gets the source prefix map and a random seed.
	n := len(out)
	if n >= 4 && out[n-2] == "-c" && out[n-4] == "-o" {
		var extra []string
		if mapFlag != "" {
			extra = append(extra, mapFlag+"="+d.Source+"="+d.TrimTo)
		}
		if has("-frandom-seed=1") {
			extra = append(extra, "-frandom-seed="+d.Seed)
		}
		out = slices.Concat(out[:n-4], extra, out[n-4:])
	}
	return out, nil
}
