package report

import (
	"math"
	"time"

	"stsim/sim/history"
	"stsim/sim/workload"
)

// This file holds the report's wire types, the JSON contract of
// `stsim run -o json`: times are seconds of virtual time (numbers), lists
// are never null, and every type is built from the history by run().

// Run is the analysed history of one rule set.
type Run struct {
	Rules        workload.Rules `json:"rules"`
	Workload     Workload       `json:"workload"`
	EndTime      float64        `json:"endTime"`
	Conversions  []string       `json:"conversions"`
	Ignored      []string       `json:"ignored"`
	Events       []Event        `json:"events"`
	Pods         []*Pod         `json:"pods"`
	Claims       []*Claim       `json:"claims"`
	Volumes      []*Volume      `json:"volumes"`
	Revisions    []*Revision    `json:"revisions"`
	Status       []Status       `json:"status"`
	Rejections   []Rejection    `json:"rejections"`
	Identities   []Identity     `json:"identities"`
	Reads        []Read         `json:"reads"`
	Writes       []Write        `json:"writes"`
	Lookups      []Lookup       `json:"lookups"`
	Availability Availability   `json:"availability"`
	Expectations []Expectation  `json:"expectations"`
	Findings     []Finding      `json:"findings"`
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
	Name     string            `json:"name"`
	UID      string            `json:"uid"`
	Slot     int               `json:"slot"`
	Node     string            `json:"node"`
	IP       string            `json:"ip"`
	Revision string            `json:"revision"`
	Phase    string            `json:"phase"`
	Labels   map[string]string `json:"labels"`
	Created  float64           `json:"created"`
	Ready    *float64          `json:"ready"`
	Deleted  *float64          `json:"deleted"`
	Gone     *float64          `json:"gone"`
	// Outlived says the pod's containers ran on after the object was gone
	// (its node was cut off); Stopped is when they stopped, absent while
	// they still run at the end.
	Outlived bool     `json:"outlived,omitempty"`
	Stopped  *float64 `json:"stopped,omitempty"`
	Restarts int32    `json:"restarts"`
	Claims   []string `json:"claims"`
	// Hostname is the pod's hostname (spec.hostname, else its name);
	// Subdomain its spec.subdomain.
	Hostname  string `json:"hostname"`
	Subdomain string `json:"subdomain,omitempty"`
	// Replaced names the pod whose slot this one took, if any.
	Replaced string `json:"replaced,omitempty"`
	// Mounts is what the kubelet mounted for each volume, once the pod
	// was set up on its node.
	Mounts []Mount `json:"mounts"`
}

// Mount is one volume a pod mounted and the disk behind it.
type Mount struct {
	Volume   string `json:"volume"`
	Claim    string `json:"claim,omitempty"`
	PV       string `json:"pv,omitempty"`
	EmptyDir bool   `json:"emptyDir,omitempty"`
	Disk     string `json:"disk"`
}

// Claim is one PersistentVolumeClaim object.
type Claim struct {
	Name            string   `json:"name"`
	Volume          string   `json:"volume"`
	Zone            string   `json:"zone"`
	OwnerReferences []string `json:"ownerReferences"`
	Created         float64  `json:"created"`
	Bound           *float64 `json:"bound"`
	Deleted         *float64 `json:"deleted"`
	Gone            *float64 `json:"gone"`
}

