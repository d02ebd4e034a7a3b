package statefulset

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"stsim/sim/api"
)

// replicaState is what a sync of one set knows of its pods, kept between
// syncs from the pod changes the controller sees (the way upstream's
// informer cache is kept), so that a sync looks at what changed rather
// than at every replica: a rollout of 10,000 replicas syncs the set some
// 60,000 times.
//
// It holds the members (pods the set controls whose names are the set's
// and that match its selector) by ordinal, the pods the set controls that
// stopped matching (the sync releases them), the counts of the status, and
// sets of ordinals: the members, the created ones, the unavailable ones,
// the ones a sync found needing nothing (settled), and the live
// (created, not terminating) ones of each revision. A sync reads the same
// pods, in the same order, and makes the same decisions as one that lists
// and sorts them all (a test checks it, after every sync of every bundled
// scenario).
type replicaState struct {
	// What the state was built for: the set's UID, generation (its
	// minReadySeconds), selector and name, and the claim writes the
	// settled ordinals were found under.
	uid         string
	generation  int64
	minReady    int32
	selector    *api.LabelSelector
	name        string
	claimWrites uint64
	// data is the set's revisionData, worked out at the first sync: a
	// change of the template bumps the generation, which builds a new
	// state.
	data string

	// byOrdinal holds the member of each ordinal; a second member with
	// the same ordinal (web-1 and web-01) is in extra: the sync's list
	// of replicas keeps the one of the greater name, as upstream's keeps
	// the later in its list. stray holds the pods the set controls that
	// are not members.
	byOrdinal map[int]*api.Pod
	extra     map[string]*api.Pod
	stray     map[string]*api.Pod

	// Counts over every member (computeReplicaStatus): created, Running
	// and Ready, by revision (any), and created and not terminating by
	// revision.
	replicas, ready int
	revisions       map[string]int
	liveRevisions   map[string]int
	// warming holds the Running and Ready members not yet available for
	// minReadySeconds, by name (sweep takes out those that became
	// available: time only moves on).
	warming map[string]*api.Pod

	// Ordinal sets of the members in byOrdinal.
	present, created, unavailable, settled ordinalSet
	// live holds the created, not terminating members by revision.
	live map[string]*ordinalSet
}

// newReplicaState returns the state of set's pods, from a list of the pods
// it controls.
func newReplicaState(set *api.StatefulSet, pods []*api.Pod) *replicaState {
	s := &replicaState{uid: set.UID, generation: set.Generation, minReady: set.Spec.MinReadySeconds,
		selector: set.Spec.Selector, name: set.Name,
		byOrdinal: map[int]*api.Pod{}, extra: map[string]*api.Pod{}, stray: map[string]*api.Pod{},
		revisions: map[string]int{}, liveRevisions: map[string]int{}, warming: map[string]*api.Pod{},
		live: map[string]*ordinalSet{}}
	for _, p := range pods {
		s.add(p)
	}
	return s
}

// add records a pod the set controls; a pod of that name already recorded
// is replaced.
func (s *replicaState) add(p *api.Pod) {
	s.remove(p.Name)
	parent, o := ParentAndOrdinal(p.Name)
	if parent != s.name || !s.selector.Matches(p.Labels) {
		s.stray[p.Name] = p
		return
	}
	s.count(p, +1)
	if cur := s.byOrdinal[o]; cur != nil {
		if cur.Name > p.Name {
			s.extra[p.Name] = p
			return
		}
		s.unmark(o, cur)
		s.extra[cur.Name] = cur
	}
	s.byOrdinal[o] = p
	s.mark(o, p)
}

// remove forgets the pod of that name, if recorded; a member's place goes
// to another member of the same ordinal, if there is one.
func (s *replicaState) remove(name string) {
	if _, ok := s.stray[name]; ok {
		delete(s.stray, name)
		return
	}
	if p, ok := s.extra[name]; ok {
		s.count(p, -1)
		delete(s.extra, name)
		return
	}
	_, o := ParentAndOrdinal(name)
	p := s.byOrdinal[o]
	if p == nil || p.Name != name {
		return
	}
	s.count(p, -1)
	s.unmark(o, p)
	delete(s.byOrdinal, o)
	var next *api.Pod
	for _, e := range s.extra {
		if _, eo := ParentAndOrdinal(e.Name); eo == o && (next == nil || e.Name > next.Name) {
			next = e
		}
	}
	if next != nil {
		delete(s.extra, next.Name)
		s.byOrdinal[o] = next
		s.mark(o, next)
	}
}

// count adds a member to the counts (sign +1) or takes it out (-1).
func (s *replicaState) count(p *api.Pod, sign int) {
	rev := revisionOf(p)
	s.revisions[rev] += sign
	if s.revisions[rev] == 0 {
		delete(s.revisions, rev)
	}
	if sign < 0 {
		delete(s.warming, p.Name)
	}
	if !isCreated(p) {
		return
	}
	s.replicas += sign
	if p.IsRunningAndReady() {
		s.ready += sign
		if sign > 0 && s.minReady > 0 {
			s.warming[p.Name] = p
		}
	}
	if !p.Terminating() {
		s.liveRevisions[rev] += sign
		if s.liveRevisions[rev] == 0 {
			delete(s.liveRevisions, rev)
		}
	}
}

