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
// node can be crashed or cut off as a whole (FailNode, RecoverNode): a
// crashed node's kubelet does nothing and its containers are gone; a
// partitioned node's containers run on and its application keeps writing,
// but nothing it does reaches the API server and it hears of no change; a
// node that recovers syncs every pod bound to it again.
package kubelet

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/disks"
	"stsim/sim/store"
)

// Behavior is how a pod's containers behave (from spec.timing and
// spec.images): Start is the time to the first run, Ready the time from a
// run's start until the application answers its readiness probe, Shutdown
// the time it takes to stop; CrashLoop makes it exit after every start.
type Behavior struct {
	Start, Ready, Shutdown time.Duration
	NeverReady, CrashLoop  bool
}

// Controller is the kubelet of every node.
type Controller struct {
	behavior func(image string) Behavior
	disks    *disks.Disks
	nodes    map[string]*node
	// OnMount, if set, sees what a pod mounted when its volumes are set up.
	OnMount func(now time.Duration, p *api.Pod, mounts []Mount)
	// AssumeProbe makes the application's readiness (Behavior.Ready,
	// readiness changes) decide Ready at once for a container without a
	// readinessProbe, as if it had one; without it such a container is
	// Ready as soon as it runs, as the kubelet does.
	AssumeProbe bool
	// OnOutlive, if set, hears that a pod's object left the API server
	// while its node was cut off: its containers run on. OnStop hears
	// when they stop (the node recovered or crashed).
	OnOutlive, OnStop func(now time.Duration, uid string)
	// OnHalt, if set, hears that a node crash stopped the containers of a
	// pod whose object is still there, and OnResume that they run again
	// (the node came back).
	OnHalt, OnResume func(now time.Duration, uid string)
}

// node is the state of one node's kubelet.
type node struct {
	// cidr numbers the node's pod CIDR 10.244.<cidr>.0/24, in order of
	// node creation.
	cidr int
	// ips counts the addresses handed out.
	ips  int
	pods map[string]*podState // by pod UID
	// state is up, crashed or partitioned.
	state nodeState
	// registration is the Node as the kubelet registered it, to register
	// it again when it starts after a crash and its Node was deleted.
	registration *api.Node
}

// nodeState is what happened to a node.
type nodeState int

const (
	nodeUp nodeState = iota
	// nodeCrashed: the machine is down; its kubelet and containers are
	// gone.
	nodeCrashed
	// nodePartitioned: the machine runs but is cut off from the API
	// server.
	nodePartitioned
)

// Failure modes of FailNode.
const (
	ModeCrash     = "crash"
	ModePartition = "partition"
)

// podState is what a node's kubelet keeps about one pod.
type podState struct {
	sandbox bool
	runAt   time.Duration
	stopAt  time.Duration
	killing bool
	mounts  []Mount
	// run is the containers' runs, restarts and readiness (containers.go).
	run runState
	// orphaned: the pod's object left the API server while the node was
	// cut off; its containers run on until the node recovers or crashes.
	orphaned bool
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
			c.nodes[n.Name] = &node{cidr: len(c.nodes) + 1, pods: map[string]*podState{}, registration: n.DeepCopy()}
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
	case api.KindVolumeAttachment:
		if va, ok := ch.New.(*api.VolumeAttachment); ok {
			return attachWaiters(tx, va) // volumes.go
		}
	}
	return nil
}

// Reconcile moves one pod through its lifecycle, one phase per call, or
// cleans up after a pod that is gone.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	if rest, ok := strings.CutPrefix(key, removedPrefix); ok {
		nodeName, uid, _ := strings.Cut(rest, "/")
		if n := c.nodes[nodeName]; n != nil && n.state != nodeUp {
			// The node's kubelet does not hear of it: on a cut-off node
			// the containers run on.
			if st := n.pods[uid]; st != nil && n.state == nodePartitioned && st.sandbox && !st.orphaned {
				st.orphaned = true
				if c.OnOutlive != nil {
					c.OnOutlive(ctx.Now(), uid)
				}
			}
			return nil
		}
		c.stopOrphan(ctx.Now(), nodeName, uid)
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
	if n.state != nodeUp {
		// Crashed: no kubelet runs. Cut off: what it does reaches no one,
		// and it sees no change; it catches up when the node recovers.
		return nil
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
		b.CrashLoop = b.CrashLoop || cb.CrashLoop
	}
	return b
}

// stopOrphan tells OnStop that the containers of a pod whose object was
// gone have stopped.
func (c *Controller) stopOrphan(now time.Duration, nodeName, uid string) {
	if n := c.nodes[nodeName]; n != nil {
		if st := n.pods[uid]; st != nil && st.orphaned {
			st.orphaned = false
			if c.OnStop != nil {
				c.OnStop(now, uid)
			}
		}
	}
}

