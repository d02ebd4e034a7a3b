// Package tainteviction is the taint eviction controller (the
// NoExecuteTaintManager, kube-controller-manager's
// taint-eviction-controller since v1.29), following
// pkg/controller/tainteviction/taint_eviction.go as of v1.37: it deletes
// the pods on a node with NoExecute taints they do not tolerate, at once,
// and the pods that tolerate them for a while (tolerationSeconds), when
// that while is over.
//
// For each pod on a tainted node (handleNodeUpdate, on a change of the
// node's NoExecute taints; handlePodUpdate, on a change of the pod's node
// or tolerations), getPodEvictionDecision decides:
//
//   - a taint no toleration matches, or a tolerationSeconds of 0 or less:
//     delete now;
//   - every taint tolerated, some for a limited time: delete at the time
//     the controller first saw it + the smallest tolerationSeconds of the
//     tolerations used (a work item already scheduled for the same pod is
//     kept; one for an older pod of the same name is replaced);
//   - every taint tolerated for ever: nothing, and a scheduled deletion is
//     cancelled ("Cancelling deletion of Pod"), as it is when the taints
//     go, when the pod goes, or when it lands on an untainted node.
//
// The deletion (deletePodHandler) is the TaintManagerEviction event
// "Marking for deletion Pod <ns>/<name>" and an ordinary graceful delete
// with the pod's UID as a precondition (addConditionAndDeletePod; stsim
// keeps no DisruptionTarget condition), skipped for a pod of another UID
// or one already terminating. So on an unreachable node the pod stays
// Terminating until its kubelet confirms, and a pod created again under
// the same name is never deleted in place of the old one. Work items are
// keyed by namespace/name, as upstream's TimedWorkerQueue is; upstream's
// retry queue for failed deletions is left out (deletes do not fail here).
package tainteviction

import (
	"math"
	"slices"
	"strings"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

// Controller is the taint eviction controller.
type Controller struct {
	// tainted holds the NoExecute taints of each tainted node
	// (taintedNodes).
	tainted map[string][]api.Taint
	// work holds the scheduled deletions by pod namespace/name
	// (taintEvictionQueue).
	work map[string]work
}

// work is one scheduled deletion (a TimedWorker).
type work struct {
	uid               string
	createdAt, fireAt time.Duration
}

// New returns the controller.
func New() *Controller {
	return &Controller{tainted: map[string][]api.Taint{}, work: map[string]work{}}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "taint-eviction-controller" }

func noExecute(taints []api.Taint) []api.Taint {
	var out []api.Taint
	for _, t := range taints {
		if t.Effect == api.TaintNoExecute {
			out = append(out, t)
		}
	}
	return out
}

// Keys follow NodeUpdated and PodUpdated: "node/<name>" when a node's
// NoExecute taints change (or it comes or goes), "pod/<node>|<ns>/<name>"
// (a podUpdateItem: the node is the pod's, or the old pod's when it goes)
// when a pod comes, goes or changes node or tolerations.
// "evict/<ns>/<name>" are the timers of scheduled deletions.
func (c *Controller) Keys(_ *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindNode:
		if ch.Old != nil && ch.New != nil &&
			taintsEqual(noExecute(ch.Old.(*api.Node).Spec.Taints), noExecute(ch.New.(*api.Node).Spec.Taints)) {
			return nil
		}
		return []string{"node/" + ch.Object().Meta().Name}
	case api.KindPod:
		p := ch.Object().(*api.Pod)
		if ch.Old != nil && ch.New != nil {
			o, n := ch.Old.(*api.Pod), ch.New.(*api.Pod)
			if o.Spec.NodeName == n.Spec.NodeName && tolerationsEqual(o.Spec.Tolerations, n.Spec.Tolerations) {
				return nil
			}
		}
		return []string{"pod/" + p.Spec.NodeName + "|" + p.Key()}
	}
	return nil
}

// tolerationsEqual compares two pods' tolerations as PodUpdated does
// (helper.Semantic.DeepEqual): the same tolerations in the same order,
// tolerationSeconds by value, and an empty list equal to none.
func tolerationsEqual(a, b []api.Toleration) bool {
	return slices.EqualFunc(a, b, func(x, y api.Toleration) bool {
		return x.Key == y.Key && x.Operator == y.Operator && x.Value == y.Value && x.Effect == y.Effect &&
			(x.TolerationSeconds == nil) == (y.TolerationSeconds == nil) &&
			(x.TolerationSeconds == nil || *x.TolerationSeconds == *y.TolerationSeconds)
	})
}

// taintsEqual compares taints as helper.Semantic.DeepEqual does, the time
// added included.
func taintsEqual(a, b []api.Taint) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Value != b[i].Value || a[i].Effect != b[i].Effect ||
			(a[i].TimeAdded == nil) != (b[i].TimeAdded == nil) || a[i].TimeAdded != nil && *a[i].TimeAdded != *b[i].TimeAdded {
			return false
		}
	}
	return true
}

