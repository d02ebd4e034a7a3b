package api

import "strings"

// This file holds byte-by-byte forms of the name patterns of validation.go.
// Every object the API server admits has its names and labels checked, a
// few times per pod; a valid name is answered here without running a
// regular expression or building a message, and only an invalid one goes
// on to the checks that say why. TestNameMatchersAgreeWithPatterns holds
// each to its pattern.

func isLower(c byte) bool    { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isAlphaNum(c byte) bool { return isLower(c) || isDigit(c) || 'A' <= c && c <= 'Z' }

// matchesDNS1123Label is dns1123LabelFmt: [a-z0-9]([-a-z0-9]*[a-z0-9])?
func matchesDNS1123Label(v string) bool {
	if v == "" || v[0] == '-' || v[len(v)-1] == '-' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isLower(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

// matchesDNS1123Subdomain is dns1123SubdomainFmt: labels joined by dots.
func matchesDNS1123Subdomain(v string) bool {
	for {
		label, rest, more := strings.Cut(v, ".")
		if !matchesDNS1123Label(label) {
			return false
		}
		if !more {
			return true
		}
		v = rest
	}
}

// matchesDNS1035Label is dns1035LabelFmt: [a-z]([-a-z0-9]*[a-z0-9])?
func matchesDNS1035Label(v string) bool {
	return v != "" && isLower(v[0]) && matchesDNS1123Label(v)
}

// matchesLabelKeyName is labelKeyFmt: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
func matchesLabelKeyName(v string) bool {
	if v == "" || !isAlphaNum(v[0]) || !isAlphaNum(v[len(v)-1]) {
		return false
	}
	for i := 1; i < len(v)-1; i++ {
		if c := v[i]; !isAlphaNum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// validDNS1123Label is isDNS1123Label without errors.
func validDNS1123Label(v string) bool { return len(v) <= 63 && matchesDNS1123Label(v) }

// validDNS1123Subdomain is isDNS1123Subdomain without errors.
func validDNS1123Subdomain(v string) bool { return len(v) <= 253 && matchesDNS1123Subdomain(v) }

// validDNS1035Label is isDNS1035Label without errors.
func validDNS1035Label(v string) bool { return len(v) <= 63 && matchesDNS1035Label(v) }

// validQualifiedName is isQualifiedName without errors.
func validQualifiedName(v string) bool {
	name := v
	if prefix, rest, ok := strings.Cut(v, "/"); ok {
		if !validDNS1123Subdomain(prefix) {
			return false
		}
		name = rest
	}
	return len(name) <= 63 && matchesLabelKeyName(name)
}

// validLabelValue is isValidLabelValue without errors.
func validLabelValue(v string) bool { return v == "" || len(v) <= 63 && matchesLabelKeyName(v) }
