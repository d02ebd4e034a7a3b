package sim

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

// MaxRounds bounds the reconciles of one instant.
const MaxRounds = 1_000_000

// Controller is a reconcile loop woken by store changes.
type Controller interface {
	// Name names the controller in errors and logs.
	Name() string
	// Keys returns the keys to reconcile after a change; tx reads the
	// state after it. It may update the controller's own caches (as
	// informer event handlers do) but must not write.
	Keys(tx *store.Txn, c store.Change) []string
	// Reconcile brings the object behind key towards its desired state.
	Reconcile(ctx *Context, key string) error
}

// Context is what a reconcile or a scheduled write gets.
type Context struct {
	*apiserver.Client
	e          *Engine
	controller int
}

// After wakes the calling controller for key after d (a delayed requeue).
// A time past the end of virtual time saturates there: it never comes.
func (c *Context) After(d time.Duration, key string) {
	if c.controller < 0 {
		panic("sim: After outside a controller")
	}
	c.e.wake(api.Later(c.e.now, d), c.controller, key)
}

// Wake queues key for ctl in this instant. It is for a write that
// changes a controller's own state rather than an object (a container
// crash in the kubelet), so the controller reconciles as if an event had
// come.
func (c *Context) Wake(ctl Controller, key string) {
	i := slices.Index(c.e.controllers, ctl)
	if i < 0 {
		panic("sim: Wake of a controller that is not registered")
	}
	c.e.enqueue(item{i, key})
}

// Engine runs one simulation.
type Engine struct {
	now         time.Duration
	seq         uint64
	timers      timerHeap
	rng         *rand.Rand
	store       *store.Store
	api         *apiserver.Server
	controllers []Controller
	// queue holds the work of the instant from head on.
	queue []item
	head  int
	// pending holds, per controller, the keys in the queue.
	pending   []map[string]bool
	failures  map[item]int
	observers []Observer
	errObs    []func(now time.Duration, controller, key string, err error)
	// tx is the write transaction of the current instant: every write of
	// the instant goes through it, and it is committed when the instant is
	// settled.
	tx *store.Txn
	// client writes through tx at now, and contexts holds a context per
	// controller (the first for the scenario's own writes): both are
	// reused, as no caller keeps a context past its call.
	client   *apiserver.Client
	contexts []Context
	// perController counts the reconciles of each controller, instants the
	// instants processed and writes the store changes dispatched (Stats).
	perController []int
	instants      int
	writes        int
}

// Stats are the counts of the work an engine did.
type Stats struct {
	// Instants is the number of instants processed: virtual times at which
	// timers fired, and scenario writes.
	Instants int
	// Writes is the number of object changes written to the store.
	Writes int
	// Reconciles is the number of Reconcile calls of each controller, in
	// registration order.
	Reconciles []ControllerCount
}

// TotalReconciles is the number of Reconcile calls of every controller.
func (s Stats) TotalReconciles() int {
	n := 0
	for _, c := range s.Reconciles {
		n += c.Count
	}
	return n
}

// ControllerCount is one controller's number of reconciles.
type ControllerCount struct {
	Controller string
	Count      int
}

// Stats returns the counts of the work done so far.
func (e *Engine) Stats() Stats {
	st := Stats{Instants: e.instants, Writes: e.writes}
	for i, c := range e.controllers {
		st.Reconciles = append(st.Reconciles, ControllerCount{Controller: c.Name(), Count: e.perController[i]})
	}
	return st
}

type item struct {
	controller int
	key        string
}

// timer wakes a controller for a key at a time.
type timer struct {
	at   time.Duration
	seq  uint64
	wake item
}

type timerHeap []timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

// New returns an engine at time 0 whose random source is seeded with seed.
func New(seed int64) *Engine {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5715_1a77))
	return &Engine{
		rng:      rng,
		store:    store.New(),
		api:      apiserver.New(rng),
		failures: map[item]int{},
	}
}

