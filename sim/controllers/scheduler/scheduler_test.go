package scheduler_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/scheduler"
	"stsim/sim/simtest"
)

func node(name, zone string, pods int) *api.Node {
	return &api.Node{ObjectMeta: api.ObjectMeta{Name: name, Labels: map[string]string{api.LabelZone: zone}},
		Status: api.NodeStatus{Capacity: api.NodeCapacity{Pods: pods}, Conditions: []api.NodeCondition{api.KubeletReady(0)}}}
}

func pod(name string, claim string) *api.Pod {
	p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "app:1"}}}}
	if claim != "" {
		p.Spec.Volumes = []api.Volume{{Name: "data", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: claim}}}
	}
	return p
}

func nodeOf(e *sim.Engine, name string) string { return e.View().Pod("default/" + name).Spec.NodeName }

// TestVolumeZoneAndLeastLoaded follows the scheduler's filters and scores
// that stsim keeps: VolumeBinding's zone check for a bound zonal volume
// (node(s) had volume node affinity conflict) comes before spreading, which
// picks the node with the fewest pods, then the first by name.
func TestVolumeZoneAndLeastLoaded(t *testing.T) {
	e := sim.New(1)
	simtest.Check(t, e)
	e.AddController(scheduler.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, n := range []*api.Node{node("node-a", "zone-a", 10), node("node-b", "zone-b", 10)} {
			if err := ctx.Create(n); err != nil {
				return err
			}
		}
		pv := &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: "pv-a", Labels: map[string]string{api.LabelZone: "zone-a"}},
			Spec: api.PersistentVolumeSpec{AccessModes: []string{"ReadWriteOnce"}, Capacity: map[string]string{"storage": "1Gi"},
				CSI: &api.CSIPersistentVolumeSource{Driver: "disk.csi.test", VolumeHandle: "a"}},
			Status: api.PersistentVolumeStatus{Phase: api.VolumeBound}}
		if err := ctx.Create(pv); err != nil {
			return err
		}
		cl := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data"}, Spec: api.PersistentVolumeClaimSpec{VolumeName: "pv-a", AccessModes: []string{"ReadWriteOnce"},
			Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}},
			Status: api.PersistentVolumeClaimStatus{Phase: api.ClaimBound}}
		if err := ctx.Create(cl); err != nil {
			return err
		}
		return ctx.Create(pod("first", ""))
	}))
	assert.Equal(t, "node-a", nodeOf(e, "first"), "a tie goes to the first node by name")
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod("second", "")) }))
	assert.Equal(t, "node-b", nodeOf(e, "second"), "the node with fewer pods")
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod("third", "")) }))
	assert.Equal(t, "node-a", nodeOf(e, "third"))
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod("zonal", "data")) }))
	assert.Equal(t, "node-a", nodeOf(e, "zonal"), "its volume is in zone-a, although node-b has fewer pods")
}

// TestNoFitIsUnschedulableAndRetried follows the scheduling queue: a pod no
// node fits (capacity full) stays Pending with FailedScheduling, and is
// tried again when a pod leaves a node.
func TestNoFitIsUnschedulableAndRetried(t *testing.T) {
	e := sim.New(1)
	var events []api.Event
	e.API().WatchEvents(func(ev api.Event) { events = append(events, ev) })
	e.AddController(scheduler.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		if err := ctx.Create(node("node-a", "", 1)); err != nil {
			return err
		}
		return ctx.Create(pod("first", ""))
	}))
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod("waiting", "")) }))
	p := e.View().Pod("default/waiting")
	assert.Equal(t, "", p.Spec.NodeName)
	assert.Equal(t, "Unschedulable", p.Status.Reason)
	var reasons []string
	for _, ev := range events {
		if ev.Name == "waiting" {
			reasons = append(reasons, ev.Reason)
		}
	}
	assert.Equal(t, []string{"FailedScheduling"}, reasons)
	require.NoError(t, e.Do(func(ctx *sim.Context) error { ctx.Remove(ctx.Txn().Pod("default/first")); return nil }))
	assert.Equal(t, "node-a", nodeOf(e, "waiting"), "scheduled once the node has room")
}

// TestNumFeasibleNodesToFind follows numFeasibleNodesToFind and
// findNodesThatPassFilters in pkg/scheduler/schedule_one.go: in a cluster of
// 100 nodes or more kube-scheduler stops looking once it has found
// 50% - nodes/125 of them feasible (at least 5%, at least 100 nodes), and
// the next pod's search starts where this one stopped
// (nextStartNodeIndex), so with 250 nodes (48%: 120) the first pod sees
// node-000 … node-119, the second node-120 … node-239 and the third
// node-240 … node-249 and node-000 … node-109: each lands on the least
// loaded node it saw, the first by name among equals.
func TestNumFeasibleNodesToFind(t *testing.T) {
	e := sim.New(1)
	e.AddController(scheduler.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for i := range 250 {
			if err := ctx.Create(node(fmt.Sprintf("node-%03d", i), "", 10)); err != nil {
				return err
			}
		}
		return nil
	}))
	// Fill node-000 … node-239 with one pod each, so that only the ten
	// last nodes are empty: a search that saw them all would pick node-240.
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for i := range 240 {
			p := pod(fmt.Sprintf("filler-%03d", i), "")
			p.Spec.NodeName = fmt.Sprintf("node-%03d", i)
			if err := ctx.Create(p); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod("first", "")) }))
	assert.Equal(t, "node-000", nodeOf(e, "first"), "120 nodes searched, all with one pod: the first by name")
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod("second", "")) }))
	assert.Equal(t, "node-120", nodeOf(e, "second"), "the search went on from node-120 and stopped before the empty nodes")
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod("third", "")) }))
	assert.Equal(t, "node-240", nodeOf(e, "third"), "the search went on from node-240 and wrapped around")
}
