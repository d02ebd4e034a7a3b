// Package volume is the persistent volume controller, the dynamic
// provisioner and pvc-protection in one: it binds each claim to a volume
// (a matching pre-provisioned one, else a new one provisioned from the
// claim's StorageClass, at once for Immediate binding or once a pod using
// the claim is scheduled for WaitForFirstConsumer), removes the
// pvc-protection finalizer of a deleted claim once no scheduled pod uses it,
// and reclaims a volume whose claim is gone (Delete wipes the disk, Retain
// leaves it Released).
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

// Binding modes and the default StorageClass annotation.
const (
	BindingImmediate            = "Immediate"
	BindingWaitForFirstConsumer = "WaitForFirstConsumer"
	SelectedNodeAnnotation      = "volume.kubernetes.io/selected-node"
)

// Controller binds, provisions, protects and reclaims volumes.
type Controller struct {
	disks *disks.Disks
}

// New returns the controller; reclaimed disks are wiped in d.
func New(d *disks.Disks) *Controller { return &Controller{disks: d} }

// Name implements sim.Controller.
func (*Controller) Name() string { return "persistentvolume-controller" }

// Keys are "claim:<ns>/<name>" and "volume:<name>".
func (*Controller) Keys(_ *store.Txn, c store.Change) []string {
	switch c.Kind {
	case api.KindPersistentVolumeClaim:
		k := []string{"claim:" + c.Object().Meta().Key()}
		if c.New == nil {
			if v := c.Old.(*api.PersistentVolumeClaim).Spec.VolumeName; v != "" {
				k = append(k, "volume:"+v)
			}
		}
		return k
	case api.KindPersistentVolume:
		return []string{"volume:" + c.Object().Meta().Name}
	case api.KindPod:
		// Only binding to a node and removal change what a claim waits for
		// (its first consumer, or the last pod that protects it).
		if c.New != nil && c.Old != nil && c.New.(*api.Pod).Spec.NodeName == c.Old.(*api.Pod).Spec.NodeName {
			return nil
		}
		p := c.Object().(*api.Pod)
		keys := make([]string, 0, len(p.Spec.Volumes))
		for _, n := range p.ClaimNames() {
			keys = append(keys, "claim:"+p.Namespace+"/"+n)
		}
		return keys
	}
	return nil
}

// Reconcile handles one claim or volume.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	if name, ok := strings.CutPrefix(key, "volume:"); ok {
		return c.reclaim(ctx, name)
	}
	cl := ctx.Txn().Claim(strings.TrimPrefix(key, "claim:"))
	if cl == nil {
		return nil
	}
	if cl.Terminating() {
		return c.releaseProtection(ctx, cl)
	}
	if cl.Status.Phase == api.ClaimBound {
		return nil
	}
	return c.bind(ctx, cl)
}

// usedByScheduledPod is podUsesPVC: a pod bound to a node names the claim.
func usedByScheduledPod(tx *store.Txn, cl *api.PersistentVolumeClaim) *api.Pod {
	for _, p := range tx.PodsUsingClaim(cl.Key()) {
		if p.Spec.NodeName != "" {
			return p
		}
	}
	return nil
}

// releaseProtection removes the pvc-protection finalizer of a deleted
// claim once no scheduled pod uses it; the claim then goes.
func (c *Controller) releaseProtection(ctx *sim.Context, cl *api.PersistentVolumeClaim) error {
	if usedByScheduledPod(ctx.Txn(), cl) != nil || !slices.Contains(cl.Finalizers, apiserver.PVCProtectionFinalizer) {
		return nil
	}
	n := cl.DeepCopy()
	n.Finalizers = slices.DeleteFunc(n.Finalizers, func(f string) bool { return f == apiserver.PVCProtectionFinalizer })
	return ctx.Update(n)
}

// storageClass is the claim's class, or the default class when unset.
func storageClass(tx *store.Txn, cl *api.PersistentVolumeClaim) *api.StorageClass {
	if cl.Spec.StorageClassName != nil {
		if *cl.Spec.StorageClassName == "" {
			return nil
		}
		return tx.StorageClass(*cl.Spec.StorageClassName)
	}
	for _, sc := range tx.StorageClasses() {
		if sc.IsDefault() {
			return sc
		}
	}
	return nil
}

