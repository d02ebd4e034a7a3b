package cli_test

import (
	"io"
	"testing"

	"stsim/cli"
)

// BenchmarkDefaultScenario is the whole command: load the default scenario,
// replay it under both rule sets and render the text report.
func BenchmarkDefaultScenario(b *testing.B) {
	for b.Loop() {
		if status := cli.Main([]string{"--events"}, io.Discard, io.Discard); status > cli.ExitExpect {
			b.Fatalf("status %d", status)
		}
	}
}

// BenchmarkDefaultScenarioJSON is the same with the JSON report.
func BenchmarkDefaultScenarioJSON(b *testing.B) {
	for b.Loop() {
		if status := cli.Main([]string{"-o", "json"}, io.Discard, io.Discard); status > cli.ExitExpect {
			b.Fatalf("status %d", status)
		}
	}
}
