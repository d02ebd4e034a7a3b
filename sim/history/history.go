// Package history is what a run leaves behind: the event log, one row per
// pod incarnation, claims, revisions, status changes, reads and writes, DNS
// look-ups, expectation results, findings, rejections and reconcile errors.
// The Recorder fills it from the store's changes as the engine runs and
// from its typed recording methods; reports are computed from it alone,
// never from live objects.
//
// Times are virtual time since the scenario started. Lists are kept in the
// order things happened (time, then the engine's sequence); the report
// sorts them and converts times when it encodes them.
package history

import (
	"time"

	"stsim/sim/workload"
)

// Run is the history of one rule set.
type Run struct {
	Rules    workload.Rules
	Workload WorkloadRef
	// End is when the run ended: the last step, or the last change after it.
	End time.Duration
	// Conversions say how the workload was converted for the rule set;
	// Ignored what the scenario holds that is not simulated.
	Conversions []string
	Ignored     []string
	Events      []Event
	Pods        []*Pod
	Claims      []*Claim
	Volumes     []*Volume
	Revisions   []*Revision
	Status      []Status
	Rejections  []Rejection
	Reads       []Read
	Writes      []Write
	// Failures are the writes and reads an application could not do.
	Failures []Failure
	Lookups  []Lookup
	// Expectations are the outcomes of the expect steps' checks.
	Expectations []Expectation
	// Findings are what the reader must know about a step, such as a
	// waitFor that timed out and what the rollout was stuck on.
	Findings []Finding
	// Errors are the reconciles that failed (and were retried).
	Errors []ReconcileError
	// Samples counts the Ready, non-terminating workload pods and the
	// existing ones at every change.
	Samples []Sample
	// FullyReady is when the workload first had as many Ready pods as it
	// wanted (at least one), within the instant: a sample of that instant
	// may already show fewer. Nil when it never had.
	FullyReady *time.Duration
}

// WorkloadRef names the workload of a run.
type WorkloadRef struct {
	Kind string
	Name string
}

// Event is one event, like a line of `kubectl get events`.
type Event struct {
	Time    time.Duration
	Type    string
	Kind    string
	Name    string
	Reason  string
	Message string
}

// Pod is one pod incarnation (one UID) of the workload.
type Pod struct {
	Name string
	UID  string
	// Slot is the pod's ordinal, or under Deployment rules the lowest slot
	// free when it was created; Replaced names the pod that held it before.
	Slot     int
	Replaced string
	Node     string
	IP       string
	// Revision names the pod's ControllerRevision or ReplicaSet.
	Revision string
	Phase    string
	Labels   map[string]string
	Created  time.Duration
	// Ready is when the pod first became Ready; Deleted when its deletion
	// was requested; Gone when the object left the store.
	Ready   *time.Duration
	Deleted *time.Duration
	Gone    *time.Duration
	// Outlived says the pod's containers ran on after its object was
	// gone (it was force-deleted or garbage collected while its node was
	// cut off); Stopped is when they stopped, nil while they still run.
	Outlived bool
	Stopped  *time.Duration
	// ReadySpans are the times the pod was Ready and not terminating, in
	// order; the last one's To is nil while it still was at the end.
	ReadySpans []Span
	// Halted are the times a node crash had stopped its containers while
	// its object was still there; the last one's To is nil while they
	// were still stopped at the end.
	Halted   []Span
	Restarts int32
	// Claims are the claims the pod's volumes name; Mounts what its kubelet
	// actually mounted.
	Claims []string
	Mounts []Mount
	// Hostname is the pod's hostname (spec.hostname, else its name);
	// Subdomain its spec.subdomain. Record says cluster DNS answered
	// hostname.subdomain with the pod's address at some time: the Service
	// named by the subdomain existed and listed the pod as a ready
	// endpoint.
	Hostname  string
	Subdomain string
	Record    bool
}

// Span is a stretch of time from From until To (nil: the end of the run).
type Span struct {
	From time.Duration
	To   *time.Duration
}

// Mount is one volume a pod mounted: the claim and PersistentVolume behind
// it, or an emptyDir, and the disk that holds its data.
type Mount struct {
	Volume   string
	Claim    string
	PV       string
	EmptyDir bool
	Disk     string
}

