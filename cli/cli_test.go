package cli_test

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"stsim/cli"
)

// update rewrites the golden files under testdata/golden (and the
// expected output that testscript's cmp compares against) instead of
// comparing: go test ./cli -update.
var update = flag.Bool("update", false, "rewrite golden files instead of comparing with them")

// TestMain lets the test binary stand in for the stsim command: testscript
// puts a copy of it named stsim on the scripts' PATH, and when run under that
// name it is cli.Main, exactly as cmd/stsim calls it.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"stsim": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: each one runs
// the real command line and checks its stdout, stderr and exit status.
//
// Besides the standard testscript commands, scripts can use
//
//	exitcode N PROGRAM [ARGS...]
//
// which runs PROGRAM and fails unless it exits with status N; stdout and
// stderr are then checked as after exec. (`! exec` only checks that the
// status is not 0, and stsim's 1, 2 and 3 mean different things.)
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds:          map[string]func(ts *testscript.TestScript, neg bool, args []string){"exitcode": exitcode},
	})
}

// exitcode is the script command `exitcode N PROGRAM [ARGS...]`.
func exitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode (give the status you expect)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad status %q: %v", args[0], err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
