package statefulset

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
)

// The memory of settled pods is dropped whenever what processReplica's
// checks read may have changed: the set's spec, its UID, any claim; and
// when it grows well past the replicas (old objects of replaced pods).
func TestSettledForForgetsOnChange(t *testing.T) {
	c := New()
	replicas := int32(2)
	set := &api.StatefulSet{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default", UID: "u1", Generation: 1},
		Spec: api.StatefulSetSpec{Replicas: &replicas}}
	p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web-0"}}
	c.settledFor(set, 7).add(p)
	assert.True(t, c.settledFor(set, 7).has(p), "nothing changed")
	assert.False(t, c.settledFor(set, 8).has(p), "a claim was written")

	c.settledFor(set, 8).add(p)
	set.Generation = 2
	assert.False(t, c.settledFor(set, 8).has(p), "the spec changed")

	c.settledFor(set, 8).add(p)
	set.UID = "u2"
	assert.False(t, c.settledFor(set, 8).has(p), "another set of the same name")

	s := c.settledFor(set, 8)
	for range 4*replicas + 17 {
		s.add(&api.Pod{})
	}
	assert.False(t, c.settledFor(set, 8).has(p), "too many old objects")

	var none *settledPods
	none.add(p)
	assert.False(t, none.has(p), "no memory, nothing settled")
}
