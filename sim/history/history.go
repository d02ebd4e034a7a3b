// Package history is what a run leaves behind: the event log, one row per pod
// incarnation, claims, revisions, status changes, rejections, reads, DNS
// look-ups and expectation results. The recorder fills it from the store's
// changes as the engine runs; reports are computed from it alone, never from
// live objects. Its JSON form is the "runs[]" element of `stsim run -o json`.
//
// Times are seconds of virtual time. Lists are kept in the order things
// happened (time, then the engine's sequence); the report sorts them.
package history

// Run is the history of one rule set.
type Run struct {
	Rules        string        `json:"rules"`
	Workload     WorkloadRef   `json:"workload"`
	EndTime      float64       `json:"endTime"`
	Conversions  []string      `json:"conversions"`
	Ignored      []string      `json:"ignored"`
	Events       []Event       `json:"events"`
	Pods         []*Pod        `json:"pods"`
	Claims       []*Claim      `json:"claims"`
	Revisions    []*Revision   `json:"revisions"`
	Status       []Status      `json:"status"`
	Rejections   []Rejection   `json:"rejections"`
	Identities   []Identity    `json:"identities"`
	Reads        []Read        `json:"reads"`
	Writes       []Write       `json:"writes"`
	Lookups      []Lookup      `json:"lookups"`
	Availability Availability  `json:"availability"`
	Expectations []Expectation `json:"expectations"`
	Findings     []Finding     `json:"findings"`
	// ReadyOverTime samples the number of Ready, non-terminating workload
	// pods and of existing workload pods at every change.
	ReadyOverTime []ReadySample `json:"readyOverTime"`
}

// WorkloadRef names the workload of a run.
type WorkloadRef struct {
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
	Restarts int32             `json:"restarts"`
	Claims   []string          `json:"claims"`
	// Hostname is the pod's hostname (spec.hostname, else its name);
	// Subdomain its spec.subdomain.
	Hostname  string `json:"hostname"`
	Subdomain string `json:"subdomain,omitempty"`
	// Replaced names the pod whose slot this one took, if any.
	Replaced string `json:"replaced,omitempty"`
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
	CurrentRevision     string               `json:"currentRevision,omitempty"`
	UpdateRevision      string               `json:"updateRevision,omitempty"`
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
	Time   float64 `json:"time"`
	Pod    string  `json:"pod"`
	Volume string  `json:"volume"`
	Disk   string  `json:"disk"`
	Key    string  `json:"key"`
	Value  string  `json:"value"`
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
	TTL      int      `json:"ttl"`
}

// Availability sums up readiness over the run.
type Availability struct {
	MinReady int `json:"minReady"`
	MaxPods  int `json:"maxPods"`
	// DuplicateIdentitySeconds is how long two pods of one identity (one
	// StatefulSet name) existed at once.
	DuplicateIdentitySeconds float64 `json:"duplicateIdentitySeconds"`
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
