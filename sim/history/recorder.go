package history

import (
	"maps"
	"time"

	"stsim/sim/api"
	"stsim/sim/slots"
	"stsim/sim/store"
	"stsim/sim/workload"
)

// Recorder builds a Run from the store's changes, the event log and its
// recording methods.
type Recorder struct {
	run   *Run
	w     workload.Workload
	slots *slots.Tracker
	pods  map[string]*Pod // by UID
	// awaiting holds the live pods with a subdomain and no DNS record yet,
	// by name: the ones an EndpointSlice change may give one. A slice
	// change looks its endpoints up in it.
	awaiting   map[string]*Pod
	claims     map[string]*Claim
	revisions  map[string]*Revision
	pvZones    map[string]string
	volumes    map[string]*Volume
	lastStatus *workload.Status
	ready      int
	live       int
	desired    int
	// ops counts the writes, reads and failures recorded (their Seq).
	ops int
}

// NewRecorder records the run of workload w; slots tells each pod's slot
// (its Observe must run before the recorder's).
func NewRecorder(w workload.Workload, t *slots.Tracker) *Recorder {
	return &Recorder{
		run: &Run{Rules: w.Rules(), Workload: WorkloadRef{Kind: w.Kind(), Name: w.Name()}},
		w:   w, slots: t,
		pods: map[string]*Pod{}, awaiting: map[string]*Pod{}, claims: map[string]*Claim{}, revisions: map[string]*Revision{}, pvZones: map[string]string{}, volumes: map[string]*Volume{},
	}
}

// Run is the history recorded so far.
func (r *Recorder) Run() *Run { return r.run }

// Conversions records how the workload was converted for the rule set, and
// what the scenario holds that is not simulated.
func (r *Recorder) Conversions(conversions, ignored []string) {
	r.run.Conversions = append(r.run.Conversions, conversions...)
	r.run.Ignored = append(r.run.Ignored, ignored...)
}

// Converted records what converting a step's change to the rule set did.
func (r *Recorder) Converted(note string) {
	r.run.Conversions = append(r.run.Conversions, note)
}

// Event records one event of the API server's log.
func (r *Recorder) Event(e api.Event) {
	r.run.Events = append(r.run.Events, Event{Time: e.Time, Type: e.Type, Kind: e.Kind, Name: e.Name, Reason: e.Reason, Message: e.Message})
}

// Mounted records what a workload pod mounted.
func (r *Recorder) Mounted(uid string, mounts []Mount) {
	if row := r.pods[uid]; row != nil {
		row.Mounts = mounts
	}
}

// Outlived records that a workload pod's containers run on although its
// object is gone.
func (r *Recorder) Outlived(uid string) {
	if row := r.pods[uid]; row != nil {
		row.Outlived = true
	}
}

// Stopped records when the containers of a pod that outlived its object
// stopped.
func (r *Recorder) Stopped(uid string, now time.Duration) {
	if row := r.pods[uid]; row != nil && row.Outlived {
		row.Stopped = at(now)
	}
}

// Halted records that a node crash stopped a workload pod's containers.
func (r *Recorder) Halted(uid string, now time.Duration) {
	if row := r.pods[uid]; row != nil {
		row.Halted = append(row.Halted, Span{From: now})
	}
}

// Resumed records that a pod's containers stopped by a node crash run
// again.
func (r *Recorder) Resumed(uid string, now time.Duration) {
	if row := r.pods[uid]; row != nil {
		if n := len(row.Halted); n > 0 && row.Halted[n-1].To == nil {
			row.Halted[n-1].To = at(now)
		}
	}
}

// Write records a value an application wrote.
func (r *Recorder) Write(w Write) {
	r.ops++
	w.Seq = r.ops
	r.run.Writes = append(r.run.Writes, w)
}

// Read records a value an application read back.
func (r *Recorder) Read(rd Read) {
	r.ops++
	rd.Seq = r.ops
	r.run.Reads = append(r.run.Reads, rd)
}

// Failure records a write or read that could not be done.
func (r *Recorder) Failure(f Failure) {
	r.ops++
	f.Seq = r.ops
	r.run.Failures = append(r.run.Failures, f)
}

// Lookup records a DNS query and its answer.
func (r *Recorder) Lookup(l Lookup) { r.run.Lookups = append(r.run.Lookups, l) }

