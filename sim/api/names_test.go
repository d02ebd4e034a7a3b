package api

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// nameMatchers pairs each byte-by-byte matcher of names.go with the check
// by regular expression it stands for (validation.IsDNS1123Label and the
// others in staging/src/k8s.io/apimachinery/pkg/util/validation).
var nameMatchers = []struct {
	name       string
	fast, slow func(string) bool
}{
	{"DNS1123Label", validDNS1123Label, func(v string) bool { return len(v) <= 63 && dns1123Label.MatchString(v) }},
	{"DNS1123Subdomain", validDNS1123Subdomain, func(v string) bool { return len(v) <= 253 && dns1123Subdomain.MatchString(v) }},
	{"DNS1035Label", validDNS1035Label, func(v string) bool { return len(v) <= 63 && dns1035Label.MatchString(v) }},
	{"QualifiedName", validQualifiedName, func(v string) bool {
		parts := strings.Split(v, "/")
		name := parts[0]
		switch len(parts) {
		case 1:
		case 2:
			if len(parts[0]) > 253 || !dns1123Subdomain.MatchString(parts[0]) {
				return false
			}
			name = parts[1]
		default:
			return false
		}
		return len(name) <= 63 && labelKeyRegexp.MatchString(name)
	}},
	{"LabelValue", validLabelValue, func(v string) bool { return len(v) <= 63 && labelValue.MatchString(v) }},
}

// TestNameMatchersAgreeWithPatterns checks the matchers against their
// patterns on strings drawn from the characters that decide them, at the
// lengths around each limit.
func TestNameMatchersAgreeWithPatterns(t *testing.T) {
	const alphabet = "az09AZ-._/\x00é"
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := []int{0, 1, 2, 3, 4, 5, 8, 62, 63, 64, 65, 252, 253, 254, 317}
	var samples []string
	for range 20000 {
		n := lengths[rng.IntN(len(lengths))]
		var b strings.Builder
		noise := rng.IntN(2) == 0 // else only characters valid in a label: the length decides
		for range n {
			if !noise || rng.IntN(3) > 0 {
				b.WriteByte("abcxyz0129"[rng.IntN(10)]) // mostly valid, so that long ones often are
			} else {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			}
		}
		samples = append(samples, b.String())
	}
	samples = append(samples, "web-0", "a.b", "a..b", ".a", "a.", "-a", "a-", "example.com/MyName", "/a", "a/", "a/b/c",
		"MyName", "my_value", "1abc", strings.Repeat("a", 63)+"/x", "x/"+strings.Repeat("a", 63), "x/"+strings.Repeat("a", 64))
	for _, n := range []int{63, 64, 253, 254} {
		samples = append(samples, strings.Repeat("a", n), strings.Repeat("a.", n/2)+"a"[:n%2], strings.Repeat("a", n)+"/b")
	}
	for _, m := range nameMatchers {
		valid := 0
		for _, s := range samples {
			got, want := m.fast(s), m.slow(s)
			if got != want {
				t.Errorf("%s(%q) = %v, the pattern says %v", m.name, s, got, want)
			}
			if want {
				valid++
			}
		}
		if valid < 100 {
			t.Errorf("%s: only %d valid samples: the test does not exercise it", m.name, valid)
		}
	}
}

// FuzzNameMatchers holds the matchers to their patterns on any input.
func FuzzNameMatchers(f *testing.F) {
	for _, s := range []string{"web-0", "a.b", "example.com/MyName", "a_b", "-", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range nameMatchers {
			if got, want := m.fast(s), m.slow(s); got != want {
				t.Fatalf("%s(%q) = %v, the pattern says %v", m.name, s, got, want)
			}
		}
	})
}
