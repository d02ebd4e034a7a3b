// Package volume holds the storage controllers of kube-controller-manager
// and the CSI sidecars, as stsim runs them:
//
//   - Controller (volume.go) is the PersistentVolume controller with the
//     external provisioner and the pvc- and pv-protection controllers: it
//     binds each claim to one volume (a matching static volume, else one
//     provisioned from the claim's StorageClass, at once for Immediate
//     binding or once a pod using the claim is scheduled for
//     WaitForFirstConsumer, in that node's zone), reports claims that stay
//     Pending, removes the pvc-protection finalizer of a deleted claim once
//     no scheduled pod uses it and the pv-protection finalizer of a deleted
//     volume once it is not Bound, and reclaims a volume whose claim is
//     gone (Delete wipes the disk, Retain leaves it Released with its data);
//   - Ephemeral (ephemeral.go) is the ephemeral volume controller: it
//     creates the claim <pod>-<volume> of each generic ephemeral volume,
//     owned by the pod, so the garbage collector deletes it with the pod;
//   - AttachDetach (attach.go) is the attach/detach controller with the
//     CSI external-attacher: it attaches a CSI volume to the nodes of the
//     pods that use it (VolumeAttachment objects), never a ReadWriteOnce or
//     ReadWriteOncePod volume to a second node, and detaches it once no pod
//     there uses it, or MaxWaitForUnmountDuration after that from a node
//     that is not Ready.
//
// binder.go holds the decisions they share with the scheduler and the
// kubelet: volume matching, provisioning topology, multi-attach.
package volume

import (
	"fmt"
	"slices"
	"strings"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/disks"
	"stsim/sim/store"
)

// Binding modes and the annotation the scheduler sets on a claim it picked
// a node for (kept for callers; the values live in package api).
const (
	BindingImmediate            = api.BindingImmediate
	BindingWaitForFirstConsumer = api.BindingWaitForFirstConsumer
	SelectedNodeAnnotation      = "volume.kubernetes.io/selected-node"
)

// Controller binds, provisions, protects and reclaims volumes.
type Controller struct {
	disks *disks.Disks
	// waiting holds the keys of unbound claims that no volume could satisfy,
	// in the order they failed. A volume turning Available or a new
	// StorageClass syncs them again, as the controller's periodic resync
	// (every 15 s upstream) would.
	waiting []string
	// reported is the last waiting event each claim (by UID) got: a claim
	// that keeps waiting for the same reason is reported once, where
	// upstream repeats the event at every resync and the event recorder
	// folds the repeats into a count.
	reported map[string]string
}

// New returns the controller; reclaimed disks are wiped in d.
func New(d *disks.Disks) *Controller { return &Controller{disks: d, reported: map[string]string{}} }

// Name implements sim.Controller.
func (*Controller) Name() string { return "persistentvolume-controller" }

// retry hands back the waiting claims to sync again.
func (c *Controller) retry() []string {
	keys := c.waiting
	c.waiting = nil
	return keys
}

// Keys are "claim:<ns>/<name>" and "volume:<name>".
func (c *Controller) Keys(tx *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindPersistentVolumeClaim:
		k := []string{"claim:" + ch.Object().Meta().Key()}
		if ch.New == nil {
			old := ch.Old.(*api.PersistentVolumeClaim)
			delete(c.reported, old.UID)
			if v := old.Spec.VolumeName; v != "" {
				k = append(k, "volume:"+v)
			}
		}
		return k
	case api.KindPersistentVolume:
		k := []string{"volume:" + ch.Object().Meta().Name}
		if ch.New == nil {
			return k
		}
		pv := ch.New.(*api.PersistentVolume)
		if r := pv.Spec.ClaimRef; r != nil {
			k = append(k, "claim:"+r.Namespace+"/"+r.Name)
		}
		if pv.Status.Phase == api.VolumeAvailable && (ch.Old == nil || ch.Old.(*api.PersistentVolume).Status.Phase != api.VolumeAvailable) {
			k = append(k, c.retry()...)
		}
		return k
	case api.KindStorageClass:
		if ch.Old == nil {
			return c.retry()
		}
	case api.KindPod:
		// Binding to a node (the scheduler's selected node), failing to be
		// scheduled, shutting down and removal change what a claim waits
		// for or what protects it; a new unscheduled pod changes nothing.
		var oldP, newP *api.Pod
		if ch.Old != nil {
			oldP = ch.Old.(*api.Pod)
		}
		if ch.New != nil {
			newP = ch.New.(*api.Pod)
		}
		switch {
		case newP == nil:
		case oldP == nil:
			if newP.Spec.NodeName == "" {
				return nil
			}
		case oldP.Spec.NodeName == newP.Spec.NodeName && podIsShutDown(oldP) == podIsShutDown(newP) &&
			(oldP.Status.Reason == newP.Status.Reason || newP.Status.Reason != "Unschedulable"):
			return nil
		}
		p := ch.Object().(*api.Pod)
		keys := make([]string, 0, len(p.Spec.Volumes))
		for _, n := range p.ClaimNames() {
			keys = append(keys, "claim:"+p.Namespace+"/"+n)
		}
		return keys
	}
	return nil
}

