// Package podgc is the pod garbage collector, following
// pkg/controller/podgc/gc_controller.go. Upstream runs gc every 20s
// (gcCheckPeriod) over every pod; stsim wakes it only at the ticks (the
// multiples of 20s since the start) after a change that gives it work,
// and then does what upstream's pass does, in its order:
//
//  1. gcTerminated: when there are more terminated (Succeeded or Failed)
//     pods than --terminated-pod-gc-threshold (12500), the oldest of them
//     (evicted ones first) are deleted down to it; in a scenario this
//     never happens, so Evicted pods stay visible;
//  2. gcTerminating: a terminating pod on a node that is not Ready and
//     carries the node.kubernetes.io/out-of-service taint (non-graceful
//     node shutdown) is force-deleted;
//  3. gcOrphaned: a pod bound to a node that does not exist is
//     force-deleted once the node has been missing for the quarantine
//     (40s from the tick that first saw it missing);
//  4. gcUnscheduledTerminating: a terminating pod bound to no node is
//     force-deleted.
//
// A force deletion first sets a pod that is not terminal to phase Failed
// (markFailedAndDeletePod; stsim keeps no DisruptionTarget condition), then
// deletes it with grace period 0, so the object goes at once whether or not
// its kubelet is reachable. Its containers, if the node is only cut off,
// run on until the kubelet hears of it.
package podgc

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

const (
	// CheckPeriod is gcCheckPeriod.
	CheckPeriod = 20 * time.Second
	// QuarantineTime is how long a node must be missing before its pods
	// are orphans (quarantineTime).
	QuarantineTime = 40 * time.Second
	// TerminatedPodThreshold is --terminated-pod-gc-threshold.
	TerminatedPodThreshold = 12500
)

// Controller is the pod garbage collector.
type Controller struct {
	// TerminatedPodThreshold is --terminated-pod-gc-threshold (tests may
	// lower it).
	TerminatedPodThreshold int
	// terminated holds the keys of the terminated pods.
	terminated map[string]bool
	// missing holds the nodes that pods are bound to and that do not
	// exist, with the time their quarantine ends (0: not seen by a tick
	// yet).
	missing map[string]time.Duration
	// unscheduledTerminating holds the keys of terminating pods bound to
	// no node.
	unscheduledTerminating map[string]bool
	// outOfService holds the nodes with the out-of-service taint.
	outOfService map[string]bool
}

// New returns the controller.
func New() *Controller {
	return &Controller{TerminatedPodThreshold: TerminatedPodThreshold, terminated: map[string]bool{}, missing: map[string]time.Duration{},
		unscheduledTerminating: map[string]bool{}, outOfService: map[string]bool{}}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "pod-garbage-collector" }

// Keys keep the controller's caches and return "gc" when the next tick has
// work; "tick" is the timer.
func (c *Controller) Keys(tx *store.Txn, ch store.Change) []string {
	work := false
	switch ch.Kind {
	case api.KindPod:
		key := ch.Object().Meta().Key()
		delete(c.terminated, key)
		delete(c.unscheduledTerminating, key)
		if ch.New == nil {
			return nil
		}
		p := ch.New.(*api.Pod)
		if p.IsTerminal() {
			c.terminated[key] = true
			work = work || c.TerminatedPodThreshold > 0 && len(c.terminated) > c.TerminatedPodThreshold
		}
		switch {
		case p.Terminating() && p.Spec.NodeName == "":
			c.unscheduledTerminating[key] = true
			work = true
		case p.Spec.NodeName != "" && tx.Node(p.Spec.NodeName) == nil:
			if _, ok := c.missing[p.Spec.NodeName]; !ok {
				c.missing[p.Spec.NodeName] = 0
			}
			work = true
		case p.Terminating() && c.outOfService[p.Spec.NodeName]:
			work = true
		}
	case api.KindNode:
		name := ch.Object().Meta().Name
		if ch.New == nil {
			delete(c.outOfService, name)
			if len(tx.PodsOnNode(name)) > 0 {
				c.missing[name] = 0
				work = true
			}
			return keyIf(work)
		}
		delete(c.missing, name)
		n := ch.New.(*api.Node)
		if n.HasTaintKey(api.TaintNodeOutOfService) {
			c.outOfService[name] = true
			work = !n.Ready()
		} else {
			delete(c.outOfService, name)
		}
	}
	return keyIf(work)
}

