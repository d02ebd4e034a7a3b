package review

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"stsim/limits"
	"stsim/report"
	"stsim/scenarios"
	"stsim/sim/api"
	"stsim/sim/history"
	"stsim/sim/replay"
	"stsim/sim/workload"
)

// File is one manifest file a review reads: its name as given (or
// scenarios.StdinName) and its bytes.
type File struct {
	Name string
	Data []byte
}

// Options are a review's settings.
type Options struct {
	// Seed feeds every run's random source (default 1).
	Seed int64
	// Limits are the caps every generated scenario keeps.
	Limits limits.Limits
	// DeploymentVolumes is how a StatefulSet's volumeClaimTemplates map
	// under Deployment rules (the scenarios' spec.deployment.volumes:
	// shared-pvc, the default, emptydir or ephemeral).
	DeploymentVolumes string
}

// APIVersion and Kind head the JSON review.
const (
	APIVersion = "stsim/v1"
	Kind       = "Review"
)

// Review is what `stsim review` found: the workload, the matrix of fault ×
// rule set, the findings in sentences, and what the manifests hold that is
// not simulated. It is the JSON review's wire type (docs/review.schema.json).
type Review struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Files are the manifest files read, as named.
	Files []string `json:"files"`
	// Seed is the seed of every run.
	Seed int64 `json:"seed"`
	// DeploymentVolumes is how volumeClaimTemplates map under Deployment
	// rules (shared-pvc, emptydir or ephemeral).
	DeploymentVolumes string `json:"deploymentVolumes"`
	// Workload is the reviewed StatefulSet or Deployment.
	Workload Workload `json:"workload"`
	// Conversions say, per rule set, how the workload was converted to run
	// under it (none under its own rules).
	Conversions []Conversion `json:"conversions"`
	// Rows hold one outcome per fault and rule set, faults in Faults'
	// order, rule sets StatefulSet first.
	Rows []Row `json:"rows"`
	// Stuck says, per rule set, why the workload never finished its first
	// rollout (the wait's finding); empty when it did under both.
	Stuck []Stuck `json:"stuck"`
	// Findings are what the rows say, in sentences.
	Findings []string `json:"findings"`
	// Ignored lists the kinds and fields of the manifests stsim does not
	// simulate; Notes what else the loader said.
	Ignored []string `json:"ignored"`
	Notes   []string `json:"notes"`
}

// Workload names the reviewed workload and what the timelines use of it.
type Workload struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Replicas  int    `json:"replicas"`
	// Volume is the pod volume the records are written to; null when the
	// pods have none (then data is not measured).
	Volume *string `json:"volume"`
}

// Stuck is a rule set under which the first rollout never finished.
type Stuck struct {
	Rules   workload.Rules `json:"rules"`
	Message string         `json:"message"`
}

// Conversion is how the workload runs under one rule set.
type Conversion struct {
	Rules workload.Rules `json:"rules"`
	Notes []string       `json:"notes"`
}

// Run reviews the workload of files: it checks them (a bad manifest is a
// *scenarios.Error naming file:line:col), then runs every fault under both
// rule sets.
func Run(files []File, opt Options) (*Review, error) {
	if len(files) == 0 {
		return nil, errors.New("no manifest files to review")
	}
	if opt.Seed == 0 {
		opt.Seed = scenarios.DefaultSeed
	}
	if opt.DeploymentVolumes == "" {
		opt.DeploymentVolumes = scenarios.VolumesSharedPVC
	}
	rv := &Review{APIVersion: APIVersion, Kind: Kind, Seed: opt.Seed, DeploymentVolumes: opt.DeploymentVolumes, Conversions: []Conversion{}, Rows: []Row{}, Stuck: []Stuck{},
		Findings: []string{}, Ignored: []string{}, Notes: []string{}}
	for _, f := range files {
		if scenarios.IsScenario(f.Data) {
			return nil, &scenarios.Error{Pos: scenarios.Pos{File: f.Name, Line: 1, Col: 1},
				Msg: "this is a " + scenarios.APIVersion + " scenario, not a Kubernetes manifest: run it with `stsim run " + f.Name + "`"}
		}
		rv.Files = append(rv.Files, f.Name)
	}
	r := &runner{files: files, opt: opt}
	probes := map[workload.Rules]*probe{}
	for _, rules := range workload.AllRules {
		p, err := r.probe(rules)
		if err != nil {
			return nil, err
		}
		probes[rules] = p
		if rules == workload.AllRules[0] {
			rv.describe(p.sc)
		}
		rv.Conversions = append(rv.Conversions, Conversion{Rules: rules, Notes: nonNil(p.sc.Variant(rules).Notes)})
		if p.stuck != "" {
			rv.Stuck = append(rv.Stuck, Stuck{Rules: rules, Message: p.stuck})
		}
	}
	for _, f := range Faults {
		for _, rules := range workload.AllRules {
			row, err := r.fault(f, rules, rv.Workload.Volume, probes[rules])
			if err != nil {
				return nil, err
			}
			rv.Rows = append(rv.Rows, row)
		}
	}
	rv.Findings = findings(rv)
	return rv, nil
}

