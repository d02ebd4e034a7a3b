// Package nodelifecycle is the node lifecycle controller, following
// pkg/controller/nodelifecycle/node_lifecycle_controller.go (v1.37): it
// notices that a node stopped sending heartbeats, marks it and its pods,
// and taints it so that the scheduler keeps new pods off and the taint
// eviction controller (package tainteviction) evicts the pods there.
//
// Upstream runs monitorNodeHealth every --node-monitor-period (5s) over
// every node. stsim does not simulate the kubelet's heartbeats (the node
// Lease renewed every 10s): a Node's Status.Lease says whether they still
// come and when the last one came, and this controller wakes only at the
// monitor ticks where something can change, the ticks being the multiples
// of 5s since the start. What a monitor tick does is upstream's, for each
// node it looks at:
//
//   - tryUpdateNodeHealth: at the first tick more than
//     --node-monitor-grace-period (50s) after the last heartbeat, the
//     Ready, MemoryPressure, DiskPressure and PIDPressure conditions
//     become Unknown (reason NodeStatusUnknown, "Kubelet stopped posting
//     node status.");
//   - on that transition, the NodeNotReady event on the node and
//     MarkPodsNotReady: every Ready pod on the node gets Ready=False (so
//     endpoints and DNS drop it), with a NodeNotReady event;
//   - processTaintBaseEviction, with the Ready condition as it was at the
//     start of the tick (so one tick after the transition): an Unknown
//     node is queued for the node.kubernetes.io/unreachable:NoExecute
//     taint (not-ready for False; one replaces the other), and a Ready one
//     loses both (markNodeAsReachable);
//   - handleDisruption: a zone (topology.kubernetes.io/zone) with no Ready
//     node is fully disrupted, one with more than 2 and at least 55% not
//     Ready partially; NoExecute tainting goes at --node-eviction-rate
//     (0.1 nodes/s) per zone, at 0.01/s in a partially disrupted zone of
//     a cluster of more than 50 nodes and not at all in a smaller one, and
//     when every zone is fully disrupted it stops and the NoExecute taints
//     are removed from every node ("master disruption mode");
//   - doNoExecuteTaintingPass: the queued nodes get their NoExecute taint
//     (TimeAdded: now), as the zone's rate limiter (burst 1) allows.
//     Upstream runs it every 100ms; stsim runs it at the tick and when a
//     token comes due.
//
// On every node change, doNoScheduleTaintingPass keeps the NoSchedule
// taints in step with the conditions (Ready False: not-ready, Unknown:
// unreachable; the pressure conditions; a cordoned node: unschedulable),
// and a pod newly bound to a node that is not Ready is marked not Ready
// (processPod). The RegisteredNode events of the first pass are left out:
// the scenario's nodes exist before it starts.
package nodelifecycle

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/store"
)

// The kube-controller-manager flags' defaults.
const (
	// MonitorPeriod is --node-monitor-period.
	MonitorPeriod = 5 * time.Second
	// MonitorGracePeriod is --node-monitor-grace-period (50s since v1.32).
	MonitorGracePeriod = 50 * time.Second
	// EvictionRate and SecondaryEvictionRate are --node-eviction-rate and
	// --secondary-node-eviction-rate, in nodes per second.
	EvictionRate          = 0.1
	SecondaryEvictionRate = 0.01
	// UnhealthyZoneThreshold is --unhealthy-zone-threshold.
	UnhealthyZoneThreshold = 0.55
	// LargeClusterThreshold is --large-cluster-size-threshold.
	LargeClusterThreshold = 50
	// LabelExcludeDisruption keeps a node out of the zone health counts.
	LabelExcludeDisruption = "node.kubernetes.io/exclude-disruption"
)

// Zone states (ZoneState).
const (
	stateNormal            = "Normal"
	stateFullDisruption    = "FullDisruption"
	statePartialDisruption = "PartialDisruption"
)