func keyIf(work bool) []string {
	if work {
		return []string{"gc"}
	}
	return nil
}

// nextTick is the first gc tick after t.
func nextTick(t time.Duration) time.Duration { return (t/CheckPeriod + 1) * CheckPeriod }

// Reconcile wakes the pass at the next tick ("gc"), or runs it ("tick").
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	now := ctx.Now()
	if key == "gc" {
		ctx.After(nextTick(now)-now, "tick")
		return nil
	}
	if key != "tick" || now%CheckPeriod != 0 {
		return nil
	}
	if err := c.gcTerminated(ctx); err != nil {
		return err
	}
	if err := c.gcTerminating(ctx); err != nil {
		return err
	}
	if err := c.gcOrphaned(ctx); err != nil {
		return err
	}
	return c.gcUnscheduledTerminating(ctx)
}

func (c *Controller) gcTerminated(ctx *sim.Context) error {
	over := len(c.terminated) - c.TerminatedPodThreshold
	if c.TerminatedPodThreshold <= 0 || over <= 0 {
		return nil
	}
	var pods []*api.Pod
	for _, k := range slices.Sorted(maps.Keys(c.terminated)) {
		if p := ctx.Txn().Pod(k); p != nil {
			pods = append(pods, p)
		}
	}
	sortByEvictionAndCreation(pods)
	for _, p := range pods[:min(over, len(pods))] {
		if err := markFailedAndDelete(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

func (c *Controller) gcTerminating(ctx *sim.Context) error {
	var pods []*api.Pod
	for _, name := range slices.Sorted(maps.Keys(c.outOfService)) {
		n := ctx.Txn().Node(name)
		if n == nil || n.Ready() || !n.HasTaintKey(api.TaintNodeOutOfService) {
			continue
		}
		for _, p := range ctx.Txn().PodsOnNode(name) {
			if p.Terminating() {
				pods = append(pods, p)
			}
		}
	}
	sortByEvictionAndCreation(pods)
	for _, p := range pods {
		if err := markFailedAndDelete(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

func (c *Controller) gcOrphaned(ctx *sim.Context) error {
	now, tx := ctx.Now(), ctx.Txn()
	next := time.Duration(0)
	for _, name := range slices.Sorted(maps.Keys(c.missing)) {
		pods := tx.PodsOnNode(name)
		if tx.Node(name) != nil || len(pods) == 0 {
			delete(c.missing, name)
			continue
		}
		if c.missing[name] == 0 {
			c.missing[name] = now + QuarantineTime // nodeQueue.AddAfter
		}
		if c.missing[name] > now {
			if next == 0 || c.missing[name] < next {
				next = c.missing[name]
			}
			continue
		}
		delete(c.missing, name)
		for _, p := range pods {
			if err := markFailedAndDelete(ctx, p); err != nil {
				return err
			}
		}
	}
	if next > 0 {
		ctx.After(nextTick(next-1)-now, "tick")
	}
	return nil
}

func (c *Controller) gcUnscheduledTerminating(ctx *sim.Context) error {
	for _, k := range slices.Sorted(maps.Keys(c.unscheduledTerminating)) {
		p := ctx.Txn().Pod(k)
		if p == nil || !p.Terminating() || p.Spec.NodeName != "" {
			continue
		}
		if err := markFailedAndDelete(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// sortByEvictionAndCreation is byEvictionAndCreationTimestamp: evicted
// pods first, then by creation time, then by name.
func sortByEvictionAndCreation(pods []*api.Pod) {
	slices.SortStableFunc(pods, func(a, b *api.Pod) int {
		ae, be := a.Status.Phase == api.PodFailed && a.Status.Reason == "Evicted", b.Status.Phase == api.PodFailed && b.Status.Reason == "Evicted"
		if ae != be {
			if ae {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.CreationTimestamp, b.CreationTimestamp), cmp.Compare(a.Name, b.Name))
	})
}

// markFailedAndDelete is markFailedAndDeletePod: phase Failed for a pod
// that is not terminal, then a delete with grace period 0.
func markFailedAndDelete(ctx *sim.Context, p *api.Pod) error {
	if !p.IsTerminal() {
		np := p.DeepCopy()
		np.Status.Phase = api.PodFailed
		if err := ctx.Update(np); err != nil {
			return err
		}
	}
	zero := int64(0)
	return ctx.Delete(api.KindPod, p.Key(), apiserver.DeleteOptions{GracePeriodSeconds: &zero})
}
