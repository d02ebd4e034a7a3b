// Package kubelet runs the pods bound to nodes, one phase at a time, as the
// kubelet's pod workers do:
//
//   - volumes.go: wait until every claim is bound and its volume can be
//     attached to the node (a ReadWriteOnce volume held on another node is a
//     Multi-Attach wait), then record what the pod mounts;
//   - containers.go: create the sandbox (the pod IP), start the containers
//     after the image's start time, mark them Ready after its ready time;
//   - termination.go: on deletion, stop the containers within the grace
//     period and confirm the deletion; when a pod object is gone, delete its
//     emptyDir directories;
//   - app.go: the application's reads and writes on the pod's volumes.
//
// One Controller stands for the kubelets of every node. Its state is kept
// per node (the pod CIDR, the addresses handed out, the pods it runs), so a
// node can later be crashed or cut off as a whole; it is looked up by node
// name and pod UID, never iterated.
package kubelet

import (
	"strings"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/disks"
	"stsim/sim/store"
)

// Behavior is how a pod's containers behave (from spec.timing and spec.images).
type Behavior struct {
	Start, Ready, Shutdown time.Duration
	NeverReady             bool
}

// Controller is the kubelet of every node.
type Controller struct {
	behavior func(image string) Behavior
	disks    *disks.Disks
	nodes    map[string]*node
	// OnMount, if set, sees what a pod mounted when its volumes are set up.
	OnMount func(now time.Duration, p *api.Pod, mounts []Mount)
}

// node is the state of one node's kubelet.
type node struct {
	// cidr numbers the node's pod CIDR 10.244.<cidr>.0/24, in order of
	// node creation.
	cidr int
	// ips counts the addresses handed out.
	ips  int
	pods map[string]*podState // by pod UID
}

// podState is what a node's kubelet keeps about one pod.
type podState struct {
	sandbox bool
	runAt   time.Duration
	readyAt time.Duration
	stopAt  time.Duration
	killing bool
	mounts  []Mount
}

// New returns the kubelets; behavior tells how an image behaves.
func New(behavior func(image string) Behavior, d *disks.Disks) *Controller {
	return &Controller{behavior: behavior, disks: d, nodes: map[string]*node{}}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "kubelet" }

// removedPrefix keys the clean-up of a pod whose object is gone:
// "removed:<node>/<uid>".
const removedPrefix = "removed:"

// Keys wakes a bound pod on its changes, the pods waiting on a claim when
// the claim changes, and the clean-up of a pod whose object is gone.
func (c *Controller) Keys(tx *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindNode:
		if n, ok := ch.New.(*api.Node); ok && c.nodes[n.Name] == nil {
			c.nodes[n.Name] = &node{cidr: len(c.nodes) + 1, pods: map[string]*podState{}}
		}
	case api.KindPod:
		if ch.New == nil {
			p := ch.Old.(*api.Pod)
			var keys []string
			if p.Spec.NodeName != "" {
				keys = append(keys, removedPrefix+p.Spec.NodeName+"/"+p.UID)
			}
			// Its volumes are detached: pods waiting to attach them may start.
			return append(keys, waitingOnClaims(tx, p)...)
		}
		if p := ch.New.(*api.Pod); p.Spec.NodeName != "" {
			keys := []string{p.Key()}
			if p.IsTerminal() {
				keys = append(keys, waitingOnClaims(tx, p)...)
			}
			return keys
		}
	case api.KindPersistentVolumeClaim:
		if ch.New == nil {
			return nil
		}
		var keys []string
		for _, p := range tx.PodsUsingClaim(ch.New.Meta().Key()) {
			if p.Spec.NodeName != "" && p.Status.Phase == api.PodPending {
				keys = append(keys, p.Key())
			}
		}
		return keys
	}
	return nil
}

// Reconcile moves one pod through its lifecycle, one phase per call, or
// cleans up after a pod that is gone.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	if rest, ok := strings.CutPrefix(key, removedPrefix); ok {
		nodeName, uid, _ := strings.Cut(rest, "/")
		c.cleanUp(nodeName, uid)
		return nil
	}
	p := ctx.Txn().Pod(key)
	if p == nil || p.Spec.NodeName == "" {
		return nil
	}
	n := c.nodes[p.Spec.NodeName]
	if n == nil {
		return nil // not a node of the cluster: no kubelet runs it
	}
	st := n.pods[p.UID]
	if st == nil {
		st = &podState{}
		n.pods[p.UID] = st
	}
	b := c.behaviorOf(p)
	switch {
	case p.Terminating():
		return c.terminate(ctx, p, st, b)
	case p.IsTerminal():
		return nil
	case !st.sandbox:
		return c.setUp(ctx, p, n, st, b)
	}
	return c.syncContainers(ctx, p, st, b)
}

// behaviorOf combines the pod's containers: the slowest decides, one
// never-ready container keeps the pod unready.
func (c *Controller) behaviorOf(p *api.Pod) Behavior {
	var b Behavior
	for _, ctr := range p.Spec.Containers {
		cb := c.behavior(ctr.Image)
		b.Start, b.Ready, b.Shutdown = max(b.Start, cb.Start), max(b.Ready, cb.Ready), max(b.Shutdown, cb.Shutdown)
		b.NeverReady = b.NeverReady || cb.NeverReady
	}
	return b
}
