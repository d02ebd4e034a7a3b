package scenarios

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"stsim/limits"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/workload"
)

// The scenario language's fixed words and defaults (docs/scenarios.md).
const (
	APIVersion = "stsim/v1"
	KindName   = "Scenario"

	// VolumesSharedPVC maps each volumeClaimTemplate to one claim shared by
	// every pod under Deployment rules; VolumesEmptyDir to an emptyDir of
	// each pod; VolumesEphemeral to a generic ephemeral volume of each pod
	// (a claim per pod, deleted with it).
	VolumesSharedPVC = "shared-pvc"
	VolumesEmptyDir  = "emptydir"
	VolumesEphemeral = "ephemeral"

	DefaultSeed           = 1
	DefaultDNSTTL         = 30
	DefaultNodePods       = 110
	DefaultContainerStart = 2 * time.Second
	// DefaultReady is 0: with no readinessProbe the kubelet marks a
	// container Ready as soon as it runs.
	DefaultReady       = 0
	DefaultShutdown    = 1 * time.Second
	DefaultWaitTimeout = 10 * time.Minute
)

// Parse reads a scenario from data. name is the file name used in positions
// and Scenario.File; a manifest entry {file: F} is read with readFile from F
// joined to name's directory (nil readFile: such entries are errors). F
// must be below that directory ("../x.yaml" and absolute paths elsewhere are
// errors); LoadWith also checks where symbolic links lead.
func Parse(name string, data []byte, readFile func(string) ([]byte, error)) (*Scenario, error) {
	return parse(name, data, readFile, Options{})
}

// parse is Parse with the options that matter once the files are read:
// opt.AllowOutside lets manifest files be anywhere, and opt.Limits are the
// caps.
func parse(name string, data []byte, readFile func(string) ([]byte, error), opt Options) (*Scenario, error) {
	docs, err := parseDocuments(name, data)
	if err != nil {
		return nil, err
	}
	l := &loader{name: name, readFile: readFile, allowOutside: opt.AllowOutside, d: newDecoder(name, false),
		sc: &Scenario{File: name, Limits: opt.Limits.OrDefault()}, seen: map[string]bool{}}
	for _, doc := range docs {
		n, err := l.d.resolve(doc, "")
		if err != nil {
			return nil, err
		}
		if isNull(n) {
			continue
		}
		if l.root != nil {
			return nil, l.d.errorf(n, "", "a scenario file holds one YAML document; this is a second one")
		}
		l.root = n
	}
	if l.root == nil {
		return nil, &Error{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: "empty file: want a " + APIVersion + " " + KindName}
	}
	if err := l.load(); err != nil {
		return nil, err
	}
	return l.sc, nil
}

// loader turns one decoded scenario document into a Scenario.
type loader struct {
	name     string
	readFile func(string) ([]byte, error)
	// allowOutside lets manifest files be outside the scenario's folder.
	allowOutside bool
	d            *decoder
	root         *yaml.Node
	sc           *Scenario
	seen         map[string]bool // Ignored and Notes lines already added
}

// errorAt reports an error at the scenario field path.
func (l *loader) errorAt(path, format string, args ...any) *Error {
	return l.d.errorAt(l.root, path, format, args...)
}

func (l *loader) ignore(lines ...string) {
	for _, s := range lines {
		if !l.seen[s] {
			l.seen[s] = true
			l.sc.Ignored = append(l.sc.Ignored, s)
		}
	}
}

func (l *loader) note(lines ...string) {
	for _, s := range lines {
		if !l.seen[s] {
			l.seen[s] = true
			l.sc.Notes = append(l.sc.Notes, s)
		}
	}
}

// rawScenario is the scenario document as written.
type rawScenario struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   rawMeta `yaml:"metadata"`
	Spec       rawSpec `yaml:"spec"`
}

type rawMeta struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

