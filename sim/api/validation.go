package api

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// FieldError is one validation failure, printed as the apiserver does:
// "spec.replicas: Invalid value: -1: must be greater than or equal to 0".
type FieldError struct {
	Path   string
	Type   string // Invalid value, Required value, Forbidden, Unsupported value
	Value  any
	Detail string
}

// Error prints the failure as the apiserver does.
func (e FieldError) Error() string {
	switch {
	case (e.Type == "Required value" || e.Type == "Forbidden") && e.Detail == "":
		// field.Error.ErrorBody adds ": detail" only when there is one.
		return fmt.Sprintf("%s: %s", e.Path, e.Type)
	case e.Type == "Required value" || e.Type == "Forbidden":
		return fmt.Sprintf("%s: %s: %s", e.Path, e.Type, e.Detail)
	}
	return fmt.Sprintf("%s: %s: %v: %s", e.Path, e.Type, printValue(e.Value), e.Detail)
}

func printValue(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case IntOrString:
		// Not a fmt.Stringer by value, so the API server prints the
		// struct (field.ErrorBody's %#v).
		typ := 0
		if x.IsString {
			typ = 1
		}
		return fmt.Sprintf("intstr.IntOrString{Type:%d, IntVal:%d, StrVal:%q}", typ, x.IntVal, x.StrVal)
	case map[string]string:
		return fmt.Sprintf("%#v", x)
	}
	return fmt.Sprint(v)
}

// InvalidError is the apiserver's 422 answer: every FieldError of one object.
type InvalidError struct {
	Kind   string // "StatefulSet.apps"
	Name   string
	Errors []FieldError
}

// Error prints the apiserver's 422 message.
func (e *InvalidError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		msgs[i] = f.Error()
	}
	if len(msgs) == 1 {
		return fmt.Sprintf("%s %q is invalid: %s", e.Kind, e.Name, msgs[0])
	}
	return fmt.Sprintf("%s %q is invalid: [%s]", e.Kind, e.Name, strings.Join(msgs, ", "))
}

func invalid(kind, name string, errs []FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return &InvalidError{Kind: kind, Name: name, Errors: errs}
}

var dns1123Label = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
var dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// IsDNS1123Label reports a valid DNS-1123 label (at most 63 characters).
func IsDNS1123Label(s string) bool { return len(s) <= 63 && dns1123Label.MatchString(s) }

