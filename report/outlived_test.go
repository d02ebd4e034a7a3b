package report

import (
	"testing"

	"stsim/sim/history"
	"stsim/sim/workload"
)

// TestDuplicateIdentityCountsOutlivedPods follows H8: a pod whose object
// was removed while its node was cut off still runs, so it counts as a pod
// of its name until its containers stopped, or to the end of the run.
func TestDuplicateIdentityCountsOutlivedPods(t *testing.T) {
	run := &history.Run{
		Rules: workload.StatefulSet,
		End:   sec(100),
		Pods: []*history.Pod{
			{Name: "web-1", UID: "a", Slot: 1, Created: sec(0), Deleted: at(10), Gone: at(10), Outlived: true, Stopped: at(40)},
			{Name: "web-1", UID: "b", Slot: 1, Created: sec(10)},
			{Name: "web-2", UID: "c", Slot: 2, Created: sec(0), Deleted: at(50), Gone: at(50), Outlived: true},
			{Name: "web-2", UID: "d", Slot: 2, Created: sec(50)},
		},
	}
	got := Build(Header{}, []*history.Run{run}).Runs[0].Availability.DuplicateIdentitySeconds
	if got != 30+50 {
		t.Errorf("duplicateIdentitySeconds = %v, want 80 (web-1 10s-40s, web-2 50s-100s)", got)
	}
}

// TestConcurrentWriters follows H8 and S6: the writers of one volume at
// once are the pod incarnations that wrote to one disk and ran at the same
// time: an old pod running on a node that is cut off, after its object was
// force-deleted, and its replacement; or several pods sharing one claim.
// Incarnations of one name that did not overlap count once each.
func TestConcurrentWriters(t *testing.T) {
	run := &history.Run{
		Rules: workload.StatefulSet,
		End:   sec(100),
		Pods: []*history.Pod{
			{Name: "web-0", UID: "a", Node: "node-1", Created: sec(0), Deleted: at(10), Gone: at(11)},
			{Name: "web-0", UID: "b", Node: "node-1", Created: sec(11)},
			{Name: "web-1", UID: "c", Node: "node-2", Created: sec(0), Deleted: at(20), Gone: at(20), Outlived: true, Stopped: at(90)},
			{Name: "web-1", UID: "d", Node: "node-1", Created: sec(20)},
		},
		Writes: []history.Write{
			{Time: sec(5), Pod: "web-0", Node: "node-1", Disk: "pv/zero"},
			{Time: sec(15), Pod: "web-0", Node: "node-1", Disk: "pv/zero"},
			{Time: sec(5), Pod: "web-1", Node: "node-2", Disk: "pv/one"},
			{Time: sec(30), Pod: "web-1", Node: "node-1", Disk: "pv/one"},
		},
	}
	got := Build(Header{}, []*history.Run{run}).Runs[0].Availability.MaxConcurrentWriters
	if got != 2 {
		t.Errorf("maxConcurrentWriters = %d, want 2 (web-1 on node-2 ran on while web-1 on node-1 wrote)", got)
	}
	run.Pods[2].Stopped = at(20)
	if got := Build(Header{}, []*history.Run{run}).Runs[0].Availability.MaxConcurrentWriters; got != 1 {
		t.Errorf("maxConcurrentWriters = %d, want 1 once the old web-1 stopped first", got)
	}
}
