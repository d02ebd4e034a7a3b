package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/workload"
)

// hostile is a string that is markup in Markdown, HTML and a Mermaid chart.
const hostile = "<script>alert(1)</script> | *x* [a](b) `c` # d: e; f %% g\n- h"

// hostileReport has the strings of a scenario that tries to inject markup
// everywhere a report prints one: its name, description and notes, pod,
// node, claim and revision names, events, findings and reads. Under
// StatefulSet rules slot 1 is replaced and its new pod reads nothing back;
// slot 2's pod crashes. Under Deployment rules the replacement of slot 1
// runs while the old pod terminates (two tracks) and reads slot 0's data.
func hostileReport() *Report {
	h := Header{Name: "evil|<b>1</b>", Seed: 3, Description: hostile, File: "x/<img src=x onerror=alert(2)>.yaml",
		Notes: []string{"- not a list", "1. not a list either", hostile}}
	odd := "web|<b>1</b>:#x"
	sts := &history.Run{
		Rules: workload.StatefulSet, Workload: history.WorkloadRef{Kind: "StatefulSet", Name: "web"}, End: sec(60),
		Events: []history.Event{
			{Time: sec(30), Type: "Warning", Kind: "Pod", Name: "gantt-2", Reason: "BackOff", Message: "Back-off restarting failed container " + hostile},
			{Time: sec(40), Type: "Normal", Kind: "Node", Name: "node-<i>2</i>", Reason: "NodeNotReady", Message: hostile},
		},
		Pods: []*history.Pod{
			{Name: "web-0", UID: "u0", Slot: 0, Node: "node-1", Revision: "rev-a", Created: sec(0), Ready: at(2),
				ReadySpans: []history.Span{{From: sec(2)}}},
			{Name: odd, UID: "u1", Slot: 1, Node: "node-<i>2</i>", Revision: "rev-a", Created: sec(2), Ready: at(4), Deleted: at(20), Gone: at(22),
				Claims: []string{"data-" + odd}, ReadySpans: []history.Span{{From: sec(4), To: at(20)}}},
			{Name: odd, UID: "u2", Slot: 1, Node: "node-1", Revision: "rev-<b>", Created: sec(22), Ready: at(24),
				Claims: []string{"data-" + odd}, Replaced: odd, ReadySpans: []history.Span{{From: sec(24)}}},
			{Name: "gantt-2", UID: "u3", Slot: 2, Node: "node-1", Revision: "rev-a", Created: sec(4), Ready: at(6), Restarts: 3,
				ReadySpans: []history.Span{{From: sec(6), To: at(30)}}},
		},
		Revisions: []*history.Revision{{Name: "rev-a", Revision: 1, Created: sec(0)}, {Name: "rev-<b>", Revision: 2, Created: sec(21)}},
		Reads:     []history.Read{{Time: sec(30), Pod: odd, Key: hostile, Found: false}},
		Findings:  []history.Finding{{Step: 4, Time: sec(50), Message: hostile}},
	}
	dep := &history.Run{
		Rules: workload.Deployment, Workload: history.WorkloadRef{Kind: "Deployment", Name: "web"}, End: sec(50),
		Pods: []*history.Pod{
			{Name: "web-x-aaaaa", UID: "d0", Slot: 0, Revision: "web-x", Created: sec(0), ReadySpans: []history.Span{{From: sec(2)}}},
			{Name: "web-x-bbbbb", UID: "d1", Slot: 1, Revision: "web-x", Created: sec(0), Deleted: at(20), Gone: at(30)},
			{Name: "web-x-ccccc", UID: "d2", Slot: 1, Revision: "web-x", Created: sec(20), Replaced: "web-x-bbbbb"},
		},
		Revisions: []*history.Revision{{Name: "web-x", Revision: 1, Created: sec(0)}},
		Writes:    []history.Write{{Time: sec(3), Pod: "web-x-aaaaa", Key: "k", Value: "v"}},
		Reads:     []history.Read{{Time: sec(35), Pod: "web-x-ccccc", Key: "k", Value: "v", Found: true, WrittenBy: "web-x-aaaaa"}},
	}
	return Build(h, []*history.Run{sts, dep})
}

func TestTicks(t *testing.T) {
	tests := []struct {
		end  float64
		want []float64
	}{
		{0, []float64{0}},
		{7, []float64{0, 1, 2, 3, 4, 5, 6, 7}},
		{41, []float64{0, 5, 10, 15, 20, 25, 30, 35, 40}},
		{920, []float64{0, 120, 240, 360, 480, 600, 720, 840}},
		{30 * 86400, []float64{0, 604800, 1209600, 1814400, 2419200}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, ticks(tt.end), "end %v", tt.end)
	}
	long := ticks(400 * 86400)
	require.LessOrEqual(t, len(long), 11, "a year-long run has at most ten intervals")
}

func TestSlotLaneStacksOverlappingPods(t *testing.T) {
	r := hostileReport()
	dep := newLaneBuilder(r.Runs[1], timeScale(60))
	lane := dep.slotLane(1, 0)
	require.Len(t, lane.Bars, 2)
	require.NotEqual(t, lane.Bars[0].Y, lane.Bars[1].Y, "the replacement runs while the old pod terminates: two tracks")
	require.Equal(t, coord(2*svgLanePad+2*svgTrackH), lane.H)

	sts := newLaneBuilder(r.Runs[0], timeScale(60))
	lane = sts.slotLane(1, 0)
	require.Len(t, lane.Bars, 2)
	require.Equal(t, lane.Bars[0].Y, lane.Bars[1].Y, "the new pod starts once the old one is gone: one track")
}

func TestLostData(t *testing.T) {
	r := hostileReport()
	var got []string
	for _, run := range r.Runs {
		ix := indexPods(run)
		for _, rd := range run.Reads {
			got = append(got, ix.lostData(rd))
		}
	}
	want := []string{
		"web|<b>1</b>:#x read " + hostile + ": not found",
		"web-x-ccccc (slot 1) read k written by web-x-aaaaa (slot 0)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lost data (-want +got):\n%s", diff)
	}
}

func TestTimelineSlotsOmitsBeyondMaxRows(t *testing.T) {
	run := &Run{}
	for i := range MaxRows + 5 {
		run.Pods = append(run.Pods, &Pod{Slot: MaxRows + 4 - i})
	}
	slots, omitted := timelineSlots([]*Run{run}, Options{})
	require.Len(t, slots, MaxRows)
	require.Equal(t, 0, slots[0])
	require.Equal(t, 5, omitted)
	slots, omitted = timelineSlots([]*Run{run}, Options{Full: true})
	require.Len(t, slots, MaxRows+5)
	require.Zero(t, omitted)
}
