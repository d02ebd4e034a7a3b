package kubelet

import (
	"fmt"
	"slices"

	"stsim/sim/api"
	"stsim/sim/disks"
	"stsim/sim/store"
)

// Mount is what one volume of a pod was when the pod was set up: the claim
// and PersistentVolume behind it, or an emptyDir, and the disk holding its
// data.
type Mount struct {
	// Volume is the pod's volume name.
	Volume string
	// Claim and ClaimUID name the PersistentVolumeClaim; PV the volume it
	// was bound to.
	Claim, ClaimUID, PV string
	// EmptyDir marks a scratch directory that lives as long as the pod.
	EmptyDir bool
	// Disk names the storage in package disks.
	Disk string
}

// mounts resolves the pod's volumes; volumesPending said they are ready.
func mounts(tx *store.Txn, p *api.Pod) []Mount {
	var out []Mount
	for _, v := range p.Spec.Volumes {
		switch {
		case v.PersistentVolumeClaim != nil:
			cl := tx.Claim(p.Namespace + "/" + v.PersistentVolumeClaim.ClaimName)
			out = append(out, Mount{Volume: v.Name, Claim: cl.Name, ClaimUID: cl.UID, PV: cl.Spec.VolumeName,
				Disk: disks.ForVolume(cl.Spec.VolumeName)})
		case v.EmptyDir != nil:
			out = append(out, Mount{Volume: v.Name, EmptyDir: true, Disk: disks.ForEmptyDir(p.UID, v.Name)})
		}
	}
	return out
}

// volumesPending says why a pod's volumes are not ready (an event reason
// and message), or "" when they are: a claim is missing or unbound, or its
// volume cannot be attached to this node because it is attached to another.
func volumesPending(tx *store.Txn, p *api.Pod) (string, string) {
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

// waitingOnClaims lists the other pods, bound to a node and still Pending,
// that mount a claim of p.
func waitingOnClaims(tx *store.Txn, p *api.Pod) []string {
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
