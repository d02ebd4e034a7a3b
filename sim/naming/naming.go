// Package naming holds the pure naming helpers of the API server and the
// controllers: generated-name suffixes, UIDs, the "safe" hash encoding, pod
// template hashes (Deployment) and controller revision hashes (StatefulSet).
package naming

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
)

// Alphanums is the alphabet of generated names and encoded hashes: no vowels
// and no 0, 1 or 3, so no words can be spelled
// (k8s.io/apimachinery/pkg/util/rand alphanums).
const Alphanums = "bcdfghjklmnpqrstvwxz2456789"

// maxNameLength and randomLength are the limits of generateName
// (k8s.io/apiserver/pkg/storage/names: MaxGeneratedNameLength = 63 - 5).
const (
	randomLength     = 5
	maxGeneratedBase = 63 - randomLength
)

// RandString returns n characters drawn uniformly from Alphanums
// (utilrand.String).
func RandString(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = Alphanums[rng.IntN(len(Alphanums))]
	}
	return string(b)
}

// GenerateName appends 5 random characters to base, cut to 58 characters
// (SimpleNameGenerator.GenerateName).
func GenerateName(rng *rand.Rand, base string) string {
	if len(base) > maxGeneratedBase {
		base = base[:maxGeneratedBase]
	}
	return base + RandString(rng, randomLength)
}

// UID returns a version-4 style UUID drawn from rng.
func UID(rng *rand.Rand) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rng.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rng.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// SafeEncodeString maps every character of s to Alphanums[c % 27]
// (utilrand.SafeEncodeString), so a decimal hash spells nothing.
func SafeEncodeString(s string) string {
	r := make([]byte, len(s))
	for i, c := range []byte(s) {
		r[i] = Alphanums[int(c)%len(Alphanums)]
	}
	return string(r)
}

// PodTemplateHash is controller.ComputeHash: FNV-1a over the template's
// canonical form, then the collision count as 4 little-endian bytes and 4
// zero bytes, printed in decimal and safe-encoded. Upstream hashes a spew
// dump of the Go struct; stsim hashes its canonical JSON, so values differ
// from a real cluster's but depend on the same inputs.
func PodTemplateHash(canonicalTemplate []byte, collisionCount *int32) string {
	h := fnv.New32a()
	h.Write(canonicalTemplate)
	if collisionCount != nil {
		var b [8]byte
		binary.LittleEndian.PutUint32(b[:4], uint32(*collisionCount))
		h.Write(b[:])
	}
	return SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10))
}

// ControllerRevisionHash is history.HashControllerRevision: FNV-32 over the
// revision data, then the collision count in decimal, safe-encoded.
func ControllerRevisionHash(data []byte, collisionCount *int32) string {
	h := fnv.New32()
	h.Write(data)
	if collisionCount != nil {
		h.Write([]byte(strconv.FormatInt(int64(*collisionCount), 10)))
	}
	return SafeEncodeString(strconv.FormatUint(uint64(h.Sum32()), 10))
}

// ControllerRevisionName is prefix-hash with the prefix cut to 223 bytes
// (history.ControllerRevisionName).
func ControllerRevisionName(prefix, hash string) string {
	if len(prefix) > 223 {
		prefix = prefix[:223]
	}
	return prefix + "-" + hash
}