// Reconcile handles one claim (syncClaim) or volume (syncVolume).
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	if name, ok := strings.CutPrefix(key, "volume:"); ok {
		return c.syncVolume(ctx, name)
	}
	cl := ctx.Txn().Claim(strings.TrimPrefix(key, "claim:"))
	switch {
	case cl == nil:
		return nil
	case cl.Terminating():
		return c.releaseClaimProtection(ctx, cl)
	case cl.Annotations[api.AnnBindCompleted] != "" || cl.Status.Phase == api.ClaimBound:
		return c.syncBoundClaim(ctx, cl)
	}
	return c.syncUnboundClaim(ctx, cl)
}

// report emits a claim's waiting event once per reason and message.
func (c *Controller) report(ctx *sim.Context, cl *api.PersistentVolumeClaim, typ, reason, msg string) {
	if c.reported[cl.UID] == reason+"\x00"+msg {
		return
	}
	c.reported[cl.UID] = reason + "\x00" + msg
	ctx.Event(cl, typ, reason, "%s", msg)
}

// wait keeps an unbound claim to sync again when volumes or classes change.
func (c *Controller) wait(cl *api.PersistentVolumeClaim) {
	if k := "claim:" + cl.Key(); !slices.Contains(c.waiting, k) {
		c.waiting = append(c.waiting, k)
	}
}

// selectedNode stands for the claim's volume.kubernetes.io/selected-node
// annotation: the node of the first scheduled, not terminated pod that uses
// the claim. stsim's scheduler does not write the annotation; its volume
// filter (scheduler/volumes.go) has checked that the node can get a volume.
func selectedNode(tx *store.Txn, cl *api.PersistentVolumeClaim) *api.Node {
	for _, p := range tx.PodsUsingClaim(cl.Key()) {
		if PodUsesClaim(p, cl) && !PodTerminated(p) {
			if n := tx.Node(p.Spec.NodeName); n != nil {
				return n
			}
		}
	}
	return nil
}

// unscheduledPods is findNonScheduledPodsByPVC: the pods, not terminated,
// that use the claim and have no node. stsim names only those the
// scheduler found no node for: a pod created in the same instant as its
// claim (a StatefulSet's) is scheduled at once, and upstream's controller
// sees the new claim before its pod.
func unscheduledPods(tx *store.Txn, cl *api.PersistentVolumeClaim) []string {
	var names []string
	for _, p := range tx.PodsUsingClaim(cl.Key()) {
		if p.Spec.NodeName == "" && !PodTerminated(p) && p.Status.Reason == "Unschedulable" {
			names = append(names, p.Name)
		}
	}
	return names
}