// Reconcile handles one key.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	switch {
	case strings.HasPrefix(key, "node/"):
		return c.handleNodeUpdate(ctx, strings.TrimPrefix(key, "node/"))
	case strings.HasPrefix(key, "pod/"):
		node, podKey, _ := strings.Cut(strings.TrimPrefix(key, "pod/"), "|")
		return c.handlePodUpdate(ctx, node, podKey)
	case strings.HasPrefix(key, "evict/"):
		podKey := strings.TrimPrefix(key, "evict/")
		if w, ok := c.work[podKey]; ok && w.fireAt == ctx.Now() {
			delete(c.work, podKey)
			return c.deletePod(ctx, podKey, w.uid)
		}
	}
	return nil
}

func (c *Controller) handleNodeUpdate(ctx *sim.Context, name string) error {
	tx := ctx.Txn()
	n := tx.Node(name)
	if n == nil {
		delete(c.tainted, name)
		return nil
	}
	taints := noExecute(n.Spec.Taints)
	if len(taints) == 0 {
		delete(c.tainted, name)
	} else {
		c.tainted[name] = taints
	}
	pods := tx.PodsOnNode(name)
	if len(taints) == 0 {
		for _, p := range pods {
			c.cancel(ctx, p.Key())
		}
		return nil
	}
	for _, p := range pods {
		if err := c.processPodOnNode(ctx, p, taints); err != nil {
			return err
		}
	}
	return nil
}

func (c *Controller) handlePodUpdate(ctx *sim.Context, node, key string) error {
	p := ctx.Txn().Pod(key)
	switch {
	case p == nil:
		c.cancel(ctx, key)
		return nil
	case p.Spec.NodeName != node:
		return nil // the item of the pod's current node decides
	case node == "":
		c.cancel(ctx, key)
		return nil
	}
	taints, ok := c.tainted[node]
	if !ok {
		c.cancel(ctx, key)
		return nil
	}
	return c.processPodOnNode(ctx, p, taints)
}

// cancel is cancelWorkWithEvent: a scheduled deletion is dropped, with an
// event.
func (c *Controller) cancel(ctx *sim.Context, key string) {
	if _, ok := c.work[key]; ok {
		delete(c.work, key)
		ctx.Event(podRef(key), "Normal", "TaintManagerEviction", "Cancelling deletion of Pod %s", key)
	}
}

func podRef(key string) *api.Pod {
	ns, name, _ := strings.Cut(key, "/")
	return &api.Pod{ObjectMeta: api.ObjectMeta{Namespace: ns, Name: name}}
}

// processPodOnNode carries out getPodEvictionDecision for one pod on a
// tainted node.
func (c *Controller) processPodOnNode(ctx *sim.Context, p *api.Pod, taints []api.Taint) error {
	now, key := ctx.Now(), p.Key()
	allTolerated, used := api.GetMatchingTolerations(taints, p.Spec.Tolerations)
	least := minTolerationTime(used)
	switch {
	case len(taints) == 0 || allTolerated && least < 0:
		c.cancel(ctx, key)
		return nil
	case !allTolerated || least == 0:
		c.cancel(ctx, key)
		return c.deletePod(ctx, key, p.UID)
	}
	if w, ok := c.work[key]; ok {
		if w.uid == p.UID {
			// Upstream keeps an item created before now (its start plus the
			// minimum is before now plus it), even if the tolerations
			// changed; its clock moves on between two calls, so an item
			// created at this same instant is kept too.
			return nil
		}
		c.cancel(ctx, key) // an older pod of the same name
	}
	c.work[key] = work{uid: p.UID, createdAt: now, fireAt: now + least}
	ctx.After(least, "evict/"+key)
	return nil
}

// minTolerationTime is getMinTolerationTime: the smallest
// tolerationSeconds (0 if one is 0 or less, or if no toleration was used),
// or -1 when none sets one (tolerated for ever).
func minTolerationTime(used []api.Toleration) time.Duration {
	if len(used) == 0 {
		return 0
	}
	least := int64(math.MaxInt64)
	for _, t := range used {
		if t.TolerationSeconds != nil {
			if *t.TolerationSeconds <= 0 {
				return 0
			}
			least = min(least, *t.TolerationSeconds)
		}
	}
	if least == math.MaxInt64 {
		return -1
	}
	return api.Seconds(least)
}

// deletePod is deletePodHandler: the TaintManagerEviction event, then
// addConditionAndDeletePod: a graceful delete with the pod's own grace
// period, unless the pod is gone, is another pod of the same name, or is
// terminating already.
func (c *Controller) deletePod(ctx *sim.Context, key, uid string) error {
	ctx.Event(podRef(key), "Normal", "TaintManagerEviction", "Marking for deletion Pod %s", key)
	p := ctx.Txn().Pod(key)
	if p == nil || p.UID != uid || p.Terminating() {
		return nil
	}
	return ctx.Delete(api.KindPod, key, apiserver.DeleteOptions{})
}
