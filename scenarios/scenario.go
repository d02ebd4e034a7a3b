package scenarios

import (
	"fmt"
	"time"

	"stsim/sim/api"
)

// Scenario is a loaded, defaulted and validated stsim/v1 scenario.
type Scenario struct {
	// Name is metadata.name, a DNS-1123 label.
	Name string
	// Description is metadata.description.
	Description string
	// File is the path the scenario was read from ("builtin/NAME.yaml" for a
	// bundled one).
	File string
	// Seed feeds the run's one random source (spec.seed, default 1).
	Seed int64
	// Rules are the rule sets to run, in order (spec.rules, default both).
	Rules []string
	// DeploymentVolumes is spec.deployment.volumes: how volumeClaimTemplates
	// map under Deployment rules (only "shared-pvc" is simulated so far).
	DeploymentVolumes string
	// Nodes are the cluster's nodes (spec.cluster.nodes; default 1 node,
	// "node-1").
	Nodes []Node
	// Timing holds the defaults of every image (spec.timing).
	Timing ImageBehavior
	// Images is how each named image behaves (spec.images), on top of Timing.
	Images map[string]ImageBehavior
	// DNSTTL is the TTL of DNS answers in seconds (spec.dns.ttl, default 30).
	DNSTTL int
	// Manifests are the decoded, defaulted objects in file order.
	Manifests []Manifest
	// Workload is the one StatefulSet or Deployment of the manifests, as written.
	Workload Manifest
	// Ignored lists what the scenario's manifests hold that is not simulated:
	// kinds ("ConfigMap extra (kind ConfigMap is not simulated)") and fields
	// ("StatefulSet myapp-sts: spec.template.spec.containers[0].resources is not simulated").
	Ignored []string
	// Notes are changes the scenario made to its manifests (manifest patches).
	Notes []string
	// Steps are the steps in order; an implicit apply at 0s comes first when
	// no step applies.
	Steps []Step
}

// Rule set names.
const (
	RulesStatefulSet = "statefulset"
	RulesDeployment  = "deployment"
)

// Node is one cluster node.
type Node struct {
	Name   string
	Zone   string
	Labels map[string]string
	// Pods is the node's pod capacity (default 110).
	Pods int
}

// ImageBehavior is how containers of an image behave.
type ImageBehavior struct {
	// Start is the time from scheduling (volumes ready) to Running.
	Start time.Duration
	// Ready is the time from Running to Ready; NeverReady keeps it unready.
	Ready      time.Duration
	NeverReady bool
	// Shutdown is how long the container takes to stop after SIGTERM,
	// capped by the pod's terminationGracePeriodSeconds.
	Shutdown time.Duration
	// CrashLoop makes the container exit after every start.
	CrashLoop bool
}

// Manifest is one object from spec.manifests or an apply step.
type Manifest struct {
	Object api.Object
	// Source is where it came from: "file.yaml:12:1" or "scenario.yaml:30:9".
	Source string
}

// Pos is a place in a file, printed file:line:col.
type Pos struct {
	File string
	Line int
	Col  int
}

// String prints file:line:col.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Step is one scenario step. Exactly one of the action fields is set, as
// Action names.
type Step struct {
	// Index is the position in spec.steps, -1 for the implicit apply.
	Index int
	Pos   Pos
	// Action is the action's key: apply, waitFor, deletePod, scale, write,
	// read, resolve, expect.
	Action string
	// At is an absolute virtual time; otherwise the step runs After the
	// previous step ended.
	At    *time.Duration
	After time.Duration

	Apply   *Apply
	WaitFor *WaitFor
	Target  *Target // deletePod
	Scale   *int32
	Write   *Write
	Read    *Read
	Resolve *Resolve
	Expect  *Expect
}

// Apply applies all manifests (Objects nil) or the given ones.
type Apply struct {
	Objects []Manifest
}

// WaitFor waits until every given condition holds, or Timeout (default 10m).
type WaitFor struct {
	RolledOut bool
	Ready     *int
	PodReady  *Target
	Gone      *Target
	Timeout   time.Duration
}

// Target picks pods. Under Deployment rules Ordinal is the slot.
type Target struct {
	All     bool
	Pod     string
	Ordinal *int
	Node    string
	Random  *int
}

// Write stores Key=Value on the volume of the target pods.
type Write struct {
	Target Target
	Volume string
	Key    string
	Value  string
}

// Read reads Key from the volume of the target pods.
type Read struct {
	Target Target
	Volume string
	Key    string
}

// Resolve asks cluster DNS for Name (A or SRV) from a pod in the namespace.
type Resolve struct {
	Name string
	Type string
}

// Expect holds the checks of an expect step; nil fields are not checked.
type Expect struct {
	// Rules limits the checks to these rule sets (default every one).
	Rules    []string
	Pods     *int
	PodNames *[]string
	Ready    *int
	PVCs     *[]string
	Read     *ExpectRead
	Resolve  *ExpectResolve
}

// ExpectRead reads a key and checks the value (or that it is missing).
type ExpectRead struct {
	Target  Target
	Volume  string
	Key     string
	Value   *string
	Missing bool
}

// ExpectResolve resolves a name and checks the answer.
type ExpectResolve struct {
	Name      string
	Type      string
	Pod       string
	Ordinal   *int
	Addresses *int
	NXDomain  bool
}
