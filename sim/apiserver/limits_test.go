package apiserver_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/limits"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

// TestPodAndEventCaps: past --max-pods a pod create fails with a
// *limits.Error that names the cap, and Exceeded keeps it so the run
// stops; past --max-events an event is dropped and Exceeded says so.
// Below the caps nothing is refused.
func TestPodAndEventCaps(t *testing.T) {
	s, srv := store.New(), apiserver.New(rand.New(rand.NewPCG(1, 1)))
	srv.Limit(limits.Limits{Pods: 2, Events: 3})
	tx := s.Write()
	defer tx.Abort()
	c := srv.Client(tx, 5*time.Second)
	require.NoError(t, c.Create(newPod("a", "", "")))
	require.NoError(t, c.Create(newPod("b", "", "")))
	assert.NoError(t, srv.Exceeded())
	err := c.Create(newPod("c", "", ""))
	var capped *limits.Error
	require.True(t, errors.As(err, &capped), "got %v", err)
	assert.EqualError(t, err, "at 5s the run creates more than 2 pods, stsim's cap (--max-pods raises it)")
	assert.Equal(t, err, srv.Exceeded())
	assert.Nil(t, tx.Get("Pod", "default/c"), "the pod past the cap is not stored")

	s2, srv2 := store.New(), apiserver.New(rand.New(rand.NewPCG(1, 1)))
	srv2.Limit(limits.Limits{Pods: 10, Events: 1})
	var seen int
	srv2.WatchEvents(func(api.Event) { seen++ })
	tx2 := s2.Write()
	defer tx2.Abort()
	c2 := srv2.Client(tx2, 0)
	p := newPod("a", "", "")
	c2.Event(p, "Normal", "One", "first")
	assert.NoError(t, srv2.Exceeded())
	c2.Event(p, "Normal", "Two", "second")
	assert.Equal(t, 1, seen, "the event past the cap is dropped")
	assert.EqualError(t, srv2.Exceeded(), "at 0s the run records more than 1 event, stsim's cap (--max-events raises it)")
}
