package api

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
)

// This file holds the container resource requests the scheduler checks
// against a node's capacity, and the quantities they are written in.

// Resource names the scheduler checks.
const (
	ResourceCPU    = "cpu"
	ResourceMemory = "memory"
)

// quantityPattern is the syntax of a quantity (resource.ParseQuantity's
// error message names it).
var quantityPattern = regexp.MustCompile(`^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`)

// errQuantity is resource.ErrFormatWrong's text.
const errQuantity = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

// ParseQuantity reads a quantity such as 500m, 1.5, 128Mi, 1G or 1e3 as an
// exact number (resource.ParseQuantity: decimal SI and binary suffixes, or
// a decimal exponent).
func ParseQuantity(s string) (*big.Rat, error) {
	m := quantityPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || strings.Count(m[1], ".") > 1 || strings.Trim(m[1], "+-.") == "" {
		return nil, fmt.Errorf("%s", errQuantity)
	}
	num := m[1]
	if strings.HasPrefix(strings.TrimLeft(num, "+-"), ".") {
		num = strings.Replace(num, ".", "0.", 1)
	}
	v, ok := new(big.Rat).SetString(strings.TrimSuffix(num, "."))
	if !ok {
		return nil, fmt.Errorf("%s", errQuantity)
	}
	mult, ok := suffixValue(m[2])
	if !ok {
		return nil, fmt.Errorf("unable to parse quantity's suffix")
	}
	return v.Mul(v, mult), nil
}

