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