// FailNode makes a node fail at now. Its heartbeats stop: the Node's Lease
// keeps its last renewal, now, and the node lifecycle controller takes it
// from there. With ModeCrash the machine goes down: every container on it
// stops (the app container's last state is Terminated, reason Unknown,
// exit code 255, as after a reboot) and its kubelet does nothing until the
// node recovers. With ModePartition the machine runs on, cut off: the
// containers keep running and the application keeps writing, but no
// status reaches the API server and the kubelet sees no change. A
// partitioned node may crash as well.
func (c *Controller) FailNode(ctx *sim.Context, name, mode string) error {
	n := c.nodes[name]
	if n == nil {
		return fmt.Errorf("no node %s", name)
	}
	switch {
	case n.state == nodeCrashed:
		return fmt.Errorf("node %s has crashed already", name)
	case n.state == nodePartitioned && mode == ModePartition:
		return fmt.Errorf("node %s is cut off already", name)
	case mode != ModeCrash && mode != ModePartition:
		return fmt.Errorf("unknown failure mode %q", mode)
	}
	now := ctx.Now()
	wasUp := n.state == nodeUp
	if mode == ModeCrash {
		n.state = nodeCrashed
		for _, uid := range slices.Sorted(maps.Keys(n.pods)) {
			st := n.pods[uid]
			if st.orphaned {
				// Its object is gone: nothing brings it back.
				c.stopOrphan(now, name, uid)
				c.cleanUp(name, uid)
				continue
			}
			if st.run.running {
				c.exit(st, now, "Unknown", 255)
				st.run.halted = true
				if c.OnHalt != nil {
					c.OnHalt(now, uid)
				}
			}
		}
	} else {
		n.state = nodePartitioned
	}
	if !wasUp {
		return nil // the heartbeats stopped already
	}
	node := ctx.Txn().Node(name)
	if node == nil {
		return nil
	}
	nn := node.DeepCopy()
	nn.Status.Lease = api.NodeLease{RenewTime: now, Stopped: true}
	return ctx.Update(nn)
}

// RecoverNode brings a failed node back at now. A crashed machine starts
// again: its kubelet restarts the containers of the pods still bound to it
// (in place, at once: the back-off it kept in memory is gone), and
// registers its Node again if it was deleted. A cut-off node reconnects;
// its kubelet, already registered, does not register a deleted Node again.
// Either way the kubelet posts a Ready status (the NodeReady event) and
// renews its Lease, and syncs every pod bound to it: it finishes the
// deletions asked for meanwhile, and kills and forgets the pods whose
// objects are gone.
func (c *Controller) RecoverNode(ctx *sim.Context, name string) error {
	n := c.nodes[name]
	if n == nil {
		return fmt.Errorf("no node %s", name)
	}
	if n.state == nodeUp {
		return fmt.Errorf("node %s has not failed", name)
	}
	now, tx := ctx.Now(), ctx.Txn()
	crashed := n.state == nodeCrashed
	n.state = nodeUp
	if crashed {
		for _, uid := range slices.Sorted(maps.Keys(n.pods)) {
			rs := &n.pods[uid].run
			if rs.started && !rs.running {
				rs.backOff, rs.backOffUpdated, rs.restartAt = 0, 0, min(rs.restartAt, now)
			}
		}
	}
	node := tx.Node(name)
	switch {
	case node == nil && crashed && n.registration != nil:
		// registerWithAPIServer, as the kubelet starts.
		reg := &api.Node{ObjectMeta: api.ObjectMeta{Name: name, Labels: maps.Clone(n.registration.Labels)},
			Status: api.NodeStatus{Capacity: n.registration.Status.Capacity, Conditions: api.KubeletConditions(now)}}
		if err := ctx.Create(reg); err != nil {
			return err
		}
		ctx.Event(reg, "Normal", "NodeReady", "Node %s status is now: NodeReady", name)
	case node != nil:
		nn := node.DeepCopy()
		for _, cond := range api.KubeletConditions(now) {
			old := nn.Condition(cond.Type)
			if old == nil {
				nn.Status.Conditions = append(nn.Status.Conditions, cond)
				continue
			}
			if old.Status == cond.Status {
				cond.LastTransitionTime = old.LastTransitionTime
			}
			*old = cond
		}
		nn.Status.Lease = api.NodeLease{RenewTime: now}
		if err := ctx.Update(nn); err != nil {
			return err
		}
		if !node.Ready() {
			ctx.Event(nn, "Normal", "NodeReady", "Node %s status is now: NodeReady", name)
		}
	}
	for _, p := range tx.PodsOnNode(name) {
		ctx.Wake(c, p.Key())
	}
	for _, uid := range slices.Sorted(maps.Keys(n.pods)) {
		if tx.ByUID(api.KindPod, uid) == nil {
			ctx.Wake(c, removedPrefix+name+"/"+uid)
		}
	}
	return nil
}

// reachable refuses a pod on a crashed node: its containers are gone.
func (c *Controller) reachable(p *api.Pod) error {
	if n := c.nodes[p.Spec.NodeName]; n != nil && n.state == nodeCrashed {
		return fmt.Errorf("pod %s: node %s has crashed, its containers are not running", p.Name, p.Spec.NodeName)
	}
	return nil
}

// NodeState says what happened to a node: "up", "crashed" or
// "partitioned" ("" for a node the kubelet does not know).
func (c *Controller) NodeState(name string) string {
	n := c.nodes[name]
	if n == nil {
		return ""
	}
	return [...]string{nodeUp: "up", nodeCrashed: "crashed", nodePartitioned: "partitioned"}[n.state]
}

// Nodes lists the nodes the kubelet knows, by name.
func (c *Controller) Nodes() []string { return slices.Sorted(maps.Keys(c.nodes)) }

// Running lists, by UID, the pods whose application container runs on a
// node as its kubelet knows it.
func (c *Controller) Running(nodeName string) []string {
	n := c.nodes[nodeName]
	if n == nil {
		return nil
	}
	var out []string
	for _, uid := range slices.Sorted(maps.Keys(n.pods)) {
		if st := n.pods[uid]; st.sandbox && st.run.running {
			out = append(out, uid)
		}
	}
	return out
}