// bind binds a pending claim to a matching available volume, or provisions one.
func (c *Controller) bind(ctx *sim.Context, cl *api.PersistentVolumeClaim) error {
	tx := ctx.Txn()
	className := ""
	if cl.Spec.StorageClassName != nil {
		className = *cl.Spec.StorageClassName
	}
	class := storageClass(tx, cl)
	if class != nil {
		className = class.Name
	}
	var pv *api.PersistentVolume
	for _, v := range tx.VolumesInPhase(api.VolumeAvailable) {
		if v.Spec.StorageClassName != className {
			continue
		}
		if cl.Spec.VolumeName != "" && v.Name != cl.Spec.VolumeName {
			continue
		}
		if v.Spec.ClaimRef != nil && v.Spec.ClaimRef.Name != cl.Name {
			continue
		}
		pv = v
		break
	}
	if pv == nil {
		if class == nil || cl.Spec.VolumeName != "" {
			return nil // stays Pending: nothing matches and nothing provisions
		}
		var err error
		if pv, err = c.provision(ctx, cl, class); pv == nil || err != nil {
			return err
		}
	}
	nv := pv.DeepCopy()
	nv.Spec.ClaimRef = &api.ObjectReference{Kind: api.KindPersistentVolumeClaim, Namespace: cl.Namespace, Name: cl.Name, UID: cl.UID}
	nv.Status.Phase = api.VolumeBound
	if err := ctx.Update(nv); err != nil {
		return err
	}
	nc := cl.DeepCopy()
	nc.Spec.VolumeName = pv.Name
	nc.Status.Phase = api.ClaimBound
	return ctx.Update(nc)
}

// provision creates the volume "pvc-<claim uid>" for a claim, in the zone
// of the selected node for WaitForFirstConsumer; it returns nil while the
// claim waits for its first consumer.
func (c *Controller) provision(ctx *sim.Context, cl *api.PersistentVolumeClaim, class *api.StorageClass) (*api.PersistentVolume, error) {
	tx := ctx.Txn()
	zone := ""
	if class.VolumeBindingMode != nil && *class.VolumeBindingMode == BindingWaitForFirstConsumer {
		p := usedByScheduledPod(tx, cl)
		if p == nil {
			if cl.Status.Phase == "" {
				n := cl.DeepCopy()
				n.Status.Phase = api.ClaimPending
				ctx.Event(cl, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding")
				return nil, ctx.Update(n)
			}
			return nil, nil
		}
		if node := tx.Node(p.Spec.NodeName); node != nil {
			zone = node.Labels[api.LabelZone]
		}
	}
	reclaim := api.DeletePolicy
	if class.ReclaimPolicy != nil {
		reclaim = *class.ReclaimPolicy
	}
	pv := &api.PersistentVolume{
		TypeMeta:   api.TypeMeta{APIVersion: "v1", Kind: api.KindPersistentVolume},
		ObjectMeta: api.ObjectMeta{Name: "pvc-" + cl.UID, Annotations: map[string]string{"pv.kubernetes.io/provisioned-by": class.Provisioner}},
		Spec: api.PersistentVolumeSpec{
			Capacity:                      map[string]string{"storage": cl.Spec.Resources.Requests["storage"]},
			AccessModes:                   slices.Clone(cl.Spec.AccessModes),
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              class.Name,
			ClaimRef:                      &api.ObjectReference{Kind: api.KindPersistentVolumeClaim, Namespace: cl.Namespace, Name: cl.Name, UID: cl.UID},
		},
		Status: api.PersistentVolumeStatus{Phase: api.VolumeAvailable},
	}
	if zone != "" {
		pv.Labels = map[string]string{api.LabelZone: zone}
	}
	if err := ctx.Create(pv); err != nil {
		return nil, err
	}
	ctx.Event(cl, "Normal", "ProvisioningSucceeded", "Successfully provisioned volume %s", pv.Name)
	return pv, nil
}

// reclaim handles a volume whose claim is gone: Delete removes it and wipes
// its disk, Retain marks it Released.
func (c *Controller) reclaim(ctx *sim.Context, name string) error {
	tx := ctx.Txn()
	pv := tx.Volume(name)
	if pv == nil || pv.Spec.ClaimRef == nil || pv.Status.Phase == api.VolumeReleased {
		return nil
	}
	ref := pv.Spec.ClaimRef
	if cl := tx.Claim(ref.Namespace + "/" + ref.Name); cl != nil && cl.UID == ref.UID {
		return nil
	}
	if pv.Spec.PersistentVolumeReclaimPolicy == api.DeletePolicy {
		c.disks.Delete(disks.ForVolume(pv.Name))
		ctx.Remove(pv)
		ctx.Event(pv, "Normal", "VolumeDelete", "volume %s deleted: its claim %s is gone (reclaim policy Delete)", pv.Name, ref.Name)
		return nil
	}
	n := pv.DeepCopy()
	n.Status.Phase = api.VolumeReleased
	ctx.Event(pv, "Normal", "VolumeReleased", "%s", fmt.Sprintf("volume %s released: its claim %s is gone (reclaim policy %s)", pv.Name, ref.Name, pv.Spec.PersistentVolumeReclaimPolicy))
	return ctx.Update(n)
}
