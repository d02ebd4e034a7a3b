package sim_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/simtest"
	"stsim/sim/store"
)

// clock is a controller that, woken for "start", sets the wake-ups its
// plan lists, and records every other wake-up as key@time.
type clock struct {
	plan []wakeUp
	got  []string
}

type wakeUp struct {
	after time.Duration
	key   string
}

func (*clock) Name() string { return "clock" }

func (*clock) Keys(_ *store.Txn, c store.Change) []string {
	if c.Kind == api.KindNode && c.Old == nil {
		return []string{"start"}
	}
	return nil
}

func (c *clock) Reconcile(ctx *sim.Context, key string) error {
	if key != "start" {
		c.got = append(c.got, fmt.Sprintf("%s@%v", key, ctx.Now()))
		return nil
	}
	for _, w := range c.plan {
		ctx.After(w.after, w.key)
	}
	return nil
}

// started returns an engine whose clock controller has set its plan at 0s.
func started(t *testing.T, plan ...wakeUp) (*sim.Engine, *clock) {
	e := sim.New(1)
	c := &clock{plan: plan}
	e.AddController(c)
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Create(&api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1"}})
	}))
	return e, c
}

// TestTimersRunInTimeThenSequenceOrder checks the engine's total event order
// (docs/architecture.md, "Determinism rules"): wake-ups fire
// by virtual time, and those due at the same instant in the order they were
// set; each sees the clock at its own time.
func TestTimersRunInTimeThenSequenceOrder(t *testing.T) {
	s := time.Second
	e, c := started(t, wakeUp{2 * s, "a"}, wakeUp{s, "b"}, wakeUp{2 * s, "c"}, wakeUp{s, "d"}, wakeUp{0, "e"})
	require.NoError(t, e.RunUntil(3*time.Second))
	assert.Equal(t, []string{"e@0s", "b@1s", "d@1s", "a@2s", "c@2s"}, c.got)
	assert.Equal(t, 3*time.Second, e.Now(), "RunUntil leaves the clock at its limit")
	_, pending := e.NextTimer()
	assert.False(t, pending)
}

// TestSchedulingIntoThePastPanics checks the engine's guard (docs/architecture.md,
// after the CockroachDB allocator simulator): a timer before now is a bug.
func TestSchedulingIntoThePastPanics(t *testing.T) {
	assert.Panics(t, func() { started(t, wakeUp{-time.Second, "late"}) })
	assert.NotPanics(t, func() { started(t, wakeUp{0, "now"}) })
}

// flaky is a controller woken by Node changes whose reconcile fails the
// first failures times; every attempt writes a label that must not survive a
// failure.
type flaky struct {
	failures int
	attempts []time.Duration
}

func (*flaky) Name() string { return "flaky" }

func (*flaky) Keys(_ *store.Txn, c store.Change) []string {
	if c.Kind == api.KindNode && c.Old == nil {
		return []string{c.Object().Meta().Name}
	}
	return nil
}

func (f *flaky) Reconcile(ctx *sim.Context, key string) error {
	f.attempts = append(f.attempts, ctx.Now())
	n := *ctx.Txn().Node(key)
	n.Labels = map[string]string{"attempt": fmt.Sprint(len(f.attempts))}
	if err := ctx.Update(&n); err != nil {
		return err
	}
	if len(f.attempts) <= f.failures {
		return errors.New("transient")
	}
	return nil
}

// TestReconcileErrorRequeuesWithBackoff follows the controllers' work queue
// (DefaultControllerRateLimiter in staging/src/k8s.io/client-go/util/workqueue/default_rate_limiters.go:
// per-item exponential backoff from 5ms, doubling): a failed reconcile is
// retried 5ms, 10ms, 20ms later. The writes it made before failing are
// kept, as a real controller's API calls are, and every failure is shown to
// the error observers (the history records them) rather than dropped.
func TestReconcileErrorRequeuesWithBackoff(t *testing.T) {
	e := sim.New(1)
	f := &flaky{failures: 3}
	e.AddController(f)
	var seen []string
	e.ObserveErrors(func(now time.Duration, controller, key string, err error) {
		seen = append(seen, fmt.Sprintf("%v %s %s: %v", now, controller, key, err))
	})
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Create(&api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1"}})
	}))
	require.Len(t, f.attempts, 1)
	assert.Equal(t, "1", e.View().Node("node-1").Labels["attempt"], "a failed reconcile's writes are kept")
	require.NoError(t, e.RunUntil(time.Second))
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{0, 5 * ms, 15 * ms, 35 * ms}, f.attempts)
	assert.Equal(t, "4", e.View().Node("node-1").Labels["attempt"], "the successful attempt is kept")
	assert.Equal(t, []string{"0s flaky node-1: transient", "5ms flaky node-1: transient", "15ms flaky node-1: transient"}, seen)
}

// TestRunUntilCondStopsWhenConditionHolds checks RunUntilCond (the engine
// behind waitFor): it stops after the first instant at which the condition
// holds, with later timers still pending; otherwise it runs to its limit.
func TestRunUntilCondStopsWhenConditionHolds(t *testing.T) {
	s := time.Second
	e, c := started(t, wakeUp{s, "t1"}, wakeUp{2 * s, "t2"}, wakeUp{2 * s, "t3"}, wakeUp{3 * s, "t4"})
	count := func() int { return len(c.got) }
	ok, err := e.RunUntilCond(10*time.Second, func() bool { return count() >= 2 })
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 2*time.Second, e.Now())
	assert.Equal(t, 3, count(), "every timer of the instant runs before the condition is checked")
	next, pending := e.NextTimer()
	assert.True(t, pending)
	assert.Equal(t, 3*time.Second, next)

	ok, err = e.RunUntilCond(4*time.Second, func() bool { return count() >= 10 })
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, 4*time.Second, e.Now())
	assert.Equal(t, 4, count())

	ok, err = e.RunUntilCond(9*time.Second, func() bool { return true })
	require.NoError(t, err)
	assert.True(t, ok, "a condition that already holds")
	assert.Equal(t, 4*time.Second, e.Now(), "time does not move")
}

const seeded = `
apiVersion: stsim/v1
kind: Scenario
metadata: {name: seeded}
spec:
  seed: %d
  rules: [deployment]
  cluster: {nodes: 2}
  manifests:
  - inline:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: c, image: "nginx:1"}]
  steps:
  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - deletePod: {target: {random: 1}}
    after: 5s
  - waitFor: {rolledOut: true}
  - scale: {replicas: 1}
  - waitFor: {rolledOut: true}
`

// TestSameSeedSameHistory checks the determinism rule of docs/architecture.md: the same
// scenario and seed give an identical history (random pod-name suffixes,
// UIDs and random targets all come from the one seeded source), and another
// seed gives other names.
func TestSameSeedSameHistory(t *testing.T) {
	runJSON := func(seed int) []byte {
		b, err := json.Marshal(simtest.Run(t, fmt.Sprintf(seeded, seed), "deployment"))
		require.NoError(t, err)
		return b
	}
	a, b := runJSON(1), runJSON(1)
	if diff := cmp.Diff(string(a), string(b)); diff != "" {
		t.Errorf("two runs with seed 1 differ (-first +second):\n%s", diff)
	}
	assert.NotEqual(t, string(a), string(runJSON(2)), "seed 2 should draw other names")
}