type rawSpec struct {
	Seed       *int64              `yaml:"seed"`
	Rules      *words              `yaml:"rules"`
	Deployment *rawDeploymentRules `yaml:"deployment"`
	Cluster    *rawCluster         `yaml:"cluster"`
	Timing     *rawTiming          `yaml:"timing"`
	Images     map[string]rawImage `yaml:"images"`
	DNS        *rawDNS             `yaml:"dns"`
	Roles      map[string]rawRole  `yaml:"roles"`
	Manifests  []rawManifest       `yaml:"manifests"`
	Steps      []rawStep           `yaml:"steps"`
}

type rawDeploymentRules struct {
	Volumes string `yaml:"volumes"`
}

type rawDNS struct {
	TTL *int `yaml:"ttl"`
}

// rawManifest is an entry of spec.manifests or an apply step.
type rawManifest struct {
	File   string     `yaml:"file"`
	Inline *yaml.Node `yaml:"inline"`
	Patch  *yaml.Node `yaml:"patch"`
}

func (l *loader) load() error {
	d, r := l.d, l.root
	if r.Kind != yaml.MappingNode {
		return d.errorf(r, "", "want a %s %s mapping, got %s", APIVersion, KindName, describe(r))
	}
	// A key written twice is reported where it is, before the header
	// checks below would miss both copies of it.
	if _, err := d.pairs(r, ""); err != nil {
		return err
	}
	if v := d.lookup(r, "apiVersion"); v == nil || v.Value != APIVersion {
		return l.errorAt("apiVersion", "want %s, got %s%s", APIVersion, describeOpt(v), manifestHint(d.lookup(r, "kind")))
	}
	if k := d.lookup(r, "kind"); k == nil || k.Value != KindName {
		return l.errorAt("kind", "want %s, got %s%s", KindName, describeOpt(k), manifestHint(k))
	}
	var raw rawScenario
	if err := d.decode(r, reflect.ValueOf(&raw).Elem(), ""); err != nil {
		return err
	}
	sc, spec := l.sc, &raw.Spec
	if raw.Metadata.Name == "" {
		return l.errorAt("metadata.name", "required: the scenario's name, a DNS-1123 label such as web-crash")
	}
	if !api.IsDNS1123Label(raw.Metadata.Name) {
		return l.errorAt("metadata.name", "want a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got %q", raw.Metadata.Name)
	}
	sc.Name, sc.Description = raw.Metadata.Name, raw.Metadata.Description
	sc.Seed = DefaultSeed
	if spec.Seed != nil {
		sc.Seed = *spec.Seed
	}
	if err := l.rules(spec.Rules); err != nil {
		return err
	}
	sc.DeploymentVolumes = VolumesSharedPVC
	if spec.Deployment != nil && spec.Deployment.Volumes != "" {
		switch v := spec.Deployment.Volumes; v {
		case VolumesSharedPVC, VolumesEmptyDir, VolumesEphemeral:
			sc.DeploymentVolumes = v
		default:
			return l.errorAt("spec.deployment.volumes", "want shared-pvc, emptydir or ephemeral, got %q", v)
		}
	}
	if err := l.nodes(spec.Cluster); err != nil {
		return err
	}
	if err := l.images(spec.Timing, spec.Images); err != nil {
		return err
	}
	sc.DNSTTL = DefaultDNSTTL
	if spec.DNS != nil && spec.DNS.TTL != nil {
		if *spec.DNS.TTL < 0 {
			return l.errorAt("spec.dns.ttl", "must not be negative, got %d", *spec.DNS.TTL)
		}
		sc.DNSTTL = *spec.DNS.TTL
	}
	if err := l.roles(spec.Roles); err != nil {
		return err
	}
	if err := l.manifests(spec.Manifests); err != nil {
		return err
	}
	if err := l.convert(); err != nil {
		return err
	}
	if err := l.steps(spec.Steps); err != nil {
		return err
	}
	l.noteAssumedProbe()
	return nil
}

