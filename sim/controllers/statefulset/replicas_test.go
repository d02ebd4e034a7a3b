package statefulset

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
	"stsim/sim/store"
)

// TestStateIsBuiltFromControlledPods: the state a sync starts from holds
// the pods the set controls, as the state kept from changes does
// (getPodsForStatefulSet claims by controller reference); a pod that only
// names the set as a plain owner is an orphan to it.
func TestStateIsBuiltFromControlledPods(t *testing.T) {
	set := testSet(2, api.ParallelPodManagement)
	set.UID = "set-uid"
	ref := api.NewControllerRef(set, "apps/v1")
	plain := ref
	plain.Controller = false
	s := store.New()
	tx := s.Write()
	defer tx.Abort()
	for i, r := range []api.OwnerReference{ref, plain} {
		name := []string{"web-0", "web-1"}[i]
		tx.Put(&api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default", UID: name,
			Labels: set.Spec.Template.Labels, OwnerReferences: []api.OwnerReference{r}}})
	}
	var names []string
	for _, p := range controlledBy(tx, set) {
		names = append(names, p.Name)
	}
	assert.Equal(t, []string{"web-0"}, names)
}
