package report

import (
	"math"
	"time"

	"stsim/sim/history"
	"stsim/sim/workload"
)

// This file holds the report's wire types, the JSON contract of
// `stsim run -o json` (docs/report.md, docs/report.schema.json): times are
// seconds of virtual time (numbers); every key is always present (no
// omitempty); a scalar that does not exist (a time that did not happen, a
// node or address a pod never got, a field the workload's kind lacks) is
// null, so its field is a pointer; lists are [] and maps {} when empty,
// never null. Every type is built from the history by run().

// Run is the analysed history of one rule set.
type Run struct {
	Rules       workload.Rules `json:"rules"`
	Workload    Workload       `json:"workload"`
	EndTime     float64        `json:"endTime"`
	Conversions []string       `json:"conversions"`
	Ignored     []string       `json:"ignored"`
	Events      []Event        `json:"events"`
	Pods        []*Pod         `json:"pods"`
	Claims      []*Claim       `json:"claims"`
	Volumes     []*Volume      `json:"volumes"`
	Revisions   []*Revision    `json:"revisions"`
	Status      []Status       `json:"status"`
	Rejections  []Rejection    `json:"rejections"`
	Identities  []Identity     `json:"identities"`
	Reads       []Read         `json:"reads"`
	Writes      []Write        `json:"writes"`
	// Failures are the writes and reads that could not be done.
	Failures     []Failure     `json:"failures"`
	Lookups      []Lookup      `json:"lookups"`
	Availability Availability  `json:"availability"`
	Measures     Measures      `json:"measures"`
	Expectations []Expectation `json:"expectations"`
	Findings     []Finding     `json:"findings"`
	// ReadyOverTime samples the number of Ready, non-terminating workload
	// pods and of existing workload pods at every change.
	ReadyOverTime []ReadySample `json:"readyOverTime"`
	// ReconcileErrors are the controller reconciles that failed and were
	// retried.
	ReconcileErrors []ReconcileError `json:"reconcileErrors"`
}

// Workload names the workload of a run.
type Workload struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Event is one event, like a line of `kubectl get events`.
type Event struct {
	Time    float64 `json:"time"`
	Type    string  `json:"type"`
	Kind    string  `json:"kind"`
	Name    string  `json:"name"`
	Reason  string  `json:"reason"`
	Message string  `json:"message"`
}

// Pod is one pod incarnation (one UID) of the workload.
type Pod struct {
	Name string `json:"name"`
	UID  string `json:"uid"`
	Slot int    `json:"slot"`
	// Node and IP are null while the pod was never scheduled or never
	// got an address.
	Node     *string           `json:"node"`
	IP       *string           `json:"ip"`
	Revision string            `json:"revision"`
	Phase    string            `json:"phase"`
	Labels   map[string]string `json:"labels"`
	Created  float64           `json:"created"`
	Ready    *float64          `json:"ready"`
	Deleted  *float64          `json:"deleted"`
	Gone     *float64          `json:"gone"`
	// Outlived says the pod's containers ran on after the object was gone
	// (its node was cut off); Stopped is when they stopped, null while
	// they still run at the end or when they did not outlive it.
	Outlived bool     `json:"outlived"`
	Stopped  *float64 `json:"stopped"`
	// ReadySpans are the times the pod was Ready and not terminating;
	// the last one's To is null while it still was at the end.
	ReadySpans []Span `json:"readySpans"`
	// Halted are the times a node crash had stopped its containers while
	// the object was still there; the last one's To is null while they
	// were still stopped at the end.
	Halted   []Span   `json:"halted"`
	Restarts int32    `json:"restarts"`
	Claims   []string `json:"claims"`
	// Hostname is the pod's hostname (spec.hostname, else its name);
	// Subdomain its spec.subdomain (null: none).
	Hostname  string  `json:"hostname"`
	Subdomain *string `json:"subdomain"`
	// Record says cluster DNS answered hostname.subdomain with the pod's
	// address at some time (the Service the subdomain names listed it as a
	// ready endpoint).
	Record bool `json:"record"`
	// Replaced names the pod whose slot this one took (null: none).
	Replaced *string `json:"replaced"`
	// Mounts is what the kubelet mounted for each volume, once the pod
	// was set up on its node.
	Mounts []Mount `json:"mounts"`
}

