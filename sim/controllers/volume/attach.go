package volume

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

// MaxWaitForUnmountDuration is the attach/detach controller's
// maxWaitForUnmountDuration (kube-controller-manager's default): a volume
// still mounted on a node that is not Ready is force-detached this long
// after its detach was first requested.
const MaxWaitForUnmountDuration = 6 * time.Minute

// TaintNodeOutOfService is the taint an administrator puts on a node known
// to be down: its volumes are detached without waiting.
const TaintNodeOutOfService = "node.kubernetes.io/out-of-service"

// AttachDetach is the attach/detach controller
// (pkg/controller/volume/attachdetach) with the CSI external-attacher.
//
// Its desired state is, for each CSI volume, the nodes of the pods that use
// it: scheduled, with the claim bound to the volume, and not terminated
// (DetermineVolumeAction: a pod being deleted keeps its volumes while any
// container still runs, so a pod stuck Terminating on a lost node keeps
// them attached). Its actual state is the VolumeAttachment objects, which
// it creates already attached (the external-attacher's answer is immediate).
//
// Its reconciler (reconciler.go reconcile) detaches first, then attaches:
//
//   - An attachment no longer desired is detached when the node's kubelet
//     has unmounted the volume (node.status.volumesInUse): at once on a
//     healthy node, whose kubelet unmounts as soon as the pods are gone.
//     The kubelet of a node that is not Ready, or that KubeletDown marked,
//     cannot report the unmount, so the volume counts as still mounted and
//     is force-detached MaxWaitForUnmountDuration after the detach was first
//     requested, and only while the node is not Ready (forceDetach =
//     !isHealthy && timeout); the node.kubernetes.io/out-of-service taint
//     detaches at once.
//   - A desired attachment is made unless the volume cannot be attached to
//     several nodes (MultiAttachAllowed) and is attached elsewhere; the
//     kubelet of the waiting pod then reports the Multi-Attach error.
//
// Node lifecycle code (a crash, a partition, a recovery) drives it through
// the Node object (its Ready condition and taints, which wake this
// controller) and, for the kubelet's reporting, KubeletDown and KubeletUp.
type AttachDetach struct {
	// detachRequested is when each attachment (by name) was first found no
	// longer desired (actualStateOfWorld.SetDetachRequestTime).
	detachRequested map[string]time.Duration
	// kubeletDown holds the nodes whose kubelet cannot report unmounts.
	kubeletDown map[string]bool
	// added numbers the pods (by UID) in the order they were seen bound to
	// a node: the order they entered the desired state, which decides
	// which node gets a volume that only one node may attach when several
	// want it (upstream's desired state is a map; stsim takes the first).
	added map[string]int
	seq   int
	// reported holds the desired attachments ("<pv>/<node>") whose
	// Multi-Attach error was reported (MultiAttachErrorReported): once per
	// entry of the desired state, as upstream.
	reported map[string]bool
}

// NewAttachDetach returns the attach/detach controller.
func NewAttachDetach() *AttachDetach {
	return &AttachDetach{detachRequested: map[string]time.Duration{}, kubeletDown: map[string]bool{}, added: map[string]int{},
		reported: map[string]bool{}}
}

// Name implements sim.Controller.
func (*AttachDetach) Name() string { return "attachdetach-controller" }

