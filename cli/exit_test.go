package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"stsim/cli"
)

// scenario is the path of a scenario file in testdata/scenarios.
func scenario(name string) string { return filepath.Join("testdata", "scenarios", name) }

// TestExitCodes calls cli.Main directly and checks the exact exit status
// README.md gives each outcome (0 success, 1 an expectation failed, 2 bad
// input or usage), with what goes to stdout and stderr.
func TestExitCodes(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.txt")
	tests := []struct {
		name   string
		args   []string
		status int
		stdout string // a regexp stdout must match; "" means stdout is empty
		stderr string // a regexp stderr must match; "" means stderr is empty
	}{
		{"default scenario", nil, cli.ExitOK, `(?m)^stsim report: seed-myapp `, ""},
		{"help", []string{"--help"}, cli.ExitOK, `(?m)^Usage:$`, ""},
		{"short help", []string{"-h"}, cli.ExitOK, `(?m)^Usage:$`, ""},
		{"version", []string{"version"}, cli.ExitOK, `^stsim \S+ \(scenario language stsim/v1\)\n$`, ""},
		{"list", []string{"list"}, cli.ExitOK, `(?m)^seed-myapp `, ""},
		{"show", []string{"show", "seed-myapp"}, cli.ExitOK, `(?m)^kind: Scenario$`, ""},
		{"validate good", []string{"validate", scenario("web.yaml")}, cli.ExitOK, `: ok \(scenario web-small, `, ""},
		{"run file", []string{"run", scenario("web.yaml")}, cli.ExitOK, `(?m)^stsim report: web-small `, ""},
		{"run file json", []string{"run", scenario("web.yaml"), "-o", "json"}, cli.ExitOK, `"apiVersion": "stsim/v1"`, ""},
		{"run bundled by name", []string{"run", "seed-myapp", "--rules", "deployment"}, cli.ExitOK, `(?m)^== Deployment rules`, ""},
		{"out file", []string{"run", scenario("web.yaml"), "--out", out}, cli.ExitOK, "", ""},

		{"expectation failed", []string{"run", scenario("expect-fail.yaml")}, cli.ExitExpect, `(?m)^  FAIL `, `^stsim: 1 of 6 expectations failed: web-small-fail \(statefulset rules\)\n$`},
		{"expectation failed json", []string{"run", scenario("expect-fail.yaml"), "-o", "json"}, cli.ExitExpect, `"ok": false`, `expectations failed`},

		{"unknown flag", []string{"--no-such-flag"}, cli.ExitUsage, "", `^stsim: error: unknown flag: --no-such-flag\nstsim: hint: `},
		{"unknown command", []string{"frobnicate"}, cli.ExitUsage, "", `^stsim: error: unknown command "frobnicate"\n`},
		{"run without files", []string{"run"}, cli.ExitUsage, "", `^stsim: error: run needs `},
		{"missing file", []string{"run", "testdata/scenarios/missing.yaml"}, cli.ExitUsage, "", `^stsim: error: open testdata/scenarios/missing.yaml: `},
		{"unknown bundled scenario", []string{"run", "no-such-scenario"}, cli.ExitUsage, "", `^stsim: error: no bundled scenario "no-such-scenario"`},
		{"YAML syntax error", []string{"run", scenario("bad-yaml.yaml")}, cli.ExitUsage, "", `^stsim: error: testdata/scenarios/bad-yaml\.yaml:\d+:\d+: invalid YAML: `},
		{"validate bad", []string{"validate", scenario("web.yaml"), scenario("bad-yaml.yaml")}, cli.ExitUsage, `: ok `, `bad-yaml\.yaml:\d+:\d+: `},
		{"bad seed", []string{"--seed", "x"}, cli.ExitUsage, "", `^stsim: error: invalid argument "x" for "--seed" flag`},
		{"bad rules", []string{"--rules", "daemonset"}, cli.ExitUsage, "", `^stsim: error: --rules: unknown rule set "daemonset"`},
		{"markdown", []string{"-o", "markdown"}, cli.ExitOK, "(?m)^# stsim report: seed-myapp$", ""},
		{"html", []string{"-o", "html"}, cli.ExitOK, "^<!DOCTYPE html>\n", ""},
		{"unknown format", []string{"-o", "yaml"}, cli.ExitUsage, "", `want text or json or markdown or html`},
		{"review of no file", []string{"review", "app.yaml"}, cli.ExitUsage, "", `^stsim: error: open app.yaml: no such file or directory\n`},
		{"show without name", []string{"show"}, cli.ExitUsage, "", `^stsim: error: show needs one `},
		{"help command", []string{"help"}, cli.ExitOK, `(?m)^Usage:$`, ""},
		{"two scenarios as one JSON array", []string{"run", scenario("web.yaml"), "seed-myapp", "-o", "json"}, cli.ExitOK, `^\[\n\{\n  "apiVersion": "stsim/v1"(?s:.*)\},\n\{\n(?s:.*)\}\n\]\n$`, ""},
		{"extra argument", []string{"list", "extra"}, cli.ExitUsage, "", `^stsim: error: list takes no arguments, got "extra"\n`},
		{"report flag on another command", []string{"version", "--out", out}, cli.ExitUsage, "", `^stsim: error: --out applies to run, review, not to version\n`},
		{"validate reports every bad file", []string{"validate", scenario("bad-yaml.yaml"), "testdata/scenarios/missing.yaml"}, cli.ExitUsage, "", `bad-yaml\.yaml:\d+:\d+: (?s:.*)missing\.yaml`},
		{"out in missing directory", []string{"--out", filepath.Join(t.TempDir(), "no", "report.txt")}, cli.ExitUsage, "", `^stsim: error: open `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := cli.Main(tt.args, &stdout, &stderr)
			if status != tt.status {
				t.Errorf("stsim %s: status %d, want %d\nstderr:\n%s", strings.Join(tt.args, " "), status, tt.status, stderr.String())
			}
			check(t, "stdout", stdout.String(), tt.stdout)
			check(t, "stderr", stderr.String(), tt.stderr)
		})
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("--out: %v", err)
	}
	check(t, "--out "+out, string(data), `^stsim report: web-small `)
}

func check(t *testing.T, name, got, pattern string) {
	t.Helper()
	if pattern == "" {
		if got != "" {
			t.Errorf("%s: want nothing, got:\n%s", name, got)
		}
		return
	}
	if !regexp.MustCompile(pattern).MatchString(got) {
		t.Errorf("%s does not match %q:\n%s", name, pattern, got)
	}
}