// Now is the virtual time.
func (e *Engine) Now() time.Duration { return e.now }

// View is a read view of the objects as they are now, including writes
// of the instant being processed.
func (e *Engine) View() *store.Txn {
	if e.tx != nil {
		return e.tx
	}
	return e.store.Read()
}

// API is the simulated API server (its event log).
func (e *Engine) API() *apiserver.Server { return e.api }

// Rand is the run's one random source.
func (e *Engine) Rand() *rand.Rand { return e.rng }

// AddController registers a controller; registration order breaks no ties
// that matter, but it is fixed so runs repeat.
func (e *Engine) AddController(c Controller) {
	e.controllers = append(e.controllers, c)
	e.perController = append(e.perController, 0)
	e.pending = append(e.pending, map[string]bool{})
}

// Controller returns the registered controller of that name, or nil (for
// tests that check a controller's own state).
func (e *Engine) Controller(name string) Controller {
	for _, c := range e.controllers {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// Observer sees the changes of one write: a scenario action or one
// reconcile. It runs right after the write, before any controller's Keys
// sees the changes, in registration order; tx is the instant's transaction
// (it holds the write, and is committed when the instant is settled). An
// observer only reads.
type Observer func(tx *store.Txn, now time.Duration, changes []store.Change)

// Observe registers an observer of every write's changes.
func (e *Engine) Observe(f Observer) { e.observers = append(e.observers, f) }

// ObserveErrors registers a function that sees every reconcile that failed
// (it is retried with backoff), so no error is dropped.
func (e *Engine) ObserveErrors(f func(now time.Duration, controller, key string, err error)) {
	e.errObs = append(e.errObs, f)
}

// wake schedules a controller wake-up; scheduling into the past panics.
func (e *Engine) wake(t time.Duration, controller int, key string) {
	if t < e.now {
		panic(fmt.Sprintf("sim: wake of %s %q at %v, before now (%v)", e.controllers[controller].Name(), key, t, e.now))
	}
	e.seq++
	heap.Push(&e.timers, timer{at: t, seq: e.seq, wake: item{controller, key}})
}

// Do runs a write now, then settles the instant (drains the work queue)
// and commits it.
func (e *Engine) Do(fn func(*Context) error) error {
	e.instants++
	err := e.write(-1, fn)
	if exceeded := e.api.Exceeded(); exceeded != nil {
		return exceeded
	}
	if serr := e.settle(); serr != nil {
		return serr
	}
	e.commit()
	return err
}

// write runs fn on the instant's transaction and dispatches the changes it
// made. Like calls to a real API server, the writes fn made before an
// error are kept.
func (e *Engine) write(controller int, fn func(*Context) error) error {
	err := fn(e.context(controller))
	e.dispatch(e.tx.TakeChanges())
	return err
}

// context is the context of a controller (-1: the scenario) writing
// through the instant's transaction, which it opens if need be.
func (e *Engine) context(controller int) *Context {
	if e.tx == nil {
		e.tx = e.store.Write()
	}
	if e.client == nil || e.client.Txn() != e.tx || e.client.Now() != e.now {
		e.client = e.api.Client(e.tx, e.now)
	}
	if len(e.contexts) <= len(e.controllers) {
		e.contexts = make([]Context, len(e.controllers)+1)
	}
	ctx := &e.contexts[controller+1]
	*ctx = Context{Client: e.client, e: e, controller: controller}
	return ctx
}

// commit ends the instant's transaction.
func (e *Engine) commit() {
	if e.tx != nil {
		e.tx.Commit()
		e.tx = nil
	}
}

// dispatch shows changes to the observers and to every controller's Keys.
func (e *Engine) dispatch(changes []store.Change) {
	if len(changes) == 0 {
		return
	}
	e.writes += len(changes)
	for _, o := range e.observers {
		o(e.tx, e.now, changes)
	}
	for _, c := range changes {
		for i, ctl := range e.controllers {
			for _, k := range ctl.Keys(e.tx, c) {
				e.enqueue(item{i, k})
			}
		}
	}
}

func (e *Engine) enqueue(it item) {
	pending := e.pending[it.controller]
	if pending[it.key] {
		return
	}
	pending[it.key] = true
	e.queue = append(e.queue, it)
}

// settle drains the work queue at the current instant.
func (e *Engine) settle() error {
	rounds := 0
	for e.head < len(e.queue) {
		it := e.queue[e.head]
		e.queue[e.head] = item{}
		e.head++
		if e.head == len(e.queue) {
			e.queue, e.head = e.queue[:0], 0 // drained: the next keys reuse the array
		}
		delete(e.pending[it.controller], it.key)
		rounds++
		if rounds > MaxRounds {
			return fmt.Errorf("sim: livelock at %v: more than %d reconciles in one instant (last: %s %q)", e.now, MaxRounds, e.controllers[it.controller].Name(), it.key)
		}
		e.perController[it.controller]++
		ctl := e.controllers[it.controller]
		err := ctl.Reconcile(e.context(it.controller), it.key)
		e.dispatch(e.tx.TakeChanges())
		if exceeded := e.api.Exceeded(); exceeded != nil {
			return exceeded
		}
		if err != nil {
			for _, o := range e.errObs {
				o(e.now, ctl.Name(), it.key, err)
			}
			// Requeue with the workqueue's per-item exponential backoff
			// (5ms doubling, capped at 1000s: DefaultControllerRateLimiter).
			n := e.failures[it]
			e.failures[it] = n + 1
			e.wake(e.now+backoff(n), it.controller, it.key)
			continue
		}
		if len(e.failures) > 0 {
			delete(e.failures, it)
		}
	}
	return nil
}

func backoff(failures int) time.Duration {
	d := 5 * time.Millisecond
	for i := 0; i < failures && d < 1000*time.Second; i++ {
		d *= 2
	}
	return min(d, 1000*time.Second)
}

// NextTimer is the time of the earliest timer, and whether there is one.
func (e *Engine) NextTimer() (time.Duration, bool) {
	if len(e.timers) == 0 {
		return 0, false
	}
	return e.timers[0].at, true
}

// Step processes the earliest instant that has timers: it moves the clock
// there, fires every timer due then and settles. It reports false when no
// timer is left.
func (e *Engine) Step() (bool, error) {
	t, ok := e.NextTimer()
	if !ok {
		return false, nil
	}
	e.now = t
	e.instants++
	// Every timer due at t fires before the queue is drained, so the
	// controllers they wake reconcile once for all of them; timers set for
	// t while settling fire in a next pass.
	for len(e.timers) > 0 && e.timers[0].at == t {
		for len(e.timers) > 0 && e.timers[0].at == t {
			e.enqueue(heap.Pop(&e.timers).(timer).wake)
		}
		if err := e.settle(); err != nil {
			return true, err
		}
	}
	e.commit()
	return true, nil
}

// RunUntil processes every instant up to and including t, then sets the
// clock to t.
func (e *Engine) RunUntil(t time.Duration) error {
	_, err := e.RunUntilCond(t, nil)
	return err
}

// RunUntilCond processes instants up to t and stops early, after an
// instant, once cond holds (cond is checked first at the current time).
// It reports whether cond held; the clock ends at the instant it held, or t.
func (e *Engine) RunUntilCond(t time.Duration, cond func() bool) (bool, error) {
	if cond != nil && cond() {
		return true, nil
	}
	for {
		next, ok := e.NextTimer()
		if !ok || next > t {
			break
		}
		if _, err := e.Step(); err != nil {
			return false, err
		}
		if cond != nil && cond() {
			return true, nil
		}
	}
	if t > e.now {
		e.now = t
	}
	return false, nil
}
