package tainteviction_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/simtest"
)

// TestEvictionSparesAPodOfTheSameName follows H4 and the v1.37 taint
// eviction controller's UID-keyed work items (NewWorkArgsWithUID,
// handlePodUpdate, addConditionAndDeletePod): web-1 on a cut-off node is
// scheduled for deletion 300s after the taint; when it is force-deleted
// and the StatefulSet makes web-1 again on a healthy node, the scheduled
// deletion is cancelled and the new web-1 is never deleted.
func TestEvictionSparesAPodOfTheSameName(t *testing.T) {
	run := simtest.Run(t, `apiVersion: stsim/v1
kind: Scenario
metadata: {name: same-name}
spec:
  rules: [statefulset]
  cluster: {nodes: 3}
  manifests:
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
  - nodeFail: {node: node-2, mode: partition}
    at: 100s
  - forceDeletePod: {target: {ordinal: 1}}
    at: 200s
  - expect: {podNames: [web-0, web-1], ready: 2, terminating: []}
    at: 20m
`, "statefulset")
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	var evictions []string
	for _, e := range run.Events {
		if e.Reason == "TaintManagerEviction" {
			evictions = append(evictions, fmt.Sprintf("%v %s", e.Time, e.Message))
		}
	}
	assert.Equal(t, []string{"3m20s Cancelling deletion of Pod default/web-1"}, evictions)
	require.Len(t, run.Pods, 3)
	assert.Nil(t, run.Pods[2].Deleted)
	assert.Equal(t, 200*time.Second, run.Pods[2].Created)
}
