package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"stsim/sim/history"
	"stsim/sim/workload"
)

// pod is a hand-written pod incarnation of slot, from created to gone (nil:
// to the end), on node-1.
func pod(name string, slot int, created float64, gone *float64, spans ...history.Span) *history.Pod {
	p := &history.Pod{Name: name, UID: name + "@" + formatTime(created), Slot: slot, Node: "node-1", Created: sec(created), ReadySpans: spans}
	if gone != nil {
		p.Deleted, p.Gone = at(*gone), at(*gone)
	}
	return p
}

// span is a ready span from..to (to < 0: open).
func span(from, to float64) history.Span {
	if to < 0 {
		return history.Span{From: sec(from)}
	}
	return history.Span{From: sec(from), To: at(to)}
}

func measured(run *history.Run) *Run {
	run.Rules = workload.Deployment
	return Build(Header{}, []*history.Run{run}).Runs[0]
}

// Two slots share one claim: slot 1's write overwrites slot 0's record,
// which is lost; slot 0 then reads slot 1's data.
func TestWritesLostOnASharedClaim(t *testing.T) {
	run := measured(&history.Run{End: sec(30),
		Pods: []*history.Pod{pod("a", 0, 0, nil), pod("b", 1, 0, nil)},
		Writes: []history.Write{
			{Time: sec(2), Pod: "a", Node: "node-1", Disk: "pv/shared", Key: "record", Value: "slot-0"},
			{Time: sec(2), Pod: "b", Node: "node-1", Disk: "pv/shared", Key: "record", Value: "slot-1"},
		},
		Reads: []history.Read{
			{Time: sec(10), Pod: "a", Disk: "pv/shared", Key: "record", Value: "slot-1", Found: true, WrittenBy: "b"},
			{Time: sec(10), Pod: "b", Disk: "pv/shared", Key: "record", Value: "slot-1", Found: true, WrittenBy: "b"},
		}})
	if m := run.Measures; m.WritesLost != 1 || m.ReadsOfOtherSlots != 1 {
		t.Errorf("writes lost %d, reads of another slot %d; want 1, 1", m.WritesLost, m.ReadsOfOtherSlots)
	}
}

// The replacement of slot 0 got a new, empty volume: its read finds
// nothing, so the old pod's write is lost; no other slot's data was read.
func TestWritesLostWithANewVolume(t *testing.T) {
	run := measured(&history.Run{End: sec(30),
		Pods:   []*history.Pod{pod("a", 0, 0, ptr(10.0)), pod("a2", 0, 10, nil)},
		Writes: []history.Write{{Time: sec(2), Pod: "a", Disk: "pv/one", Key: "record", Value: "v"}},
		Reads:  []history.Read{{Time: sec(20), Pod: "a2", Disk: "pv/two", Key: "record"}}})
	if m := run.Measures; m.WritesLost != 1 || m.ReadsOfOtherSlots != 0 {
		t.Errorf("writes lost %d, reads of another slot %d; want 1, 0", m.WritesLost, m.ReadsOfOtherSlots)
	}
}

// A slot that writes a key again and reads the new value lost nothing: the
// first value was replaced by its own slot, on purpose.
func TestRewriteBySameSlotIsNotLost(t *testing.T) {
	run := measured(&history.Run{End: sec(30),
		Pods: []*history.Pod{pod("a", 0, 0, nil)},
		Writes: []history.Write{
			{Time: sec(2), Pod: "a", Disk: "pv/one", Key: "k", Value: "1"},
			{Time: sec(4), Pod: "a", Disk: "pv/one", Key: "k", Value: "2"},
		},
		Reads: []history.Read{{Time: sec(6), Pod: "a", Disk: "pv/one", Key: "k", Value: "2", Found: true, WrittenBy: "a"}}})
	if m := run.Measures; m.WritesLost != 0 {
		t.Errorf("writes lost %d, want 0", m.WritesLost)
	}
}

// Creation and deletion are batched by instant: StatefulSet rules scale
// 2→5→2 one pod at a time, Deployment rules all at once.
func TestOrders(t *testing.T) {
	sts := measured(&history.Run{End: sec(60), Pods: []*history.Pod{
		pod("web-0", 0, 0, nil), pod("web-1", 1, 0, nil),
		pod("web-2", 2, 20, ptr(42.0)), pod("web-3", 3, 25, ptr(41.0)), pod("web-4", 4, 30, ptr(40.0)),
	}})
	wantCreated := []Batch{{0, []string{"web-0", "web-1"}}, {20, []string{"web-2"}}, {25, []string{"web-3"}}, {30, []string{"web-4"}}}
	wantDeleted := []Batch{{40, []string{"web-4"}}, {41, []string{"web-3"}}, {42, []string{"web-2"}}}
	if diff := cmp.Diff(wantCreated, sts.Measures.Created); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantDeleted, sts.Measures.Deleted); diff != "" {
		t.Errorf("deleted (-want +got):\n%s", diff)
	}
	if got, want := orderText(sts.Measures.Deleted), "one at a time: 40.0s web-4, 41.0s web-3, 42.0s web-2"; got != want {
		t.Errorf("deletion order %q, want %q", got, want)
	}
	dep := measured(&history.Run{End: sec(60), Pods: []*history.Pod{
		pod("a", 0, 0, nil), pod("b", 1, 0, nil), pod("c", 2, 20, ptr(40.0)), pod("d", 3, 20, ptr(40.0)), pod("e", 4, 20, ptr(40.0)),
	}})
	if got, want := orderText(dep.Measures.Deleted), "all 3 together at 40.0s: c, d, e"; got != want {
		t.Errorf("deletion order %q, want %q", got, want)
	}
	if got, want := orderSentence(dep.Measures.Created), "in 2 batches (the largest 3 pods at 20.0s)"; got != want {
		t.Errorf("creation sentence %q, want %q", got, want)
	}
}

