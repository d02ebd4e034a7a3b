package api

import (
	"fmt"
	"maps"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file holds the API server's error types and the validation shared
// by every kind: names, labels, annotations, object metadata and label
// selectors (staging/src/k8s.io/apimachinery/pkg/util/validation,
// .../pkg/api/validate/content, .../pkg/api/validation and
// .../pkg/apis/meta/v1/validation), and the apps kinds
// (pkg/apis/apps/validation/validation.go). The pod spec is in
// validation_pod.go, the Service in validation_service.go, storage in
// validation_storage.go.

// Field error types (field.ErrorType.String).
const (
	errRequired    = "Required value"
	errInvalid     = "Invalid value"
	errUnsupported = "Unsupported value"
	errForbidden   = "Forbidden"
	errDuplicate   = "Duplicate value"
	errNotFound    = "Not found"
	errTooLong     = "Too long"
)

// FieldError is one validation failure, printed as the apiserver does:
// "spec.replicas: Invalid value: -1: must be greater than or equal to 0".
type FieldError struct {
	Path   string
	Type   string // Invalid value, Required value, Forbidden, Unsupported value, Duplicate value, Not found, Too long
	Value  any
	Detail string
}

// Error prints the failure as field.Error does: the path, then ErrorBody,
// which leaves the value out of Required, Forbidden and Too long errors and
// adds ": detail" only when there is one.
func (e FieldError) Error() string {
	s := e.Type
	switch e.Type {
	case errRequired, errForbidden, errTooLong, "Internal error":
	default:
		s += ": " + printValue(e.Value)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return e.Path + ": " + s
}

// rawValue is a value the API server prints as it is: what a
// fmt.Stringer gives (a quantity, a label selector) or a struct printed
// with %#v.
type rawValue string

// printValue prints a bad value as field.ErrorBody does: a string quoted,
// a number or a bool as it is, a Stringer by its String, anything else
// with %#v.
func printValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case rawValue:
		return string(x)
	case string:
		return strconv.Quote(x)
	case IntOrString:
		return intOrStringGoString(x)
	case map[string]string, []string:
		return fmt.Sprintf("%#v", x)
	}
	return fmt.Sprint(v)
}

// intOrStringGoString is intstr.IntOrString with %#v (it is not a
// Stringer by value).
func intOrStringGoString(x IntOrString) string {
	typ := 0
	if x.IsString {
		typ = 1
	}
	return fmt.Sprintf("intstr.IntOrString{Type:%d, IntVal:%d, StrVal:%q}", typ, x.IntVal, x.StrVal)
}

// InvalidError is the apiserver's 422 answer: every FieldError of one object.
type InvalidError struct {
	Kind   string // "StatefulSet.apps"
	Name   string
	Errors []FieldError
}