// Expectation records the outcome of one check.
func (r *Recorder) Expectation(e Expectation) { r.run.Expectations = append(r.run.Expectations, e) }

// Finding records something the reader must know about a step.
func (r *Recorder) Finding(f Finding) { r.run.Findings = append(r.run.Findings, f) }

// Rejection records a change the API server refused.
func (r *Recorder) Rejection(rj Rejection) { r.run.Rejections = append(r.run.Rejections, rj) }

// ReconcileError records a failed reconcile (the engine's error observer).
func (r *Recorder) ReconcileError(now time.Duration, controller, key string, err error) {
	r.run.Errors = append(r.run.Errors, ReconcileError{Time: now, Controller: controller, Key: key, Message: err.Error()})
}

// End records when the run ended.
func (r *Recorder) End(t time.Duration) { r.run.End = t }

// Observe records the changes of one write at now.
func (r *Recorder) Observe(_ *store.Txn, now time.Duration, changes []store.Change) {
	for _, c := range changes {
		switch c.Kind {
		case api.KindPod:
			r.pod(now, c)
		case api.KindPersistentVolumeClaim:
			r.claim(now, c)
		case api.KindPersistentVolume:
			if c.New != nil {
				r.pvZones[c.New.Meta().Name] = c.New.(*api.PersistentVolume).Zone()
			}
			r.volume(now, c)
		case api.KindControllerRevision, api.KindReplicaSet:
			r.revision(now, c)
		case api.KindStatefulSet, api.KindDeployment:
			r.workload(now, c)
		case api.KindEndpointSlice:
			r.endpoints(c)
		}
	}
}

func at(d time.Duration) *time.Duration { return &d }

func (r *Recorder) pod(now time.Duration, c store.Change) {
	o := c.Object().(*api.Pod)
	row := r.pods[o.UID]
	if row == nil {
		s, ok := r.slots.Pod(o.UID)
		if !ok {
			return // not the workload's
		}
		row = &Pod{Name: o.Name, UID: o.UID, Created: now, Slot: s.Slot, Replaced: s.Replaced}
		r.pods[o.UID] = row
		r.run.Pods = append(r.run.Pods, row)
		r.live++
	}
	if c.New == nil {
		row.Gone = at(now)
		if row.Deleted == nil {
			row.Deleted = at(now)
		}
		if r.awaiting[row.Name] == row {
			delete(r.awaiting, row.Name)
		}
		r.live--
		if readyNow(c.Old) {
			r.ready--
			row.endReadySpan(now)
		}
		r.sample(now)
		return
	}
	p := c.New.(*api.Pod)
	row.Node, row.IP, row.Phase, row.Restarts = p.Spec.NodeName, p.Status.PodIP, p.Status.Phase, p.Restarts()
	if row.Labels == nil || !maps.Equal(row.Labels, p.Labels) {
		row.Labels = maps.Clone(p.Labels)
	}
	row.Claims = p.ClaimNames()
	row.Hostname, row.Subdomain = p.Spec.Hostname, p.Spec.Subdomain
	if row.Hostname == "" {
		row.Hostname = p.Name
	}
	if row.Subdomain != "" && !row.Record {
		r.awaiting[row.Name] = row
	}
	row.Revision = r.w.RevisionOf(p)
	if row.Ready == nil && p.Status.Ready {
		row.Ready = at(now)
	}
	if row.Deleted == nil && p.Terminating() {
		row.Deleted = at(now)
	}
	if isReady, wasReady := readyNow(p), readyNow(c.Old); isReady != wasReady {
		if isReady {
			r.ready++
			row.ReadySpans = append(row.ReadySpans, Span{From: now})
		} else {
			r.ready--
			row.endReadySpan(now)
		}
	}
	r.sample(now)
}

// endpoints marks the pods that cluster DNS now answers by
// hostname.subdomain: a ready endpoint of the Service their subdomain names,
// with their hostname (findServices in CoreDNS's kubernetes plugin, as
// sim/dns answers it).
func (r *Recorder) endpoints(c store.Change) {
	if c.New == nil || len(r.awaiting) == 0 {
		return
	}
	slice := c.New.(*api.EndpointSlice)
	for _, e := range slice.Endpoints {
		if row := r.awaiting[e.PodName]; row != nil && e.Ready && row.Subdomain == slice.Service && e.Hostname == row.Hostname {
			row.Record = true
			delete(r.awaiting, e.PodName)
		}
	}
}

