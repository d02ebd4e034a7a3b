package replay_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/simtest"
)

// TestExpectationValues checks what each kind of check records as values
// (history.Expectation's WantValue and GotValue, the JSON report's want and
// got) beside the texts people read: numbers, lists of names, bools,
// conditions as {status, reason}, nil for nothing.
func TestExpectationValues(t *testing.T) {
	run := simtest.Run(t, scenario("statefulset", `  - apply: {}
  - waitFor: {rolledOut: true}
  - patch: {spec: {serviceName: other}}
  - expect:
      ready: 3
      podNames: [web-0, web-1, web-2]
      terminating: []
      pvcs: []
      resolve: {name: web-1.web, pod: web-1}
      rejected: {message: "updates to statefulset spec"}
      status: {replicas: 3, unavailableReplicas: 0, conditions: {Progressing: {status: "True"}}}
  - expect: {rejected: false}
  - expect: {resolve: {name: web-9.web, nxdomain: true}}
  - expect: {resolve: {name: web-9.web, addresses: 1}}
`), "statefulset")
	require.Len(t, run.Expectations, 12)
	type value struct{ want, got any }
	got := map[string]value{}
	for _, e := range run.Expectations {
		check := e.Check
		if _, dup := got[check]; dup {
			check += " again"
		}
		got[check] = value{e.WantValue, e.GotValue}
	}
	require.Contains(t, got, "resolve web-1.web")
	ip := got["resolve web-1.web"].want
	require.Len(t, ip, 1)
	for check, want := range map[string]value{
		"ready":                         {3, 3},
		"podNames":                      {[]string{"web-0", "web-1", "web-2"}, []string{"web-0", "web-1", "web-2"}},
		"terminating":                   {[]string{}, []string{}},
		"pvcs":                          {[]string{}, []string{}},
		"resolve web-1.web":             {ip, ip},
		"rejected":                      {"updates to statefulset spec", []string{got["rejected"].got.([]string)[0]}},
		"status.replicas":               {int64(3), int64(3)},
		"status.unavailableReplicas":    {int64(0), nil}, // a StatefulSet has none
		"status.conditions.Progressing": {map[string]any{"status": "True", "reason": nil}, nil},
		"rejected again":                {false, false},
		"resolve web-9.web":             {true, true},
		"resolve web-9.web again":       {1, nil},
	} {
		assert.Equal(t, want, got[check], check)
	}
}
