package cgo

import (
	"bytes"
	"fmt"
	"strings"
)

// PkgConfig is what pkg-config answered for a package's `#cgo pkg-config:` lines. Under -n,
// cmd/go prints its pkg-config calls without running them, so the printed commands lack their
// answers; the planner runs them (as cmd/go's getPkgConfigFlags does) and Insert puts the
// answers where cmd/go puts them.
type PkgConfig struct {
	CFlags, Libs []string
}

// PkgConfigArgs splits a package's `#cgo pkg-config:` words into pkg-config's options and
// the packages, as cmd/go does: the arguments of `pkg-config --cflags|--libs OPTS -- PKGS`.
func PkgConfigArgs(words []string) (opts, pkgs []string) {
	for _, w := range words {
		if strings.HasPrefix(w, "-") {
			opts = append(opts, w)
		} else {
			pkgs = append(pkgs, w)
		}
	}
	return opts, pkgs
}

// SplitPkgConfig splits pkg-config's output into flags. cmd/go understands shell quoting
// there; dgd takes plain words and refuses quotes and backslashes rather than guess.
func SplitPkgConfig(out []byte) ([]string, error) {
	out = bytes.TrimSpace(out)
	if bytes.ContainsAny(out, `"'\`) {
		return nil, fmt.Errorf("pkg-config printed quotes or backslashes, which dgd does not split yet: %s", out)
	}
	return strings.Fields(string(out)), nil
}
