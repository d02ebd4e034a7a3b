// Package cli is the stsim command line. Main finds the command in the
// arguments (commands.go lists them, one file each: run, list, show,
// validate, review, version, help), lets it parse its own flags and run,
// and maps what it returns to the exit status: 0 success, 1 an expectation
// failed, 2 bad input or usage, 3 an internal error.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/pflag"

	"stsim/limits"
	"stsim/scenarios"
)

// Exit statuses.
const (
	ExitOK       = 0
	ExitExpect   = 1
	ExitUsage    = 2
	ExitInternal = 3
)

// Version is the version printed by `stsim version`.
const Version = "0.1.0"

// usageError is a mistake on the command line (exit 2, with a hint).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// inputError wraps a bad scenario or file (exit 2).
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// expectationsFailed says how many checks failed, and where (exit 1).
type expectationsFailed struct {
	failed, total int
	where         []string // "scenario (rules)" of each run with a failure
}

func (e *expectationsFailed) Error() string {
	return fmt.Sprintf("%d of %d expectations failed: %s", e.failed, e.total, joinComma(e.where))
}

// Main runs stsim with args and returns its exit status. A scenario given
// as - is read from standard input.
func Main(args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "stsim: internal error: %s\n", message(fmt.Errorf("%v", r)))
			if os.Getenv("STSIM_DEBUG") != "" {
				stderr.Write(debug.Stack())
			}
			status = ExitInternal
		}
	}()
	out := &stdoutWriter{w: stdout}
	err := dispatch(context.Background(), args, &env{stdin: os.Stdin, stdout: out, stderr: stderr})
	var ue *usageError
	var ie *inputError
	var fail *expectationsFailed
	var capped *limits.Error
	if out.err != nil && (err == nil || errors.Is(err, pflag.ErrHelp) || errors.As(err, &fail)) {
		// What was written is not all there: that is not a success.
		err = &inputError{fmt.Errorf("cannot write standard output: %w", cause(out.err))}
	}
	switch {
	case err == nil, errors.Is(err, pflag.ErrHelp):
		return ExitOK
	case errors.As(err, &fail):
		fmt.Fprintf(stderr, "stsim: %s\n", message(err))
		return ExitExpect
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "stsim: error: %s\nstsim: hint: run 'stsim --help' for usage\n", message(err))
		return ExitUsage
	case errors.As(err, &ie), errors.As(err, &capped):
		fmt.Fprintf(stderr, "stsim: error: %s\n", message(err))
		return ExitUsage
	}
	fmt.Fprintf(stderr, "stsim: internal error: %s\n", message(err))
	return ExitInternal
}

// env is what every command reads from and writes to.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// dispatch finds the command among the arguments (flags may come before
// it), checks that every flag given belongs to it, and runs it with the
// other arguments. Without a command stsim runs the default scenario.
func dispatch(ctx context.Context, args []string, e *env) error {
	all := allFlags(e)
	if err := parse(all, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprint(e.stdout, usage(all))
		}
		return err
	}
	name, rest := "run", append(args[:len(args):len(args)], scenarios.DefaultName)
	if len(all.Args()) > 0 {
		// Parsing up to the first argument that is not a flag finds where
		// the command word is.
		head := allFlags(e)
		head.SetInterspersed(false)
		if err := parse(head, args); err != nil {
			return err
		}
		at := len(args) - len(head.Args())
		name = args[at]
		rest = append(args[:at:at], args[at+1:]...)
	}
	spec := findCommand(name)
	if spec == nil {
		return usagef("unknown command %q", name)
	}
	cmd := spec.new(e)
	var foreign error
	all.Visit(func(f *pflag.Flag) {
		if foreign == nil && cmd.flags().Lookup(f.Name) == nil {
			foreign = usagef("--%s applies to %s, not to %s", f.Name, joinComma(commandsWithFlag(f.Name)), name)
		}
	})
	if foreign != nil {
		return foreign
	}
	return cmd.Run(ctx, rest)
}

// parse parses args with fs, quietly.
func parse(fs *pflag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	return nil
}

func joinComma(items []string) string {
	out := ""
	for i, s := range items {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
