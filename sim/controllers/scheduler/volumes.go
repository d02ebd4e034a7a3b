package scheduler

import (
	"stsim/sim/api"
	"stsim/sim/controllers/volume"
	"stsim/sim/store"
)

// Volume filter reasons, as the VolumeRestrictions and VolumeBinding
// plugins word them.
const (
	reasonReadWriteOncePod = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"
	reasonNodeConflict     = "node(s) had volume node affinity conflict"
	reasonBindConflict     = "node(s) didn't find available persistent volumes to bind"
	reasonPVNotExist       = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
)

// volumeFilter runs the volume filters on node n for pod p once the other
// filters passed (prev has no reason); otherwise it returns prev. The
// filters run in the default profile's order:
//
//   - VolumeRestrictions (satisfyReadWriteOncePod): a ReadWriteOncePod
//     claim that a pod already bound to a node uses makes every node
//     unfit (Unschedulable: preemption could free it);
//   - VolumeBinding (FindPodVolumes in
//     pkg/scheduler/framework/plugins/volumebinding/binder.go): a bound
//     claim's volume must exist and its node affinity match the node (a
//     zonal volume pins the pod to its zone, a local volume to its node);
//     a WaitForFirstConsumer claim not bound yet needs a static volume
//     that matches it on this node (FindMatchingVolume with the node), or
//     a class that can provision (not kubernetes.io/no-provisioner).
//
// A claim that is missing, or an Immediate claim not bound yet, does not
// hold the pod back here: the kubelet waits for it (upstream's PreFilter
// would keep the pod Pending and retry on claim and volume events, which
// this scheduler does not watch).
func volumeFilter(tx *store.Txn, p *api.Pod, n *api.Node, prev verdict) verdict {
	if len(prev.reasons) > 0 {
		return prev
	}
	for _, name := range p.ClaimNames() {
		cl := tx.Claim(p.Namespace + "/" + name)
		if cl == nil || !api.HasAccessMode(cl.Spec.AccessModes, api.ReadWriteOncePod) {
			continue
		}
		for _, o := range tx.PodsUsingClaim(cl.Key()) {
			if o.UID != p.UID && o.Spec.NodeName != "" && !o.IsTerminal() {
				return verdict{reasons: []string{reasonReadWriteOncePod}}
			}
		}
	}
	var volumes []*api.PersistentVolume
	excluded := map[string]bool{}
	for _, v := range p.Spec.Volumes {
		if p.ClaimOf(v) == "" {
			continue
		}
		cl, _ := volume.BoundVolume(tx, p, v)
		switch {
		case cl == nil:
			continue
		case cl.Bound():
			pv := tx.Volume(cl.Spec.VolumeName)
			if pv == nil {
				return verdict{reasons: []string{reasonPVNotExist}, unresolved: true}
			}
			if !volume.CheckNodeAffinity(pv, n) {
				return verdict{reasons: []string{reasonNodeConflict}, unresolved: true}
			}
			continue
		}
		class := tx.StorageClass(cl.ClassName())
		if class == nil || !class.WaitForFirstConsumer() || cl.Spec.VolumeName != "" {
			continue
		}
		if volumes == nil {
			volumes = tx.Volumes()
		}
		if pv := volume.FindMatchingVolume(cl, volumes, n, excluded, true); pv != nil {
			excluded[pv.Name] = true
			continue
		}
		if class.Provisioner == api.NoProvisioner {
			return verdict{reasons: []string{reasonBindConflict}, unresolved: true}
		}
	}
	return verdict{}
}
