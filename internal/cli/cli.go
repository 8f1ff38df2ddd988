// Package cli is the command line of dgd's programs: subcommands, their help (`help CMD`,
// `-h`, `--help`), usage errors and the exit status.
//
// Exit status, for every program: 0 when the command did what it was asked (help included),
// 1 when it failed, 2 when the command line is wrong (an unknown command or flag, a missing
// argument); a usage error names what is wrong and the command whose help says more.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// The exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// UsageError is an error in the command line (exit status 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef is a UsageError with a message formatted as fmt.Errorf does.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// Command is one command of a program.
type Command struct {
	Name    string // the subcommand ("plan"); empty for a program that is one command
	Args    string // what follows the flags in the usage line ("[package]")
	Summary string // one line, for the program's list of commands
	Doc     string // what the command does, in paragraphs
	Example string // command lines, one per line
	// Setup declares the command's flags on fs and returns what runs the command on the
	// arguments the flags leave
	Setup func(fs *flag.FlagSet) func(ctx context.Context, args []string) error
}

// Program is a program's commands.
type Program struct {
	Name     string    // "dgd"
	Doc      string    // what the program is, for its help
	Commands []Command // in the order its help lists them
}

// Main runs the command line args (without the program's name) and returns the exit status.
// Help goes to stdout, errors to stderr.
func (p *Program) Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		p.help(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			p.help(stdout)
			return ExitOK
		}
		if c := p.command(args[1]); c != nil && len(args) == 2 {
			c.help(stdout, p.Name)
			return ExitOK
		}
		fmt.Fprintf(stderr, "%s help: no command %q (commands: %s)\n", p.Name, strings.Join(args[1:], " "), p.names())
		return ExitUsage
	}
	c := p.command(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "%s: unknown command %q (commands: %s; `%s help` says what each does)\n", p.Name, args[0], p.names(), p.Name)
		return ExitUsage
	}
	return c.run(ctx, p.Name, args[1:], stdout, stderr)
}

// Main runs a program that is the one command c.
func (c *Command) Main(ctx context.Context, prog string, args []string, stdout, stderr io.Writer) int {
	return c.run(ctx, prog, args, stdout, stderr)
}

func (p *Program) command(name string) *Command {
	for i := range p.Commands {
		if p.Commands[i].Name == name {
			return &p.Commands[i]
		}
	}
	return nil
}

func (p *Program) names() string {
	var n []string
	for _, c := range p.Commands {
		n = append(n, c.Name)
	}
	return strings.Join(n, ", ")
}

func (p *Program) help(w io.Writer) {
	fmt.Fprintf(w, "%s\n\nUsage: %s <command> [flags] [arguments]\n\nCommands:\n", strings.TrimSpace(p.Doc), p.Name)
	for _, c := range p.Commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintf(w, "\n`%s help <command>` (or `%s <command> -h`) shows a command's flags and an example.\n", p.Name, p.Name)
	fmt.Fprintf(w, "Exit status: 0 done (help too), 1 failed, 2 a wrong command line.\n")
}

func (c *Command) flags(prog string) (*flag.FlagSet, func(context.Context, []string) error) {
	fs := flag.NewFlagSet(c.title(prog), flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, by run
	fs.Usage = func() {}
	return fs, c.Setup(fs)
}

func (c *Command) title(prog string) string {
	if c.Name == "" {
		return prog
	}
	return prog + " " + c.Name
}

func (c *Command) usageLine(prog string, fs *flag.FlagSet) string {
	line := c.title(prog)
	if hasFlags(fs) {
		line += " [flags]"
	}
	if c.Args != "" {
		line += " " + c.Args
	}
	return line
}

func hasFlags(fs *flag.FlagSet) bool {
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	return has
}

func (c *Command) help(w io.Writer, prog string) {
	fs, _ := c.flags(prog)
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.usageLine(prog, fs), strings.TrimSpace(c.Doc))
	if hasFlags(fs) {
		fmt.Fprintf(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	if c.Example != "" {
		fmt.Fprintf(w, "\nExample:\n")
		for _, l := range strings.Split(strings.TrimSpace(c.Example), "\n") {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

func (c *Command) run(ctx context.Context, prog string, args []string, stdout, stderr io.Writer) int {
	fs, runCmd := c.flags(prog)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		c.help(stdout, prog)
		return ExitOK
	}
	if err != nil {
		err = &UsageError{err}
	} else {
		err = runCmd(ctx, fs.Args())
	}
	var usage *UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "%s: %v\nUsage: %s (`%s -h` says more)\n", c.title(prog), err, c.usageLine(prog, fs), c.title(prog))
		return ExitUsage
	default:
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return ExitFailure
	}
}
