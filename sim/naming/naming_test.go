package naming_test

import (
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/naming"
)

// TestSafeEncodeString follows SafeEncodeString and alphanums in
// staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go (docs/rules.md A3): each
// character c maps to alphanums[c % 27], so the ten digits become 4 5 6 7 8 9
// b c d f.
func TestSafeEncodeString(t *testing.T) {
	digits := map[byte]byte{'0': '4', '1': '5', '2': '6', '3': '7', '4': '8', '5': '9', '6': 'b', '7': 'c', '8': 'd', '9': 'f'}
	for d, want := range digits {
		assert.Equal(t, string(want), naming.SafeEncodeString(string(d)), "digit %c", d)
	}
	// The example of docs/rules.md: 3314112556 encodes as 775855699b.
	assert.Equal(t, "775855699b", naming.SafeEncodeString("3314112556"))
	// Every character goes through the modulus, not only digits.
	assert.Equal(t, string(naming.Alphanums['a'%27]), naming.SafeEncodeString("a"))
	assert.Equal(t, "", naming.SafeEncodeString(""))
}

var generated = regexp.MustCompile(`^[bcdfghjklmnpqrstvwxz2456789]{5}$`)

// TestGenerateName follows SimpleNameGenerator.GenerateName in
// staging/src/k8s.io/apiserver/pkg/storage/names/generate.go (docs/rules.md A6):
// the base is cut to 58 characters (MaxGeneratedNameLength = 63 - 5) and 5
// characters of utilrand.String are appended.
func TestGenerateName(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	name := naming.GenerateName(rng, "web-7c5ddbdf54-")
	require.True(t, strings.HasPrefix(name, "web-7c5ddbdf54-"), name)
	assert.Regexp(t, generated, strings.TrimPrefix(name, "web-7c5ddbdf54-"))

	long := strings.Repeat("a", 70) + "-"
	name = naming.GenerateName(rng, long)
	assert.Len(t, name, 63)
	assert.Equal(t, strings.Repeat("a", 58), name[:58])
	assert.Regexp(t, generated, name[58:])

	// Exactly 58 characters are kept as they are.
	base := strings.Repeat("b", 58)
	assert.Equal(t, base, naming.GenerateName(rng, base)[:58])
	assert.Len(t, naming.GenerateName(rng, base), 63)
}

// TestRandString follows String in staging/src/k8s.io/apimachinery/pkg/util/rand/rand.go:
// characters are drawn from alphanums only, so no vowels and no 0, 1 or 3,
// and the draw depends on the seeded source alone.
func TestRandString(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	seen := map[rune]bool{}
	for range 200 {
		for _, c := range naming.RandString(rng, 5) {
			seen[c] = true
		}
	}
	for c := range seen {
		assert.Contains(t, naming.Alphanums, string(c))
	}
	assert.Len(t, seen, len(naming.Alphanums), "200 draws of 5 should use the whole alphabet")
	a := naming.RandString(rand.New(rand.NewPCG(3, 4)), 20)
	b := naming.RandString(rand.New(rand.NewPCG(3, 4)), 20)
	assert.Equal(t, a, b, "the same seed gives the same characters")
}

var hashChars = regexp.MustCompile(`^[456789bcdf]{1,10}$`)

// TestPodTemplateHash follows ComputeHash in pkg/controller/controller_utils.go
// (docs/rules.md A2, A3): an FNV-1a hash of the template, extended by the
// collision count, printed in decimal and safe-encoded; a different template
// or a different collisionCount gives a different hash.
func TestPodTemplateHash(t *testing.T) {
	tmplA := []byte(`{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}`)
	tmplB := []byte(`{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}`)
	h := naming.PodTemplateHash(tmplA, nil)
	assert.Regexp(t, hashChars, h, "a decimal uint32 encodes to at most 10 characters of 456789bcdf")
	assert.Equal(t, h, naming.PodTemplateHash(tmplA, nil), "deterministic")
	assert.NotEqual(t, h, naming.PodTemplateHash(tmplB, nil), "depends on the template")

	zero, one := int32(0), int32(1)
	h0 := naming.PodTemplateHash(tmplA, &zero)
	h1 := naming.PodTemplateHash(tmplA, &one)
	assert.NotEqual(t, h, h0, "a non-nil collisionCount of 0 still adds 8 bytes")
	assert.NotEqual(t, h0, h1, "depends on the collision count")
	assert.Regexp(t, hashChars, h1)

	// The exact recipe: FNV-1a, then the count as 4 little-endian bytes and
	// 4 zero bytes, Sum32 in decimal, safe-encoded.
	seven := int32(7)
	f := fnv.New32a()
	f.Write(tmplA)
	f.Write([]byte{7, 0, 0, 0, 0, 0, 0, 0})
	want := naming.SafeEncodeString(strconv.FormatUint(uint64(f.Sum32()), 10))
	assert.Equal(t, want, naming.PodTemplateHash(tmplA, &seven))
}

// TestHashControllerRevision follows R-REV-2 (HashControllerRevision in
// pkg/controller/history/controller_history.go): FNV-32 over the revision
// data, then the collision count in decimal, safe-encoded.
func TestHashControllerRevision(t *testing.T) {
	data := []byte(`{"spec":{"template":{"spec":{"containers":[{"image":"nginx:1"}]}}}}`)
	other := []byte(`{"spec":{"template":{"spec":{"containers":[{"image":"nginx:2"}]}}}}`)
	h := naming.ControllerRevisionHash(data, nil)
	assert.Regexp(t, hashChars, h)
	assert.Equal(t, h, naming.ControllerRevisionHash(data, nil))
	assert.NotEqual(t, h, naming.ControllerRevisionHash(other, nil))
	one, two := int32(1), int32(2)
	assert.NotEqual(t, h, naming.ControllerRevisionHash(data, &one))
	assert.NotEqual(t, naming.ControllerRevisionHash(data, &one), naming.ControllerRevisionHash(data, &two))
	// Not the Deployment hash: FNV-32 (not 1a) and the count as text.
	assert.NotEqual(t, naming.PodTemplateHash(data, nil), h)

	f := fnv.New32()
	f.Write(data)
	f.Write([]byte("2"))
	assert.Equal(t, naming.SafeEncodeString(strconv.FormatUint(uint64(f.Sum32()), 10)), naming.ControllerRevisionHash(data, &two))
}

// TestControllerRevisionName follows R-REV-2 (ControllerRevisionName in
// pkg/controller/history/controller_history.go): prefix-hash, the prefix cut
// to 223 characters.
func TestControllerRevisionName(t *testing.T) {
	assert.Equal(t, "web-5d8f7c9b4", naming.ControllerRevisionName("web", "5d8f7c9b4"))
	long := strings.Repeat("x", 300)
	got := naming.ControllerRevisionName(long, "abc")
	assert.Equal(t, strings.Repeat("x", 223)+"-abc", got)
}

// TestUID checks the seeded UIDs: version-4 layout, repeatable for a seed.
func TestUID(t *testing.T) {
	u := naming.UID(rand.New(rand.NewPCG(1, 1)))
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, u)
	assert.Equal(t, u, naming.UID(rand.New(rand.NewPCG(1, 1))))
}