// Span is a stretch of time from From until To (null: the end of the run).
type Span struct {
	From float64  `json:"from"`
	To   *float64 `json:"to"`
}

// Mount is one volume a pod mounted and the disk behind it: a claim and
// its PersistentVolume (null for an emptyDir), or an emptyDir.
type Mount struct {
	Volume   string  `json:"volume"`
	Claim    *string `json:"claim"`
	PV       *string `json:"pv"`
	EmptyDir bool    `json:"emptyDir"`
	Disk     string  `json:"disk"`
}

// Claim is one PersistentVolumeClaim object. Volume is null while it was
// never bound, Zone when its volume has none.
type Claim struct {
	Name            string   `json:"name"`
	Volume          *string  `json:"volume"`
	Zone            *string  `json:"zone"`
	OwnerReferences []string `json:"ownerReferences"`
	Created         float64  `json:"created"`
	Bound           *float64 `json:"bound"`
	Deleted         *float64 `json:"deleted"`
	Gone            *float64 `json:"gone"`
}

// Volume is a PersistentVolume and what was left of it, and of its data,
// at the end of the run.
type Volume struct {
	Name string `json:"name"`
	// Class is its StorageClass and Claim the claim it was bound to;
	// null: none.
	Class         *string  `json:"class"`
	ReclaimPolicy string   `json:"reclaimPolicy"`
	Claim         *string  `json:"claim"`
	Created       float64  `json:"created"`
	Released      *float64 `json:"released"`
	Gone          *float64 `json:"gone"`
	Phase         string   `json:"phase"`
	Records       int      `json:"records"`
}

// Revision is a ControllerRevision (StatefulSet) or a ReplicaSet (Deployment).
type Revision struct {
	Name     string   `json:"name"`
	Revision int64    `json:"revision"`
	Created  float64  `json:"created"`
	Gone     *float64 `json:"gone"`
}

// Status is the workload's status after a change. A field the workload's
// kind lacks is null: currentReplicas, currentRevision, updateRevision for
// a Deployment, unavailableReplicas for a StatefulSet; so is one not set
// yet.
type Status struct {
	Time                float64              `json:"time"`
	ObservedGeneration  int64                `json:"observedGeneration"`
	Replicas            int32                `json:"replicas"`
	ReadyReplicas       int32                `json:"readyReplicas"`
	CurrentReplicas     *int32               `json:"currentReplicas"`
	UpdatedReplicas     int32                `json:"updatedReplicas"`
	AvailableReplicas   int32                `json:"availableReplicas"`
	UnavailableReplicas *int32               `json:"unavailableReplicas"`
	TerminatingReplicas *int32               `json:"terminatingReplicas"`
	CurrentRevision     *string              `json:"currentRevision"`
	UpdateRevision      *string              `json:"updateRevision"`
	CollisionCount      *int32               `json:"collisionCount"`
	Conditions          map[string]Condition `json:"conditions"`
}

// Condition is one workload condition.
type Condition struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// Rejection is a change the simulated API server refused.
type Rejection struct {
	Step    int     `json:"step"`
	Time    float64 `json:"time"`
	Message string  `json:"message"`
}

// Identity is what one slot (ordinal) kept across the pods that held it,
// and how long it was without a Ready pod. A measure that does not apply
// is null: StableName for a slot never replaced, StableStorage for a slot
// whose pods mounted no claimed volume, Downtime for a slot never Ready,
// Recovery for a slot never down.
type Identity struct {
	Slot          int      `json:"slot"`
	Names         []string `json:"names"`
	Claims        []string `json:"claims"`
	StableName    *bool    `json:"stableName"`
	StableStorage *bool    `json:"stableStorage"`
	// StableDNS says every pod that held the slot had its own DNS record
	// (hostname.subdomain answered with its address) under one name.
	StableDNS bool `json:"stableDNS"`
	// Downtime is the time, from the slot's first Ready pod until the end
	// of the run or until the slot was scaled away, that it had no Ready
	// pod; Recovery the longest such stretch (the time to recover from
	// the worst outage).
	Downtime *float64 `json:"downtime"`
	Recovery *float64 `json:"recovery"`
}