// Keys: "attach:<pv>" for the volumes of a changed pod, claim or volume;
// "node:<name>" when a node changes (its health decides force detaches).
func (c *AttachDetach) Keys(tx *store.Txn, ch store.Change) []string {
	var keys []string
	add := func(pv string) {
		if k := "attach:" + pv; pv != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	switch ch.Kind {
	case api.KindPod:
		if p, ok := ch.New.(*api.Pod); !ok {
			delete(c.added, ch.Old.Meta().UID)
		} else if _, seen := c.added[p.UID]; !seen && p.Spec.NodeName != "" {
			c.seq++
			c.added[p.UID] = c.seq
		}
		if o, n, ok := podUpdate(ch); ok && o.Spec.NodeName == n.Spec.NodeName &&
			PodTerminated(o) == PodTerminated(n) && slices.Equal(o.ClaimNames(), n.ClaimNames()) {
			// Nothing DesiredNodes reads of the pod changed (a status
			// write of a running pod): its volumes' desired state is the
			// same.
			return nil
		}
		for _, o := range []api.Object{ch.Old, ch.New} {
			p, ok := o.(*api.Pod)
			if !ok || p.Spec.NodeName == "" {
				continue
			}
			for _, name := range p.ClaimNames() {
				if cl := tx.Claim(p.Namespace + "/" + name); cl != nil {
					add(cl.Spec.VolumeName)
				}
			}
		}
	case api.KindPersistentVolumeClaim:
		for _, o := range []api.Object{ch.Old, ch.New} {
			if cl, ok := o.(*api.PersistentVolumeClaim); ok {
				add(cl.Spec.VolumeName)
			}
		}
	case api.KindPersistentVolume:
		add(ch.Object().Meta().Name)
	case api.KindNode:
		keys = append(keys, "node:"+ch.Object().Meta().Name)
	}
	return keys
}

// podUpdate is the old and new pod of a change that updates one.
func podUpdate(ch store.Change) (old, cur *api.Pod, ok bool) {
	old, ok1 := ch.Old.(*api.Pod)
	cur, ok2 := ch.New.(*api.Pod)
	return old, cur, ok1 && ok2
}

// KubeletDown records that node's kubelet no longer reports (a crash or a
// network partition): the volumes attached there stay mounted in its last
// node.status.volumesInUse, so each is detached only
// MaxWaitForUnmountDuration after its detach was requested, once the node
// is not Ready, or at once with the out-of-service taint. Call it from a
// scheduled write (Engine.Do) or a reconcile when the node fails; it wakes
// the controller for the node.
func (c *AttachDetach) KubeletDown(ctx *sim.Context, node string) {
	c.kubeletDown[node] = true
	ctx.Wake(c, "node:"+node)
}

// KubeletUp undoes KubeletDown when the node's kubelet reports again: it
// unmounts the volumes of pods that are gone, and they are detached.
func (c *AttachDetach) KubeletUp(ctx *sim.Context, node string) {
	delete(c.kubeletDown, node)
	ctx.Wake(c, "node:"+node)
}

// Reconcile syncs one volume, or every volume attached to one node.
func (c *AttachDetach) Reconcile(ctx *sim.Context, key string) error {
	if node, ok := strings.CutPrefix(key, "node:"); ok {
		for _, va := range ctx.Txn().AttachmentsOnNode(node) {
			if err := c.sync(ctx, va.Spec.PersistentVolumeName); err != nil {
				return err
			}
		}
		return nil
	}
	return c.sync(ctx, strings.TrimPrefix(key, "attach:"))
}

// DesiredNodes is the desired state of one volume: the nodes of the pods
// that use it (scheduled to a node that exists, bound to it through their
// claim, not terminated), by name, and the pods on each node, by name. It
// is empty for a volume that is not attachable.
func DesiredNodes(tx *store.Txn, pv *api.PersistentVolume) ([]string, map[string][]*api.Pod) {
	pods := map[string][]*api.Pod{}
	if pv == nil || !Attachable(pv) || pv.Spec.ClaimRef == nil {
		return nil, pods
	}
	ref := pv.Spec.ClaimRef
	cl := tx.Claim(ref.Namespace + "/" + ref.Name)
	if cl == nil || cl.UID != ref.UID || !cl.Bound() || cl.Spec.VolumeName != pv.Name {
		return nil, pods
	}
	var nodes []string
	for _, p := range tx.PodsUsingClaim(cl.Key()) {
		if p.Spec.NodeName == "" || PodTerminated(p) || tx.Node(p.Spec.NodeName) == nil || !usesThroughVolume(p, cl) {
			continue
		}
		if _, ok := pods[p.Spec.NodeName]; !ok {
			nodes = append(nodes, p.Spec.NodeName)
		}
		pods[p.Spec.NodeName] = append(pods[p.Spec.NodeName], p)
	}
	slices.Sort(nodes)
	return nodes, pods
}

// usesThroughVolume: the pod mounts the claim by name, or it is the pod's
// own ephemeral claim.
func usesThroughVolume(p *api.Pod, cl *api.PersistentVolumeClaim) bool {
	for _, v := range p.Spec.Volumes {
		if p.ClaimOf(v) == cl.Name && (v.Ephemeral == nil || EphemeralClaimIsForPod(p, cl) == nil) {
			return true
		}
	}
	return false
}

// AttachmentName is getAttachmentName in pkg/volume/csi/csi_attacher.go:
// "csi-" and the SHA-256 of the volume handle, driver and node names.
func AttachmentName(volumeHandle, driver, node string) string {
	return fmt.Sprintf("csi-%x", sha256.Sum256([]byte(volumeHandle+driver+node)))
}

// sync reconciles one volume: detaches, then attaches.
func (c *AttachDetach) sync(ctx *sim.Context, pvName string) error {
	tx := ctx.Txn()
	pv := tx.Volume(pvName)
	desired, pods := DesiredNodes(tx, pv)
	// The node whose pod entered the desired state first comes first.
	first := func(node string) int {
		n := 0
		for _, p := range pods[node] {
			if s, ok := c.added[p.UID]; ok && (n == 0 || s < n) {
				n = s
			}
		}
		return n
	}
	slices.SortStableFunc(desired, func(a, b string) int { return first(a) - first(b) })
	now := ctx.Now()
	attached := map[string]bool{}
	for _, va := range tx.AttachmentsOfVolume(pvName) {
		node := va.Spec.NodeName
		if slices.Contains(desired, node) {
			delete(c.detachRequested, va.Name) // ResetDetachRequestTime
			attached[node] = true
			continue
		}
		req, ok := c.detachRequested[va.Name]
		if !ok {
			req = now
			c.detachRequested[va.Name] = req
		}
		// nodeIsHealthy: Ready; a deleted node is not (its volumes stay
		// mounted in its last status, and are force-detached in time).
		n := tx.Node(node)
		healthy := n != nil && n.Ready()
		mounted := c.kubeletDown[node] || !healthy
		forceDetach := !healthy && now-req >= MaxWaitForUnmountDuration
		if mounted && !forceDetach && (n == nil || !n.HasTaintKey(TaintNodeOutOfService)) {
			if !healthy {
				ctx.After(req+MaxWaitForUnmountDuration-now, "attach:"+pvName)
			}
			attached[node] = true
			continue
		}
		delete(c.detachRequested, va.Name)
		if err := ctx.Delete(api.KindVolumeAttachment, va.Key(), apiserver.DeleteOptions{}); err != nil {
			return err
		}
	}
	for k := range c.reported {
		if pvc, node, _ := strings.Cut(k, "/"); pvc == pvName && !slices.Contains(desired, node) {
			delete(c.reported, k) // the entry left the desired state
		}
	}
	for _, node := range desired {
		if attached[node] {
			delete(c.reported, pvName+"/"+node)
			continue
		}
		if !MultiAttachAllowed(pv) && len(attached) > 0 {
			if !c.reported[pvName+"/"+node] {
				c.reported[pvName+"/"+node] = true
				msg := multiAttachError(pv, node, slices.Sorted(maps.Keys(attached)), pods)
				for _, p := range pods[node] {
					ctx.Event(p, "Warning", "FailedAttachVolume", "%s", msg)
				}
			}
			continue
		}
		va := &api.VolumeAttachment{
			TypeMeta:   api.TypeMeta{APIVersion: "storage.k8s.io/v1", Kind: api.KindVolumeAttachment},
			ObjectMeta: api.ObjectMeta{Name: AttachmentName(pv.Spec.CSI.VolumeHandle, pv.Spec.CSI.Driver, node)},
			Spec:       api.VolumeAttachmentSpec{Attacher: pv.Spec.CSI.Driver, NodeName: node, PersistentVolumeName: pv.Name},
			Status:     api.VolumeAttachmentStatus{Attached: true},
		}
		if err := ctx.Create(va); err != nil {
			return err
		}
		attached[node] = true
	}
	return nil
}

// multiAttachError is reportMultiAttachError (reconciler.go) for the pods
// of one namespace: the pods of the desired state on the other nodes the
// volume is attached to, or, when none is left (a pod deleted on a node
// that has not released the volume), that it is exclusively attached.
func multiAttachError(pv *api.PersistentVolume, node string, attached []string, pods map[string][]*api.Pod) string {
	var names []string
	for _, n := range attached {
		if n == node {
			continue
		}
		for _, p := range pods[n] {
			names = append(names, p.Name)
		}
	}
	msg := "Volume is already exclusively attached to one node and can't be attached to another"
	if len(names) > 0 {
		msg = "Volume is already used by pod(s) " + strings.Join(names, ", ")
	}
	return fmt.Sprintf("Multi-Attach error for volume %q %s", pv.Name, msg)
}

// AttachedNodes lists the nodes a volume is attached to, sorted.
func AttachedNodes(tx *store.Txn, pv string) []string {
	nodes := map[string]bool{}
	for _, va := range tx.AttachmentsOfVolume(pv) {
		if va.Status.Attached {
			nodes[va.Spec.NodeName] = true
		}
	}
	return slices.Sorted(maps.Keys(nodes))
}
