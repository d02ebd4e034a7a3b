package replay_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/simtest"
)

// clientsScenario has clients reach pods by DNS name (a pod's own name, a
// ClusterIP Service, SRV records) and by role.
const clientsScenario = `apiVersion: stsim/v1
kind: Scenario
metadata: {name: clients}
spec:
  roles:
    primary: {ordinals: [0]}
    replica: {others: true, readOnly: true}
  manifests:
  - inline:
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
  - inline:
      apiVersion: v1
      kind: Service
      metadata: {name: web-lb}
      spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
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
          spec: {containers: [{name: nginx, image: "nginx:1.27", ports: [{name: http, containerPort: 80}]}]}
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  steps:
  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {dns: web-0.web}, key: a, value: "1"}
  - read: {target: {dns: web-lb}, key: a}
  - read: {target: {dns: _http._tcp.web, type: SRV}, key: a}
  - write: {target: {role: replica}, key: c, value: "3"}
  - deletePod: {target: {role: primary}}
  - waitFor: {podReady: {role: primary}}
  - read: {target: {dns: web-0.web}, key: a}
`

// TestClientsByDNSNameUnderStatefulSetRules (NET-3, NET-4): web-0.web is the pod of
// ordinal 0 whoever holds it, since the StatefulSet controller gives each
// pod its name as hostname and the Service as subdomain (updateIdentity in
// pkg/controller/statefulset/stateful_set_utils.go) and CoreDNS answers
// hostname.subdomain with the pod's address. A ClusterIP Service reaches a
// ready endpoint; SRV records name a pod. Each look-up is a Lookup row; a
// write by a read-only role fails and is a Failure row.
func TestClientsByDNSNameUnderStatefulSetRules(t *testing.T) {
	run := simtest.Run(t, clientsScenario, "statefulset")
	var names []string
	for _, l := range run.Lookups {
		names = append(names, l.Name)
	}
	assert.Equal(t, []string{"web-0.web", "web-lb", "_http._tcp.web", "web-0.web"}, names)
	require.Len(t, run.Writes, 1)
	assert.Equal(t, "web-0", run.Writes[0].Pod)
	require.Len(t, run.Failures, 1)
	assert.Equal(t, history.Failure{Time: run.Failures[0].Time, Step: 5, Op: "write", Target: "{role: replica}", Pod: "web-1",
		Volume: "data", Key: "c", Value: "3", Reason: "pod web-1 has role replica, which is read-only", Seq: 4}, run.Failures[0])
	require.Len(t, run.Reads, 3)
	assert.Contains(t, []string{"web-0", "web-1"}, run.Reads[0].Pod, "a ready endpoint of web-lb")
	last := run.Reads[2]
	assert.Equal(t, "web-0", last.Pod)
	assert.True(t, last.Found, "the new web-0 reads what the old one wrote, on its own claim")
	assert.Equal(t, "1", last.Value)
	assert.Empty(t, run.Findings)
}

// TestClientsByDNSNameUnderDeploymentRules (NET-3): a Deployment's pods have no
// hostname or subdomain (the ReplicaSet controller sets neither), so
// web-0.web is NXDOMAIN and every write and read through it fails, with the
// look-up recorded; the Service names still answer.
func TestClientsByDNSNameUnderDeploymentRules(t *testing.T) {
	run := simtest.Run(t, clientsScenario, "deployment")
	require.Len(t, run.Lookups, 4)
	assert.True(t, run.Lookups[0].NXDomain)
	assert.False(t, run.Lookups[1].NXDomain)
	var reasons []string
	for _, f := range run.Failures {
		reasons = append(reasons, f.Op+" "+f.Target+" "+f.Pod+": "+f.Reason)
	}
	assert.Equal(t, []string{
		"write {dns: web-0.web} : NXDOMAIN",
		"write {role: replica} " + run.Failures[1].Pod + ": pod " + run.Failures[1].Pod + " has role replica, which is read-only",
		"read {dns: web-0.web} : NXDOMAIN",
	}, reasons)
	assert.Empty(t, run.Writes)
	require.Len(t, run.Reads, 2, "the reads through the ClusterIP Service and the SRV records")
}