// Write is a value an application wrote to a volume.
type Write struct {
	Time float64 `json:"time"`
	Pod  string  `json:"pod"`
	// Node is where the writing pod ran (null: unknown): two nodes
	// writing to one disk at once are concurrent writers.
	Node   *string `json:"node"`
	Volume string  `json:"volume"`
	Disk   string  `json:"disk"`
	Key    string  `json:"key"`
	Value  string  `json:"value"`
	// seq orders the writes, reads and failures in the Data table (not
	// part of the JSON, whose lists are by time).
	seq int
}

// Read is a value an application read back from a volume.
type Read struct {
	Time   float64 `json:"time"`
	Pod    string  `json:"pod"`
	Volume string  `json:"volume"`
	Disk   string  `json:"disk"`
	Key    string  `json:"key"`
	// Value is the value read, null when none was found.
	Value *string `json:"value"`
	Found bool    `json:"found"`
	// WrittenBy is the pod that wrote the value read (null: not found,
	// or no pod wrote it).
	WrittenBy *string `json:"writtenBy"`
	// seq orders it in the Data table (see Write).
	seq int
}

// Lookup is one DNS query from a client pod in the workload's namespace.
type Lookup struct {
	Time    float64  `json:"time"`
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	FQDN    string   `json:"fqdn"`
	Answers []string `json:"answers"`
	// Pods names the pod behind each answer (null for a ClusterIP).
	Pods     []*string `json:"pods"`
	NXDomain bool      `json:"nxdomain"`
	// Outside is set for a name outside the cluster domain, which cluster
	// DNS forwards upstream: its answer is not simulated.
	Outside bool `json:"outside"`
	// TTL is the answer's TTL; for NXDOMAIN and NODATA the negative-caching
	// TTL of the SOA record; null for a name outside the cluster domain.
	TTL *int `json:"ttl"`
}

// Availability sums up readiness over the run. The measures after the
// first full rollout are null when the workload never had all its desired
// pods Ready.
type Availability struct {
	// FullyReady is when the workload first had as many Ready pods as it
	// wanted (the end of the first rollout).
	FullyReady *float64 `json:"fullyReady"`
	// MinReady is the fewest Ready pods from FullyReady on, and
	// MinReadySeconds how long in all the count stayed that low.
	MinReady        *int     `json:"minReady"`
	MinReadySeconds *float64 `json:"minReadySeconds"`
	// BelowDesiredSeconds is the time from FullyReady on with fewer Ready
	// pods than desired.
	BelowDesiredSeconds *float64 `json:"belowDesiredSeconds"`
	// MaxReady is the most Ready pods at once, and MaxPods the most pods.
	MaxReady int `json:"maxReady"`
	MaxPods  int `json:"maxPods"`
	// DuplicateIdentitySeconds is how long two pods of one identity (one
	// StatefulSet name) ran at once.
	DuplicateIdentitySeconds float64 `json:"duplicateIdentitySeconds"`
	// MaxConcurrentWriters is the most pods that wrote to one disk while
	// their containers ran at the same time (two writers of one volume:
	// a shared claim, or a replacement while the old pod runs on a node
	// that is cut off), and ConcurrentWriterSeconds the longest time, on
	// one disk, that two or more of them did.
	MaxConcurrentWriters    int     `json:"maxConcurrentWriters"`
	ConcurrentWriterSeconds float64 `json:"concurrentWriterSeconds"`
	// Scalings are the changes of the desired replicas after the first
	// one, and how long each took.
	Scalings []Scaling `json:"scalings"`
}

// Scaling is one change of the desired replicas: when, from and to how
// many, and how long until exactly To pods existed and all were Ready
// (null if that never happened).
type Scaling struct {
	Time float64  `json:"time"`
	From int      `json:"from"`
	To   int      `json:"to"`
	Took *float64 `json:"took"`
}

