package scenarios

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
)

// patchedSet applies the patch of a scenario's only patch step to the
// StatefulSet of webSet, with a second container and a port added.
func patchedSet(t *testing.T, patch string) (*api.StatefulSet, []string) {
	t.Helper()
	set := strings.Replace(webSet, "        image: nginx:1.27\n", `        image: nginx:1.27
      - name: sidecar
        image: busybox:1.36
        ports: [{containerPort: 9000, name: metrics}, {containerPort: 9001, name: admin}]
`, 1)
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith("  steps:\n  - patch: " + patch + "\n"), "m.yaml": set})
	p, ok := sc.Steps[len(sc.Steps)-1].Action.(*Patch)
	require.True(t, ok, "the last step is a patch")
	out, unknown, err := p.Apply(sc.Workload.Object)
	require.NoError(t, err)
	return out.(*api.StatefulSet), unknown
}

// TestStrategicMergePatchMergesListsByKey follows strategicpatch's
// mergeSlice (k8s.io/apimachinery/pkg/util/strategicpatch/patch.go) with
// the patchMergeKey tags of k8s.io/api/core/v1: containers merge by name,
// ports by containerPort; $patch: delete removes one item; a
// null removes a key; lists without a merge key are replaced.
func TestStrategicMergePatchMergesListsByKey(t *testing.T) {
	t.Run("a container by name", func(t *testing.T) {
		s, _ := patchedSet(t, `{spec: {template: {spec: {containers: [{name: sidecar, image: "busybox:1.37"}]}}}}`)
		cs := s.Spec.Template.Spec.Containers
		require.Len(t, cs, 2, "the other container stays")
		assert.Equal(t, "nginx:1.27", cs[0].Image)
		assert.Equal(t, "busybox:1.37", cs[1].Image)
		assert.Len(t, cs[1].Ports, 2, "fields the patch does not name stay")
	})
	t.Run("a new container is appended", func(t *testing.T) {
		s, _ := patchedSet(t, `{spec: {template: {spec: {containers: [{name: log, image: "fluent-bit:3"}]}}}}`)
		cs := s.Spec.Template.Spec.Containers
		require.Len(t, cs, 3)
		assert.Equal(t, "log", cs[2].Name)
	})
	t.Run("a port by containerPort", func(t *testing.T) {
		s, _ := patchedSet(t, `{spec: {template: {spec: {containers: [{name: sidecar, ports: [{containerPort: 9001, name: mgmt}]}]}}}}`)
		c := s.Spec.Template.Spec.Containers[1]
		require.Len(t, c.Ports, 2)
		assert.Equal(t, "metrics", c.Ports[0].Name)
		assert.Equal(t, "mgmt", c.Ports[1].Name)
	})
	t.Run("$patch: delete removes one item", func(t *testing.T) {
		s, _ := patchedSet(t, `{spec: {template: {spec: {containers: [{name: sidecar, $patch: delete}]}}}}`)
		cs := s.Spec.Template.Spec.Containers
		require.Len(t, cs, 1)
		assert.Equal(t, "nginx", cs[0].Name)
	})
	t.Run("null removes a key", func(t *testing.T) {
		s, _ := patchedSet(t, `{spec: {template: {metadata: {labels: {app: null, tier: db}}}}}`)
		assert.Equal(t, map[string]string{"tier": "db"}, s.Spec.Template.Labels)
	})
}

// TestJSONMergePatchReplacesLists follows RFC 7386 (kubectl patch
// --type=merge): mappings merge, a null removes a key, a list is replaced
// whole.
func TestJSONMergePatchReplacesLists(t *testing.T) {
	s, _ := patchedSet(t, `{merge: {spec: {template: {spec: {containers: [{name: only, image: "nginx:1.28"}]}}}}}`)
	cs := s.Spec.Template.Spec.Containers
	require.Len(t, cs, 1, "the list is replaced, not merged")
	assert.Equal(t, "only", cs[0].Name)
	assert.Equal(t, "nginx:1.28", cs[0].Image)
	assert.Equal(t, int32(2), *s.Spec.Replicas, "other fields stay")

	s, _ = patchedSet(t, `{merge: {spec: {template: {metadata: {labels: {app: null}}}}}}`)
	assert.Empty(t, s.Spec.Template.Labels)
}

// TestStrategicPatchSaidExplicitly: {strategic: PATCH} is the default form
// written out.
func TestStrategicPatchSaidExplicitly(t *testing.T) {
	s, _ := patchedSet(t, `{strategic: {spec: {template: {spec: {containers: [{name: sidecar, image: "busybox:1.37"}]}}}}}`)
	assert.Len(t, s.Spec.Template.Spec.Containers, 2)
}
