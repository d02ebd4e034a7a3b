package api

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// This file holds the container resource requests the scheduler checks
// against a node's capacity, the quantities they are written in, and the
// validation of resource requirements.

// Resource names the scheduler checks.
const (
	ResourceCPU    = "cpu"
	ResourceMemory = "memory"
	// ResourceStorage is the resource of a claim's request and a volume's
	// capacity.
	ResourceStorage = "storage"
)

// The errors of resource.ParseQuantity
// (staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go).
var (
	errQuantityFormat  = errors.New("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
	errQuantityNumeric = errors.New("unable to parse numeric part of quantity")
	errQuantitySuffix  = errors.New("unable to parse quantity's suffix")
)

// The formats of a quantity: the kind of suffix it was written with, which
// its canonical form keeps (resource.Format).
const (
	formatDecimalExponent = "DecimalExponent" // 12e6
	formatBinarySI        = "BinarySI"        // 12Mi
	formatDecimalSI       = "DecimalSI"       // 12M
)

// maxExponentRat bounds the power of ten ParseQuantity materializes in a
// big.Rat: a quantity such as 1e2000000000 is valid upstream (its int64
// form keeps the exponent apart) and compares correctly with any
// realistic quantity when capped at 10^1000.
const maxExponentRat = 1000

// Quantity is a parsed resource.Quantity: the exact value mant × 10^exp,
// rounded up (away from zero) to a multiple of 10^-9 as ParseQuantity does,
// and the format of its suffix. The exponent is kept apart from the
// mantissa so that a huge exponent costs nothing.
type Quantity struct {
	mant   *big.Int
	exp    int64 // >= -9 once parsed; any value when mant is 0
	format string
}

var bigTen = big.NewInt(10)

// ParseQuantityValue reads a quantity as resource.ParseQuantity does, after
// trimming the spaces that Quantity.UnmarshalJSON trims. The scanner is
// upstream's and as permissive: "Mi", "." and "-" are 0, "1." is 1.
func ParseQuantityValue(str string) (Quantity, error) {
	str = strings.TrimSpace(str)
	zero := Quantity{mant: new(big.Int), format: formatDecimalSI}
	if str == "" {
		return zero, errQuantityFormat
	}
	if str == "0" {
		return zero, nil
	}
	positive, num, denom, suffix, err := scanQuantity(str)
	if err != nil {
		return zero, err
	}
	base, exponent, format, ok := interpretSuffix(suffix)
	if !ok {
		return zero, errQuantitySuffix
	}
	digits, ok := new(big.Int).SetString(num+denom, 10)
	if !ok {
		return zero, errQuantityNumeric
	}
	exp := -int64(len(denom))
	if base == 10 {
		exp += int64(exponent)
	} else {
		digits.Lsh(digits, uint(exponent))
	}
	// Round up to nanos (amount.Round(Nano, inf.RoundUp) on the magnitude).
	if exp < -9 {
		cut := -9 - exp
		if digits.Sign() != 0 {
			if cut > int64(len(digits.String()))+1 {
				digits.SetInt64(1)
			} else {
				q, r := new(big.Int).QuoRem(digits, pow10(cut), new(big.Int))
				if r.Sign() != 0 {
					q.Add(q, big.NewInt(1))
				}
				digits = q
			}
		}
		exp = -9
	}
	if !positive {
		digits.Neg(digits)
	}
	q := Quantity{mant: digits, exp: exp, format: format}
	if format == formatBinarySI {
		// The max is a simple cap (maxAllowed, 2^63-1).
		limit := Quantity{mant: big.NewInt(math.MaxInt64)}
		if q.abs().Cmp(limit) > 0 {
			q.mant, q.exp = big.NewInt(math.MaxInt64), 0
			if !positive {
				q.mant.Neg(q.mant)
			}
		}
	}
	return q, nil
}

// scanQuantity is parseQuantityString, upstream's scanner: a sign, the
// digits before and after a dot, and a suffix.
func scanQuantity(str string) (positive bool, num, denom, suffix string, err error) {
	positive = true
	pos, end := 0, len(str)
	if pos < end {
		switch str[0] {
		case '-':
			positive = false
			pos++
		case '+':
			pos++
		}
	}
	// Leading zeros.
	for pos < end && str[pos] == '0' {
		pos++
	}
	if pos >= end {
		return positive, "0", "", "", nil
	}
	i := pos
	for i < end && str[i] >= '0' && str[i] <= '9' {
		i++
	}
	num, pos = str[pos:i], i
	if i >= end {
		return positive, num, "", "", nil
	}
	if num == "" {
		num = "0"
	}
	if str[pos] == '.' {
		pos++
		i = pos
		for i < end && str[i] >= '0' && str[i] <= '9' {
			i++
		}
		denom, pos = str[pos:i], i
		if i >= end {
			return positive, num, denom, "", nil
		}
	}
	suffixStart := pos
	for pos < end && strings.ContainsRune("eEinumkKMGTP", rune(str[pos])) {
		pos++
	}
	if pos < end && (str[pos] == '-' || str[pos] == '+') {
		pos++
	}
	for pos < end && str[pos] >= '0' && str[pos] <= '9' {
		pos++
	}
	if pos < end {
		// A character that is not part of a valid exponent.
		return positive, num, denom, "", errQuantityFormat
	}
	return positive, num, denom, str[suffixStart:], nil
}

// The suffixes of quantities, and the power of their base that each
// stands for.
var (
	decimalSuffixes = map[string]int32{"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
	binarySuffixes  = map[string]int32{"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
)

// interpretSuffix is quantitySuffixer.interpret: the base, the exponent and
// the format of a suffix.
func interpretSuffix(s string) (base int, exponent int32, format string, ok bool) {
	if e, ok := decimalSuffixes[s]; ok {
		return 10, e, formatDecimalSI, true
	}
	if e, ok := binarySuffixes[s]; ok {
		return 2, e, formatBinarySI, true
	}
	if len(s) > 1 && (s[0] == 'e' || s[0] == 'E') {
		parsed, err := strconv.ParseInt(s[1:], 10, 64)
		if err != nil {
			return 0, 0, formatDecimalExponent, false
		}
		// Upstream keeps the exponent as an int32.
		return 10, int32(parsed), formatDecimalExponent, true
	}
	return 0, 0, formatDecimalExponent, false
}

func pow10(n int64) *big.Int { return new(big.Int).Exp(bigTen, big.NewInt(n), nil) }

// Sign is -1, 0 or 1.
func (q Quantity) Sign() int { return q.mant.Sign() }

func (q Quantity) abs() Quantity {
	return Quantity{mant: new(big.Int).Abs(q.mant), exp: q.exp, format: q.format}
}

// magnitude is the number of digits of the integer part plus one: a
// quantity with a larger magnitude is larger in absolute value.
func (q Quantity) magnitude() int64 {
	return int64(len(new(big.Int).Abs(q.mant).String())) + q.exp
}

// Cmp compares two quantities (Quantity.Cmp).
func (q Quantity) Cmp(o Quantity) int {
	if s, t := q.Sign(), o.Sign(); s != t || s == 0 {
		return cmpInt(s, t)
	}
	if mq, mo := q.magnitude(), o.magnitude(); mq-mo > 1 || mo-mq > 1 {
		// The exponents may be huge: compare the orders of magnitude.
		return cmpInt(int(mq-mo), 0) * q.Sign()
	}
	a, b := new(big.Int).Set(q.mant), new(big.Int).Set(o.mant)
	if q.exp > o.exp {
		a.Mul(a, pow10(q.exp-o.exp))
	} else {
		b.Mul(b, pow10(o.exp-q.exp))
	}
	return a.Cmp(b)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// scaled is ⌈q / 10^scale⌉ away from zero as an int64, saturated
// (Quantity.ScaledValue; MilliValue is scale -3, Value scale 0).
func (q Quantity) scaled(scale int64) int64 {
	if q.Sign() == 0 {
		return 0
	}
	exp := q.exp - scale
	if q.magnitude()-scale > 20 {
		if q.Sign() > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	v := new(big.Int).Abs(q.mant)
	if exp >= 0 {
		v.Mul(v, pow10(exp))
	} else {
		r := new(big.Int)
		v.QuoRem(v, pow10(-exp), r)
		if r.Sign() != 0 {
			v.Add(v, big.NewInt(1))
		}
	}
	if q.Sign() < 0 {
		v.Neg(v)
	}
	if !v.IsInt64() {
		if q.Sign() > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return v.Int64()
}

// isInteger reports a whole number.
func (q Quantity) isInteger() bool {
	if q.exp >= 0 || q.Sign() == 0 {
		return true
	}
	return new(big.Int).Rem(q.mant, pow10(-q.exp)).Sign() == 0
}

// Rat is the value as an exact number, its power of ten capped at 10^1000.
func (q Quantity) Rat() *big.Rat {
	exp := min(q.exp, maxExponentRat)
	r := new(big.Rat).SetInt(q.mant)
	if exp >= 0 {
		return r.Mul(r, new(big.Rat).SetInt(pow10(exp)))
	}
	return r.Quo(r, new(big.Rat).SetInt(pow10(-exp)))
}

// String is the canonical form the API server prints
// (Quantity.CanonicalizeBytes): the largest suffix of the quantity's format
// that keeps the mantissa whole, with DecimalSI for a BinarySI value below
// 1024 or not whole. 1.5 is 1500m, 1536Mi is 1536Mi, 2048Mi is 2Gi.
func (q Quantity) String() string {
	if q.Sign() == 0 {
		return "0"
	}
	format := q.format
	if format == formatBinarySI {
		if q.abs().Cmp(Quantity{mant: big.NewInt(1024)}) < 0 || !q.isInteger() {
			format = formatDecimalSI
		}
	}
	if format == formatBinarySI {
		n := new(big.Int).Set(q.mant)
		if q.exp >= 0 {
			n.Mul(n, pow10(q.exp))
		} else {
			n.Quo(n, pow10(-q.exp))
		}
		k, exp := big.NewInt(1024), 0
		abs := new(big.Int).Abs(n)
		for abs.Cmp(k) >= 0 && new(big.Int).Rem(abs, k).Sign() == 0 {
			abs.Quo(abs, k)
			n.Quo(n, k)
			exp++
		}
		suffixes := []string{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}
		if exp < len(suffixes) {
			return n.String() + suffixes[exp]
		}
		return n.String()
	}
	// AsCanonicalBytes: factors of ten move to the exponent, which is then
	// lowered to a multiple of 3.
	m, exp := new(big.Int).Set(q.mant), q.exp
	abs := new(big.Int).Abs(m)
	for abs.Cmp(bigTen) >= 0 && new(big.Int).Rem(abs, bigTen).Sign() == 0 {
		abs.Quo(abs, bigTen)
		m.Quo(m, bigTen)
		exp++
	}
	for exp%3 != 0 {
		m.Mul(m, bigTen)
		exp--
	}
	if format == formatDecimalExponent {
		if exp == 0 {
			return m.String()
		}
		return m.String() + "e" + strconv.FormatInt(exp, 10)
	}
	// A power without a DecimalSI suffix prints none, as upstream does.
	suffix := map[int64]string{-9: "n", -6: "u", -3: "m", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
	return m.String() + suffix[exp]
}

// ParseQuantity reads a quantity such as 500m, 1.5, 128Mi, 1G or 1e3 as an
// exact number (resource.ParseQuantity, rounded up to nanos).
func ParseQuantity(s string) (*big.Rat, error) {
	q, err := ParseQuantityValue(s)
	if err != nil {
		return nil, err
	}
	return q.Rat(), nil
}

// CanonicalQuantity is the API server's canonical form of a quantity
// (Quantity.String), or s itself when it does not parse.
func CanonicalQuantity(s string) string {
	q, err := ParseQuantityValue(s)
	if err != nil {
		return s
	}
	return q.String()
}

// MilliValue is a quantity in thousandths (cpu in millicores), rounded
// up; a quantity that does not parse is 0 (validation rejects it first).
func MilliValue(s string) int64 {
	if s == "" {
		return 0 // not requested
	}
	q, err := ParseQuantityValue(s)
	if err != nil {
		return 0
	}
	return q.scaled(-3)
}

// Value is a quantity as a whole number (memory in bytes), rounded up.
func Value(s string) int64 {
	if s == "" {
		return 0 // not requested
	}
	q, err := ParseQuantityValue(s)
	if err != nil {
		return 0
	}
	return q.scaled(0)
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
		for _, name := range slices.Sorted(maps.Keys(r.Limits)) {
			if _, ok := r.Requests[name]; !ok {
				if r.Requests == nil {
					r.Requests = map[string]string{}
				}
				r.Requests[name] = r.Limits[name]
			}
		}
	}
}

// parseQuantityAt parses a quantity of a manifest. One that does not parse
// fails the API server's decoding (Quantity.UnmarshalJSON) with the
// parser's message; stsim reports it at the field, as an invalid value.
func parseQuantityAt(path, s string) (Quantity, []FieldError) {
	q, err := ParseQuantityValue(s)
	if err != nil {
		return q, []FieldError{{path, "Invalid value", s, err.Error()}}
	}
	return q, nil
}

// Resource names as pkg/apis/core/helper classifies them.
var (
	// standardResources is helper.IsStandardResourceName's set.
	standardResources = map[string]bool{"cpu": true, "memory": true, "ephemeral-storage": true,
		"requests.cpu": true, "requests.memory": true, "requests.ephemeral-storage": true,
		"limits.cpu": true, "limits.memory": true, "limits.ephemeral-storage": true,
		"pods": true, "resourcequotas": true, "services": true, "replicationcontrollers": true,
		"secrets": true, "configmaps": true, "persistentvolumeclaims": true, "storage": true,
		"requests.storage": true, "services.nodeports": true, "services.loadbalancers": true}
	// standardContainerResources is helper.IsStandardContainerResourceName's set.
	standardContainerResources = map[string]bool{"cpu": true, "memory": true, "ephemeral-storage": true}
)

func isHugePageResource(name string) bool { return strings.HasPrefix(name, "hugepages-") }

// isNativeResource is helper.IsNativeResource: no domain, or a
// kubernetes.io domain.
func isNativeResource(name string) bool {
	return !strings.Contains(name, "/") || strings.Contains(name, "kubernetes.io/")
}

// isExtendedResource is helper.IsExtendedResourceName.
func isExtendedResource(name string) bool {
	if isNativeResource(name) || strings.HasPrefix(name, "requests.") {
		return false
	}
	return len(isQualifiedName("requests."+name)) == 0
}

// validateContainerResourceName is validateContainerResourceName: a
// qualified name, a standard resource for containers when it has no
// domain, an extended resource when its domain is not kubernetes.io.
func validateContainerResourceName(path, name string) []FieldError {
	var errs []FieldError
	for _, msg := range isQualifiedName(name) {
		errs = append(errs, FieldError{path, "Invalid value", name, msg})
	}
	if len(errs) > 0 {
		return errs
	}
	if !strings.Contains(name, "/") {
		if !standardResources[name] && !isHugePageResource(name) {
			errs = append(errs, FieldError{path, "Invalid value", name, "must be a standard resource type or fully qualified"})
		}
		if !standardContainerResources[name] && !isHugePageResource(name) {
			errs = append(errs, FieldError{path, "Invalid value", name, "must be a standard resource for containers"})
		}
	} else if !isNativeResource(name) && !isExtendedResource(name) {
		errs = append(errs, FieldError{path, "Invalid value", name, "doesn't follow extended resource name standard"})
	}
	return errs
}

// validateResourceQuantityValue is ValidateResourceQuantityValue: not
// negative, and whole for an integer (extended) resource.
func validateResourceQuantityValue(path, name string, q Quantity) []FieldError {
	var errs []FieldError
	if q.Sign() < 0 {
		errs = append(errs, FieldError{path, "Invalid value", q.String(), isNegativeErrorMsg})
	}
	if isExtendedResource(name) && q.scaled(-3)%1000 != 0 {
		errs = append(errs, FieldError{path, "Invalid value", rawValue(q.String()), "must be an integer"})
	}
	return errs
}

// validateResources checks one container's requests and limits
// (validateResourceRequirements with validateContainerResourceName): each a
// known resource name and a quantity that is not negative; a request no
// greater than its limit, and equal to it for a resource that cannot be
// overcommitted (extended resources and hugepages), which needs a limit.
// Upstream walks the maps in Go's random order; stsim sorts the names.
func validateResources(path string, r ResourceRequirements) []FieldError {
	var errs []FieldError
	limits := map[string]Quantity{}
	for _, name := range slices.Sorted(maps.Keys(r.Limits)) {
		p := fmt.Sprintf("%s.limits[%s]", path, name)
		errs = append(errs, validateContainerResourceName(p, name)...)
		q, perr := parseQuantityAt(p, r.Limits[name])
		if perr != nil {
			errs = append(errs, perr...)
			continue
		}
		limits[name] = q
		errs = append(errs, validateResourceQuantityValue(p, name, q)...)
	}
	hugePages, cpuOrMemory := false, false
	for name := range r.Limits {
		hugePages = hugePages || isHugePageResource(name)
		cpuOrMemory = cpuOrMemory || name == ResourceCPU || name == ResourceMemory
	}
	for _, name := range slices.Sorted(maps.Keys(r.Requests)) {
		p := fmt.Sprintf("%s.requests[%s]", path, name)
		errs = append(errs, validateContainerResourceName(p, name)...)
		q, perr := parseQuantityAt(p, r.Requests[name])
		if perr != nil {
			errs = append(errs, perr...)
			continue
		}
		errs = append(errs, validateResourceQuantityValue(p, name, q)...)
		overcommit := isNativeResource(name) && !isHugePageResource(name)
		if lim, ok := limits[name]; ok {
			if q.Cmp(lim) != 0 && !overcommit {
				errs = append(errs, FieldError{path + ".requests", "Invalid value", q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, lim.String())})
			} else if q.Cmp(lim) > 0 {
				errs = append(errs, FieldError{path + ".requests", "Invalid value", q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, lim.String())})
			}
		} else if _, given := r.Limits[name]; !given && !overcommit {
			errs = append(errs, FieldError{Path: path + ".limits", Type: "Required value", Detail: "Limit must be set for non overcommitable resources"})
		}
		hugePages = hugePages || isHugePageResource(name)
		cpuOrMemory = cpuOrMemory || name == ResourceCPU || name == ResourceMemory
	}
	if hugePages && !cpuOrMemory {
		errs = append(errs, FieldError{Path: path, Type: "Forbidden", Detail: "HugePages require cpu or memory"})
	}
	return errs
}