// suffixValue is the multiplier of a quantity suffix.
func suffixValue(s string) (*big.Rat, bool) {
	pow := func(base, exp int64) *big.Rat {
		return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(base), big.NewInt(exp), nil))
	}
	binary := map[string]int64{"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
	decimal := map[string]int64{"k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
	small := map[string]int64{"n": 9, "u": 6, "m": 3}
	switch {
	case s == "":
		return big.NewRat(1, 1), true
	case binary[s] > 0:
		return pow(2, binary[s]), true
	case decimal[s] > 0:
		return pow(10, decimal[s]), true
	case small[s] > 0:
		return new(big.Rat).Inv(pow(10, small[s])), true
	case s[0] == 'e' || s[0] == 'E':
		var exp int64
		if _, err := fmt.Sscan(s[1:], &exp); err != nil || exp < -30 || exp > 30 {
			return nil, false
		}
		if exp < 0 {
			return new(big.Rat).Inv(pow(10, -exp)), true
		}
		return pow(10, exp), true
	}
	return nil, false
}

// ceilScaled is ⌈v × scale⌉ (Quantity.MilliValue with scale 1000,
// Quantity.Value with scale 1: both round up).
func ceilScaled(v *big.Rat, scale int64) int64 {
	x := new(big.Rat).Mul(v, big.NewRat(scale, 1))
	q, r := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// MilliValue is a quantity in thousandths (cpu in millicores), rounded
// up; a quantity that does not parse is 0 (validation rejects it first).
func MilliValue(s string) int64 {
	v, err := ParseQuantity(s)
	if err != nil {
		return 0
	}
	return ceilScaled(v, 1000)
}

// Value is a quantity as a whole number (memory in bytes), rounded up.
func Value(s string) int64 {
	v, err := ParseQuantity(s)
	if err != nil {
		return 0
	}
	return ceilScaled(v, 1)
}

// PodRequests is what the scheduler counts for a pod: the sum of its
// containers' cpu (millicores) and memory (bytes) requests
// (resourcehelper.PodRequests without init containers and overhead, which
// stsim does not simulate). A request not given counts 0.
func PodRequests(p *Pod) (milliCPU, memory int64) {
	for _, c := range p.Spec.Containers {
		milliCPU += MilliValue(c.Resources.Requests[ResourceCPU])
		memory += Value(c.Resources.Requests[ResourceMemory])
	}
	return milliCPU, memory
}

// SetDefaultsPodResources copies a limit to its request when only the
// limit is given (SetDefaults_Pod in pkg/apis/core/v1/defaults.go, which
// does this for pods, not for pod templates).
func SetDefaultsPodResources(p *Pod) {
	for i := range p.Spec.Containers {
		r := &p.Spec.Containers[i].Resources
		for _, name := range slices.Sorted(mapKeys(r.Limits)) {
			if _, ok := r.Requests[name]; !ok {
				if r.Requests == nil {
					r.Requests = map[string]string{}
				}
				r.Requests[name] = r.Limits[name]
			}
		}
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// validateResources checks one container's requests and limits
// (ValidateResourceRequirements: each a quantity, not negative, a cpu or
// memory request no greater than its limit).
func validateResources(path string, r ResourceRequirements) []FieldError {
	var errs []FieldError
	check := func(kind string, list map[string]string) {
		for _, name := range slices.Sorted(mapKeys(list)) {
			p := fmt.Sprintf("%s.%s[%s]", path, kind, name)
			v, err := ParseQuantity(list[name])
			switch {
			case err != nil:
				errs = append(errs, FieldError{Path: p, Type: "Invalid value", Value: list[name], Detail: err.Error()})
			case v.Sign() < 0:
				errs = append(errs, FieldError{Path: p, Type: "Invalid value", Value: list[name], Detail: "must be greater than or equal to 0"})
			}
		}
	}
	check("limits", r.Limits)
	check("requests", r.Requests)
	for _, name := range []string{ResourceCPU, ResourceMemory} {
		req, okReq := r.Requests[name]
		lim, okLim := r.Limits[name]
		if !okReq || !okLim {
			continue
		}
		rv, err1 := ParseQuantity(req)
		lv, err2 := ParseQuantity(lim)
		if err1 == nil && err2 == nil && rv.Cmp(lv) > 0 {
			errs = append(errs, FieldError{Path: fmt.Sprintf("%s.requests", path), Type: "Invalid value", Value: req,
				Detail: fmt.Sprintf("must be less than or equal to %s limit of %s", name, lim)})
		}
	}
	return errs
}

// validateTolerations follows ValidateTolerations
// (pkg/apis/core/validation/validation.go): a key is a qualified name; an
// empty key needs Exists; Exists takes no value; tolerationSeconds goes
// only with NoExecute; the effect is one of the three or empty.
func validateTolerations(path string, ts []Toleration) []FieldError {
	var errs []FieldError
	for i, t := range ts {
		p := fmt.Sprintf("%s[%d]", path, i)
		if t.Key != "" {
			if msg := QualifiedNameError(t.Key); msg != "" {
				errs = append(errs, FieldError{Path: p + ".key", Type: "Invalid value", Value: t.Key, Detail: msg})
			}
		}
		if t.Key == "" && t.Operator != TolerationOpExists {
			errs = append(errs, FieldError{Path: p + ".operator", Type: "Invalid value", Value: t.Operator, Detail: "operator must be Exists when `key` is empty, which means \"match all values and all keys\""})
		}
		if t.TolerationSeconds != nil && t.Effect != TaintNoExecute {
			errs = append(errs, FieldError{Path: p + ".effect", Type: "Invalid value", Value: t.Effect, Detail: "effect must be 'NoExecute' when `tolerationSeconds` is set"})
		}
		switch t.Operator {
		case "", TolerationOpEqual:
		case TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, FieldError{Path: p + ".operator", Type: "Invalid value", Value: t.Value, Detail: "value must be empty when `operator` is 'Exists'"})
			}
		default:
			errs = append(errs, FieldError{Path: p + ".operator", Type: "Unsupported value", Value: t.Operator, Detail: `supported values: "Equal", "Exists"`})
		}
		switch t.Effect {
		case "", TaintNoSchedule, TaintPreferNoSchedule, TaintNoExecute:
		default:
			errs = append(errs, FieldError{Path: p + ".effect", Type: "Unsupported value", Value: t.Effect, Detail: `supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"`})
		}
	}
	return errs
}

// validatePodScheduling checks a pod spec's tolerations and its
// containers' resources; prefix is "spec" or "spec.template.spec".
func validatePodScheduling(prefix string, s *PodSpec) []FieldError {
	var errs []FieldError
	for i, c := range s.Containers {
		errs = append(errs, validateResources(fmt.Sprintf("%s.containers[%d].resources", prefix, i), c.Resources)...)
	}
	return append(errs, validateTolerations(prefix+".tolerations", s.Tolerations)...)
}

var qualifiedNamePart = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)

// QualifiedNameError says why s is not a qualified name (a label key or a
// taint key: an optional DNS subdomain prefix and "/", then a name of at
// most 63 characters), or "" (validation.IsQualifiedName).
func QualifiedNameError(s string) string {
	name := s
	if prefix, rest, ok := strings.Cut(s, "/"); ok {
		if prefix == "" {
			return "prefix part must be non-empty"
		}
		if len(prefix) > 253 || !dns1123Subdomain.MatchString(prefix) {
			return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
		}
		name = rest
	}
	switch {
	case name == "":
		return "name part must be non-empty"
	case len(name) > 63:
		return "name part must be no more than 63 characters"
	case !qualifiedNamePart.MatchString(name):
		return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
	}
	return ""
}

// IsLabelValue reports a valid label value (also a taint's value): at
// most 63 characters of alphanumerics, '-', '_' and '.', starting and
// ending with an alphanumeric, or empty.
func IsLabelValue(v string) bool { return len(v) <= 63 && labelValue.MatchString(v) }