// noteAssumedProbe says when the scenario's readiness stands for a
// readinessProbe that the workload's template does not have.
func (l *loader) noteAssumedProbe() {
	for _, st := range l.sc.Steps {
		if _, ok := st.Action.(*Readiness); ok {
			l.sc.AppReadiness = true
		}
	}
	if !l.sc.AppReadiness {
		return
	}
	for _, c := range l.sc.workload().Template(l.sc.Workload.Object).Spec.Containers {
		if c.ReadinessProbe != nil {
			return
		}
	}
	l.note("ready times and readiness steps stand for a readinessProbe the pod template lacks: stsim assumes one " +
		"(without it a container is Ready as soon as it runs)")
}

func describeOpt(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	return describe(n)
}

// manifestHint explains that a Kubernetes manifest is not a scenario.
func manifestHint(kind *yaml.Node) string {
	if kind == nil || kind.Kind != yaml.ScalarNode {
		return ""
	}
	if _, ok := simulatedKinds[kind.Value]; ok {
		return "; this looks like a Kubernetes manifest: name it under spec.manifests of a scenario, or run `stsim review` on it"
	}
	return ""
}

func (l *loader) rules(w *words) error {
	l.sc.Rules = slices.Clone(workload.AllRules)
	if w == nil {
		return nil
	}
	if len(*w) == 0 {
		return l.errorAt("spec.rules", "want at least one of %s, %s", workload.StatefulSet, workload.Deployment)
	}
	var out []workload.Rules
	for i, s := range *w {
		path := fmt.Sprintf("spec.rules[%d]", i)
		r, err := workload.ParseRules(s)
		switch {
		case err != nil:
			return l.errorAt(path, "want %s or %s, got %q", workload.StatefulSet, workload.Deployment, s)
		case slices.Contains(out, r):
			return l.errorAt(path, "%s is listed twice", r)
		}
		out = append(out, r)
	}
	l.sc.Rules = out
	return nil
}

// manifests reads spec.manifests and picks the workload.
func (l *loader) manifests(entries []rawManifest) error {
	if len(entries) == 0 {
		return l.errorAt("spec.manifests", "required: list the workload's manifests ({file: PATH} or {inline: OBJECT})")
	}
	where := map[string]string{}
	for i, e := range entries {
		objs, err := l.entry(e, fmt.Sprintf("spec.manifests[%d]", i))
		if err != nil {
			return err
		}
		for _, m := range objs {
			key := m.Object.GetKind() + " " + m.Object.Meta().Name
			if first, ok := where[key]; ok {
				return l.manifestError(m, "%s is defined twice (first at %s)", key, first)
			}
			where[key] = m.Source
			if isWorkload(m.Object) {
				if l.sc.Workload.Object != nil {
					w := l.sc.Workload
					return l.manifestError(m, "a second workload %s; %s %s (%s) is the first, and a scenario runs exactly one StatefulSet or Deployment",
						key, w.Object.GetKind(), w.Object.Meta().Name, w.Source)
				}
				l.sc.Workload = m
			}
			l.sc.Manifests = append(l.sc.Manifests, m)
		}
	}
	if l.sc.Workload.Object == nil {
		return l.errorAt("spec.manifests", "no StatefulSet or Deployment: a scenario runs exactly one workload")
	}
	return l.oneNamespace()
}

// oneNamespace checks that the namespaced manifests are all in the
// workload's namespace (metadata.namespace, default when none is given):
// a run simulates one namespace, the workload's.
func (l *loader) oneNamespace() error {
	w := l.sc.Workload
	ns := namespaceOf(w.Object)
	for _, m := range l.sc.Manifests {
		if !apiserver.Namespaced(m.Object.GetKind()) {
			continue
		}
		if got := namespaceOf(m.Object); got != ns {
			return l.manifestError(m, "%s %s is in namespace %s, but the workload %s %s is in namespace %s: a run simulates the workload's namespace only",
				m.Object.GetKind(), m.Object.Meta().Name, got, w.Object.GetKind(), w.Object.Meta().Name, ns)
		}
	}
	return nil
}