// conditionTaints maps a node condition and its status to the taint key
// that mirrors it (nodeConditionToTaintKeyStatusMap).
var conditionTaints = map[string]map[string]string{
	api.NodeReady:          {api.ConditionFalse: api.TaintNodeNotReady, api.ConditionUnknown: api.TaintNodeUnreachable},
	api.NodeMemoryPressure: {api.ConditionTrue: api.TaintNodeMemoryPressure},
	api.NodeDiskPressure:   {api.ConditionTrue: api.TaintNodeDiskPressure},
	api.NodePIDPressure:    {api.ConditionTrue: api.TaintNodePIDPressure},
}

// conditionTaintKeys are the keys of taintKeyToNodeConditionMap.
var conditionTaintKeys = []string{api.TaintNodeNotReady, api.TaintNodeUnreachable, api.TaintNodeMemoryPressure,
	api.TaintNodeDiskPressure, api.TaintNodePIDPressure}

// Controller is the node lifecycle controller.
type Controller struct {
	// watch holds the nodes the next monitor ticks must look at.
	watch map[string]bool
	// seen is each node's Ready status as the last monitor tick left it
	// (nodeHealthMap's saved status).
	seen map[string]string
	// probeReset is when leaving master disruption mode reset a node's
	// probe time: its grace period counts from there.
	probeReset map[string]time.Duration
	// zones is the NoExecute tainting state of each zone.
	zones map[string]*zone
	// removed holds the nodes deleted since the last tick.
	removed []*api.Node
}

// zone is one zone's state, its rate limiter and its tainting queue
// (zoneNoExecuteTainter, a RateLimitedTimedQueue).
type zone struct {
	state string
	qps   float64
	// last is when the limiter last gave a token; nil: it has one.
	last  *time.Duration
	queue []string
}

// New returns the controller.
func New() *Controller {
	return &Controller{watch: map[string]bool{}, seen: map[string]string{}, probeReset: map[string]time.Duration{}, zones: map[string]*zone{}}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "node-lifecycle-controller" }

// Keys: "node/<name>" for a node change, "pod/<ns>/<name>" for a pod newly
// bound to a node (podUpdated), "monitor" and "taint" for the timers.
func (c *Controller) Keys(_ *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindNode:
		if ch.New == nil {
			c.removed = append(c.removed, ch.Old.(*api.Node))
		}
		return []string{"node/" + ch.Object().Meta().Name}
	case api.KindPod:
		if ch.New == nil {
			return nil
		}
		p := ch.New.(*api.Pod)
		if p.Spec.NodeName != "" && (ch.Old == nil || ch.Old.(*api.Pod).Spec.NodeName != p.Spec.NodeName) {
			return []string{"pod/" + p.Key()}
		}
	}
	return nil
}

// Reconcile handles one key.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	switch {
	case key == "monitor":
		return c.monitor(ctx)
	case key == "taint":
		return c.taintingPass(ctx)
	case strings.HasPrefix(key, "node/"):
		return c.syncNode(ctx, strings.TrimPrefix(key, "node/"))
	case strings.HasPrefix(key, "pod/"):
		return c.processPod(ctx, strings.TrimPrefix(key, "pod/"))
	}
	return nil
}

// nextTick is the first monitor tick after t.
func nextTick(t time.Duration) time.Duration { return (t/MonitorPeriod + 1) * MonitorPeriod }

// detection is the tick at which a node whose heartbeats stopped is seen
// as unreachable: the first tick more than the grace period after its last
// heartbeat (tryUpdateNodeHealth: now.After(probeTimestamp + gracePeriod)).
func (c *Controller) detection(n *api.Node) time.Duration {
	last := n.Status.Lease.RenewTime
	if r, ok := c.probeReset[n.Name]; ok && r > last {
		last = r
	}
	return nextTick(last + MonitorGracePeriod)
}

// syncNode is the node update handler: the NoSchedule tainting pass, then
// whether the monitor must look at the node, and when.
func (c *Controller) syncNode(ctx *sim.Context, name string) error {
	n := ctx.Txn().Node(name)
	if n == nil {
		delete(c.watch, name)
		delete(c.seen, name)
		delete(c.probeReset, name)
		for _, z := range c.zones {
			z.queue = slices.DeleteFunc(z.queue, func(s string) bool { return s == name })
		}
		ctx.After(nextTick(ctx.Now())-ctx.Now(), "monitor")
		return nil
	}
	if err := c.noScheduleTaintingPass(ctx, n); err != nil {
		return err
	}
	if _, ok := c.seen[name]; !ok {
		c.seen[name] = n.ReadyStatus()
	}
	c.schedule(ctx, ctx.Txn().Node(name))
	return nil
}