// validateLabelName follows NameIsDNSLabel (IsDNS1123Label): one error per
// message, the length first.
func validateLabelName(path, name string) []FieldError {
	if IsDNS1123Label(name) {
		return nil
	}
	var errs []FieldError
	if len(name) > 63 {
		errs = append(errs, FieldError{path, "Invalid value", name, "must be no more than 63 characters"})
	}
	switch {
	case dns1123Label.MatchString(name):
	case dns1123Subdomain.MatchString(name):
		errs = append(errs, FieldError{path, "Invalid value", name, "must not contain dots"})
	default:
		errs = append(errs, FieldError{path, "Invalid value", name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"})
	}
	return errs
}

func validateSubdomainName(path, name string) []FieldError {
	if name == "" {
		return []FieldError{{Path: path, Type: "Required value", Detail: "name or generateName is required"}}
	}
	if len(name) > 253 || !dns1123Subdomain.MatchString(name) {
		return []FieldError{{path, "Invalid value", name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"}}
	}
	return nil
}

func validateNonNegative(path string, v int64) []FieldError {
	if v < 0 {
		return []FieldError{{path, "Invalid value", v, "must be greater than or equal to 0"}}
	}
	return nil
}

// validateSelector checks ValidateLabelSelector plus the workload rule that
// the selector is non-empty and selects the template's labels.
func validateSelector(sel *LabelSelector, tmpl *PodTemplateSpec) []FieldError {
	if sel == nil {
		return []FieldError{{Path: "spec.selector", Type: "Required value", Detail: ""}}
	}
	var errs []FieldError
	if len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 {
		errs = append(errs, FieldError{"spec.selector", "Invalid value", "{}", "empty selector is invalid for deployment"})
	}
	for i, r := range sel.MatchExpressions {
		switch r.Operator {
		case "In", "NotIn":
			if len(r.Values) == 0 {
				errs = append(errs, FieldError{Path: fmt.Sprintf("spec.selector.matchExpressions[%d].values", i), Type: "Required value", Detail: "must be specified when `operator` is 'In' or 'NotIn'"})
			}
		case "Exists", "DoesNotExist":
		default:
			errs = append(errs, FieldError{fmt.Sprintf("spec.selector.matchExpressions[%d].operator", i), "Invalid value", r.Operator, "not a valid selector operator"})
		}
	}
	if len(errs) == 0 && !sel.Matches(tmpl.Labels) {
		errs = append(errs, FieldError{"spec.template.metadata.labels", "Invalid value", tmpl.Labels, "`selector` does not match template `labels`"})
	}
	return errs
}

var validPercent = regexp.MustCompile(`^[0-9]+%$`)

// validateIntOrPercent is ValidatePositiveIntOrPercent: a non-negative
// integer or a valid percent string.
func validateIntOrPercent(path string, v *IntOrString) []FieldError {
	switch {
	case v == nil:
		return nil
	case v.IsString && !validPercent.MatchString(v.StrVal):
		return []FieldError{{path, "Invalid value", *v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"}}
	case !v.IsString:
		return validateNonNegative(path, int64(v.IntVal))
	}
	return nil
}

// percentValue is getPercentValue: the number of a valid percent string.
func percentValue(v *IntOrString) (int, bool) {
	if !v.IsString || !validPercent.MatchString(v.StrVal) {
		return 0, false
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	return n, true
}

func validatePodTemplate(t *PodTemplateSpec) []FieldError {
	var errs []FieldError
	if len(t.Spec.Containers) == 0 {
		errs = append(errs, FieldError{Path: "spec.template.spec.containers", Type: "Required value", Detail: ""})
	}
	names := map[string]bool{}
	for i, c := range t.Spec.Containers {
		p := fmt.Sprintf("spec.template.spec.containers[%d]", i)
		if c.Name == "" {
			errs = append(errs, FieldError{Path: p + ".name", Type: "Required value", Detail: ""})
		} else if names[c.Name] {
			errs = append(errs, FieldError{Path: p + ".name", Type: "Duplicate value", Value: c.Name, Detail: "container names must be unique"})
		}
		names[c.Name] = true
		if c.Image == "" {
			errs = append(errs, FieldError{Path: p + ".image", Type: "Required value", Detail: ""})
		}
	}
	errs = append(errs, validateVolumes("spec.template.spec.volumes", t.Spec.Volumes)...)
	errs = append(errs, validatePodScheduling("spec.template.spec", &t.Spec)...)
	if r := t.Spec.RestartPolicy; r != "" && r != "Always" {
		errs = append(errs, FieldError{"spec.template.spec.restartPolicy", "Unsupported value", r, `supported values: "Always"`})
	}
	return errs
}

// ValidateStatefulSet follows ValidateStatefulSet / ValidateStatefulSetSpec
// (pkg/apis/apps/validation/validation.go) for the simulated fields.
func ValidateStatefulSet(s *StatefulSet) error {
	errs := validateLabelName("metadata.name", s.Name)
	sp := &s.Spec
	if sp.Replicas != nil {
		errs = append(errs, validateNonNegative("spec.replicas", int64(*sp.Replicas))...)
	}
	switch sp.PodManagementPolicy {
	case "", OrderedReadyPodManagement, ParallelPodManagement:
	default:
		errs = append(errs, FieldError{"spec.podManagementPolicy", "Invalid value", sp.PodManagementPolicy, "must be 'OrderedReady' or 'Parallel'"})
	}
	switch sp.UpdateStrategy.Type {
	case "", RollingUpdateStrategy:
		if ru := sp.UpdateStrategy.RollingUpdate; ru != nil {
			if ru.Partition != nil {
				errs = append(errs, validateNonNegative("spec.updateStrategy.rollingUpdate.partition", int64(*ru.Partition))...)
			}
			if mu := ru.MaxUnavailable; mu != nil {
				// validateRollingUpdateStatefulSet: ValidatePositiveIntOrPercent,
				// then "cannot be 0" (getIntOrPercentValue), then
				// IsNotMoreThan100Percent.
				const p = "spec.updateStrategy.rollingUpdate.maxUnavailable"
				errs = append(errs, validateIntOrPercent(p, mu)...)
				value, isPercent := percentValue(mu)
				if !isPercent && !mu.IsString {
					value = int(mu.IntVal)
				}
				if value == 0 {
					errs = append(errs, FieldError{p, "Invalid value", *mu, "cannot be 0"})
				}
				if isPercent && value > 100 {
					errs = append(errs, FieldError{p, "Invalid value", *mu, "must not be greater than 100%"})
				}
			}
		}
	case OnDeleteStrategy:
		if sp.UpdateStrategy.RollingUpdate != nil {
			errs = append(errs, FieldError{Path: "spec.updateStrategy.rollingUpdate", Type: "Invalid value", Value: "", Detail: "only allowed for updateStrategy 'RollingUpdate'"})
		}
	default:
		errs = append(errs, FieldError{"spec.updateStrategy", "Invalid value", sp.UpdateStrategy.Type, "must be 'RollingUpdate' or 'OnDelete'"})
	}
	if p := sp.PersistentVolumeClaimRetentionPolicy; p != nil {
		for _, f := range [][2]string{{"whenDeleted", p.WhenDeleted}, {"whenScaled", p.WhenScaled}} {
			if v := f[1]; v != "" && v != RetainPolicy && v != DeletePolicy {
				errs = append(errs, FieldError{"spec.persistentVolumeClaimRetentionPolicy." + f[0], "Unsupported value", v, `supported values: "Retain", "Delete"`})
			}
		}
	}
	if sp.Ordinals != nil {
		errs = append(errs, validateNonNegative("spec.ordinals.start", int64(sp.Ordinals.Start))...)
	}
	errs = append(errs, validateNonNegative("spec.minReadySeconds", int64(sp.MinReadySeconds))...)
	for i, t := range sp.VolumeClaimTemplates {
		errs = append(errs, validateLabelName(fmt.Sprintf("spec.volumeClaimTemplates[%d].metadata.name", i), t.Name)...)
	}
	errs = append(errs, validateSelector(sp.Selector, &sp.Template)...)
	errs = append(errs, validatePodTemplate(&sp.Template)...)
	return invalid("StatefulSet.apps", s.Name, errs)
}

// ValidateStatefulSetUpdate follows ValidateStatefulSetUpdate: only replicas,
// ordinals, template, updateStrategy, revisionHistoryLimit,
// persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
func ValidateStatefulSetUpdate(s, old *StatefulSet) error {
	if err := ValidateStatefulSet(s); err != nil {
		return err
	}
	a, b := s.Spec, old.Spec
	for _, sp := range []*StatefulSetSpec{&a, &b} {
		sp.Replicas, sp.Ordinals, sp.Template, sp.UpdateStrategy, sp.RevisionHistoryLimit = nil, nil, PodTemplateSpec{}, StatefulSetUpdateStrategy{}, nil
		sp.PersistentVolumeClaimRetentionPolicy, sp.MinReadySeconds = nil, 0
	}
	if !reflect.DeepEqual(a, b) {
		return invalid("StatefulSet.apps", s.Name, []FieldError{{Path: "spec", Type: "Forbidden", Detail: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"}})
	}
	return nil
}

// ValidateDeployment follows ValidateDeployment / ValidateDeploymentSpec for
// the simulated fields, including ValidateRollingUpdateDeployment.
func ValidateDeployment(d *Deployment) error {
	errs := validateSubdomainName("metadata.name", d.Name)
	sp := &d.Spec
	if sp.Replicas != nil {
		errs = append(errs, validateNonNegative("spec.replicas", int64(*sp.Replicas))...)
	}
	switch sp.Strategy.Type {
	case "", RollingUpdateStrategy:
		if ru := sp.Strategy.RollingUpdate; ru != nil {
			// ValidateRollingUpdateDeployment: ValidatePositiveIntOrPercent
			// for both, both zero rejected, IsNotMoreThan100Percent for
			// maxUnavailable.
			const p = "spec.strategy.rollingUpdate."
			errs = append(errs, validateIntOrPercent(p+"maxUnavailable", ru.MaxUnavailable)...)
			errs = append(errs, validateIntOrPercent(p+"maxSurge", ru.MaxSurge)...)
			zero := func(v *IntOrString) bool { n, err := v.ScaledValue(100, false); return err == nil && n == 0 }
			if ru.MaxUnavailable != nil && ru.MaxSurge != nil && zero(ru.MaxUnavailable) && zero(ru.MaxSurge) {
				errs = append(errs, FieldError{p + "maxUnavailable", "Invalid value", *ru.MaxUnavailable, "may not be 0 when `maxSurge` is 0"})
			}
			if v := ru.MaxUnavailable; v != nil && v.IsString {
				if n, err := v.ScaledValue(100, false); err == nil && n > 100 {
					errs = append(errs, FieldError{p + "maxUnavailable", "Invalid value", *v, "must not be greater than 100%"})
				}
			}
		}
	case RecreateStrategy:
		if sp.Strategy.RollingUpdate != nil {
			errs = append(errs, FieldError{Path: "spec.strategy.rollingUpdate", Type: "Forbidden", Detail: "may not be specified when strategy `type` is 'Recreate'"})
		}
	default:
		errs = append(errs, FieldError{"spec.strategy.type", "Unsupported value", sp.Strategy.Type, `supported values: "Recreate", "RollingUpdate"`})
	}
	errs = append(errs, validateNonNegative("spec.minReadySeconds", int64(sp.MinReadySeconds))...)
	if sp.ProgressDeadlineSeconds != nil && *sp.ProgressDeadlineSeconds <= sp.MinReadySeconds {
		errs = append(errs, FieldError{"spec.progressDeadlineSeconds", "Invalid value", *sp.ProgressDeadlineSeconds, "must be greater than minReadySeconds"})
	}
	errs = append(errs, validateSelector(sp.Selector, &sp.Template)...)
	errs = append(errs, validatePodTemplate(&sp.Template)...)
	return invalid("Deployment.apps", d.Name, errs)
}

// ValidateDeploymentUpdate rejects a changed selector (apps/v1 selectors are immutable).
func ValidateDeploymentUpdate(d, old *Deployment) error {
	if err := ValidateDeployment(d); err != nil {
		return err
	}
	if !reflect.DeepEqual(d.Spec.Selector, old.Spec.Selector) {
		return invalid("Deployment.apps", d.Name, []FieldError{{"spec.selector", "Invalid value", fmt.Sprint(d.Spec.Selector.MatchLabels), "field is immutable"}})
	}
	return nil
}

// ValidateService checks a Service's name and ports.
func ValidateService(s *Service) error {
	errs := validateLabelName("metadata.name", s.Name)
	for i, p := range s.Spec.Ports {
		if p.Port < 1 || p.Port > 65535 {
			errs = append(errs, FieldError{fmt.Sprintf("spec.ports[%d].port", i), "Invalid value", p.Port, "must be between 1 and 65535, inclusive"})
		}
		if len(s.Spec.Ports) > 1 && p.Name == "" {
			errs = append(errs, FieldError{Path: fmt.Sprintf("spec.ports[%d].name", i), Type: "Required value", Detail: ""})
		}
	}
	return invalid("Service", s.Name, errs)
}

// ValidatePersistentVolumeClaim checks a claim's name, access modes and
// storage request (ValidatePersistentVolumeClaimSpec).
func ValidatePersistentVolumeClaim(c *PersistentVolumeClaim) error {
	errs := validateSubdomainName("metadata.name", c.Name)
	errs = append(errs, validateClaimSpec("spec", c.Spec)...)
	return invalid("PersistentVolumeClaim", c.Name, errs)
}

// ValidateStorageClass checks that a class names its provisioner and has a
// supported reclaim policy and volume binding mode.
func ValidateStorageClass(s *StorageClass) error {
	var errs []FieldError
	if s.Provisioner == "" {
		errs = append(errs, FieldError{Path: "provisioner", Type: "Required value"})
	}
	errs = append(errs, validateStorageClassPolicies(s)...)
	return invalid("StorageClass.storage.k8s.io", s.Name, errs)
}

// validateLabels is ValidateLabels: each key a qualified name, each value
// at most 63 characters of [-A-Za-z0-9_.], starting and ending with an
// alphanumeric character.
func validateLabels(path string, labels map[string]string) []FieldError {
	var errs []FieldError
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		v := labels[k]
		switch {
		case len(v) > 63:
			errs = append(errs, FieldError{path, "Invalid value", v, "must be no more than 63 characters"})
		case v != "" && !labelValue.MatchString(v):
			errs = append(errs, FieldError{path, "Invalid value", v, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"})
		}
	}
	return errs
}

var labelValue = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)

// ValidatePod checks what the simulator reads of a new pod: its name (a
// DNS subdomain), its labels and its containers (ValidatePodCreate).
func ValidatePod(p *Pod) error {
	errs := validateSubdomainName("metadata.name", p.Name)
	errs = append(errs, validateLabels("metadata.labels", p.Labels)...)
	if len(p.Spec.Containers) == 0 {
		errs = append(errs, FieldError{Path: "spec.containers", Type: "Required value", Detail: ""})
	}
	errs = append(errs, validatePodScheduling("spec", &p.Spec)...)
	return invalid("Pod", p.Name, errs)
}
