package nodelifecycle

import (
	"maps"
	"slices"
	"time"

	"stsim/sim"
	"stsim/sim/api"
)

// This file holds the controller's writes of taints, its zone states and
// the rate limits of NoExecute tainting.

// swapTaints is SwapNodeControllerTaint: it adds taints (TimeAdded: now;
// one with the same key and effect is replaced in place, as
// AddOrUpdateTaint does) and removes others (matched by key and effect),
// in one update when anything changes.
func swapTaints(ctx *sim.Context, n *api.Node, add, remove []api.Taint) error {
	taints := slices.Clone(n.Spec.Taints)
	changed := false
	for _, t := range add {
		now := ctx.Now()
		t.TimeAdded = &now
		if i := slices.IndexFunc(taints, t.MatchTaint); i >= 0 {
			if taints[i].Value != t.Value {
				taints[i], changed = t, true
			}
			continue
		}
		taints, changed = append(taints, t), true
	}
	for _, t := range remove {
		if i := slices.IndexFunc(taints, t.MatchTaint); i >= 0 {
			taints, changed = slices.Delete(taints, i, i+1), true
		}
	}
	if !changed {
		return nil
	}
	nn := n.DeepCopy()
	nn.Spec.Taints = nil
	for _, t := range taints {
		t.TimeAdded = copyTime(t.TimeAdded)
		nn.Spec.Taints = append(nn.Spec.Taints, t)
	}
	return ctx.Update(nn)
}

