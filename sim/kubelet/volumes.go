package kubelet

import (
	"fmt"
	"slices"
	"strings"

	"stsim/sim/api"
	"stsim/sim/controllers/volume"
	"stsim/sim/disks"
	"stsim/sim/store"
)

// Mount is what one volume of a pod was when the pod was set up: the claim
// and PersistentVolume behind it, or an emptyDir or hostPath directory, the
// disk holding its data, and why it is read-only, if it is.
type Mount struct {
	// Volume is the pod's volume name.
	Volume string
	// Claim and ClaimUID name the PersistentVolumeClaim (for a generic
	// ephemeral volume, the pod's own claim <pod>-<volume>); PV the volume
	// it was bound to.
	Claim, ClaimUID, PV string
	// EmptyDir marks a scratch directory that lives as long as the pod
	// object (it is named by the pod's UID, so restarted containers find
	// it again).
	EmptyDir bool
	// Disk names the storage in package disks.
	Disk string
	// ReadOnly says why the volume is mounted read-only, or is "".
	ReadOnly string
}

// mounts resolves the pod's volumes; volumesPending said they are ready.
func mounts(tx *store.Txn, p *api.Pod) []Mount {
	var out []Mount
	for _, v := range p.Spec.Volumes {
		m := Mount{Volume: v.Name, ReadOnly: mountsReadOnly(p, v.Name)}
		switch {
		case p.ClaimOf(v) != "":
			cl, pv := volume.BoundVolume(tx, p, v)
			m.Claim, m.ClaimUID, m.PV = cl.Name, cl.UID, pv.Name
			m.Disk = diskOf(pv, p.Spec.NodeName)
			if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ReadOnly {
				m.ReadOnly = "the pod's volume sets persistentVolumeClaim.readOnly"
			} else if why := volume.ReadOnlyPublish(pv); why != "" {
				m.ReadOnly = why
			} else if pv.Spec.NFS != nil && pv.Spec.NFS.ReadOnly {
				m.ReadOnly = "its PersistentVolume sets nfs.readOnly"
			}
		case v.EmptyDir != nil:
			m.EmptyDir, m.Disk = true, disks.ForEmptyDir(p.UID, v.Name)
		case v.HostPath != nil:
			m.Disk = disks.ForHostPath(p.Spec.NodeName, v.HostPath.Path)
		default:
			continue
		}
		out = append(out, m)
	}
	return out
}

// diskOf is the disk behind a PersistentVolume mounted on node: a hostPath
// volume is a directory of that node, any other its own disk.
func diskOf(pv *api.PersistentVolume, node string) string {
	if pv.Spec.HostPath != nil {
		return disks.ForHostPath(node, pv.Spec.HostPath.Path)
	}
	return disks.ForVolume(pv.Name)
}

// mountsReadOnly says why the pod's containers see a volume read-only: at
// least one container mounts it and every one that does sets readOnly.
func mountsReadOnly(p *api.Pod, volume string) string {
	var ro []string
	for _, c := range p.Spec.Containers {
		for _, m := range c.VolumeMounts {
			if m.Name != volume {
				continue
			}
			if !m.ReadOnly {
				return ""
			}
			ro = append(ro, c.Name)
		}
	}
	if len(ro) == 0 {
		return ""
	}
	return "volumeMount readOnly: true in container " + strings.Join(slices.Compact(ro), ", ")
}

// volumesPending says why a pod's volumes are not ready (an event reason
// and message), or "" when they are: a claim is missing, not the pod's own
// (an ephemeral volume), or unbound; or its CSI volume is not attached to
// this node (WaitForAttachAndMount), a wait with no reason: the kubelet
// does not report it.
func volumesPending(tx *store.Txn, p *api.Pod) (string, string) {
	for _, v := range p.Spec.Volumes {
		name := p.ClaimOf(v)
		if name == "" {
			continue
		}
		cl, pv := volume.BoundVolume(tx, p, v)
		switch {
		case tx.Claim(p.Namespace+"/"+name) == nil:
			return "FailedMount", fmt.Sprintf("persistentvolumeclaim %q not found", name)
		case cl == nil:
			// An ephemeral volume's claim of that name is another pod's.
			return "FailedMount", fmt.Sprintf("error processing PVC %s/%s: %v", p.Namespace, name,
				volume.EphemeralClaimIsForPod(p, tx.Claim(p.Namespace+"/"+name)))
		case pv == nil:
			return "FailedMount", fmt.Sprintf("persistentvolumeclaim %q is not bound yet", name)
		case !volume.Attachable(pv):
			continue
		}
		if va := tx.VolumeAttachment(volume.AttachmentName(pv.Spec.CSI.VolumeHandle, pv.Spec.CSI.Driver, p.Spec.NodeName)); va == nil || !va.Status.Attached {
			// Not attached to this node (yet, or because it is attached to
			// another and may not be to two: the attach/detach controller
			// reports that Multi-Attach error). The kubelet waits without
			// an event; it reports FailedMount only when
			// WaitForAttachAndMount times out, after about 2 minutes.
			return "", fmt.Sprintf("volume %q is not attached to node %s", pv.Name, p.Spec.NodeName)
		}
	}
	return "", ""
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

// attachWaiters lists the Pending pods on an attachment's node that use its
// volume: a new attachment lets them mount it.
func attachWaiters(tx *store.Txn, va *api.VolumeAttachment) []string {
	pv := tx.Volume(va.Spec.PersistentVolumeName)
	if pv == nil || pv.Spec.ClaimRef == nil {
		return nil
	}
	var keys []string
	for _, o := range tx.PodsUsingClaim(pv.Spec.ClaimRef.Namespace + "/" + pv.Spec.ClaimRef.Name) {
		if o.Spec.NodeName == va.Spec.NodeName && o.Status.Phase == api.PodPending {
			keys = append(keys, o.Key())
		}
	}
	return keys
}
