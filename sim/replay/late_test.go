package replay_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/simtest"
)

// TestStepThatRunsLate pins what docs/scenarios.md says of an at that has
// passed: the step runs at once, when the previous step ended, and the
// report lists a finding that it ran late; a step on time, or exactly at
// the end of the previous one, gives no finding.
func TestStepThatRunsLate(t *testing.T) {
	run := simtest.Run(t, scenario("statefulset", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - expect: {pods: 3}
    at: 1s
  - scale: {replicas: 2}
    at: 30s
  - expect: {pods: 2}
    at: 30s
  - expect: {pods: 2}
    at: 10s
`), "statefulset")
	var late []string
	for _, f := range run.Findings {
		if strings.Contains(f.Message, "runs late") {
			late = append(late, f.Message)
		}
	}
	require.Len(t, late, 2, "the steps at 1s and at 10s: %v", late)
	assert.Regexp(t, `^step 2 \(expect, test\.yaml:\d+:5\): runs late: at 1s, but the previous step ended at 6s$`, late[0])
	assert.Regexp(t, `^step 5 \(expect, test\.yaml:\d+:5\): runs late: at 10s, but the previous step ended at 30s$`, late[1])
	require.Len(t, run.Expectations, 3)
	assert.Equal(t, 6*time.Second, run.Expectations[0].Time, "a late step runs at once")
	assert.Equal(t, 30*time.Second, run.Expectations[2].Time)
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
}