// mark puts the member of ordinal o in the ordinal sets; unmark takes it
// out. A member that changed is looked at again by the next sync.
func (s *replicaState) mark(o int, p *api.Pod) {
	s.present.add(o)
	s.created.set(o, isCreated(p))
	s.unavailable.set(o, !p.IsRunningAndReady() || p.Terminating())
	s.settled.remove(o)
	if isCreated(p) && !p.Terminating() {
		l := s.live[revisionOf(p)]
		if l == nil {
			l = &ordinalSet{}
			s.live[revisionOf(p)] = l
		}
		l.add(o)
	}
}

func (s *replicaState) unmark(o int, p *api.Pod) {
	s.present.remove(o)
	s.created.remove(o)
	s.unavailable.remove(o)
	s.settled.remove(o)
	if l := s.live[revisionOf(p)]; l != nil {
		l.remove(o)
	}
}

// sweep takes out of warming the members available at now.
func (s *replicaState) sweep(now time.Duration) {
	for name, p := range s.warming {
		if p.IsAvailable(s.minReady, now) {
			delete(s.warming, name)
		}
	}
}

// status is computeReplicaStatus over the members, once swept to now.
func (s *replicaState) status(set *api.StatefulSet, current, update *api.ControllerRevision) api.StatefulSetStatus {
	return api.StatefulSetStatus{
		ObservedGeneration: set.Generation,
		CurrentRevision:    current.Name,
		UpdateRevision:     update.Name,
		CollisionCount:     set.Status.CollisionCount,
		Replicas:           int32(s.replicas),
		ReadyReplicas:      int32(s.ready),
		AvailableReplicas:  int32(s.ready - len(s.warming)),
		CurrentReplicas:    int32(s.liveRevisions[current.Name]),
		UpdatedReplicas:    int32(s.liveRevisions[update.Name]),
	}
}

// condemned lists the members outside [start, end], by descending ordinal
// (for one ordinal, by descending name).
func (s *replicaState) condemned(start, end int) []*api.Pod {
	var out []*api.Pod
	for o := s.present.prev(end+1, maxOrdinal); o >= 0; o = s.present.prev(end+1, o-1) {
		out = append(out, s.byOrdinal[o])
	}
	for o := s.present.prev(0, start-1); o >= 0; o = s.present.prev(0, o-1) {
		out = append(out, s.byOrdinal[o])
	}
	if len(s.extra) > 0 {
		for _, e := range s.extra {
			if _, o := ParentAndOrdinal(e.Name); o < start || o > end {
				out = append(out, e)
			}
		}
		slices.SortFunc(out, func(a, b *api.Pod) int {
			if oa, ob := Ordinal(a), Ordinal(b); oa != ob {
				return ob - oa
			}
			return strings.Compare(b.Name, a.Name)
		})
	}
	return out
}

// warmingIn counts the members of warming in [start, end] that hold their
// ordinal and are not terminating (available but for minReadySeconds).
func (s *replicaState) warmingIn(start, end int) int {
	n := 0
	for _, p := range s.warming {
		if o := Ordinal(p); o >= start && o <= end && s.byOrdinal[o] == p && !p.Terminating() {
			n++
		}
	}
	return n
}

// dump describes the state but for the settled ordinals, each pod by
// name and resourceVersion, for VerifyStates.
func (s *replicaState) dump() string {
	var b strings.Builder
	pods := func(what string, m map[string]*api.Pod) {
		fmt.Fprintf(&b, "%s:", what)
		for _, name := range slices.Sorted(maps.Keys(m)) {
			fmt.Fprintf(&b, " %s@%d", name, m[name].ResourceVersion)
		}
		b.WriteString("\n")
	}
	members := map[string]*api.Pod{}
	for o, p := range s.byOrdinal {
		members[strconv.Itoa(o)+"="+p.Name] = p
	}
	pods("members", members)
	pods("extra", s.extra)
	pods("stray", s.stray)
	pods("warming", s.warming)
	fmt.Fprintf(&b, "replicas %d ready %d revisions %v live %v\n", s.replicas, s.ready, s.revisions, s.liveRevisions)
	set := func(what string, o *ordinalSet) {
		fmt.Fprintf(&b, "%s:", what)
		for i := o.next(0, maxOrdinal); i >= 0; i = o.next(i+1, maxOrdinal) {
			fmt.Fprintf(&b, " %d", i)
		}
		b.WriteString("\n")
	}
	set("present", &s.present)
	set("created", &s.created)
	set("unavailable", &s.unavailable)
	for _, rev := range slices.Sorted(maps.Keys(s.live)) {
		if s.live[rev].next(0, maxOrdinal) >= 0 {
			set("live "+rev, s.live[rev])
		}
	}
	return b.String()
}

// maxOrdinal is the largest ordinal a pod name parses to (getOrdinal's
// int32 range).
const maxOrdinal = 1<<31 - 1
