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

// volumeFilter runs the volume filters on node n for the pod whose claims
// prepareVolumes looked up (vols), once the other filters passed (prev has
// no reason); otherwise it returns prev. The filters run in the default
// profile's order:
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
func volumeFilter(vols *podVolumes, n *api.Node, prev verdict) verdict {
	if len(prev.reasons) > 0 {
		return prev
	}
	if vols.readWriteOncePodInUse {
		return verdict{reasons: onlyReadWriteOncePod}
	}
	var excluded map[string]bool // volumes taken by an earlier claim of the pod
	for _, c := range vols.claims {
		switch {
		case c.bound && c.volume == nil:
			return verdict{reasons: onlyPVNotExist, unresolved: true}
		case c.bound:
			if !volume.CheckNodeAffinity(c.volume, n) {
				return verdict{reasons: onlyNodeConflict, unresolved: true}
			}
		default:
			if v := volume.FindMatchingVolume(c.claim, c.candidates, n, excluded, true); v != nil {
				if excluded == nil {
					excluded = map[string]bool{}
				}
				excluded[v.Name] = true
				continue
			}
			if c.noProvisioner {
				return verdict{reasons: onlyBindConflict, unresolved: true}
			}
		}
	}
	return verdict{}
}

// podVolumes is what the volume filters need to know of a pod, looked up
// once per scheduling attempt rather than once per node (as the plugins'
// PreFilter state is).
type podVolumes struct {
	// readWriteOncePodInUse: a ReadWriteOncePod claim of the pod is used by
	// another pod already bound to a node.
	readWriteOncePodInUse bool
	// claims are the claims the per-node check looks at, in volume order.
	claims []claimVolumes
}

// claimVolumes is one claim of the pod: bound (to volume, nil when that
// volume does not exist), or a WaitForFirstConsumer claim not bound yet,
// with the volumes it may bind and whether its class can provision.
type claimVolumes struct {
	claim         *api.PersistentVolumeClaim
	bound         bool
	volume        *api.PersistentVolume
	candidates    []*api.PersistentVolume
	noProvisioner bool
}

// prepareVolumes looks up the pod's claims and their volumes. A claim that
// is missing, or an Immediate claim not bound yet, does not hold the pod
// back (see volumeFilter) and is left out.
func prepareVolumes(tx *store.Txn, p *api.Pod) *podVolumes {
	out := &podVolumes{}
	for _, name := range p.ClaimNames() {
		cl := tx.Claim(p.Namespace + "/" + name)
		if cl == nil || !api.HasAccessMode(cl.Spec.AccessModes, api.ReadWriteOncePod) {
			continue
		}
		for _, o := range tx.PodsUsingClaim(cl.Key()) {
			if o.UID != p.UID && o.Spec.NodeName != "" && !o.IsTerminal() {
				out.readWriteOncePodInUse = true
				return out
			}
		}
	}
	for _, v := range p.Spec.Volumes {
		if p.ClaimOf(v) == "" {
			continue
		}
		cl, _ := volume.BoundVolume(tx, p, v)
		switch {
		case cl == nil:
			continue
		case cl.Bound():
			out.claims = append(out.claims, claimVolumes{claim: cl, bound: true, volume: tx.Volume(cl.Spec.VolumeName)})
			continue
		}
		class := tx.StorageClass(cl.ClassName())
		if class == nil || !class.WaitForFirstConsumer() || cl.Spec.VolumeName != "" {
			continue
		}
		out.claims = append(out.claims, claimVolumes{claim: cl, candidates: tx.VolumesForClaim(cl.Namespace, cl.Name),
			noProvisioner: class.Provisioner == api.NoProvisioner})
	}
	return out
}
