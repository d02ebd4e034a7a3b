package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// command is one stsim command: its own flag set, and Run, which parses
// args (flags included, the command word left out) with it.
type command interface {
	flags() *pflag.FlagSet
	Run(ctx context.Context, args []string) error
}

// base is what every command has: the streams it writes to and its own
// flag set.
type base struct {
	*env
	fs *pflag.FlagSet
}

func newBase(e *env, name string) base {
	return base{env: e, fs: pflag.NewFlagSet(name, pflag.ContinueOnError)}
}

func (b base) flags() *pflag.FlagSet { return b.fs }

// commandSpec describes a command for dispatch and for help.
type commandSpec struct {
	name string
	// synopsis and summary make its line in the usage text.
	synopsis, summary string
	new               func(e *env) command
}

// commands is the command table, in the order help lists it.
var commands = []commandSpec{
	{"run", "stsim run SCENARIO... [flags]", "run scenario files, bundled scenario names, or - (standard input)", newRun},
	{"list", "stsim list", "list the bundled scenarios", newList},
	{"show", "stsim show NAME", "print a bundled scenario", newShow},
	{"validate", "stsim validate FILE...", "check scenario files without running them", newValidate},
	{"review", "stsim review MANIFEST...", "standard faults against your own workload's manifests, under both rule sets", newReview},
	{"version", "stsim version", "print the version", newVersion},
	{"help", "stsim help", "print this help", newHelp},
}

func findCommand(name string) *commandSpec {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// allFlags is every command's flags in one set, to find the command word
// among flags given before it.
func allFlags(e *env) *pflag.FlagSet {
	all := pflag.NewFlagSet("stsim", pflag.ContinueOnError)
	for _, c := range commands {
		c.new(e).flags().VisitAll(func(f *pflag.Flag) {
			if all.Lookup(f.Name) == nil {
				all.AddFlag(f)
			}
		})
	}
	return all
}

// commandsWithFlag names the commands that take a flag.
func commandsWithFlag(name string) []string {
	var out []string
	for _, c := range commands {
		if c.new(&env{}).flags().Lookup(name) != nil {
			out = append(out, c.name)
		}
	}
	return out
}

const usageHead = `stsim simulates what Kubernetes does to a workload under StatefulSet rules
and under Deployment rules, on a virtual clock, and reports the differences in
pod identity (names, ordinals, DNS, volumes) and data retention.

Usage:
`

const usageTail = `
With -o json, one scenario gives one Report document; several give a JSON
array of Reports.

Flags:
`

// usage is the help text: the command table, then every flag.
func usage(all *pflag.FlagSet) string {
	lines := []string{fmt.Sprintf("  %-29s  %s", "stsim [flags]", "run the built-in default scenario (the seed's myapp example)")}
	for _, c := range commands {
		lines = append(lines, fmt.Sprintf("  %-29s  %s", c.synopsis, c.summary))
	}
	return usageHead + strings.Join(lines, "\n") + "\n" + usageTail + all.FlagUsages()
}

// noArgs parses a command that takes no arguments.
func noArgs(fs *pflag.FlagSet, name string, args []string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	if rest := fs.Args(); len(rest) > 0 {
		return usagef("%s takes no arguments, got %q", name, strings.Join(rest, " "))
	}
	return nil
}