// endReadySpan ends the pod's open ready span at now. A span that began at
// now is kept: the pod was Ready within the instant (a waitFor saw it),
// and its slot was up until then.
func (p *Pod) endReadySpan(now time.Duration) {
	if n := len(p.ReadySpans); n > 0 && p.ReadySpans[n-1].To == nil {
		p.ReadySpans[n-1].To = at(now)
	}
}

// readyNow: Ready and not terminating.
func readyNow(o api.Object) bool {
	if o == nil {
		return false
	}
	p := o.(*api.Pod)
	return p.Status.Ready && !p.Terminating()
}

// sample records the counts at now; samples of one instant collapse into
// its last one, and an unchanged sample is not repeated.
func (r *Recorder) sample(now time.Duration) {
	s := Sample{Time: now, Ready: r.ready, Pods: r.live, Desired: r.desired}
	if r.run.FullyReady == nil && s.Desired > 0 && s.Ready >= s.Desired {
		r.run.FullyReady = at(now)
	}
	same := func(a Sample) bool { return a.Ready == s.Ready && a.Pods == s.Pods && a.Desired == s.Desired }
	n := len(r.run.Samples)
	switch {
	case n > 0 && r.run.Samples[n-1].Time == s.Time:
		r.run.Samples[n-1] = s
		if n > 1 && same(r.run.Samples[n-2]) {
			r.run.Samples = r.run.Samples[:n-1]
		}
	case n > 0 && same(r.run.Samples[n-1]):
	default:
		r.run.Samples = append(r.run.Samples, s)
	}
}

func (r *Recorder) claim(now time.Duration, c store.Change) {
	o := c.Object().(*api.PersistentVolumeClaim)
	row := r.claims[o.UID]
	if row == nil {
		row = &Claim{Name: o.Name, Created: now}
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

func (r *Recorder) volume(now time.Duration, c store.Change) {
	o := c.Object().(*api.PersistentVolume)
	row := r.volumes[o.UID]
	if row == nil {
		row = &Volume{Name: o.Name, Created: now}
		r.volumes[o.UID] = row
		r.run.Volumes = append(r.run.Volumes, row)
	}
	if c.New == nil {
		row.Gone, row.Phase = at(now), "Gone"
		return
	}
	pv := c.New.(*api.PersistentVolume)
	row.Class, row.ReclaimPolicy, row.Phase = pv.Spec.StorageClassName, pv.Spec.PersistentVolumeReclaimPolicy, pv.Status.Phase
	if ref := pv.Spec.ClaimRef; ref != nil {
		row.Claim = ref.Name
	}
	if row.Released == nil && pv.Status.Phase == api.VolumeReleased {
		row.Released = at(now)
	}
}

// VolumeRecords counts what is left on each volume's disk at the end of
// the run.
func (r *Recorder) VolumeRecords(records func(pv string) int) {
	for _, v := range r.run.Volumes {
		v.Records = records(v.Name)
	}
}

func (r *Recorder) revision(now time.Duration, c store.Change) {
	o := c.Object()
	if !r.w.OwnsRevision(o) {
		return
	}
	row := r.revisions[o.Meta().UID]
	if row == nil {
		row = &Revision{Name: o.Meta().Name, Created: now}
		r.revisions[o.Meta().UID] = row
		r.run.Revisions = append(r.run.Revisions, row)
	}
	if c.New == nil {
		row.Gone = at(now)
		return
	}
	row.Revision = r.w.RevisionNumber(c.New)
}

func (r *Recorder) workload(now time.Duration, c store.Change) {
	if !r.w.Is(c.Object()) {
		return
	}
	defer r.sample(now)
	if c.New == nil {
		return
	}
	r.desired = int(r.w.Replicas(c.New))
	s := r.w.Status(c.New)
	if r.lastStatus != nil && r.lastStatus.Equal(s) {
		return
	}
	r.lastStatus = &s
	r.run.Status = append(r.run.Status, Status{Time: now, Status: s})
}