// namespaceOf is an object's namespace, default when it names none.
func namespaceOf(o api.Object) string {
	if ns := o.Meta().Namespace; ns != "" {
		return ns
	}
	return api.DefaultNamespace
}

func isWorkload(o api.Object) bool {
	k := o.GetKind()
	return k == api.KindStatefulSet || k == api.KindDeployment
}

// manifestError reports a problem with a decoded manifest at its source.
func (l *loader) manifestError(m Manifest, format string, args ...any) error {
	pos := Pos{File: l.name, Line: 1, Col: 1}
	if i := strings.LastIndexByte(m.Source, ':'); i > 0 {
		if j := strings.LastIndexByte(m.Source[:i], ':'); j > 0 {
			line, _ := strconv.Atoi(m.Source[j+1 : i])
			col, _ := strconv.Atoi(m.Source[i+1:])
			pos = Pos{File: m.Source[:j], Line: line, Col: col}
		}
	}
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// entry reads one manifest entry (of spec.manifests or an apply step) at path.
func (l *loader) entry(e rawManifest, path string) ([]Manifest, error) {
	var (
		docs        []*yaml.Node
		file, label string
	)
	switch {
	case e.File != "" && e.Inline != nil:
		return nil, l.errorAt(path, "file and inline exclude each other; give one")
	case e.File != "":
		if len(e.File) > maxPathLen {
			return nil, l.errorAt(path+".file", "want a path of at most %d bytes, got %d bytes", maxPathLen, len(e.File))
		}
		file, label = e.File, e.File
		if !filepath.IsAbs(file) {
			file = filepath.Join(filepath.Dir(l.name), file)
		}
		if !l.allowOutside && !within(filepath.Dir(l.name), file) {
			return nil, l.errorAt(path+".file", "%s is outside the scenario file's folder; manifest files are read from below that folder only, unless --allow-outside is given", e.File)
		}
		if l.readFile == nil {
			return nil, l.errorAt(path+".file", "cannot read %s: no files can be read here", e.File)
		}
		data, err := l.readFile(file)
		if err != nil {
			return nil, l.errorAt(path+".file", "cannot read %s: %v", e.File, err)
		}
		if docs, err = parseDocuments(file, data); err != nil {
			return nil, err
		}
	case e.Inline != nil:
		file, label = l.name, l.d.pos(e.Inline).String()
		docs = []*yaml.Node{e.Inline}
	default:
		return nil, l.errorAt(path, "want {file: PATH} or {inline: OBJECT}")
	}
	if e.Patch != nil {
		if p, err := l.d.resolve(e.Patch, path+".patch"); err != nil || p.Kind != yaml.MappingNode {
			return nil, l.errorAt(path+".patch", "want a mapping (a JSON merge patch), got %s", describe(e.Patch))
		}
	}
	r, err := decodeDocs(docs, file, e.Patch, l.name, label)
	if err != nil {
		return nil, err
	}
	if len(r.objs) == 0 && len(r.ignored) == 0 {
		return nil, l.errorAt(path, "%s holds no manifest", label)
	}
	l.ignore(r.ignored...)
	l.note(r.notes...)
	return r.objs, nil
}

// convert converts the workload once for every rule set; the workload must
// be valid under each rule set the scenario runs, and ask for no more
// replicas than the pod cap.
func (l *loader) convert() error {
	if n := int(l.sc.workload().Replicas(l.sc.Workload.Object)); n > l.sc.Limits.Pods {
		return l.manifestError(l.sc.Workload, "spec.replicas: %d is more than the %s a run may create (stsim's cap; --max-pods raises it)", n, limits.Count(l.sc.Limits.Pods, "pod"))
	}
	for _, rules := range workload.AllRules {
		v := convert(l.sc, l.sc.Workload.Object, rules)
		if v.Err != nil && slices.Contains(l.sc.Rules, rules) {
			return l.manifestError(l.sc.Workload, "under %s rules the converted workload is invalid: %v", rules, v.Err)
		}
		l.sc.variants = append(l.sc.variants, v)
	}
	return nil
}