// ReadySample is the ready and existing pod counts from Time on.
type ReadySample struct {
	Time  float64 `json:"time"`
	Ready int     `json:"ready"`
	Pods  int     `json:"pods"`
	// Desired is the workload's spec.replicas from Time on. The report takes
	// the first sample with Ready >= Desired > 0 as the end of the first
	// rollout; when no sample has it set, the highest Ready of the run is
	// used instead.
	Desired int `json:"desired"`
}

// Expectation is the outcome of one check of an expect step.
type Expectation struct {
	Step  int     `json:"step"`
	Time  float64 `json:"time"`
	Check string  `json:"check"`
	OK    bool    `json:"ok"`
	// Want and Got are what the check wanted and what it saw as values: a
	// number for a count, a list of strings for names, claims or
	// addresses, a string for a value read, a bool, an object
	// {status, reason} for a condition; null for nothing (no such value,
	// pod or field).
	Want any `json:"want"`
	Got  any `json:"got"`
	// WantText and GotText are the same as the text report shows them.
	WantText string `json:"wantText"`
	GotText  string `json:"gotText"`
}

// Finding is something the run ran into that a reader must know, such as a
// waitFor that timed out and what the rollout was stuck on.
type Finding struct {
	Step    int     `json:"step"`
	Time    float64 `json:"time"`
	Message string  `json:"message"`
}

// ReconcileError is a reconcile that failed; the controller retried it.
type ReconcileError struct {
	Time       float64 `json:"time"`
	Controller string  `json:"controller"`
	Key        string  `json:"key"`
	Message    string  `json:"message"`
}

// seconds converts virtual time to report seconds (millisecond precision).
func seconds(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)) / 1000
}

// optSeconds converts a time that may not have happened (nil).
func optSeconds(d *time.Duration) *float64 {
	if d == nil {
		return nil
	}
	s := seconds(*d)
	return &s
}