func copyTime(t *time.Duration) *time.Duration {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// noScheduleTaintingPass is doNoScheduleTaintingPass: the NoSchedule
// taints mirroring conditions (and cordoning) are added or removed to
// match them.
func (c *Controller) noScheduleTaintingPass(ctx *sim.Context, n *api.Node) error {
	var want []api.Taint
	for _, cond := range n.Status.Conditions {
		if key, ok := conditionTaints[cond.Type][cond.Status]; ok {
			want = append(want, api.Taint{Key: key, Effect: api.TaintNoSchedule})
		}
	}
	if n.Spec.Unschedulable {
		want = append(want, api.Taint{Key: api.TaintNodeUnschedulable, Effect: api.TaintNoSchedule})
	}
	var remove []api.Taint
	for _, t := range n.Spec.Taints {
		if t.Effect != api.TaintNoSchedule || t.Key != api.TaintNodeUnschedulable && !slices.Contains(conditionTaintKeys, t.Key) {
			continue
		}
		if !slices.ContainsFunc(want, t.MatchTaint) {
			remove = append(remove, t)
		}
	}
	var add []api.Taint
	for _, t := range want {
		if !n.HasTaint(t.Key, t.Effect) {
			add = append(add, t)
		}
	}
	return swapTaints(ctx, n, add, remove)
}

// handleDisruption computes each zone's state from its nodes' Ready
// conditions and sets the zones' tainting rates, entering or leaving
// master disruption mode when every zone is, or stops being, fully
// disrupted.
func (c *Controller) handleDisruption(ctx *sim.Context) error {
	tx := ctx.Txn()
	nodes := tx.Nodes()
	ready, notReady := map[string]int{}, map[string]int{}
	for _, n := range nodes {
		if _, ok := n.Labels[LabelExcludeDisruption]; ok {
			continue
		}
		if n.Ready() {
			ready[zoneKey(n)]++
		} else {
			notReady[zoneKey(n)]++
		}
	}
	newStates := map[string]string{}
	allAreFull := true
	for _, k := range slices.Sorted(maps.Keys(mergeKeys(ready, notReady))) {
		newStates[k] = computeZoneState(ready[k], notReady[k])
		if newStates[k] != stateFullDisruption {
			allAreFull = false
		}
		c.zoneOf(k)
	}
	if len(newStates) == 0 {
		allAreFull = false
	}
	allWasFull := true
	for _, k := range slices.Sorted(maps.Keys(c.zones)) {
		if _, ok := newStates[k]; !ok {
			if len(c.zones[k].queue) == 0 {
				delete(c.zones, k)
			}
			continue
		}
		if c.zones[k].state != stateFullDisruption {
			allWasFull = false
		}
	}
	if allAreFull && allWasFull {
		return nil
	}
	switch {
	case allAreFull:
		// Entering master disruption mode: no evictions, and no NoExecute
		// taints left on any node.
		for _, n := range nodes {
			if err := swapTaints(ctx, tx.Node(n.Name), nil, []api.Taint{{Key: api.TaintNodeUnreachable, Effect: api.TaintNoExecute}, {Key: api.TaintNodeNotReady, Effect: api.TaintNoExecute}}); err != nil {
				return err
			}
		}
		for _, k := range slices.Sorted(maps.Keys(newStates)) {
			c.setLimiter(c.zones[k], 0, ctx.Now())
			c.zones[k].state = stateFullDisruption
		}
	case allWasFull:
		// Leaving it: every node's grace period starts again now.
		for _, n := range nodes {
			c.probeReset[n.Name] = ctx.Now()
		}
		for _, k := range slices.Sorted(maps.Keys(newStates)) {
			c.setZone(c.zones[k], ready[k]+notReady[k], newStates[k], ctx.Now())
		}
	default:
		for _, k := range slices.Sorted(maps.Keys(newStates)) {
			if c.zones[k].state != newStates[k] {
				c.setZone(c.zones[k], ready[k]+notReady[k], newStates[k], ctx.Now())
			}
		}
	}
	return nil
}

func mergeKeys(a, b map[string]int) map[string]int {
	out := maps.Clone(a)
	for k := range b {
		out[k] += 0
	}
	return out
}

// computeZoneState is ComputeZoneState.
func computeZoneState(ready, notReady int) string {
	switch {
	case ready == 0 && notReady > 0:
		return stateFullDisruption
	case notReady > 2 && float64(notReady)/float64(notReady+ready) >= UnhealthyZoneThreshold:
		return statePartialDisruption
	}
	return stateNormal
}

// setZone is setLimiterInZone: Normal and FullDisruption taint at the
// default rate (HealthyQPSFunc), PartialDisruption at the secondary rate in
// a large cluster and not at all in a small one (ReducedQPSFunc).
func (c *Controller) setZone(z *zone, size int, state string, now time.Duration) {
	qps := EvictionRate
	if state == statePartialDisruption {
		qps = 0
		if size > LargeClusterThreshold {
			qps = SecondaryEvictionRate
		}
	}
	c.setLimiter(z, qps, now)
	z.state = state
}

// setLimiter is SwapLimiter: a new token bucket of burst 1, drained if the
// old one had no token.
func (c *Controller) setLimiter(z *zone, qps float64, now time.Duration) {
	if z.qps == qps {
		return
	}
	hadToken := accepts(z, now)
	z.qps, z.last = qps, nil
	if !hadToken && qps > 0 {
		z.last = &now
	}
}

// accepts reports the zone's limiter has a token at now.
func accepts(z *zone, now time.Duration) bool {
	if z.qps <= 0 {
		return false
	}
	return z.last == nil || now >= *z.last+interval(z.qps)
}

func interval(qps float64) time.Duration { return time.Duration(float64(time.Second) / qps) }

// taintingPass is doNoExecuteTaintingPass: in each zone, queued nodes get
// their NoExecute taint, one per token of the zone's limiter; a node that
// is Ready again by then is dropped (it still takes a token, as
// RateLimitedTimedQueue.Try does). It wakes itself for the next token.
func (c *Controller) taintingPass(ctx *sim.Context) error {
	now, tx := ctx.Now(), ctx.Txn()
	for _, k := range slices.Sorted(maps.Keys(c.zones)) {
		z := c.zones[k]
		for len(z.queue) > 0 && accepts(z, now) {
			t := now
			z.last = &t
			name := z.queue[0]
			z.queue = z.queue[1:]
			n := tx.Node(name)
			if n == nil {
				continue
			}
			var add, opposite string
			switch n.ReadyStatus() {
			case api.ConditionFalse:
				add, opposite = api.TaintNodeNotReady, api.TaintNodeUnreachable
			case api.ConditionUnknown:
				add, opposite = api.TaintNodeUnreachable, api.TaintNodeNotReady
			default:
				continue // Ready again: no need to taint it
			}
			if err := swapTaints(ctx, n, []api.Taint{{Key: add, Effect: api.TaintNoExecute}}, []api.Taint{{Key: opposite, Effect: api.TaintNoExecute}}); err != nil {
				return err
			}
		}
		if len(z.queue) > 0 && z.qps > 0 && z.last != nil {
			ctx.After(*z.last+interval(z.qps)-now, "taint")
		}
	}
	return nil
}
