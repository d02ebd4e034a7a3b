package kubelet_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/simtest"
)

// volumeScenario is a 2-replica StatefulSet with a 1Gi volumeClaimTemplate
// "data" (access modes given), run under the given rules.
func volumeScenario(rules, deploymentVolumes, modes, template, steps string) string {
	return `apiVersion: stsim/v1
kind: Scenario
metadata: {name: vol}
spec:
  rules: [` + rules + `]
  deployment: {volumes: ` + deploymentVolumes + `}
  manifests:
  - inline:
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: ` + template + `
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [` + modes + `], resources: {requests: {storage: 1Gi}}}
  steps:
` + steps
}

const oneContainer = `{containers: [{name: app, image: "app:1", volumeMounts: [{name: data, mountPath: /data}]}]}`

// reads gives "pod key=value|missing" for each read.
func reads(run *history.Run) []string {
	var out []string
	for _, r := range run.Reads {
		v := r.Value
		if !r.Found {
			v = "missing"
		}
		out = append(out, r.Pod+" "+r.Key+"="+v)
	}
	return out
}

// TestEmptyDirSurvivesContainerRestart follows the emptyDir volume's life
// (Volumes docs, emptyDir: "A container crashing does not remove a Pod
// from a node. The data in an emptyDir volume is safe across container
// crashes"; the kubelet keeps it under the pod's UID and removes it when
// the pod is removed; deployment-storage-dns.md S9): a container restarted
// in place reads back what it wrote, and the pod that replaces a deleted
// one starts with an empty directory.
func TestEmptyDirSurvivesContainerRestart(t *testing.T) {
	run := simtest.Run(t, volumeScenario("deployment", "emptydir", "ReadWriteOnce", oneContainer, `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 0}, volume: data, key: k, value: v}
  - crash: {target: {ordinal: 0}}
  - waitFor: {rolledOut: true}
  - read: {target: {ordinal: 0}, volume: data, key: k}
  - deletePod: {target: {ordinal: 0}}
  - waitFor: {rolledOut: true}
  - read: {target: {ordinal: 0}, volume: data, key: k}
`), "deployment")
	require.Len(t, run.Reads, 2)
	first := run.Pods[0]
	assert.Equal(t, first.Name, run.Reads[0].Pod)
	assert.Equal(t, int32(1), first.Restarts, "restarted in place, same pod")
	assert.True(t, run.Reads[0].Found, "the restarted container finds its emptyDir")
	assert.Equal(t, "v", run.Reads[0].Value)
	assert.NotEqual(t, first.Name, run.Reads[1].Pod)
	assert.False(t, run.Reads[1].Found, "the replacement's emptyDir is new and empty")
	assert.NotEqual(t, run.Reads[0].Disk, run.Reads[1].Disk)
	assert.Contains(t, run.Conversions, "volumeClaimTemplate data mapped to an emptyDir volume data of each pod, whose data lives and dies with the pod (spec.deployment.volumes: emptydir)")
	assert.Empty(t, run.Claims, "no claim at all")
}

// TestEphemeralVolumePerPod follows the generic ephemeral volume (the
// ephemeral volume controller's handleVolume, the garbage collector, the
// PV controller's Delete reclaim; Ephemeral Volumes docs): under
// spec.deployment.volumes: ephemeral each pod gets its own claim
// <pod>-data, owned by the pod and provisioned like any claim; when the pod
// is gone its claim and volume go with the data, and the replacement gets a
// new, empty one (deployment-storage-dns.md S10; proposed rule S11).
func TestEphemeralVolumePerPod(t *testing.T) {
	run := simtest.Run(t, volumeScenario("deployment", "ephemeral", "ReadWriteOnce", oneContainer, `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: all, volume: data, key: k, value: v}
  - deletePod: {target: {ordinal: 0}}
  - waitFor: {rolledOut: true}
  - read: {target: all, volume: data, key: k}
`), "deployment")
	require.Len(t, run.Pods, 3)
	claims := map[string]*history.Claim{}
	for _, c := range run.Claims {
		claims[c.Name] = c
	}
	for _, p := range run.Pods {
		c := claims[p.Name+"-data"]
		require.NotNil(t, c, "claim of %s", p.Name)
		assert.Equal(t, []string{"Pod/" + p.Name}, c.OwnerReferences)
		assert.Equal(t, []string{p.Name + "-data"}, p.Claims)
		assert.NotEmpty(t, c.Volume)
	}
	gone := run.Pods[0]
	require.NotNil(t, gone.Gone)
	c := claims[gone.Name+"-data"]
	require.NotNil(t, c.Gone, "the claim goes with its pod")
	assert.Equal(t, *gone.Gone, *c.Gone)
	got := reads(run)
	assert.ElementsMatch(t, []string{run.Pods[1].Name + " k=v", run.Pods[2].Name + " k=missing"}, got)
	assert.Contains(t, run.Conversions, "volumeClaimTemplate data mapped to a generic ephemeral volume data of each pod: a claim <pod>-data per pod, deleted with the pod (spec.deployment.volumes: ephemeral)")
}

// TestReadOnlyVolumesRefuseWrites follows how a volume is mounted read-only
// (the kubelet's volumeMount readOnly, the pod volume's
// persistentVolumeClaim.readOnly, and csiMountMgr.SetUpAt, which publishes
// a volume whose first access mode is ReadOnlyMany as
// MULTI_NODE_READER_ONLY): a write there fails as on a read-only file
// system, and the run records a finding; a volume one container mounts
// read-write takes the write (deployment-storage-dns.md S6; proposed rule
// S12).
func TestReadOnlyVolumesRefuseWrites(t *testing.T) {
	for _, tc := range []struct {
		name, modes, template, want string
	}{
		{"readOnly volumeMount", "ReadWriteOnce",
			`{containers: [{name: app, image: "app:1", volumeMounts: [{name: data, mountPath: /data, readOnly: true}]}]}`,
			"read-only file system (volumeMount readOnly: true in container app)"},
		{"ReadOnlyMany claim", "ReadOnlyMany", oneContainer,
			"read-only file system (its PersistentVolume's access mode is ReadOnlyMany, published as MULTI_NODE_READER_ONLY)"},
		{"one container mounts it read-write", "ReadWriteOnce",
			`{containers: [{name: app, image: "app:1", volumeMounts: [{name: data, mountPath: /data}]}, {name: side, image: "app:1", volumeMounts: [{name: data, mountPath: /data, readOnly: true}]}]}`,
			""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := simtest.Run(t, volumeScenario("statefulset", "shared-pvc", tc.modes, tc.template, `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 0}, volume: data, key: k, value: v}
  - read: {target: {ordinal: 0}, volume: data, key: k}
`), "statefulset")
			if tc.want == "" {
				assert.Empty(t, run.Findings)
				assert.Equal(t, []string{"web-0 k=v"}, reads(run))
				return
			}
			require.Len(t, run.Failures, 1)
			assert.Equal(t, "pod web-0 cannot write to volume data: "+tc.want, run.Failures[0].Reason)
			assert.Empty(t, run.Writes)
			assert.Equal(t, []string{"web-0 k=missing"}, reads(run), "reads still work")
		})
	}
}