// due says whether the monitor must look at a node, and at which tick.
func (c *Controller) due(n *api.Node, now time.Duration) (time.Duration, bool) {
	status := n.ReadyStatus()
	switch {
	case n.Status.Lease.Stopped && status != api.ConditionUnknown:
		return max(c.detection(n), nextTick(now)), true
	case status != c.seen[n.Name]:
		return nextTick(now), true
	case status == api.ConditionUnknown && !n.HasTaint(api.TaintNodeUnreachable, api.TaintNoExecute) && !c.queued(n),
		status == api.ConditionFalse && !n.HasTaint(api.TaintNodeNotReady, api.TaintNoExecute) && !c.queued(n):
		return nextTick(now), true
	case status == api.ConditionTrue && (n.HasTaint(api.TaintNodeUnreachable, api.TaintNoExecute) || n.HasTaint(api.TaintNodeNotReady, api.TaintNoExecute)):
		return nextTick(now), true
	}
	return 0, false
}

// schedule puts a node on the monitor's watch list and wakes the monitor
// at the tick it is due, or takes it off.
func (c *Controller) schedule(ctx *sim.Context, n *api.Node) {
	if at, ok := c.due(n, ctx.Now()); ok {
		c.watch[n.Name] = true
		ctx.After(at-ctx.Now(), "monitor")
		return
	}
	delete(c.watch, n.Name)
}

func (c *Controller) queued(n *api.Node) bool {
	z := c.zones[zoneKey(n)]
	return z != nil && slices.Contains(z.queue, n.Name)
}

// zoneKey is the node's zone (nodetopology.GetZoneKey without the region,
// which stsim does not label).
func zoneKey(n *api.Node) string { return n.Labels[api.LabelZone] }

// zoneOf returns the zone's state, created Normal at the default rate as
// the first passes leave a zone whose nodes are all Ready.
func (c *Controller) zoneOf(key string) *zone {
	z := c.zones[key]
	if z == nil {
		z = &zone{state: stateNormal, qps: EvictionRate}
		c.zones[key] = z
	}
	return z
}

// monitor is one tick of monitorNodeHealth for the watched nodes, then
// handleDisruption over every node, then the tainting pass.
func (c *Controller) monitor(ctx *sim.Context) error {
	now, tx := ctx.Now(), ctx.Txn()
	if now%MonitorPeriod != 0 {
		return fmt.Errorf("monitor woken at %v, not a multiple of the monitor period", now)
	}
	for _, n := range c.removed {
		// classifyNodes' deleted nodes.
		ctx.Event(n, "Normal", "RemovingNode", "Node %s event: Removing Node %s from Controller", n.Name, n.Name)
	}
	c.removed = nil
	for _, name := range slices.Sorted(maps.Keys(c.watch)) {
		n := tx.Node(name)
		if n == nil {
			delete(c.watch, name)
			continue
		}
		if err := c.monitorNode(ctx, n); err != nil {
			return err
		}
	}
	if err := c.handleDisruption(ctx); err != nil {
		return err
	}
	if err := c.taintingPass(ctx); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(c.watch)) {
		if n := tx.Node(name); n != nil {
			c.schedule(ctx, n)
		}
	}
	return nil
}

