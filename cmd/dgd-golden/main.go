// Command dgd-golden records what the go command prints for each example (goldens/).
//
//	dgd-golden [-go path/to/go]...
//
// With no -go, it records with the go on PATH.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/dgd-build/dgd/internal/goldens"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	var gos list
	flag.Var(&gos, "go", "a go `command` to record with (repeatable; default: go on PATH)")
	flag.Parse()
	if len(gos) == 0 {
		gos = list{goldens.HostGo()}
	}
	for _, g := range gos {
		for _, ex := range goldens.Examples {
			dir, err := goldens.Record(context.Background(), g, ex)
			if err != nil {
				fmt.Fprintf(os.Stderr, "dgd-golden: %s with %s: %v\n", ex, g, err)
				os.Exit(1)
			}
			fmt.Println("recorded", dir)
		}
	}
}