// run converts a recorded history into its wire form; every list is
// non-nil and in the order the history kept.
func run(h *history.Run) *Run {
	out := &Run{
		Rules: h.Rules, Workload: Workload{Kind: h.Workload.Kind, Name: h.Workload.Name}, EndTime: seconds(h.End),
		Conversions: clone(h.Conversions), Ignored: clone(h.Ignored),
	}
	out.Events = convertAll(h.Events, func(e history.Event) Event {
		return Event{Time: seconds(e.Time), Type: e.Type, Kind: e.Kind, Name: e.Name, Reason: e.Reason, Message: e.Message}
	})
	out.Pods = convertAll(h.Pods, func(p *history.Pod) *Pod {
		return &Pod{Name: p.Name, UID: p.UID, Slot: p.Slot, Node: optString(p.Node), IP: optString(p.IP), Revision: p.Revision, Phase: p.Phase,
			Labels: cloneMap(p.Labels), Created: seconds(p.Created), Ready: optSeconds(p.Ready), Deleted: optSeconds(p.Deleted),
			Gone: optSeconds(p.Gone), Outlived: p.Outlived, Stopped: optSeconds(p.Stopped),
			ReadySpans: convertAll(p.ReadySpans, wireSpan), Halted: convertAll(p.Halted, wireSpan),
			Restarts: p.Restarts, Claims: clone(p.Claims), Hostname: p.Hostname, Subdomain: optString(p.Subdomain), Record: p.Record,
			Replaced: optString(p.Replaced), Mounts: convertAll(p.Mounts, func(m history.Mount) Mount {
				return Mount{Volume: m.Volume, Claim: optString(m.Claim), PV: optString(m.PV), EmptyDir: m.EmptyDir, Disk: m.Disk}
			})}
	})
	out.Claims = convertAll(h.Claims, func(c *history.Claim) *Claim {
		return &Claim{Name: c.Name, Volume: optString(c.Volume), Zone: optString(c.Zone), OwnerReferences: clone(c.OwnerReferences),
			Created: seconds(c.Created), Bound: optSeconds(c.Bound), Deleted: optSeconds(c.Deleted), Gone: optSeconds(c.Gone)}
	})
	out.Volumes = convertAll(h.Volumes, func(v *history.Volume) *Volume {
		return &Volume{Name: v.Name, Class: optString(v.Class), ReclaimPolicy: v.ReclaimPolicy, Claim: optString(v.Claim), Created: seconds(v.Created),
			Released: optSeconds(v.Released), Gone: optSeconds(v.Gone), Phase: v.Phase, Records: v.Records}
	})
	out.Revisions = convertAll(h.Revisions, func(r *history.Revision) *Revision {
		return &Revision{Name: r.Name, Revision: r.Revision, Created: seconds(r.Created), Gone: optSeconds(r.Gone)}
	})
	out.Status = convertAll(h.Status, func(s history.Status) Status {
		st := Status{Time: seconds(s.Time), ObservedGeneration: s.ObservedGeneration, Replicas: s.Replicas,
			ReadyReplicas: s.ReadyReplicas, CurrentReplicas: s.CurrentReplicas, UpdatedReplicas: s.UpdatedReplicas,
			AvailableReplicas: s.AvailableReplicas, UnavailableReplicas: s.UnavailableReplicas, TerminatingReplicas: s.TerminatingReplicas,
			CurrentRevision: optString(s.CurrentRevision), UpdateRevision: optString(s.UpdateRevision), CollisionCount: s.CollisionCount,
			Conditions: map[string]Condition{}}
		for k, c := range s.Conditions {
			st.Conditions[k] = Condition{Status: c.Status, Reason: c.Reason}
		}
		return st
	})
	out.Rejections = convertAll(h.Rejections, func(r history.Rejection) Rejection {
		return Rejection{Step: r.Step, Time: seconds(r.Time), Message: r.Message}
	})
	out.Reads = convertAll(h.Reads, func(r history.Read) Read {
		rd := Read{Time: seconds(r.Time), Pod: r.Pod, Volume: r.Volume, Disk: r.Disk, Key: r.Key, Found: r.Found, WrittenBy: optString(r.WrittenBy), seq: r.Seq}
		if r.Found {
			rd.Value = &r.Value
		}
		return rd
	})
	out.Writes = convertAll(h.Writes, func(w history.Write) Write {
		return Write{Time: seconds(w.Time), Pod: w.Pod, Node: optString(w.Node), Volume: w.Volume, Disk: w.Disk, Key: w.Key, Value: w.Value, seq: w.Seq}
	})
	out.Failures = convertAll(h.Failures, failure)
	out.Lookups = convertAll(h.Lookups, func(l history.Lookup) Lookup {
		lk := Lookup{Time: seconds(l.Time), Name: l.Name, Type: l.Type, FQDN: l.FQDN, Answers: clone(l.Answers), Pods: convertAll(l.Pods, optString),
			NXDomain: l.NXDomain, Outside: l.Outside}
		if !l.Outside {
			lk.TTL = &l.TTL
		}
		return lk
	})
	out.Expectations = convertAll(h.Expectations, func(e history.Expectation) Expectation {
		return Expectation{Step: e.Step, Time: seconds(e.Time), Check: e.Check, OK: e.OK, Want: e.WantValue, Got: e.GotValue,
			WantText: e.Want, GotText: e.Got}
	})
	out.Findings = convertAll(h.Findings, func(f history.Finding) Finding {
		return Finding{Step: f.Step, Time: seconds(f.Time), Message: f.Message}
	})
	out.ReadyOverTime = convertAll(h.Samples, func(s history.Sample) ReadySample {
		return ReadySample{Time: seconds(s.Time), Ready: s.Ready, Pods: s.Pods, Desired: s.Desired}
	})
	out.ReconcileErrors = convertAll(h.Errors, func(e history.ReconcileError) ReconcileError {
		return ReconcileError{Time: seconds(e.Time), Controller: e.Controller, Key: e.Key, Message: e.Message}
	})
	return out
}

// optString is s, or nil for "": a name or value that does not exist is
// null in the JSON.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// deref is the string p points to, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// wireSpan converts a history span.
func wireSpan(s history.Span) Span { return Span{From: seconds(s.From), To: optSeconds(s.To)} }

// convertAll converts every element; the result is never nil.
func convertAll[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}
