package report

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
)

// TestSummaryCounts checks the report's summary: expectations counted over
// the runs, the aspects that differ, null differences with one rule set.
func TestSummaryCounts(t *testing.T) {
	r := buildFixture()
	differ := 0
	for _, d := range r.Differences {
		if !d.Same {
			differ++
		}
	}
	// The deployment fixture's one finding is its timed-out waitFor.
	want := Summary{Expectations: ExpectationCounts{Passed: 2, Failed: 1, Total: 3}, Differences: &differ, Findings: 1}
	if diff := cmp.Diff(want, r.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if differ == 0 {
		t.Errorf("no aspect differs in the fixture")
	}
	one := Build(fixtureHeader, []*history.Run{stsFixture()}).Summary
	if diff := cmp.Diff(Summary{Expectations: ExpectationCounts{Passed: 2, Total: 2}}, one); diff != "" {
		t.Errorf("summary with one rule set (-want +got):\n%s", diff)
	}
}

// TestJSONScenarioObject checks the order of the report's first keys and
// that a scenario without a description has a null one.
func TestJSONScenarioObject(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, "json", []*Report{Build(Header{Name: "bare", Seed: 3, File: "bare.yaml"}, nil)}, Options{}))
	want := `{
  "apiVersion": "stsim/v1",
  "kind": "Report",
  "scenario": {
    "name": "bare",
    "seed": 3,
    "description": null,
    "file": "bare.yaml",
    "notes": []
  },
  "summary": {
    "expectations": {
      "passed": 0,
      "failed": 0,
      "total": 0
    },
    "differences": null,
    "findings": 0
  },
  "runs": [],
  "differences": []
}
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}