// describe fills in the workload, what is ignored and the notes, from the
// probe scenario.
func (rv *Review) describe(sc *scenarios.Scenario) {
	w := sc.Workload.Object
	m := w.Meta()
	ns := m.Namespace
	if ns == "" {
		ns = api.DefaultNamespace
	}
	rv.Workload = Workload{Kind: w.GetKind(), Name: m.Name, Namespace: ns,
		Replicas: int(sc.WorkloadFor(workload.RulesOf(w)).Replicas(w)), Volume: dataVolume(w)}
	rv.Ignored = append(rv.Ignored, sc.Ignored...)
	rv.Notes = append(rv.Notes, sc.Notes...)
	if s, ok := w.(*api.StatefulSet); ok && s.Spec.ServiceName != "" && !slices.ContainsFunc(sc.Manifests, func(m scenarios.Manifest) bool {
		return m.Object.GetKind() == api.KindService && m.Object.Meta().Name == s.Spec.ServiceName
	}) {
		rv.Notes = append(rv.Notes, fmt.Sprintf("StatefulSet %s names the governing Service %s (spec.serviceName), which the manifests do not define: "+
			"its pods get no DNS records until it exists; give its manifest too", s.Name, s.Spec.ServiceName))
	}
}

// dataVolume is the pod volume the records go to: the first
// volumeClaimTemplate, else the first volume of a claim, else the first
// emptyDir or generic ephemeral volume; nil when the pods have none.
func dataVolume(w api.Object) *string {
	var tmpl *api.PodTemplateSpec
	switch o := w.(type) {
	case *api.StatefulSet:
		if ts := o.ClaimTemplates(); len(ts) > 0 {
			return &ts[0].Name
		}
		tmpl = &o.Spec.Template
	case *api.Deployment:
		tmpl = &o.Spec.Template
	}
	for _, pick := range []func(api.Volume) bool{
		func(v api.Volume) bool { return v.PersistentVolumeClaim != nil },
		func(v api.Volume) bool { return v.EmptyDir != nil || v.Ephemeral != nil },
	} {
		if i := slices.IndexFunc(tmpl.Spec.Volumes, pick); i >= 0 {
			return &tmpl.Spec.Volumes[i].Name
		}
	}
	return nil
}

// runner runs generated scenarios over the user's files.
type runner struct {
	files []File
	opt   Options
}

// probe is what the probe run of one rule set found.
type probe struct {
	sc *scenarios.Scenario
	p  params
	// stuck is why the rollout did not finish ("" when it did).
	stuck string
}

// probe loads and runs the probe scenario under rules.
func (r *runner) probe(rules workload.Rules) (*probe, error) {
	sc, err := r.load(probeScenario(r.files, r.opt, rules))
	if err != nil {
		return nil, err
	}
	run, err := r.replay(sc, rules)
	if err != nil {
		return nil, err
	}
	rep := report.Build(report.Header{Name: sc.Name, Seed: sc.Seed}, []*history.Run{run})
	out := rep.Runs[0]
	p := params{replicas: int(sc.WorkloadFor(rules).Replicas(sc.Variant(rules).Workload)), rollout: seconds(out.EndTime), node: "node-1"}
	p.slots = slots(sc, rules, p.replicas)
	for _, pod := range out.Pods {
		if len(p.slots) > 0 && pod.Slot == p.slots[0] && pod.Node != nil {
			p.node = *pod.Node
			break
		}
	}
	pr := &probe{sc: sc, p: p}
	switch {
	case len(out.Findings) > 0:
		pr.stuck = stuckMessage(out)
	case out.Availability.FullyReady == nil:
		pr.stuck = "no pod became Ready"
	}
	return pr, nil
}

