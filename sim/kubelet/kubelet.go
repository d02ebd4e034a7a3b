// Package kubelet runs the pods bound to nodes: it waits for their claims to
// be bound, creates the sandbox (the pod IP), starts the containers after
// the image's start time, marks the pod Ready after its ready time, and on
// deletion stops the containers within the grace period and confirms the
// deletion. It also carries the application's reads and writes to volumes.
//
// One Controller stands for the kubelets of every node; its state is keyed
// by pod UID and node name, never iterated.
package kubelet

import (
	"fmt"
	"slices"
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
	pods     map[string]*podState // by pod UID
	nextIP   map[string]int       // by node name
	nodeNum  map[string]int       // node name -> its pod CIDR index
}

type podState struct {
	sandbox bool
	runAt   time.Duration
	readyAt time.Duration
	stopAt  time.Duration
	killing bool
}

// New returns the kubelets; behavior tells how an image behaves.
func New(behavior func(image string) Behavior, d *disks.Disks) *Controller {
	return &Controller{behavior: behavior, disks: d, pods: map[string]*podState{}, nextIP: map[string]int{}, nodeNum: map[string]int{}}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "kubelet" }

// Keys wakes a bound pod on its changes, and the pods waiting on a claim
// when the claim changes.
func (c *Controller) Keys(tx *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindNode:
		if n, ok := ch.New.(*api.Node); ok && c.nodeNum[n.Name] == 0 {
			c.nodeNum[n.Name] = len(c.nodeNum) + 1
		}
	case api.KindPod:
		if ch.New == nil {
			p := ch.Old.(*api.Pod)
			c.forget(p)
			// Its volumes are detached: pods waiting to attach them may start.
			return c.waitingOnClaims(tx, p)
		}
		if p := ch.New.(*api.Pod); p.Spec.NodeName != "" {
			keys := []string{p.Key()}
			if p.IsTerminal() {
				keys = append(keys, c.waitingOnClaims(tx, p)...)
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

// waitingOnClaims lists the other pods, bound to a node and still Pending,
// that mount a claim of p.
func (c *Controller) waitingOnClaims(tx *store.Txn, p *api.Pod) []string {
	var keys []string
	for _, name := range p.ClaimNames() {
		for _, o := range tx.PodsUsingClaim(p.Namespace + "/" + name) {
			if o.UID != p.UID && o.Spec.NodeName != "" && o.Status.Phase == api.PodPending && !slices.Contains(keys, o.Key()) {
				keys = append(keys, o.Key())
			}
		}
	}
	return keys
}

// forget drops a removed pod's state and its emptyDir volumes.
func (c *Controller) forget(p *api.Pod) {
	delete(c.pods, p.UID)
	for _, v := range p.Spec.Volumes {
		if v.EmptyDir != nil {
			c.disks.Delete(disks.ForEmptyDir(p.UID, v.Name))
		}
	}
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

// Reconcile moves one pod through its lifecycle.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	p := tx.Pod(key)
	if p == nil || p.Spec.NodeName == "" {
		return nil
	}
	st := c.pods[p.UID]
	if st == nil {
		st = &podState{}
		c.pods[p.UID] = st
	}
	now := ctx.Now()
	b := c.behaviorOf(p)
	if p.Terminating() {
		return c.terminate(ctx, p, st, b)
	}
	if p.IsTerminal() {
		return nil
	}
	if !st.sandbox {
		if reason, why := c.volumesPending(tx, p); why != "" {
			if p.Status.Reason != "ContainerCreating" {
				n := p.Clone()
				n.Status.Reason = "ContainerCreating"
				ctx.Event(p, "Warning", reason, "%s", why)
				return ctx.Update(n)
			}
			return nil
		}
		st.sandbox = true
		st.runAt = now + b.Start
		n := p.Clone()
		n.Status.PodIP = c.allocateIP(p.Spec.NodeName)
		n.Status.Reason = "ContainerCreating"
		if err := ctx.Update(n); err != nil {
			return err
		}
		ctx.After(b.Start, key)
		return nil
	}
	switch {
	case p.Status.Phase == api.PodPending && now >= st.runAt:
		n := p.Clone()
		n.Status.Phase, n.Status.Started, n.Status.Reason = api.PodRunning, now, ""
		ctx.Event(p, "Normal", "Started", "Started container %s", p.Spec.Containers[0].Name)
		if err := ctx.Update(n); err != nil {
			return err
		}
		if !b.NeverReady {
			st.readyAt = now + b.Ready
			ctx.After(b.Ready, key)
		}
	case p.Status.Phase == api.PodRunning && !p.Status.Ready && !b.NeverReady && now >= st.readyAt:
		n := p.Clone()
		n.Status.Ready, n.Status.ReadySince = true, now
		return ctx.Update(n)
	}
	return nil
}

// terminate stops a deleted pod's containers (SIGTERM, then SIGKILL at the
// end of the grace period) and confirms the deletion when they are down.
func (c *Controller) terminate(ctx *sim.Context, p *api.Pod, st *podState, b Behavior) error {
	now := ctx.Now()
	if !st.killing {
		st.killing = true
		grace := p.GracePeriod()
		if p.DeletionGracePeriodSeconds != nil {
			grace = time.Duration(*p.DeletionGracePeriodSeconds) * time.Second
		}
		stop := b.Shutdown
		if !st.sandbox || p.Status.Phase != api.PodRunning {
			stop = 0
		}
		st.stopAt = *p.DeletionTimestamp + min(stop, grace)
		for _, ctr := range p.Spec.Containers {
			if p.Status.Phase == api.PodRunning {
				ctx.Event(p, "Normal", "Killing", "Stopping container %s", ctr.Name)
			}
		}
	}
	if now < st.stopAt {
		ctx.After(st.stopAt-now, p.Key())
		return nil
	}
	ctx.Remove(p)
	return nil
}

// volumesPending says why a pod's volumes are not ready (an event reason
// and message), or "" when they are: a claim is missing or unbound, or its
// volume cannot be attached to this node because it is attached to another.
func (c *Controller) volumesPending(tx *store.Txn, p *api.Pod) (string, string) {
	for _, name := range p.ClaimNames() {
		cl := tx.Claim(p.Namespace + "/" + name)
		switch {
		case cl == nil:
			return "FailedMount", fmt.Sprintf("persistentvolumeclaim %q not found", name)
		case cl.Status.Phase != api.ClaimBound:
			return "FailedMount", fmt.Sprintf("persistentvolumeclaim %q is not bound yet", name)
		}
		if pv := tx.Volume(cl.Spec.VolumeName); pv != nil && !multiAttachable(pv) {
			if holder := attachedElsewhere(tx, cl, p); holder != nil {
				return "FailedAttachVolume", fmt.Sprintf("Multi-Attach error for volume %q Volume is already used by pod(s) %s", pv.Name, holder.Name)
			}
		}
	}
	return "", ""
}

// multiAttachable is IsMultiAttachAllowed (pkg/volume/util): a volume with
// ReadWriteMany or ReadOnlyMany, or with no access modes, may be attached
// to several nodes; ReadWriteOnce and ReadWriteOncePod may not.
func multiAttachable(pv *api.PersistentVolume) bool {
	if len(pv.Spec.AccessModes) == 0 {
		return true
	}
	for _, m := range pv.Spec.AccessModes {
		if m == "ReadWriteMany" || m == "ReadOnlyMany" {
			return true
		}
	}
	return false
}

// attachedElsewhere is a pod on another node that holds the claim's
// volume attached: it got past volume setup (it has an IP) and is neither
// gone nor terminated, so the attach/detach controller keeps the volume on
// its node (DetermineVolumeAction).
func attachedElsewhere(tx *store.Txn, cl *api.PersistentVolumeClaim, p *api.Pod) *api.Pod {
	for _, o := range tx.PodsUsingClaim(cl.Key()) {
		if o.UID != p.UID && o.Spec.NodeName != "" && o.Spec.NodeName != p.Spec.NodeName && o.Status.PodIP != "" && !o.IsTerminal() {
			return o
		}
	}
	return nil
}

// allocateIP gives the next address of the node's pod CIDR 10.244.N.0/24.
func (c *Controller) allocateIP(node string) string {
	n := c.nodeNum[node]
	c.nextIP[node]++
	host := (c.nextIP[node]-1)%253 + 2 // .1 is the gateway; addresses are reused, as IPAM does
	return fmt.Sprintf("10.%d.%d.%d", 244+n/256, n%256, host)
}

// Disk names the disk behind a pod's volume.
func Disk(tx *store.Txn, p *api.Pod, volume string) (string, error) {
	for _, v := range p.Spec.Volumes {
		if v.Name != volume {
			continue
		}
		switch {
		case v.PersistentVolumeClaim != nil:
			cl := tx.Claim(p.Namespace + "/" + v.PersistentVolumeClaim.ClaimName)
			if cl == nil || cl.Spec.VolumeName == "" {
				return "", fmt.Errorf("pod %s: claim %s is not bound", p.Name, v.PersistentVolumeClaim.ClaimName)
			}
			return disks.ForVolume(cl.Spec.VolumeName), nil
		case v.EmptyDir != nil:
			return disks.ForEmptyDir(p.UID, v.Name), nil
		}
		return "", fmt.Errorf("pod %s: volume %s is not a claim or an emptyDir", p.Name, volume)
	}
	var names []string
	for _, v := range p.Spec.Volumes {
		names = append(names, v.Name)
	}
	return "", fmt.Errorf("pod %s has no volume %q (it has: %s)", p.Name, volume, strings.Join(names, ", "))
}

// Write is the application in pod p writing key=value to a volume. The
// containers must be running.
func (c *Controller) Write(tx *store.Txn, p *api.Pod, volume, key, value string, now time.Duration) (string, error) {
	if p.Status.Phase != api.PodRunning {
		return "", fmt.Errorf("pod %s is not running (phase %s)", p.Name, p.Status.Phase)
	}
	d, err := Disk(tx, p, volume)
	if err != nil {
		return "", err
	}
	c.disks.Write(d, key, disks.Record{Value: value, Writer: p.Name, Time: now})
	return d, nil
}

// Read is the application in pod p reading key from a volume.
func (c *Controller) Read(tx *store.Txn, p *api.Pod, volume, key string) (string, disks.Record, bool, error) {
	if p.Status.Phase != api.PodRunning {
		return "", disks.Record{}, false, fmt.Errorf("pod %s is not running (phase %s)", p.Name, p.Status.Phase)
	}
	d, err := Disk(tx, p, volume)
	if err != nil {
		return "", disks.Record{}, false, err
	}
	r, ok := c.disks.Read(d, key)
	return d, r, ok, nil
}