// Error prints the apiserver's 422 message (errors.NewInvalid): one
// error as it is, several in brackets, a repeated message once
// (ErrorList.ToAggregate).
func (e *InvalidError) Error() string {
	var msgs []string
	for _, f := range e.Errors {
		if m := f.Error(); !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
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

// Messages of apimachinery's validation.
const (
	isNegativeErrorMsg    = "must be greater than or equal to 0"
	isNotPositiveErrorMsg = "must be greater than zero"
	fieldImmutableMsg     = "field is immutable"
	// totalAnnotationSizeLimit is TotalAnnotationSizeLimitB (256 KiB).
	totalAnnotationSizeLimit = 256 * (1 << 10)
)

// maxLenError is util/validation's MaxLenError, used by the DNS name
// checks.
func maxLenError(n int) string { return fmt.Sprintf("must be no more than %d characters", n) }

// maxLenBytes is validate/content's MaxLenError, used by the label key and
// value checks.
func maxLenBytes(n int) string { return fmt.Sprintf("must be no more than %d bytes", n) }

// regexError is RegexError: the message, examples, and the regex.
func regexError(msg, re string, examples ...string) string {
	if len(examples) == 0 {
		return msg + " (regex used for validation is '" + re + "')"
	}
	msg += " (e.g. "
	for i, e := range examples {
		if i > 0 {
			msg += " or "
		}
		msg += "'" + e + "', "
	}
	return msg + "regex used for validation is '" + re + "')"
}

const (
	dns1123LabelFmt     = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
	dns1123SubdomainFmt = dns1123LabelFmt + "(\\." + dns1123LabelFmt + ")*"
	dns1035LabelFmt     = "[a-z]([-a-z0-9]*[a-z0-9])?"
	labelKeyFmt         = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
	labelValueFmt       = "(" + labelKeyFmt + ")?"
	percentFmt          = "[0-9]+%"

	dns1123LabelErrMsg     = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
	dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
	dns1035LabelErrMsg     = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"
	labelKeyErrMsg         = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	labelValueErrMsg       = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	percentErrMsg          = "a valid percent string must be a numeric string followed by an ending '%'"
)

var (
	dns1123Label     = regexp.MustCompile("^" + dns1123LabelFmt + "$")
	dns1123Subdomain = regexp.MustCompile("^" + dns1123SubdomainFmt + "$")
	dns1035Label     = regexp.MustCompile("^" + dns1035LabelFmt + "$")
	labelKeyRegexp   = regexp.MustCompile("^" + labelKeyFmt + "$")
	labelValue       = regexp.MustCompile("^" + labelValueFmt + "$")
	validPercent     = regexp.MustCompile("^" + percentFmt + "$")
	portNameCharset  = regexp.MustCompile("^[-a-z0-9]+$")
	portNameLetter   = regexp.MustCompile("[a-z]")
)

// isDNS1123Label is validation.IsDNS1123Label.
func isDNS1123Label(v string) []string {
	if validDNS1123Label(v) {
		return nil
	}
	var errs []string
	if len(v) > 63 {
		errs = append(errs, maxLenError(63))
	}
	if !dns1123Label.MatchString(v) {
		if dns1123Subdomain.MatchString(v) {
			errs = append(errs, "must not contain dots")
		} else {
			errs = append(errs, regexError(dns1123LabelErrMsg, dns1123LabelFmt, "my-name", "123-abc"))
		}
	}
	return errs
}

// isDNS1123Subdomain is validation.IsDNS1123Subdomain.
func isDNS1123Subdomain(v string) []string {
	if validDNS1123Subdomain(v) {
		return nil
	}
	return subdomainErrors(v, maxLenError(253))
}

func subdomainErrors(v, tooLong string) []string {
	var errs []string
	if len(v) > 253 {
		errs = append(errs, tooLong)
	}
	if !dns1123Subdomain.MatchString(v) {
		errs = append(errs, regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, "example.com"))
	}
	return errs
}

// isDNS1035Label is validation.IsDNS1035Label.
func isDNS1035Label(v string) []string {
	if validDNS1035Label(v) {
		return nil
	}
	var errs []string
	if len(v) > 63 {
		errs = append(errs, maxLenError(63))
	}
	if !dns1035Label.MatchString(v) {
		errs = append(errs, regexError(dns1035LabelErrMsg, dns1035LabelFmt, "my-name", "abc-123"))
	}
	return errs
}

// isQualifiedName is content.IsLabelKey (validation.IsQualifiedName): an
// optional DNS subdomain prefix and "/", then a name of at most 63 bytes.
func isQualifiedName(v string) []string {
	if validQualifiedName(v) {
		return nil
	}
	var errs []string
	parts := strings.Split(v, "/")
	var name string
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		prefix := parts[0]
		name = parts[1]
		if prefix == "" {
			errs = append(errs, "prefix part must be non-empty")
		} else {
			for _, msg := range subdomainErrors(prefix, maxLenBytes(253)) {
				errs = append(errs, "prefix part "+msg)
			}
		}
	default:
		return []string{"a valid label key " + regexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc") +
			" with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"}
	}
	if name == "" {
		errs = append(errs, "name part must be non-empty")
	} else if len(name) > 63 {
		errs = append(errs, "name part "+maxLenBytes(63))
	}
	if !labelKeyRegexp.MatchString(name) {
		errs = append(errs, "name part "+regexError(labelKeyErrMsg, labelKeyFmt, "MyName", "my.name", "123-abc"))
	}
	return errs
}

// isValidLabelValue is content.IsLabelValue (validation.IsValidLabelValue).
func isValidLabelValue(v string) []string {
	if validLabelValue(v) {
		return nil
	}
	var errs []string
	if len(v) > 63 {
		errs = append(errs, maxLenBytes(63))
	}
	if !labelValue.MatchString(v) {
		errs = append(errs, regexError(labelValueErrMsg, labelValueFmt, "MyValue", "my_value", "12345"))
	}
	return errs
}