// stuckMessage says why the probe's wait for the rollout timed out: the
// wait's finding without its step's place in the generated scenario, and
// the first warning event, which often names the cause (a claim that
// cannot be provisioned).
func stuckMessage(run *report.Run) string {
	msg := run.Findings[0].Message
	if _, rest, ok := strings.Cut(msg, "): "); ok && strings.HasPrefix(msg, "step ") {
		msg = rest
	}
	for _, e := range run.Events {
		if e.Type == "Warning" {
			return fmt.Sprintf("%s; first warning: %s %s: %s: %s", msg, e.Kind, e.Name, e.Reason, e.Message)
		}
	}
	return msg
}

// slots are the ordinals the workload's pods hold under rules: from
// spec.ordinals.start for a StatefulSet run as one, from 0 otherwise.
func slots(sc *scenarios.Scenario, rules workload.Rules, n int) []int {
	start := 0
	if s, ok := sc.Variant(rules).Workload.(*api.StatefulSet); ok && s.Spec.Ordinals != nil {
		start = int(s.Spec.Ordinals.Start)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = start + i
	}
	return out
}

// fault runs one fault under one rule set and measures it.
func (r *runner) fault(f Fault, rules workload.Rules, volume *string, pr *probe) (Row, error) {
	vol := ""
	if volume != nil && len(pr.p.slots) > 0 {
		vol = *volume
	}
	sc, err := r.load(faultScenario(f, r.files, r.opt, rules, vol, pr.p))
	if err != nil {
		return Row{}, fmt.Errorf("the %s timeline: %w", f.Name, err)
	}
	run, err := r.replay(sc, rules)
	if err != nil {
		return Row{}, err
	}
	rep := report.Build(report.Header{Name: sc.Name, Seed: sc.Seed}, []*history.Run{run})
	return analyze(f, rules, rep.Runs[0], vol, pr.p, pr.p.fault()), nil
}

// load parses a generated scenario whose manifest files are the user's.
func (r *runner) load(data []byte) (*scenarios.Scenario, error) {
	sc, err := scenarios.ParseWith(scenarioName, data, r.readFile, scenarios.Options{AllowOutside: true, Limits: r.opt.Limits})
	var se *scenarios.Error
	switch {
	case errors.As(err, &se) && se.Pos.File == scenarioName:
		// About the manifests as a whole, not a place in them.
		return nil, &scenarios.Error{Pos: scenarios.Pos{File: r.files[0].Name, Line: 1, Col: 1}, Msg: reword(se.Msg)}
	case errors.As(err, &se):
		return nil, &scenarios.Error{Pos: se.Pos, Path: se.Path, Msg: reword(se.Msg)}
	}
	return sc, err
}

// reword says a whole-manifests message of the scenario loader as review
// means it.
func reword(msg string) string {
	return strings.Replace(msg, "a scenario runs exactly one", "a review takes exactly one", 1)
}

// readFile serves the user's files by the name the loader asks for.
func (r *runner) readFile(name string) ([]byte, error) {
	for _, f := range r.files {
		if name == f.Name || name == filepath.Clean(f.Name) {
			return f.Data, nil
		}
	}
	return nil, fmt.Errorf("%s was not read", name)
}

// replay runs a generated scenario under rules.
func (r *runner) replay(sc *scenarios.Scenario, rules workload.Rules) (*history.Run, error) {
	if err := sc.Variant(rules).Err; err != nil {
		return nil, fmt.Errorf("under %s rules the converted workload is invalid: %w", rules, err)
	}
	run, err := replay.Run(sc, rules)
	if err != nil {
		return nil, fmt.Errorf("%s, %s rules: %w", sc.Name, rules, err)
	}
	return run, nil
}

// nonNil is s, or an empty list for nil.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
