package kubelet_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/simtest"
)

func scenario(images, podSpec, steps string) string {
	return fmt.Sprintf(`apiVersion: stsim/v1
kind: Scenario
metadata: {name: t}
spec:
  rules: [deployment]
  timing: {containerStart: 2s, ready: 3s}
  images: %s
  manifests:
  - inline: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 2,
      selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: %s}}}
  steps:
%s`, images, podSpec, steps)
}

// TestGracefulTermination follows the pod termination sequence of the
// kubelet (killPod with the pod's grace period; docs "Termination of Pods",
// docs/rules.md K4): a deleted pod is gone after the time its image takes to
// stop, capped by terminationGracePeriodSeconds (default 30).
func TestGracefulTermination(t *testing.T) {
	for _, tc := range []struct {
		name     string
		shutdown string
		grace    string
		want     time.Duration
	}{
		{"stops before the grace period", "5s", "", 5},
		{"killed at the default 30s", "60s", "", 30},
		{"killed at a shorter grace period", "60s", "terminationGracePeriodSeconds: 10, ", 10},
		{"stops at once", "0s", "terminationGracePeriodSeconds: 10, ", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := simtest.Run(t, scenario(`{"db:2": {shutdown: `+tc.shutdown+`}}`,
				`{`+tc.grace+`containers: [{name: db, image: "db:2"}]}`, `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - deletePod: {target: {ordinal: 1}}
    after: 10s
  - waitFor: {rolledOut: true}
`), "deployment")
			var deleted []*history.Pod
			for _, p := range h.Pods {
				if p.Deleted != nil {
					deleted = append(deleted, p)
				}
			}
			require.Len(t, deleted, 1)
			p := deleted[0]
			require.NotNil(t, p.Gone)
			assert.Equal(t, tc.want*time.Second, *p.Gone-*p.Deleted, "termination of %s", p.Name)
			var killing []time.Duration
			for _, e := range h.Events {
				if e.Name == p.Name && e.Reason == "Killing" {
					killing = append(killing, e.Time)
				}
			}
			assert.Equal(t, []time.Duration{*p.Deleted}, killing, "SIGTERM is sent when the deletion starts")
		})
	}
}

// TestEmptyDirIsNewForEachPod follows the emptyDir lifecycle (volumes docs,
// "emptyDir"; docs/rules.md S9, E1): an emptyDir is created empty when a pod
// starts on a node and deleted with the pod, so the replacement of a
// deleted pod starts with an empty directory, while the other pod keeps its own.
func TestEmptyDirIsNewForEachPod(t *testing.T) {
	h := simtest.Run(t, scenario(`{}`,
		`{volumes: [{name: cache, emptyDir: {}}], containers: [{name: c, image: "app:1", volumeMounts: [{name: cache, mountPath: /cache}]}]}`,
		`  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - write: {target: {ordinal: 0}, volume: cache, key: k, value: zero}
  - write: {target: {ordinal: 1}, volume: cache, key: k, value: one}
  - read: {target: {ordinal: 0}, volume: cache, key: k}
  - deletePod: {target: {ordinal: 0}}
    after: 5s
  - waitFor: {rolledOut: true}
  - waitFor: {podReady: {ordinal: 0}}
  - read: {target: {ordinal: 0}, volume: cache, key: k}
  - read: {target: {ordinal: 1}, volume: cache, key: k}
`), "deployment")
	require.Empty(t, h.Findings)
	require.Len(t, h.Writes, 2)
	assert.NotEqual(t, h.Writes[0].Disk, h.Writes[1].Disk, "each pod has its own emptyDir")
	type read struct {
		Pod   string
		Value string
		Found bool
	}
	var got []read
	for _, r := range h.Reads {
		got = append(got, read{r.Pod, r.Value, r.Found})
	}
	first, second := h.Writes[0].Pod, h.Writes[1].Pod
	var replacement string
	for _, p := range h.Pods {
		if p.Replaced == first {
			replacement = p.Name
		}
	}
	require.NotEmpty(t, replacement)
	want := []read{{first, "zero", true}, {replacement, "", false}, {second, "one", true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reads (-want +got):\n%s", diff)
	}
}