// A slot's downtime runs from its first Ready pod to the end, or to the
// deletion of its last pod when it was scaled away; a slot never Ready has
// none to measure.
func TestSlotDowntime(t *testing.T) {
	run := measured(&history.Run{End: sec(100), Pods: []*history.Pod{
		// Slot 0: ready 5–20, replaced, ready again 26–end: down 6s.
		pod("a", 0, 0, ptr(20.0), span(5, 20)), pod("a", 0, 21, nil, span(26, -1)),
		// Slot 1: ready 5–30, not ready 30–40 (a crash), ready 40–50, then scaled away at 50.
		pod("b", 1, 0, ptr(50.0), span(5, 30), span(40, 50)),
		// Slot 2: never Ready.
		pod("c", 2, 0, nil),
	}})
	want := []SlotDowntime{
		{Slot: 0, Downtime: ptr(6.0), Recovery: ptr(6.0)},
		{Slot: 1, Downtime: ptr(10.0), Recovery: ptr(10.0)},
		{Slot: 2},
	}
	got, text := slotDowntime(run)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("downtime (-want +got):\n%s", diff)
	}
	if text != "slot 0: 6s, slot 1: 10s" {
		t.Errorf("text %q", text)
	}
}

// The identity table's measures that do not apply are null, not a
// trivial yes: a slot never replaced has no name to keep, a pod with no
// volume no storage to keep, and a StatefulSet pod whose subdomain names
// no Service has no DNS record of its own.
func TestIdentityNotApplicable(t *testing.T) {
	p := pod("web-0", 0, 0, nil, span(2, -1))
	p.Hostname, p.Subdomain = "web-0", "missing-service"
	id := measured(&history.Run{End: sec(10), Pods: []*history.Pod{p}}).Identities[0]
	if id.StableName != nil || id.StableStorage != nil || id.StableDNS {
		t.Errorf("identity %+v: want name and storage null, DNS false", id)
	}
	p.Record = true
	if id := measured(&history.Run{End: sec(10), Pods: []*history.Pod{p}}).Identities[0]; !id.StableDNS {
		t.Errorf("with a record: identity %+v, want DNS true", id)
	}
}

// A node crash stops its pods' containers though their objects stay until
// evicted and gone (Halted): a pod that wrote before the crash and the
// replacement that writes to the same disk after it never ran at once, so
// they are not concurrent writers, and two pods of one name on either side
// of the crash are not duplicates.
func TestHaltedPodsDoNotRun(t *testing.T) {
	writes := []history.Write{
		{Time: sec(5), Pod: "web-1", Node: "node-1", Disk: "pv/shared", Key: "k", Value: "1"},
		{Time: sec(30), Pod: "web-x", Node: "node-1", Disk: "pv/shared", Key: "k", Value: "2"},
	}
	runWith := func(halted []history.Span) *Run {
		old := pod("web-1", 1, 0, ptr(400.0))
		old.Halted = halted
		replacement := pod("web-1", 1, 400, nil)
		replacement.Replaced = "web-1"
		return measured(&history.Run{End: sec(500), Pods: []*history.Pod{old, pod("web-x", 2, 20, nil), replacement}, Writes: writes})
	}
	a := runWith([]history.Span{{From: sec(10)}}).Availability
	if a.MaxConcurrentWriters != 1 || a.ConcurrentWriterSeconds != 0 {
		t.Errorf("after a crash at 10s: writers %d for %vs, want 1 for 0s", a.MaxConcurrentWriters, a.ConcurrentWriterSeconds)
	}
	// Without the crash the two wrote while both ran, from 20s until the
	// old pod was gone at 400s.
	a = runWith(nil).Availability
	if a.MaxConcurrentWriters != 2 || a.ConcurrentWriterSeconds != 380 {
		t.Errorf("without a crash: writers %d for %vs, want 2 for 380s", a.MaxConcurrentWriters, a.ConcurrentWriterSeconds)
	}

	resumed := pod("web-2", 2, 0, nil)
	resumed.Halted = []history.Span{{From: sec(10), To: at(40)}}
	run := measured(&history.Run{End: sec(60), Pods: []*history.Pod{resumed}})
	if want, got := [][2]float64{{0, 10}, {40, 60}}, runSpans(run, run.Pods[0]); !cmp.Equal(want, got) {
		t.Errorf("run spans %v, want %v", got, want)
	}
}
