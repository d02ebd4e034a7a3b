package replay_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/simtest"
)

const dnsScenario = `apiVersion: stsim/v1
kind: Scenario
metadata: {name: dns}
spec:
  rules: [statefulset]
  cluster: {nodes: 2}
  dns: {ttl: 10}
  manifests:
  - inline:
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
  - inline:
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        serviceName: web
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
  steps:
  - apply: {}
  - waitFor: {rolledOut: true}
  - resolve: {name: web-1.web}
  - resolve: {name: _http._tcp.web, type: SRV}
  - resolve: {name: web-7.web}
  - resolve: {name: default.svc.cluster.local.}
  - resolve: {name: example.com}
  - expect: {resolve: {name: web-1.web, ordinal: 1}}
  - expect: {resolve: {name: default.svc.cluster.local., addresses: 0}}
  - expect: {resolve: {name: example.com, nxdomain: true}}
  - expect: {resolve: {name: example.com, addresses: 0}}
`

// TestResolveStepsAndChecks runs resolve steps and expect checks through
// the replay (R-DNS-2, N4, N6, NET-2): each look-up is recorded with its
// FQDN, answers, pods and the scenario's TTL (the negative TTL for
// NXDOMAIN and NODATA); a name outside the cluster domain is recorded as
// outside the simulation, which neither an nxdomain nor an addresses check
// accepts.
func TestResolveStepsAndChecks(t *testing.T) {
	run := simtest.Run(t, dnsScenario, "statefulset")
	require.Len(t, run.Lookups, 5)
	strip := func(l history.Lookup) history.Lookup { l.Time = 0; return l }
	web1 := run.Lookups[0].Answers
	require.Len(t, web1, 1)
	assert.Equal(t, history.Lookup{Name: "web-1.web", Type: "A", FQDN: "web-1.web.default.svc.cluster.local",
		Answers: web1, Pods: []string{"web-1"}, TTL: 10}, strip(run.Lookups[0]))
	assert.Equal(t, []string{"web-0", "web-1"}, run.Lookups[1].Pods)
	assert.Equal(t, "0 50 80 web-1.web.default.svc.cluster.local", run.Lookups[1].Answers[1])
	assert.Equal(t, history.Lookup{Name: "web-7.web", Type: "A", FQDN: "web-7.web.default.svc.cluster.local", NXDomain: true, TTL: 10},
		strip(run.Lookups[2]))
	assert.Equal(t, history.Lookup{Name: "default.svc.cluster.local.", Type: "A", FQDN: "default.svc.cluster.local", TTL: 10},
		strip(run.Lookups[3]), "NODATA")
	assert.Equal(t, history.Lookup{Name: "example.com", Type: "A", FQDN: "example.com", Outside: true}, strip(run.Lookups[4]))

	require.Len(t, run.Expectations, 4)
	for i, ok := range []bool{true, true, false, false} {
		e := run.Expectations[i]
		assert.Equal(t, ok, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	assert.Equal(t, "no answer", run.Expectations[1].Got)
	assert.Equal(t, "outside the simulation (not a cluster name; forwarded upstream)", run.Expectations[2].Got)
}
