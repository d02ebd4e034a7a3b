package scenarios

import (
	"fmt"
	"time"

	"stsim/limits"
	"stsim/sim/api"
	"stsim/sim/workload"
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
	Rules []workload.Rules
	// DeploymentVolumes is spec.deployment.volumes: how volumeClaimTemplates
	// map under Deployment rules (shared-pvc, emptydir or ephemeral).
	DeploymentVolumes string
	// Nodes are the cluster's nodes (spec.cluster.nodes; default 1 node,
	// "node-1").
	Nodes []Node
	// Timing holds the defaults of every image (spec.timing).
	Timing ImageBehavior
	// Images is how each named image behaves (spec.images), on top of Timing.
	Images map[string]ImageBehavior
	// AppReadiness says the scenario gives when the application is ready
	// (a ready time or never in spec.timing or spec.images, or a readiness
	// step). Without it a container with no readinessProbe is Ready as
	// soon as it runs, as the kubelet does; with it the scenario's
	// readiness stands for the application's probe.
	AppReadiness bool
	// DNSTTL is the TTL of DNS answers in seconds (spec.dns.ttl, default 30).
	DNSTTL int
	// Roles are the roles of spec.roles, by name: which slots' pods play
	// which part of the application.
	Roles []Role
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
	// Limits are the caps the scenario was checked against and that its
	// runs keep (pods created, events recorded).
	Limits limits.Limits
	// variants holds the workload as each rule set runs it, in the order of
	// workload.AllRules, converted once at load.
	variants []*Variant
}

// Variant is the scenario's workload as one rule set runs it.
type Variant struct {
	Rules workload.Rules
	// Workload is the workload object, converted to the rule set's kind when
	// it was written for the other one, and defaulted.
	Workload api.Object
	// Extra holds the objects the conversion adds (the shared claims of a
	// StatefulSet's volumeClaimTemplates under Deployment rules).
	Extra []api.Object
	// Notes say what the conversion changed, the conversion first; none
	// when the workload runs under its own rules.
	Notes []string
	// Err is set when the converted workload is invalid: the scenario
	// cannot run under these rules.
	Err error
}

// Variant returns the workload as rules run it.
func (sc *Scenario) Variant(rules workload.Rules) *Variant {
	for _, v := range sc.variants {
		if v.Rules == rules {
			return v
		}
	}
	panic(fmt.Sprintf("scenarios: no variant for rule set %q", rules))
}

// WorkloadFor is the scenario's workload as rules run it, for the questions
// the replay and the recorder ask of it.
func (sc *Scenario) WorkloadFor(rules workload.Rules) workload.Workload {
	m := sc.Workload.Object.Meta()
	return workload.New(rules, m.Namespace, m.Name)
}

// workload is the workload under its own rules, for the loader.
func (sc *Scenario) workload() workload.Workload {
	return sc.WorkloadFor(workload.RulesOf(sc.Workload.Object))
}

// Node is one cluster node.
type Node struct {
	Name   string
	Zone   string
	Labels map[string]string
	// Pods is the node's pod capacity (default 110).
	Pods int
	// MilliCPU and Memory (bytes) are its cpu and memory capacity; 0 when
	// the scenario gives none, and then requests are not checked.
	MilliCPU int64
	Memory   int64
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
