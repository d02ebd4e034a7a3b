package history

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"stsim/sim/api"
	"stsim/sim/store"
)

// Seconds converts virtual time to report seconds (millisecond precision).
func Seconds(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)) / 1000
}

func at(d time.Duration) *float64 {
	s := Seconds(d)
	return &s
}

// Recorder builds a Run from the store's changes and the event log.
type Recorder struct {
	run         *Run
	kind, name  string
	workloadUID string
	ownedRS     map[string]bool // ReplicaSet UIDs owned by the workload
	pods        map[string]*Pod // by UID
	claims      map[string]*Claim
	revisions   map[string]*Revision
	pvZones     map[string]string
	slots       map[int]string // slot -> UID of the live pod holding it
	lastHolder  map[int]string // slot -> name of the last pod that held it
	lastStatus  *Status
	ready, live int
	desired     int
}

// NewRecorder records the run of one rule set for the named workload.
func NewRecorder(rules, kind, name string) *Recorder {
	return &Recorder{
		run:  &Run{Rules: rules, Workload: WorkloadRef{Kind: kind, Name: name}},
		kind: kind, name: name,
		ownedRS: map[string]bool{}, pods: map[string]*Pod{}, claims: map[string]*Claim{},
		revisions: map[string]*Revision{}, pvZones: map[string]string{},
		slots: map[int]string{}, lastHolder: map[int]string{},
	}
}

// Run is the history recorded so far.
func (r *Recorder) Run() *Run { return r.run }

// SlotOf is the slot of a workload pod (by UID), and whether it is one.
func (r *Recorder) SlotOf(uid string) (int, bool) {
	p, ok := r.pods[uid]
	if !ok {
		return 0, false
	}
	return p.Slot, true
}

// Event records one event of the API server's log.
func (r *Recorder) Event(e api.Event) {
	r.run.Events = append(r.run.Events, Event{Time: Seconds(e.Time), Type: e.Type, Kind: e.Kind, Name: e.Name, Reason: e.Reason, Message: e.Message})
}

// Observe records the changes committed at now.
func (r *Recorder) Observe(now time.Duration, changes []store.Change) {
	for _, c := range changes {
		switch c.Kind {
		case api.KindPod:
			r.pod(now, c)
		case api.KindPersistentVolumeClaim:
			r.claim(now, c)
		case api.KindPersistentVolume:
			if c.New != nil {
				r.pvZones[c.New.Meta().Name] = c.New.Meta().Labels[api.LabelZone]
			}
		case api.KindControllerRevision, api.KindReplicaSet:
			r.revision(now, c)
		case api.KindStatefulSet, api.KindDeployment:
			r.workload(now, c)
		}
	}
}

func (r *Recorder) isWorkloadPod(p *api.Pod) bool {
	ref := p.ControllerRef()
	if ref == nil {
		return false
	}
	switch r.kind {
	case api.KindStatefulSet:
		return ref.Kind == api.KindStatefulSet && ref.Name == r.name
	default:
		return ref.Kind == api.KindReplicaSet && r.ownedRS[ref.UID]
	}
}

func (r *Recorder) pod(now time.Duration, c store.Change) {
	o := c.Object().(*api.Pod)
	if !r.isWorkloadPod(o) {
		return
	}
	row := r.pods[o.UID]
	if row == nil {
		row = &Pod{Name: o.Name, UID: o.UID, Created: Seconds(now), Slot: r.slotFor(o)}
		r.pods[o.UID] = row
		r.run.Pods = append(r.run.Pods, row)
		r.slots[row.Slot] = o.UID
		row.Replaced = r.lastHolder[row.Slot]
		r.lastHolder[row.Slot] = o.Name
		r.live++
	}
	if c.New == nil {
		row.Gone = at(now)
		if row.Deleted == nil {
			row.Deleted = at(now)
		}
		r.free(row)
		r.live--
		if r.readyNow(c.Old) {
			r.ready--
		}
		r.sample(now)
		return
	}
	p := c.New.(*api.Pod)
	row.Node, row.IP, row.Phase, row.Restarts = p.Spec.NodeName, p.Status.PodIP, p.Status.Phase, p.Restarts()
	row.Labels = maps.Clone(p.Labels)
	row.Claims = p.ClaimNames()
	row.Hostname, row.Subdomain = p.Spec.Hostname, p.Spec.Subdomain
	if row.Hostname == "" {
		row.Hostname = p.Name
	}
	row.Revision = p.Labels["controller-revision-hash"]
	if ref := p.ControllerRef(); ref != nil && ref.Kind == api.KindReplicaSet {
		row.Revision = ref.Name
	}
	if row.Ready == nil && p.Status.Ready {
		row.Ready = at(now)
	}
	if row.Deleted == nil && p.Terminating() {
		row.Deleted = at(now)
		r.free(row)
	}
	if isReady, wasReady := r.readyNow(p), r.readyNow(c.Old); isReady != wasReady {
		if isReady {
			r.ready++
		} else {
			r.ready--
		}
	}
	r.sample(now)
}

// readyNow: Ready and not terminating.
func (r *Recorder) readyNow(o api.Object) bool {
	if o == nil {
		return false
	}
	p := o.(*api.Pod)
	return p.Status.Ready && !p.Terminating()
}

// free releases the slot of a pod that is being deleted or gone.
func (r *Recorder) free(row *Pod) {
	if r.slots[row.Slot] == row.UID {
		delete(r.slots, row.Slot)
	}
}

// slotFor is a StatefulSet pod's ordinal, or for other pods the lowest slot
// no live (existing, not terminating) pod holds.
func (r *Recorder) slotFor(p *api.Pod) int {
	if r.kind == api.KindStatefulSet {
		if o, err := strconv.Atoi(p.Labels["apps.kubernetes.io/pod-index"]); err == nil {
			return o
		}
	}
	s := 0
	for r.slots[s] != "" {
		s++
	}
	return s
}