// monitorNode is what one tick does to one node: tryUpdateNodeHealth,
// processTaintBaseEviction with the Ready status seen at the start of the
// tick, and MarkPodsNotReady on the transition.
func (c *Controller) monitorNode(ctx *sim.Context, n *api.Node) error {
	now := ctx.Now()
	observed := n.ReadyStatus()
	if n.Status.Lease.Stopped && now >= c.detection(n) {
		nn := n.DeepCopy()
		changed := false
		for _, typ := range []string{api.NodeReady, api.NodeMemoryPressure, api.NodeDiskPressure, api.NodePIDPressure} {
			cond := nn.Condition(typ)
			if cond == nil {
				nn.Status.Conditions = append(nn.Status.Conditions, api.NodeCondition{Type: typ, Status: api.ConditionUnknown,
					Reason: "NodeStatusNeverUpdated", Message: "Kubelet never posted node status.", LastHeartbeatTime: n.CreationTimestamp, LastTransitionTime: now})
				changed = true
			} else if cond.Status != api.ConditionUnknown {
				cond.Status, cond.Reason, cond.Message, cond.LastTransitionTime = api.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status.", now
				changed = true
			}
		}
		if changed {
			if err := ctx.Update(nn); err != nil {
				return err
			}
			n = ctx.Txn().Node(n.Name)
		}
	}
	if err := c.processTaintBaseEviction(ctx, n, observed); err != nil {
		return err
	}
	n = ctx.Txn().Node(n.Name)
	current := n.ReadyStatus()
	if current != api.ConditionTrue && observed == api.ConditionTrue {
		// RecordNodeStatusChange, then MarkPodsNotReady.
		ctx.Event(n, "Normal", "NodeNotReady", "Node %s status is now: NodeNotReady", n.Name)
		if err := markPodsNotReady(ctx, ctx.Txn().PodsOnNode(n.Name)); err != nil {
			return err
		}
	}
	c.seen[n.Name] = current
	return nil
}

// markPodsNotReady is MarkPodsNotReady (pkg/controller/util/node): each
// pod whose Ready condition is True gets it False, with a NodeNotReady
// event; the others are left as they are.
func markPodsNotReady(ctx *sim.Context, pods []*api.Pod) error {
	for _, p := range pods {
		if !p.Status.Ready {
			continue
		}
		np := p.DeepCopy()
		np.Status.Ready, np.Status.ReadySince = false, ctx.Now() // the condition only: container statuses are the kubelet's
		if err := ctx.Update(np); err != nil {
			return err
		}
		ctx.Event(p, "Warning", "NodeNotReady", "Node is not ready")
	}
	return nil
}

// processTaintBaseEviction: a not-Ready node is queued for its NoExecute
// taint, or has the other one swapped for it at once; a Ready node loses
// both (markNodeAsReachable).
func (c *Controller) processTaintBaseEviction(ctx *sim.Context, n *api.Node, observed string) error {
	var want, opposite string
	switch observed {
	case api.ConditionFalse:
		want, opposite = api.TaintNodeNotReady, api.TaintNodeUnreachable
	case api.ConditionUnknown:
		want, opposite = api.TaintNodeUnreachable, api.TaintNodeNotReady
	case api.ConditionTrue:
		c.dequeue(n)
		return swapTaints(ctx, n, nil, []api.Taint{{Key: api.TaintNodeUnreachable, Effect: api.TaintNoExecute}, {Key: api.TaintNodeNotReady, Effect: api.TaintNoExecute}})
	default:
		return nil
	}
	if n.HasTaint(opposite, api.TaintNoExecute) {
		return swapTaints(ctx, n, []api.Taint{{Key: want, Effect: api.TaintNoExecute}}, []api.Taint{{Key: opposite, Effect: api.TaintNoExecute}})
	}
	if !n.HasTaint(want, api.TaintNoExecute) {
		z := c.zoneOf(zoneKey(n))
		if !slices.Contains(z.queue, n.Name) {
			z.queue = append(z.queue, n.Name) // markNodeForTainting
		}
	}
	return nil
}

func (c *Controller) dequeue(n *api.Node) {
	if z := c.zones[zoneKey(n)]; z != nil {
		z.queue = slices.DeleteFunc(z.queue, func(s string) bool { return s == n.Name })
	}
}

// processPod is the pod update worker: a pod newly bound to a node whose
// Ready condition was not True at the last tick is marked not Ready.
func (c *Controller) processPod(ctx *sim.Context, key string) error {
	p := ctx.Txn().Pod(key)
	if p == nil || p.Spec.NodeName == "" {
		return nil
	}
	seen, ok := c.seen[p.Spec.NodeName]
	if !ok || seen == api.ConditionTrue || ctx.Txn().Node(p.Spec.NodeName) == nil {
		return nil
	}
	return markPodsNotReady(ctx, []*api.Pod{p})
}
