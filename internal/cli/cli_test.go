package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
)

func testProgram(ran *[]string) *Program {
	return &Program{Name: "tool", Doc: "tool does things.", Commands: []Command{{
		Name: "greet", Args: "[name]", Summary: "say hello", Doc: "greet says hello to name.", Example: "tool greet -loud you",
		Setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			loud := fs.Bool("loud", false, "shout")
			return func(_ context.Context, args []string) error {
				switch {
				case len(args) > 1:
					return Usagef("greet takes one name, got %q", args)
				case len(args) == 1 && args[0] == "nobody":
					return errors.New("nobody is there")
				}
				*ran = append(*ran, strings.Join(args, " "))
				if *loud {
					*ran = append(*ran, "loud")
				}
				return nil
			}
		},
	}}}
}

// Every way of asking for help exits 0 with the help on stdout; a wrong command line exits 2
// naming what is wrong; a failure exits 1 with the error; nothing runs but the command asked.
func TestMain(t *testing.T) {
	for _, c := range []struct {
		args           []string
		status         int
		stdout, stderr string // substrings
		ran            string
	}{
		{args: []string{"help"}, status: 0, stdout: "greet      say hello"},
		{args: []string{"-h"}, status: 0, stdout: "Usage: tool <command>"},
		{args: []string{"--help"}, status: 0, stdout: "Exit status: 0 done"},
		{args: []string{"help", "greet"}, status: 0, stdout: "Usage: tool greet [flags] [name]"},
		{args: []string{"greet", "-h"}, status: 0, stdout: "-loud"},
		{args: []string{"greet", "--help"}, status: 0, stdout: "tool greet -loud you"},
		{args: []string{"help", "frob"}, status: 2, stderr: `no command "frob"`},
		{args: nil, status: 2, stderr: "Commands:"},
		{args: []string{"frob"}, status: 2, stderr: `unknown command "frob" (commands: greet;`},
		{args: []string{"greet", "-quiet"}, status: 2, stderr: "flag provided but not defined: -quiet\nUsage: tool greet [flags] [name]"},
		{args: []string{"greet", "a", "b"}, status: 2, stderr: `greet takes one name, got ["a" "b"]`},
		{args: []string{"greet", "nobody"}, status: 1, stderr: "tool: nobody is there"},
		{args: []string{"greet", "-loud", "you"}, status: 0, ran: "you loud"},
	} {
		var ran []string
		var stdout, stderr bytes.Buffer
		status := testProgram(&ran).Main(context.Background(), c.args, &stdout, &stderr)
		if status != c.status || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) ||
			strings.Join(ran, " ") != c.ran {
			t.Errorf("tool %q: exit %d (want %d), ran %q (want %q)\nstdout:\n%s\nstderr:\n%s\nwant stdout with %q, stderr with %q",
				c.args, status, c.status, ran, c.ran, &stdout, &stderr, c.stdout, c.stderr)
		}
	}
}