// syncUnboundClaim is syncUnboundClaim in
// pkg/controller/volume/persistentvolume/pv_controller.go, with the
// scheduler's volume binder for WaitForFirstConsumer claims (stsim's
// scheduler leaves binding to this controller) and the external
// provisioner.
func (c *Controller) syncUnboundClaim(ctx *sim.Context, cl *api.PersistentVolumeClaim) error {
	tx := ctx.Txn()
	if cl.Spec.VolumeName != "" {
		return c.syncPreBoundClaim(ctx, cl)
	}
	class := tx.StorageClass(cl.ClassName())
	delay := class != nil && class.WaitForFirstConsumer()
	if pv := FindMatchingVolume(cl, tx.VolumesForClaim(cl.Namespace, cl.Name), nil, nil, delay); pv != nil {
		return c.bind(ctx, pv, cl)
	}
	// assignDefaultStorageClass: a claim created with no class before a
	// default class existed gets the default class now.
	if cl.Spec.StorageClassName == nil {
		if def := apiserver.DefaultStorageClass(tx); def != nil {
			n := cl.DeepCopy()
			n.Spec.StorageClassName = &def.Name
			return ctx.Update(n)
		}
	}
	switch {
	case delay:
		node := selectedNode(tx, cl)
		if node == nil {
			reason, msg := "WaitForFirstConsumer", "waiting for first consumer to be created before binding"
			if pods := unscheduledPods(tx, cl); len(pods) == 1 {
				reason, msg = "WaitForPodScheduled", fmt.Sprintf("waiting for pod %s to be scheduled", pods[0])
			} else if len(pods) > 1 {
				reason, msg = "WaitForPodScheduled", fmt.Sprintf("waiting for pods %s to be scheduled", strings.Join(pods, ","))
			}
			c.report(ctx, cl, "Normal", reason, msg)
			return nil
		}
		// The scheduler's binder: a static volume that fits the node, else
		// a volume provisioned in the node's topology.
		if pv := FindMatchingVolume(cl, tx.VolumesForClaim(cl.Namespace, cl.Name), node, nil, true); pv != nil {
			return c.bind(ctx, pv, cl)
		}
		return c.provision(ctx, cl, class, node)
	case cl.ClassName() != "":
		return c.provision(ctx, cl, class, nil)
	}
	c.report(ctx, cl, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set")
	c.wait(cl)
	return nil
}

// syncPreBoundClaim is the part of syncUnboundClaim for a claim that names
// its volume (spec.volumeName).
func (c *Controller) syncPreBoundClaim(ctx *sim.Context, cl *api.PersistentVolumeClaim) error {
	pv := ctx.Txn().Volume(cl.Spec.VolumeName)
	switch {
	case pv == nil:
		c.wait(cl) // retried when the volume appears
		return nil
	case pv.Spec.ClaimRef == nil:
		if err := CheckVolumeSatisfyClaim(pv, cl); err != nil {
			c.report(ctx, cl, "Warning", "VolumeMismatch", fmt.Sprintf("Cannot bind to requested volume %q: %s", pv.Name, err))
			return nil
		}
		return c.bind(ctx, pv, cl)
	case pv.BoundTo(cl):
		return c.bind(ctx, pv, cl)
	}
	c.report(ctx, cl, "Warning", "FailedBinding", fmt.Sprintf("volume %q already bound to a different claim.", pv.Name))
	c.wait(cl)
	return nil
}

// syncBoundClaim is syncBoundClaim in pv_controller.go: a bound claim whose
// volume is gone or bound elsewhere is Lost.
func (c *Controller) syncBoundClaim(ctx *sim.Context, cl *api.PersistentVolumeClaim) error {
	lost := func(reason, msg string) error {
		if cl.Status.Phase == api.ClaimLost {
			return nil
		}
		n := cl.DeepCopy()
		n.Status.Phase = api.ClaimLost
		if err := ctx.Update(n); err != nil {
			return err
		}
		ctx.Event(cl, "Warning", reason, "%s", msg)
		return nil
	}
	if cl.Spec.VolumeName == "" {
		return lost("ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
	}
	pv := ctx.Txn().Volume(cl.Spec.VolumeName)
	switch {
	case pv == nil:
		return lost("ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!")
	case pv.Spec.ClaimRef == nil || pv.Spec.ClaimRef.UID == cl.UID:
		return c.bind(ctx, pv, cl)
	}
	return lost("ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly")
}

// bind is bind in pv_controller.go: the volume gets the claim's reference
// (bindVolumeToClaim) and phase Bound, then the claim the volume's name,
// the bind-completed annotation (bindClaimToVolume) and phase Bound. It
// writes only what changes.
func (c *Controller) bind(ctx *sim.Context, pv *api.PersistentVolume, cl *api.PersistentVolumeClaim) error {
	r := pv.Spec.ClaimRef
	if r == nil || r.UID != cl.UID || r.Name != cl.Name || r.Namespace != cl.Namespace || pv.Status.Phase != api.VolumeBound {
		nv := pv.DeepCopy()
		if r == nil || r.UID != cl.UID || r.Name != cl.Name || r.Namespace != cl.Namespace {
			if !pv.BoundTo(cl) {
				setAnnotation(&nv.ObjectMeta, api.AnnBoundByController, "yes")
			}
			nv.Spec.ClaimRef = &api.ObjectReference{Kind: api.KindPersistentVolumeClaim, Namespace: cl.Namespace, Name: cl.Name, UID: cl.UID}
		}
		nv.Status.Phase = api.VolumeBound
		if err := ctx.Update(nv); err != nil {
			return err
		}
	}
	if cl.Spec.VolumeName == pv.Name && cl.Status.Phase == api.ClaimBound && cl.Annotations[api.AnnBindCompleted] != "" {
		return nil
	}
	nc := cl.DeepCopy()
	if nc.Spec.VolumeName == "" {
		setAnnotation(&nc.ObjectMeta, api.AnnBoundByController, "yes")
	}
	nc.Spec.VolumeName = pv.Name
	setAnnotation(&nc.ObjectMeta, api.AnnBindCompleted, "yes")
	nc.Status.Phase = api.ClaimBound
	delete(c.reported, cl.UID)
	return ctx.Update(nc)
}

func setAnnotation(m *api.ObjectMeta, k, v string) {
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[k] = v
}

// provision is provisionClaim with the external provisioner: the class
// must exist and name a provisioner (kubernetes.io/no-provisioner
// provisions nothing); the volume "pvc-<claim uid>" is a CSI volume of the
// class's provisioner with the claim's size, access modes and volume mode,
// the class's reclaim policy, and node affinity to the zone it is
// provisioned in (the selected node's for WaitForFirstConsumer, see
// ProvisionZone for Immediate). It is created pre-bound to the claim and
// bound at once.
func (c *Controller) provision(ctx *sim.Context, cl *api.PersistentVolumeClaim, class *api.StorageClass, node *api.Node) error {
	tx := ctx.Txn()
	switch {
	case class == nil:
		c.report(ctx, cl, "Warning", "ProvisioningFailed", fmt.Sprintf("storageclass.storage.k8s.io %q not found", cl.ClassName()))
		c.wait(cl)
		return nil
	case class.Provisioner == api.NoProvisioner:
		// findProvisionablePlugin: no plugin has this kubernetes.io/ name.
		c.report(ctx, cl, "Warning", "ProvisioningFailed", "no volume plugin matched name: "+api.NoProvisioner)
		c.wait(cl)
		return nil
	}
	name := "pvc-" + cl.UID
	if pv := tx.Volume(name); pv != nil {
		return c.bind(ctx, pv, cl)
	}
	reclaim := api.DeletePolicy
	if class.ReclaimPolicy != nil {
		reclaim = *class.ReclaimPolicy
	}
	pv := &api.PersistentVolume{
		TypeMeta: api.TypeMeta{APIVersion: "v1", Kind: api.KindPersistentVolume},
		ObjectMeta: api.ObjectMeta{Name: name, Annotations: map[string]string{
			api.AnnDynamicallyProvisioned: class.Provisioner,
		}},
		Spec: api.PersistentVolumeSpec{
			Capacity:                      map[string]string{"storage": cl.Spec.Resources.Requests["storage"]},
			AccessModes:                   slices.Clone(cl.Spec.AccessModes),
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              class.Name,
			VolumeMode:                    cl.Spec.VolumeMode,
			ClaimRef:                      &api.ObjectReference{Kind: api.KindPersistentVolumeClaim, Namespace: cl.Namespace, Name: cl.Name, UID: cl.UID},
			CSI:                           &api.CSIPersistentVolumeSource{Driver: class.Provisioner, VolumeHandle: name},
		},
	}
	if zone := ProvisionZone(tx, cl.Name, node); zone != "" {
		// GenerateVolumeNodeAffinity from the driver's accessible topology;
		// the zone label is what the VolumeZone filter and reports read.
		pv.Labels = map[string]string{api.LabelZone: zone}
		pv.Spec.NodeAffinity = &api.VolumeNodeAffinity{Required: &api.NodeSelector{NodeSelectorTerms: []api.NodeSelectorTerm{{
			MatchExpressions: []api.NodeSelectorRequirement{{Key: api.LabelZone, Operator: api.NodeSelectorOpIn, Values: []string{zone}}},
		}}}}
	}
	if err := ctx.Create(pv); err != nil {
		c.report(ctx, cl, "Warning", "ProvisioningFailed", fmt.Sprintf("Failed to provision volume with StorageClass %q: %v", class.Name, err))
		return nil
	}
	ctx.Event(cl, "Normal", "ProvisioningSucceeded", "Successfully provisioned volume %s", pv.Name)
	return c.bind(ctx, pv, cl)
}

// releaseClaimProtection is the pvc-protection controller
// (pkg/controller/volume/pvcprotection): the finalizer of a deleted claim
// goes once no pod uses it (PodUsesClaim), and the claim with it.
func (c *Controller) releaseClaimProtection(ctx *sim.Context, cl *api.PersistentVolumeClaim) error {
	if !slices.Contains(cl.Finalizers, apiserver.PVCProtectionFinalizer) {
		return nil
	}
	for _, p := range ctx.Txn().PodsUsingClaim(cl.Key()) {
		if PodUsesClaim(p, cl) {
			return nil
		}
	}
	n := cl.DeepCopy()
	n.Finalizers = slices.DeleteFunc(n.Finalizers, func(f string) bool { return f == apiserver.PVCProtectionFinalizer })
	return ctx.Update(n)
}

// syncVolume is syncVolume in pv_controller.go, with the pv-protection
// controller (pkg/controller/volume/pvprotection: a deleted volume keeps
// its finalizer while it is Bound).
func (c *Controller) syncVolume(ctx *sim.Context, name string) error {
	tx := ctx.Txn()
	pv := tx.Volume(name)
	if pv == nil {
		return nil
	}
	if pv.Terminating() && pv.Status.Phase != api.VolumeBound && slices.Contains(pv.Finalizers, apiserver.PVProtectionFinalizer) {
		n := pv.DeepCopy()
		n.Finalizers = slices.DeleteFunc(n.Finalizers, func(f string) bool { return f == apiserver.PVProtectionFinalizer })
		return ctx.Update(n)
	}
	ref := pv.Spec.ClaimRef
	if ref == nil || ref.UID == "" {
		// Unused, or pre-bound to a claim that its sync will bind.
		return c.setPhase(ctx, pv, api.VolumeAvailable)
	}
	cl := tx.Claim(ref.Namespace + "/" + ref.Name)
	if cl != nil && cl.UID != ref.UID {
		cl = nil // the claim was deleted and another made with its name
	}
	switch {
	case cl == nil:
		if pv.Status.Phase != api.VolumeReleased && pv.Status.Phase != api.VolumeFailed {
			if err := c.setPhase(ctx, pv, api.VolumeReleased); err != nil {
				return err
			}
			pv = ctx.Txn().Volume(name)
		}
		return c.reclaim(ctx, pv)
	case cl.Spec.VolumeName == "":
		return nil // the claim's sync finishes the binding
	case cl.Spec.VolumeName == pv.Name:
		return c.setPhase(ctx, pv, api.VolumeBound)
	case pv.Annotations[api.AnnDynamicallyProvisioned] != "" && pv.Spec.PersistentVolumeReclaimPolicy == api.DeletePolicy:
		// Provisioned for a claim that got bound elsewhere: not needed.
		if pv.Status.Phase != api.VolumeReleased {
			if err := c.setPhase(ctx, pv, api.VolumeReleased); err != nil {
				return err
			}
			pv = ctx.Txn().Volume(name)
		}
		return c.reclaim(ctx, pv)
	}
	return c.unbind(ctx, pv)
}

// setPhase writes a volume's phase if it differs (updateVolumePhase).
func (c *Controller) setPhase(ctx *sim.Context, pv *api.PersistentVolume, phase string) error {
	if pv.Status.Phase == phase {
		return nil
	}
	n := pv.DeepCopy()
	n.Status.Phase = phase
	return ctx.Update(n)
}

// unbind is unbindVolume: a binding the controller made is removed, a
// user's pre-binding loses only its UID; the volume is Available again.
func (c *Controller) unbind(ctx *sim.Context, pv *api.PersistentVolume) error {
	n := pv.DeepCopy()
	if pv.Annotations[api.AnnBoundByController] != "" {
		n.Spec.ClaimRef = nil
		delete(n.Annotations, api.AnnBoundByController)
	} else {
		n.Spec.ClaimRef.UID = ""
	}
	n.Status.Phase = api.VolumeAvailable
	return ctx.Update(n)
}

// reclaim is reclaimVolume for a Released volume:
//
//   - Retain does nothing: the volume stays Released with its data, and is
//     never bound again (its claimRef still names the old claim);
//   - Delete: the provisioner of a dynamically provisioned volume deletes
//     the disk, then the volume (deleteVolumeOperation; the pv-protection
//     finalizer goes since it is not Bound). A static CSI volume waits for
//     an external deleter that never comes (findDeletablePlugin defers to
//     one), so it stays Released; the in-tree hostPath deleter deletes
//     only under /tmp/; other static volumes have no deleter and Fail;
//   - Recycle (deprecated): hostPath and NFS volumes are wiped and made
//     Available; others have no recycler and Fail.
func (c *Controller) reclaim(ctx *sim.Context, pv *api.PersistentVolume) error {
	failed := func(reason, msg string) error {
		if pv.Status.Phase == api.VolumeFailed {
			return nil
		}
		if err := c.setPhase(ctx, pv, api.VolumeFailed); err != nil {
			return err
		}
		ctx.Event(pv, "Warning", reason, "%s", msg)
		return nil
	}
	switch pv.Spec.PersistentVolumeReclaimPolicy {
	case api.RetainPolicy:
		return nil
	case api.RecyclePolicy:
		switch {
		case pv.Spec.HostPath != nil:
			c.disks.DeleteHostPath(pv.Spec.HostPath.Path)
		case pv.Spec.NFS != nil:
			c.disks.Delete(disks.ForVolume(pv.Name))
		default:
			return failed("VolumeFailedRecycle", "No recycler plugin found for the volume!")
		}
		ctx.Event(pv, "Normal", "VolumeRecycled", "Volume recycled")
		return c.unbind(ctx, pv)
	case api.DeletePolicy:
		switch prov := pv.Annotations[api.AnnDynamicallyProvisioned]; {
		case prov != "" && !strings.HasPrefix(prov, "kubernetes.io/"):
			c.disks.Delete(disks.ForVolume(pv.Name))
		case pv.Spec.CSI != nil:
			return nil // an external deleter is asked for
		case pv.Spec.HostPath != nil && strings.HasPrefix(pv.Spec.HostPath.Path, "/tmp/") && len(pv.Spec.HostPath.Path) > len("/tmp/"):
			c.disks.DeleteHostPath(pv.Spec.HostPath.Path)
		case pv.Spec.HostPath != nil:
			return failed("VolumeFailedDelete", "host_path deleter only supports /tmp/.+ but received provided "+pv.Spec.HostPath.Path)
		default:
			return failed("VolumeFailedDelete", fmt.Sprintf("error getting deleter volume plugin for volume %q: no deletable volume plugin matched", pv.Name))
		}
		return ctx.Delete(api.KindPersistentVolume, pv.Key(), apiserver.DeleteOptions{})
	}
	return failed("VolumeUnknownReclaimPolicy", "Volume has unrecognized PersistentVolumeReclaimPolicy")
}
