// Package scheduler binds pending pods to nodes. It is a stand-in for
// kube-scheduler with its filters that matter here: the node is Ready and
// schedulable, has room (pods capacity), matches the pod's nodeSelector,
// and is in the zone of every bound zonal volume the pod mounts. Among the
// nodes left it picks the one running the fewest pods, then the first by
// name, so placement is deterministic and spreads pods out.
package scheduler

import (
	"slices"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/store"
)

// Controller schedules pods.
type Controller struct {
	// load counts the non-terminal pods bound to each node, kept up to date
	// from pod changes as an informer cache would be.
	load map[string]int
	// unschedulable holds the keys of pods no node fitted, in the order
	// they failed: they are tried again when a pod leaves a node or a node
	// changes (the scheduling queue's unschedulable pods).
	unschedulable []string
}

// New returns the scheduler.
func New() *Controller { return &Controller{load: map[string]int{}} }

// retry hands back the unschedulable pods to try again.
func (c *Controller) retry() []string {
	keys := c.unschedulable
	c.unschedulable = nil
	return keys
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "default-scheduler" }

func counts(p *api.Pod) bool { return p != nil && p.Spec.NodeName != "" && !p.IsTerminal() }

// Keys keeps the per-node load and wakes pods that need a node.
func (c *Controller) Keys(_ *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindPod:
		var oldP, newP *api.Pod
		if ch.Old != nil {
			oldP = ch.Old.(*api.Pod)
		}
		if ch.New != nil {
			newP = ch.New.(*api.Pod)
		}
		if counts(oldP) {
			c.load[oldP.Spec.NodeName]--
			if !counts(newP) {
				return c.retry() // room on a node, and maybe a volume freed
			}
		}
		if counts(newP) {
			c.load[newP.Spec.NodeName]++
		}
		if newP != nil && newP.Spec.NodeName == "" && !newP.Terminating() {
			return []string{newP.Key()}
		}
	case api.KindNode:
		if n, ok := ch.New.(*api.Node); ok && n.Ready() {
			return c.retry()
		}
	}
	return nil
}

// Reconcile binds one pod.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	p := tx.Pod(key)
	if p == nil || p.Spec.NodeName != "" || p.Terminating() {
		return nil
	}
	zone := ""
	for _, name := range p.ClaimNames() {
		if cl := tx.Claim(p.Namespace + "/" + name); cl != nil && cl.Spec.VolumeName != "" {
			if pv := tx.Volume(cl.Spec.VolumeName); pv != nil && pv.Labels[api.LabelZone] != "" {
				zone = pv.Labels[api.LabelZone]
			}
		}
	}
	var best *api.Node
	for _, n := range tx.Nodes() {
		if !n.Ready() || n.Spec.Unschedulable || c.load[n.Name] >= n.Status.Capacity.Pods || !matches(p.Spec.NodeSelector, n.Labels) {
			continue
		}
		if zone != "" && n.Labels[api.LabelZone] != zone {
			continue
		}
		if best == nil || c.load[n.Name] < c.load[best.Name] {
			best = n
		}
	}
	if best == nil {
		if !slices.Contains(c.unschedulable, key) {
			c.unschedulable = append(c.unschedulable, key)
		}
		if p.Status.Reason != "Unschedulable" {
			n := p.DeepCopy()
			n.Status.Reason = "Unschedulable"
			ctx.Event(p, "Warning", "FailedScheduling", "0/%d nodes are available: no node fits the pod", len(tx.Nodes()))
			return ctx.Update(n)
		}
		return nil
	}
	n := p.DeepCopy()
	n.Spec.NodeName = best.Name
	n.Status.Reason = ""
	if err := ctx.Update(n); err != nil {
		return err
	}
	ctx.Event(p, "Normal", "Scheduled", "Successfully assigned %s/%s to %s", p.Namespace, p.Name, best.Name)
	return nil
}

func matches(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}