// isValidPortNum is validation.IsValidPortNum.
func isValidPortNum(p int) []string {
	if p >= 1 && p <= 65535 {
		return nil
	}
	return []string{inclusiveRangeError(1, 65535)}
}

func inclusiveRangeError(lo, hi int) string {
	return fmt.Sprintf("must be between %d and %d, inclusive", lo, hi)
}

// isValidPortName is validation.IsValidPortName (an IANA_SVC_NAME).
func isValidPortName(p string) []string {
	var errs []string
	if len(p) > 15 {
		errs = append(errs, maxLenError(15))
	}
	if !portNameCharset.MatchString(p) {
		errs = append(errs, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !portNameLetter.MatchString(p) {
		errs = append(errs, "must contain at least one letter (a-z)")
	}
	if strings.Contains(p, "--") {
		errs = append(errs, "must not contain consecutive hyphens")
	}
	if p != "" && (p[0] == '-' || p[len(p)-1] == '-') {
		errs = append(errs, "must not begin or end with a hyphen")
	}
	return errs
}

// isValidIP is validation.IsValidIP (netutils.ParseIPSloppy also takes
// IPv4 octets with leading zeros, which net.ParseIP refuses).
func isValidIP(path, v string) []FieldError {
	if net.ParseIP(v) == nil && net.ParseIP(stripLeadingZeros(v)) == nil {
		return []FieldError{{path, errInvalid, v, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"}}
	}
	return nil
}

func stripLeadingZeros(v string) string {
	parts := strings.Split(v, ".")
	if len(parts) != 4 {
		return v
	}
	for i, p := range parts {
		if t := strings.TrimLeft(p, "0"); t != p {
			if t == "" {
				t = "0"
			}
			parts[i] = t
		}
	}
	return strings.Join(parts, ".")
}

// IsDNS1123Label reports a valid DNS-1123 label (at most 63 characters).
func IsDNS1123Label(s string) bool { return len(isDNS1123Label(s)) == 0 }

// QualifiedNameError says why s is not a qualified name (a label key or a
// taint key: an optional DNS subdomain prefix and "/", then a name of at
// most 63 characters), or "" (validation.IsQualifiedName; its first
// message).
func QualifiedNameError(s string) string {
	if msgs := isQualifiedName(s); len(msgs) > 0 {
		return msgs[0]
	}
	return ""
}

// IsLabelValue reports a valid label value (also a taint's value): at
// most 63 characters of alphanumerics, '-', '_' and '.', starting and
// ending with an alphanumeric, or empty.
func IsLabelValue(v string) bool { return len(isValidLabelValue(v)) == 0 }

// each turns messages into Invalid errors at path.
func each(path string, value any, msgs []string) []FieldError {
	var errs []FieldError
	for _, m := range msgs {
		errs = append(errs, FieldError{path, errInvalid, value, m})
	}
	return errs
}

func validateNonNegative(path string, v int64) []FieldError {
	if v < 0 {
		return []FieldError{{path, errInvalid, v, isNegativeErrorMsg}}
	}
	return nil
}

// maskTrailingDash is upstream's: a generateName ending in "-" is checked
// with its last two characters replaced by "a".
func maskTrailingDash(name string) string {
	if strings.HasSuffix(name, "-") {
		if len(name) < 2 {
			return "a"
		}
		return name[:len(name)-2] + "a"
	}
	return name
}

// The name rules of the simulated kinds (the ValidateNameFunc each kind's
// ValidateObjectMeta call uses).
var (
	// nameIsDNSSubdomain: Pod, Deployment, PersistentVolumeClaim,
	// PersistentVolume, StorageClass.
	nameIsDNSSubdomain = isDNS1123Subdomain
	// nameIsDNSLabel: StatefulSet (ValidateStatefulSetName, since v1.27).
	nameIsDNSLabel = isDNS1123Label
	// nameIsDNS1035Label: Service (ValidateServiceName).
	nameIsDNS1035Label = isDNS1035Label
)

// validateObjectMeta is ValidateObjectMeta for the simulated fields: the
// generateName and name by the kind's rule, the namespace, labels,
// annotations, owner references and finalizers.
func validateObjectMeta(m *ObjectMeta, namespaced bool, nameFn func(string) []string) []FieldError {
	var errs []FieldError
	if m.GenerateName != "" {
		errs = append(errs, each("metadata.generateName", m.GenerateName, nameFn(maskTrailingDash(m.GenerateName)))...)
	}
	if m.Name == "" {
		errs = append(errs, FieldError{Path: "metadata.name", Type: errRequired, Detail: "name or generateName is required"})
	} else {
		errs = append(errs, each("metadata.name", m.Name, nameFn(m.Name))...)
	}
	if namespaced && m.Namespace != "" {
		errs = append(errs, each("metadata.namespace", m.Namespace, isDNS1123Label(m.Namespace))...)
	}
	errs = append(errs, validateLabels("metadata.labels", m.Labels)...)
	errs = append(errs, validateAnnotations("metadata.annotations", m.Annotations)...)
	for _, r := range m.OwnerReferences {
		const p = "metadata.ownerReferences"
		if version := r.APIVersion[strings.LastIndex(r.APIVersion, "/")+1:]; version == "" {
			errs = append(errs, FieldError{p + ".apiVersion", errInvalid, r.APIVersion, "version must not be empty"})
		}
		for _, f := range []struct{ name, v string }{{"kind", r.Kind}, {"name", r.Name}, {"uid", r.UID}} {
			if f.v == "" {
				errs = append(errs, FieldError{p + "." + f.name, errInvalid, "", "must not be empty"})
			}
		}
	}
	errs = append(errs, validateFinalizers(m.Finalizers)...)
	return errs
}

// validateFinalizers is ValidateFinalizers (each a qualified name, not both
// orphan and foregroundDeletion) and core's validateKubeFinalizerName: a
// name without a domain must be a standard one.
func validateFinalizers(fs []string) []FieldError {
	var errs []FieldError
	for _, f := range fs {
		errs = append(errs, each("metadata.finalizers", f, isQualifiedName(f))...)
	}
	if slices.Contains(fs, "orphan") && slices.Contains(fs, "foregroundDeletion") {
		errs = append(errs, FieldError{"metadata.finalizers", errInvalid, fs, "finalizer orphan and foregroundDeletion cannot be both set"})
	}
	for i, f := range fs {
		if !strings.Contains(f, "/") && f != "kubernetes" && f != "orphan" && f != "foregroundDeletion" {
			errs = append(errs, FieldError{fmt.Sprintf("metadata.finalizers[%d]", i), errInvalid, f, "name is neither a standard finalizer name nor is it fully qualified"})
		}
	}
	return errs
}

// validateLabels is ValidateLabels: each key a qualified name, each value
// a label value. Upstream walks the map in Go's random order; stsim sorts
// the keys.
func validateLabels(path string, labels map[string]string) []FieldError {
	var errs []FieldError
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		errs = append(errs, each(path, k, isQualifiedName(k))...)
		errs = append(errs, each(path, labels[k], isValidLabelValue(labels[k]))...)
	}
	return errs
}

// validateAnnotations is ValidateAnnotations: each key a qualified name
// once lower-cased, and at most 256 KiB of keys and values in all.
func validateAnnotations(path string, annotations map[string]string) []FieldError {
	var errs []FieldError
	size := 0
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		errs = append(errs, each(path, k, isQualifiedName(strings.ToLower(k)))...)
		size += len(k) + len(annotations[k])
	}
	if size > totalAnnotationSizeLimit {
		errs = append(errs, FieldError{Path: path, Type: errTooLong, Detail: fmt.Sprintf("must have at most %d bytes", totalAnnotationSizeLimit)})
	}
	return errs
}

// validateLabelSelector is ValidateLabelSelector with
// AllowInvalidLabelValueInSelector false, as the workloads use it.
func validateLabelSelector(path string, sel *LabelSelector) []FieldError {
	if sel == nil {
		return nil
	}
	errs := validateLabels(path+".matchLabels", sel.MatchLabels)
	for i, r := range sel.MatchExpressions {
		p := fmt.Sprintf("%s.matchExpressions[%d]", path, i)
		switch r.Operator {
		case "In", "NotIn":
			if len(r.Values) == 0 {
				errs = append(errs, FieldError{Path: p + ".values", Type: errRequired, Detail: "must be specified when `operator` is 'In' or 'NotIn'"})
			}
		case "Exists", "DoesNotExist":
			if len(r.Values) > 0 {
				errs = append(errs, FieldError{Path: p + ".values", Type: errForbidden, Detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"})
			}
		default:
			errs = append(errs, FieldError{p + ".operator", errInvalid, r.Operator, "not a valid selector operator"})
		}
		errs = append(errs, each(p+".key", r.Key, isQualifiedName(r.Key))...)
		for j, v := range r.Values {
			errs = append(errs, each(fmt.Sprintf("%s.values[%d]", p, j), v, isValidLabelValue(v))...)
		}
	}
	return errs
}

// selectorString is *metav1.LabelSelector's String (generated by gogo
// protobuf), which field.ErrorBody prints for a selector.
func selectorString(s *LabelSelector) rawValue {
	if s == nil {
		return "nil"
	}
	ml := "map[string]string{"
	for _, k := range slices.Sorted(maps.Keys(s.MatchLabels)) {
		ml += fmt.Sprintf("%v: %v,", k, s.MatchLabels[k])
	}
	ml += "}"
	me := "[]LabelSelectorRequirement{"
	for _, r := range s.MatchExpressions {
		me += fmt.Sprintf("LabelSelectorRequirement{Key:%v,Operator:%v,Values:%v,},", r.Key, r.Operator, r.Values)
	}
	me += "}"
	return rawValue("&LabelSelector{MatchLabels:" + ml + ",MatchExpressions:" + me + ",}")
}

// validateWorkloadSelector is the selector part of ValidateDeploymentSpec
// and ValidateStatefulSetSpec: required, valid, not empty. It reports
// whether metav1.LabelSelectorAsSelector would accept it (it refuses
// exactly what ValidateLabelSelector reports).
func validateWorkloadSelector(sel *LabelSelector, kind string) (errs []FieldError, parses bool) {
	if sel == nil {
		return []FieldError{{Path: "spec.selector", Type: errRequired}}, true
	}
	errs = validateLabelSelector("spec.selector", sel)
	parses = len(errs) == 0
	if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		errs = append(errs, FieldError{"spec.selector", errInvalid, selectorString(sel), "empty selector is invalid for " + kind})
	}
	return errs, parses
}

// validateTemplateSelector is the check of ValidatePodTemplateSpecForReplicaSet
// and ValidatePodTemplateSpecForStatefulSet: a non-empty selector must
// select the template's labels. A nil selector selects nothing
// (labels.Nothing, which is not Empty), so it never matches.
func validateTemplateSelector(sel *LabelSelector, tmpl *PodTemplateSpec) []FieldError {
	if sel != nil && len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		return nil
	}
	if !sel.Matches(tmpl.Labels) {
		return []FieldError{{"spec.template.metadata.labels", errInvalid, tmpl.Labels, "`selector` does not match template `labels`"}}
	}
	return nil
}

// validateIntOrPercent is ValidatePositiveIntOrPercent: a non-negative
// integer or a valid percent string.
func validateIntOrPercent(path string, v *IntOrString) []FieldError {
	switch {
	case v == nil:
		return nil
	case v.IsString && !validPercent.MatchString(v.StrVal):
		return []FieldError{{path, errInvalid, *v, regexError(percentErrMsg, percentFmt, "1%", "93%")}}
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

// intOrPercentValue is getIntOrPercentValue.
func intOrPercentValue(v *IntOrString) int {
	if n, ok := percentValue(v); ok {
		return n
	}
	if v.IsString {
		// IntOrString.IntValue: Atoi of the string, 0 when it is not a number.
		n, _ := strconv.Atoi(v.StrVal)
		return n
	}
	return int(v.IntVal)
}

// statefulSetOptions are StatefulSetValidationOptions: an update tolerates
// what a stored object may already hold.
type statefulSetOptions struct {
	allowInvalidServiceName  bool
	skipVolumeClaimTemplates bool
	skipPodTemplate          bool
}

// ValidateStatefulSet follows ValidateStatefulSet / ValidateStatefulSetSpec
// (pkg/apis/apps/validation/validation.go, v1.37) for the simulated fields.
func ValidateStatefulSet(s *StatefulSet) error {
	errs := validateObjectMeta(&s.ObjectMeta, true, nameIsDNSLabel)
	errs = append(errs, validateStatefulSetSpec(&s.Spec, statefulSetOptions{})...)
	return invalid("StatefulSet.apps", s.Name, errs)
}

// statefulSetStrategyValue prints apps.StatefulSetUpdateStrategy with %#v.
func statefulSetStrategyValue(s StatefulSetUpdateStrategy) rawValue {
	return strategyValue("StatefulSetUpdateStrategy", "RollingUpdateStatefulSetStrategy", s.Type, s.RollingUpdate != nil)
}

// strategyValue prints an apps strategy struct with %#v: its type and its
// rollingUpdate pointer, whose address stsim prints as 0xc000000000.
func strategyValue(kind, rollingKind, typ string, rolling bool) rawValue {
	ru := "(*apps." + rollingKind + ")(nil)"
	if rolling {
		ru = "(*apps." + rollingKind + ")(0xc000000000)"
	}
	return rawValue(fmt.Sprintf("apps.%s{Type:%q, RollingUpdate:%s}", kind, typ, ru))
}

func validateStatefulSetSpec(sp *StatefulSetSpec, opts statefulSetOptions) []FieldError {
	var errs []FieldError
	switch sp.PodManagementPolicy {
	case "":
		errs = append(errs, FieldError{Path: "spec.podManagementPolicy", Type: errRequired})
	case OrderedReadyPodManagement, ParallelPodManagement:
	default:
		errs = append(errs, FieldError{"spec.podManagementPolicy", errInvalid, sp.PodManagementPolicy, "must be 'OrderedReady' or 'Parallel'"})
	}
	switch sp.UpdateStrategy.Type {
	case "":
		errs = append(errs, FieldError{Path: "spec.updateStrategy", Type: errRequired})
	case RollingUpdateStrategy:
		if ru := sp.UpdateStrategy.RollingUpdate; ru != nil {
			// validateRollingUpdateStatefulSet.
			if ru.Partition != nil {
				errs = append(errs, validateNonNegative("spec.updateStrategy.rollingUpdate.partition", int64(*ru.Partition))...)
			}
			if mu := ru.MaxUnavailable; mu != nil {
				const p = "spec.updateStrategy.rollingUpdate.maxUnavailable"
				errs = append(errs, validateIntOrPercent(p, mu)...)
				if intOrPercentValue(mu) == 0 {
					errs = append(errs, FieldError{p, errInvalid, *mu, "cannot be 0"})
				}
				if n, ok := percentValue(mu); ok && n > 100 {
					errs = append(errs, FieldError{p, errInvalid, *mu, "must not be greater than 100%"})
				}
			}
		}
	case OnDeleteStrategy:
		if ru := sp.UpdateStrategy.RollingUpdate; ru != nil {
			// The value is the *apps.RollingUpdateStatefulSetStrategy,
			// printed as its struct.
			var partition int32
			if ru.Partition != nil {
				partition = *ru.Partition
			}
			mu := "(*intstr.IntOrString)(nil)"
			if ru.MaxUnavailable != nil {
				mu = "(*intstr.IntOrString)(0xc000000000)"
			}
			errs = append(errs, FieldError{"spec.updateStrategy.rollingUpdate", errInvalid,
				rawValue(fmt.Sprintf("apps.RollingUpdateStatefulSetStrategy{Partition:%d, MaxUnavailable:%s}", partition, mu)),
				"only allowed for updateStrategy 'RollingUpdate'"})
		}
	default:
		errs = append(errs, FieldError{"spec.updateStrategy", errInvalid, statefulSetStrategyValue(sp.UpdateStrategy), "must be 'RollingUpdate' or 'OnDelete'"})
	}
	if p := sp.PersistentVolumeClaimRetentionPolicy; p != nil {
		for _, f := range [][2]string{{"whenDeleted", p.WhenDeleted}, {"whenScaled", p.WhenScaled}} {
			if v := f[1]; v != RetainPolicy && v != DeletePolicy {
				errs = append(errs, FieldError{"spec.persistentVolumeClaimRetentionPolicy." + f[0], errUnsupported, v, `supported values: "Retain", "Delete"`})
			}
		}
	}
	if !opts.skipVolumeClaimTemplates {
		// ValidateVolumeClaimTemplates (v1.34, PR #132212).
		for i := range sp.VolumeClaimTemplates {
			errs = append(errs, validateClaimSpec(fmt.Sprintf("spec.volumeClaimTemplates[%d].spec", i), sp.VolumeClaimTemplates[i].Spec)...)
		}
	}
	if sp.Replicas != nil {
		errs = append(errs, validateNonNegative("spec.replicas", int64(*sp.Replicas))...)
	}
	errs = append(errs, validateNonNegative("spec.minReadySeconds", int64(sp.MinReadySeconds))...)
	if sp.Ordinals != nil {
		errs = append(errs, validateNonNegative("spec.ordinals.start", int64(sp.Ordinals.Start))...)
	}
	if !opts.allowInvalidServiceName && sp.ServiceName != "" {
		// The pods' subdomain (v1.33, PR #130233).
		errs = append(errs, each("spec.serviceName", sp.ServiceName, isDNS1123Label(sp.ServiceName))...)
	}
	// Not upstream's: stsim names each claim template's claims and the
	// pods' volumes after it, so it checks the name as a DNS-1123 label.
	for i, t := range sp.VolumeClaimTemplates {
		errs = append(errs, each(fmt.Sprintf("spec.volumeClaimTemplates[%d].metadata.name", i), t.Name, isDNS1123Label(t.Name))...)
	}
	selErrs, parses := validateWorkloadSelector(sp.Selector, "statefulset")
	errs = append(errs, selErrs...)
	if !parses {
		errs = append(errs, FieldError{Path: "spec.selector", Type: errInvalid, Value: selectorString(sp.Selector)})
	} else {
		errs = append(errs, validateTemplateSelector(sp.Selector, &sp.Template)...)
		if !opts.skipPodTemplate {
			// ValidatePodTemplateSpec (v1.34, PR #131790), with a volume for
			// each claim template, so that a container may mount it.
			var claims []string
			for _, t := range sp.VolumeClaimTemplates {
				claims = append(claims, t.Name)
			}
			errs = append(errs, validatePodTemplateSpec(&sp.Template, claims)...)
		}
	}
	if r := sp.Template.Spec.RestartPolicy; r != "Always" {
		errs = append(errs, FieldError{"spec.template.spec.restartPolicy", errUnsupported, r, `supported values: "Always"`})
	}
	return errs
}

// ValidateStatefulSetUpdate follows ValidateStatefulSetUpdate: the new spec
// is validated (a stored invalid serviceName, claim template or pod
// template does not block the update), and only replicas, ordinals,
// template, updateStrategy, revisionHistoryLimit,
// persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
func ValidateStatefulSetUpdate(s, old *StatefulSet) error {
	opts := statefulSetOptions{allowInvalidServiceName: true, skipVolumeClaimTemplates: true,
		skipPodTemplate: len(validatePodTemplateSpec(&old.Spec.Template, nil)) > 0}
	errs := validateStatefulSetSpec(&s.Spec, opts)
	a, b := s.DeepCopy().Spec, old.DeepCopy().Spec
	for _, sp := range []*StatefulSetSpec{&a, &b} {
		sp.Replicas, sp.Ordinals, sp.Template, sp.UpdateStrategy, sp.RevisionHistoryLimit = nil, nil, PodTemplateSpec{}, StatefulSetUpdateStrategy{}, nil
		sp.PersistentVolumeClaimRetentionPolicy, sp.MinReadySeconds = nil, 0
	}
	if !semanticEqual(a, b) {
		errs = append(errs, FieldError{Path: "spec", Type: errForbidden, Detail: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"})
	}
	return invalid("StatefulSet.apps", s.Name, errs)
}

// deploymentStrategyValue prints apps.DeploymentStrategy with %#v.
func deploymentStrategyValue(s DeploymentStrategy) rawValue {
	return strategyValue("DeploymentStrategy", "RollingUpdateDeployment", s.Type, s.RollingUpdate != nil)
}

// ValidateDeployment follows ValidateDeployment / ValidateDeploymentSpec for
// the simulated fields, including ValidateDeploymentStrategy and
// ValidateRollingUpdateDeployment.
func ValidateDeployment(d *Deployment) error {
	errs := validateObjectMeta(&d.ObjectMeta, true, nameIsDNSSubdomain)
	errs = append(errs, validateDeploymentSpec(&d.Spec)...)
	return invalid("Deployment.apps", d.Name, errs)
}

func validateDeploymentSpec(sp *DeploymentSpec) []FieldError {
	var errs []FieldError
	if sp.Replicas != nil {
		errs = append(errs, validateNonNegative("spec.replicas", int64(*sp.Replicas))...)
	}
	selErrs, parses := validateWorkloadSelector(sp.Selector, "deployment")
	errs = append(errs, selErrs...)
	if !parses {
		errs = append(errs, FieldError{"spec.selector", errInvalid, selectorString(sp.Selector), "invalid label selector"})
	} else {
		// ValidatePodTemplateSpecForReplicaSet.
		errs = append(errs, validateTemplateSelector(sp.Selector, &sp.Template)...)
		errs = append(errs, validatePodTemplateSpec(&sp.Template, nil)...)
		if r := sp.Template.Spec.RestartPolicy; r != "Always" {
			errs = append(errs, FieldError{"spec.template.spec.restartPolicy", errUnsupported, r, `supported values: "Always"`})
		}
	}
	switch sp.Strategy.Type {
	case RecreateStrategy:
		if sp.Strategy.RollingUpdate != nil {
			errs = append(errs, FieldError{Path: "spec.strategy.rollingUpdate", Type: errForbidden, Detail: "may not be specified when strategy `type` is 'Recreate'"})
		}
	case RollingUpdateStrategy:
		if ru := sp.Strategy.RollingUpdate; ru == nil {
			errs = append(errs, FieldError{Path: "spec.strategy.rollingUpdate", Type: errRequired, Detail: "this should be defaulted and never be nil"})
		} else {
			const p = "spec.strategy.rollingUpdate."
			errs = append(errs, validateIntOrPercent(p+"maxUnavailable", ru.MaxUnavailable)...)
			errs = append(errs, validateIntOrPercent(p+"maxSurge", ru.MaxSurge)...)
			value := func(v *IntOrString) int {
				if v == nil {
					return 0
				}
				return intOrPercentValue(v)
			}
			if value(ru.MaxUnavailable) == 0 && value(ru.MaxSurge) == 0 {
				var mu any
				if ru.MaxUnavailable != nil {
					mu = *ru.MaxUnavailable
				}
				errs = append(errs, FieldError{p + "maxUnavailable", errInvalid, mu, "may not be 0 when `maxSurge` is 0"})
			}
			if v := ru.MaxUnavailable; v != nil {
				if n, ok := percentValue(v); ok && n > 100 {
					errs = append(errs, FieldError{p + "maxUnavailable", errInvalid, *v, "must not be greater than 100%"})
				}
			}
		}
	default:
		errs = append(errs, FieldError{"spec.strategy", errUnsupported, deploymentStrategyValue(sp.Strategy), `supported values: "Recreate", "RollingUpdate"`})
	}
	errs = append(errs, validateNonNegative("spec.minReadySeconds", int64(sp.MinReadySeconds))...)
	if sp.RevisionHistoryLimit != nil {
		errs = append(errs, validateNonNegative("spec.revisionHistoryLimit", int64(*sp.RevisionHistoryLimit))...)
	}
	if pd := sp.ProgressDeadlineSeconds; pd != nil {
		errs = append(errs, validateNonNegative("spec.progressDeadlineSeconds", int64(*pd))...)
		if *pd <= sp.MinReadySeconds {
			errs = append(errs, FieldError{"spec.progressDeadlineSeconds", errInvalid, *pd, "must be greater than minReadySeconds"})
		}
	}
	return errs
}

// ValidateDeploymentUpdate is the apps/v1 deployment strategy's
// ValidateUpdate (pkg/registry/apps/deployment/strategy.go): the new spec is
// validated, then the selector is immutable.
func ValidateDeploymentUpdate(d, old *Deployment) error {
	errs := validateDeploymentSpec(&d.Spec)
	if !semanticEqual(d.Spec.Selector, old.Spec.Selector) {
		errs = append(errs, FieldError{"spec.selector", errInvalid, selectorString(d.Spec.Selector), fieldImmutableMsg})
	}
	return invalid("Deployment.apps", d.Name, errs)
}