func (r *Recorder) sample(now time.Duration) {
	s := ReadySample{Time: Seconds(now), Ready: r.ready, Pods: r.live, Desired: r.desired}
	same := func(a ReadySample) bool { return a.Ready == s.Ready && a.Pods == s.Pods && a.Desired == s.Desired }
	n := len(r.run.ReadyOverTime)
	switch {
	case n > 0 && r.run.ReadyOverTime[n-1].Time == s.Time:
		r.run.ReadyOverTime[n-1] = s
		if n > 1 && same(r.run.ReadyOverTime[n-2]) {
			r.run.ReadyOverTime = r.run.ReadyOverTime[:n-1]
		}
	case n > 0 && same(r.run.ReadyOverTime[n-1]):
	default:
		r.run.ReadyOverTime = append(r.run.ReadyOverTime, s)
	}
}

func (r *Recorder) claim(now time.Duration, c store.Change) {
	o := c.Object().(*api.PersistentVolumeClaim)
	row := r.claims[o.UID]
	if row == nil {
		row = &Claim{Name: o.Name, Created: Seconds(now)}
		r.claims[o.UID] = row
		r.run.Claims = append(r.run.Claims, row)
	}
	if c.New == nil {
		row.Gone = at(now)
		if row.Deleted == nil {
			row.Deleted = at(now)
		}
		return
	}
	cl := c.New.(*api.PersistentVolumeClaim)
	row.OwnerReferences = []string{}
	for _, ref := range cl.OwnerReferences {
		row.OwnerReferences = append(row.OwnerReferences, ref.Kind+"/"+ref.Name)
	}
	if cl.Spec.VolumeName != "" {
		row.Volume = cl.Spec.VolumeName
		row.Zone = r.pvZones[cl.Spec.VolumeName]
	}
	if row.Bound == nil && cl.Status.Phase == api.ClaimBound {
		row.Bound = at(now)
	}
	if row.Deleted == nil && cl.Terminating() {
		row.Deleted = at(now)
	}
}

func (r *Recorder) revision(now time.Duration, c store.Change) {
	o := c.Object()
	ref := o.Meta().ControllerRef()
	if ref == nil || ref.UID != r.workloadUID {
		return
	}
	if c.Kind == api.KindReplicaSet {
		r.ownedRS[o.Meta().UID] = true
	}
	row := r.revisions[o.Meta().UID]
	if row == nil {
		row = &Revision{Name: o.Meta().Name, Created: Seconds(now)}
		r.revisions[o.Meta().UID] = row
		r.run.Revisions = append(r.run.Revisions, row)
	}
	if c.New == nil {
		row.Gone = at(now)
		return
	}
	switch n := c.New.(type) {
	case *api.ControllerRevision:
		row.Revision = n.Revision
	case *api.ReplicaSet:
		row.Revision, _ = strconv.ParseInt(n.Annotations["deployment.kubernetes.io/revision"], 10, 64)
	}
}

func (r *Recorder) workload(now time.Duration, c store.Change) {
	o := c.Object()
	if c.Kind != r.kind || o.Meta().Name != r.name {
		return
	}
	r.workloadUID = o.Meta().UID
	defer r.sample(now)
	var s Status
	switch w := c.New.(type) {
	case *api.StatefulSet:
		r.desired = int(*w.Spec.Replicas)
		st := w.Status
		cur := st.CurrentReplicas
		s = Status{ObservedGeneration: st.ObservedGeneration, Replicas: st.Replicas, ReadyReplicas: st.ReadyReplicas,
			CurrentReplicas: &cur, UpdatedReplicas: st.UpdatedReplicas, AvailableReplicas: st.AvailableReplicas,
			CurrentRevision: st.CurrentRevision, UpdateRevision: st.UpdateRevision, Conditions: map[string]Condition{}}
	case *api.Deployment:
		r.desired = int(*w.Spec.Replicas)
		st := w.Status
		un := st.UnavailableReplicas
		s = Status{ObservedGeneration: st.ObservedGeneration, Replicas: st.Replicas, ReadyReplicas: st.ReadyReplicas,
			UpdatedReplicas: st.UpdatedReplicas, AvailableReplicas: st.AvailableReplicas, UnavailableReplicas: &un,
			Conditions: map[string]Condition{}}
		for _, cond := range st.Conditions {
			s.Conditions[cond.Type] = Condition{Status: cond.Status, Reason: cond.Reason}
		}
	default:
		return
	}
	if r.lastStatus != nil && statusEqual(*r.lastStatus, s) {
		return
	}
	r.lastStatus = &s
	s.Time = Seconds(now)
	r.run.Status = append(r.run.Status, s)
}

func statusEqual(a, b Status) bool {
	eq := func(x, y *int32) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.ObservedGeneration == b.ObservedGeneration && a.Replicas == b.Replicas && a.ReadyReplicas == b.ReadyReplicas &&
		eq(a.CurrentReplicas, b.CurrentReplicas) && a.UpdatedReplicas == b.UpdatedReplicas && a.AvailableReplicas == b.AvailableReplicas &&
		eq(a.UnavailableReplicas, b.UnavailableReplicas) && a.CurrentRevision == b.CurrentRevision && a.UpdateRevision == b.UpdateRevision &&
		maps.Equal(a.Conditions, b.Conditions)
}

// LivePods lists the workload's pods that exist, in creation order.
func (r *Recorder) LivePods() []*Pod {
	return slices.DeleteFunc(slices.Clone(r.run.Pods), func(p *Pod) bool { return p.Gone != nil })
}