// Claim is one PersistentVolumeClaim object.
type Claim struct {
	Name            string
	Volume          string
	Zone            string
	OwnerReferences []string
	Created         time.Duration
	Bound           *time.Duration
	Deleted         *time.Duration
	Gone            *time.Duration
}

// Volume is a PersistentVolume: what became of it, and of its data, when
// its claim went.
type Volume struct {
	Name          string
	Class         string
	ReclaimPolicy string
	// Claim is the claim it was bound to, if any.
	Claim   string
	Created time.Duration
	// Released is when its claim went and it became Released.
	Released *time.Duration
	Gone     *time.Duration
	// Phase is its phase at the end of the run (Gone when deleted).
	Phase string
	// Records counts the records left on its disk at the end of the run.
	Records int
}

// Revision is a ControllerRevision (StatefulSet) or a ReplicaSet (Deployment).
type Revision struct {
	Name     string
	Revision int64
	Created  time.Duration
	Gone     *time.Duration
}

// Status is the workload's status from Time on.
type Status struct {
	Time time.Duration
	workload.Status
}

// Rejection is a change the simulated API server refused.
type Rejection struct {
	Step    int
	Time    time.Duration
	Message string
}

// Write is a value an application wrote to a volume.
type Write struct {
	Time time.Duration
	Pod  string
	// Node is where the writing pod ran, so concurrent writers to one
	// volume (on two nodes) can be told apart.
	Node   string
	Volume string
	Disk   string
	Key    string
	Value  string
	// Seq orders the writes, reads and failures of the run among each
	// other: the recorder counts them as they happen.
	Seq int
}

// Read is a value an application read back from a volume.
type Read struct {
	Time   time.Duration
	Pod    string
	Volume string
	Disk   string
	Key    string
	Value  string
	Found  bool
	// WrittenBy is the pod that wrote the value read, if found.
	WrittenBy string
	// Seq orders it among the writes, reads and failures (see Write).
	Seq int
}

// Failure is a write or a read that could not be done: the name a client
// used did not answer (NXDOMAIN), no pod matched the target, or the pod
// reached could not do it (not running, its volume not mounted, a
// read-only role or file system).
type Failure struct {
	Time time.Duration
	// Step is the step's index in spec.steps.
	Step int
	// Op is "write" or "read".
	Op string
	// Target is the step's target as the scenario writes it.
	Target string
	// Pod is the pod the operation reached, "" when it reached none.
	Pod    string
	Volume string
	Key    string
	// Value is what a write meant to store ("" for a read).
	Value string
	// Reason says why it failed: "NXDOMAIN", "no pod matches {ordinal: 3}",
	// "pod web-1 is not running (phase Pending)", ...
	Reason string
	// Seq orders it among the writes, reads and failures (see Write).
	Seq int
}

// Lookup is one DNS query from a client pod in the workload's namespace.
type Lookup struct {
	Time time.Duration
	Name string
	Type string
	// FQDN is the name that answered, or the first one tried.
	FQDN    string
	Answers []string
	// Pods names the pod behind each answer ("" for a ClusterIP).
	Pods     []string
	NXDomain bool
	// Outside is set for a name outside the cluster domain: cluster DNS
	// forwards it upstream, which is outside the simulation.
	Outside bool
	// TTL is the answer's TTL in seconds; for NXDOMAIN and NODATA, the
	// negative-caching TTL.
	TTL int
}

// Expectation is the outcome of one check of an expect step.
type Expectation struct {
	Step  int
	Time  time.Duration
	Check string
	OK    bool
	// Want and Got are what was wanted and what was seen as people read
	// them.
	Want string
	Got  string
	// WantValue and GotValue are the same as values for machines: an int
	// or int64 for a count, a []string (never nil) for names, a string
	// for a value read, a bool, a map[string]any for a condition; nil for
	// nothing (no such pod, value or field).
	WantValue any
	GotValue  any
}

// Finding is something the run ran into that a reader must know.
type Finding struct {
	Step    int
	Time    time.Duration
	Message string
}

// ReconcileError is a reconcile that failed; the controller retries it.
type ReconcileError struct {
	Time       time.Duration
	Controller string
	Key        string
	Message    string
}

// Sample is the ready and existing pod counts from Time on.
type Sample struct {
	Time  time.Duration
	Ready int
	Pods  int
	// Desired is the workload's spec.replicas from Time on.
	Desired int
}