// Volume is a PersistentVolume and what was left of it, and of its data,
// at the end of the run.
type Volume struct {
	Name          string   `json:"name"`
	Class         string   `json:"class"`
	ReclaimPolicy string   `json:"reclaimPolicy"`
	Claim         string   `json:"claim"`
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

// Status is the workload's status after a change.
type Status struct {
	Time                float64              `json:"time"`
	ObservedGeneration  int64                `json:"observedGeneration"`
	Replicas            int32                `json:"replicas"`
	ReadyReplicas       int32                `json:"readyReplicas"`
	CurrentReplicas     *int32               `json:"currentReplicas,omitempty"`
	UpdatedReplicas     int32                `json:"updatedReplicas"`
	AvailableReplicas   int32                `json:"availableReplicas"`
	UnavailableReplicas *int32               `json:"unavailableReplicas,omitempty"`
	TerminatingReplicas *int32               `json:"terminatingReplicas,omitempty"`
	CurrentRevision     string               `json:"currentRevision,omitempty"`
	UpdateRevision      string               `json:"updateRevision,omitempty"`
	CollisionCount      *int32               `json:"collisionCount,omitempty"`
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

// Identity says, for one slot (ordinal), whether name, storage and DNS
// stayed the same across the pods that held it.
type Identity struct {
	Slot          int      `json:"slot"`
	Names         []string `json:"names"`
	Claims        []string `json:"claims"`
	StableName    bool     `json:"stableName"`
	StableStorage bool     `json:"stableStorage"`
	StableDNS     bool     `json:"stableDNS"`
}

// Write is a value an application wrote to a volume.
type Write struct {
	Time float64 `json:"time"`
	Pod  string  `json:"pod"`
	// Node is where the writing pod ran: two nodes writing to one disk
	// at once are concurrent writers.
	Node   string `json:"node,omitempty"`
	Volume string `json:"volume"`
	Disk   string `json:"disk"`
	Key    string `json:"key"`
	Value  string `json:"value"`
}

// Read is a value an application read back from a volume.
type Read struct {
	Time   float64 `json:"time"`
	Pod    string  `json:"pod"`
	Volume string  `json:"volume"`
	Disk   string  `json:"disk"`
	Key    string  `json:"key"`
	Value  string  `json:"value"`
	Found  bool    `json:"found"`
	// WrittenBy is the pod that wrote the value read, if found.
	WrittenBy string `json:"writtenBy,omitempty"`
}

// Lookup is one DNS query from a client pod in the workload's namespace.
type Lookup struct {
	Time     float64  `json:"time"`
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	FQDN     string   `json:"fqdn"`
	Answers  []string `json:"answers"`
	Pods     []string `json:"pods"`
	NXDomain bool     `json:"nxdomain"`
	// Outside is set for a name outside the cluster domain, which cluster
	// DNS forwards upstream: its answer is not simulated.
	Outside bool `json:"outside,omitempty"`
	// TTL is the answer's TTL; for NXDOMAIN and NODATA the negative-caching
	// TTL of the SOA record.
	TTL int `json:"ttl"`
}

// Availability sums up readiness over the run.
type Availability struct {
	MinReady int `json:"minReady"`
	MaxPods  int `json:"maxPods"`
	// DuplicateIdentitySeconds is how long two pods of one identity (one
	// StatefulSet name) existed at once.
	DuplicateIdentitySeconds float64 `json:"duplicateIdentitySeconds"`
	// MaxConcurrentWriters is the most pods that wrote to one disk while
	// their containers ran at the same time (two writers of one volume:
	// a shared claim, or a replacement while the old pod runs on a node
	// that is cut off).
	MaxConcurrentWriters int `json:"maxConcurrentWriters"`
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
	Want  string  `json:"want"`
	Got   string  `json:"got"`
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
		return &Pod{Name: p.Name, UID: p.UID, Slot: p.Slot, Node: p.Node, IP: p.IP, Revision: p.Revision, Phase: p.Phase,
			Labels: cloneMap(p.Labels), Created: seconds(p.Created), Ready: optSeconds(p.Ready), Deleted: optSeconds(p.Deleted),
			Gone: optSeconds(p.Gone), Outlived: p.Outlived, Stopped: optSeconds(p.Stopped), Restarts: p.Restarts, Claims: clone(p.Claims), Hostname: p.Hostname, Subdomain: p.Subdomain,
			Replaced: p.Replaced, Mounts: convertAll(p.Mounts, func(m history.Mount) Mount {
				return Mount{Volume: m.Volume, Claim: m.Claim, PV: m.PV, EmptyDir: m.EmptyDir, Disk: m.Disk}
			})}
	})
	out.Claims = convertAll(h.Claims, func(c *history.Claim) *Claim {
		return &Claim{Name: c.Name, Volume: c.Volume, Zone: c.Zone, OwnerReferences: clone(c.OwnerReferences),
			Created: seconds(c.Created), Bound: optSeconds(c.Bound), Deleted: optSeconds(c.Deleted), Gone: optSeconds(c.Gone)}
	})
	out.Volumes = convertAll(h.Volumes, func(v *history.Volume) *Volume {
		return &Volume{Name: v.Name, Class: v.Class, ReclaimPolicy: v.ReclaimPolicy, Claim: v.Claim, Created: seconds(v.Created),
			Released: optSeconds(v.Released), Gone: optSeconds(v.Gone), Phase: v.Phase, Records: v.Records}
	})
	out.Revisions = convertAll(h.Revisions, func(r *history.Revision) *Revision {
		return &Revision{Name: r.Name, Revision: r.Revision, Created: seconds(r.Created), Gone: optSeconds(r.Gone)}
	})
	out.Status = convertAll(h.Status, func(s history.Status) Status {
		st := Status{Time: seconds(s.Time), ObservedGeneration: s.ObservedGeneration, Replicas: s.Replicas,
			ReadyReplicas: s.ReadyReplicas, CurrentReplicas: s.CurrentReplicas, UpdatedReplicas: s.UpdatedReplicas,
			AvailableReplicas: s.AvailableReplicas, UnavailableReplicas: s.UnavailableReplicas, TerminatingReplicas: s.TerminatingReplicas,
			CurrentRevision: s.CurrentRevision, UpdateRevision: s.UpdateRevision, CollisionCount: s.CollisionCount,
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
		return Read{Time: seconds(r.Time), Pod: r.Pod, Volume: r.Volume, Disk: r.Disk, Key: r.Key, Value: r.Value, Found: r.Found, WrittenBy: r.WrittenBy}
	})
	out.Writes = convertAll(h.Writes, func(w history.Write) Write {
		return Write{Time: seconds(w.Time), Pod: w.Pod, Node: w.Node, Volume: w.Volume, Disk: w.Disk, Key: w.Key, Value: w.Value}
	})
	out.Lookups = convertAll(h.Lookups, func(l history.Lookup) Lookup {
		return Lookup{Time: seconds(l.Time), Name: l.Name, Type: l.Type, FQDN: l.FQDN, Answers: clone(l.Answers), Pods: clone(l.Pods),
			NXDomain: l.NXDomain, Outside: l.Outside, TTL: l.TTL}
	})
	out.Expectations = convertAll(h.Expectations, func(e history.Expectation) Expectation {
		return Expectation{Step: e.Step, Time: seconds(e.Time), Check: e.Check, OK: e.OK, Want: e.Want, Got: e.Got}
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

// convertAll converts every element; the result is never nil.
func convertAll[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}
