package simtest

import (
	"slices"
	"testing"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/volume"
	"stsim/sim/store"
)

// checkStorage checks the storage invariants after a write that touched
// claims, volumes, attachments or pods:
//
//   - 1:1 binding: a claim is bound to at most one volume (no two volumes'
//     claimRefs hold its UID) and a volume to at most one claim (no two
//     Bound claims name it) — the PV controller's bind never binds a
//     volume or a claim twice (syncUnboundClaim, findMatchingVolume);
//   - a volume that only one node may attach (ReadWriteOnce,
//     ReadWriteOncePod: IsMultiAttachAllowed false) is attached to at most
//     one node — the attach/detach controller's multi-attach check;
//   - a pod that got past volume setup (it has an IP) and is not terminated
//     has each of its CSI volumes attached to its node (WaitForAttachAndMount).
func checkStorage(t testing.TB, e *sim.Engine, now time.Duration, changes []store.Change) {
	var volumes, claims, attachments bool
	var pods []*api.Pod
	for _, c := range changes {
		switch c.Kind {
		case api.KindPersistentVolume:
			volumes = true
		case api.KindPersistentVolumeClaim:
			claims = true
		case api.KindVolumeAttachment:
			attachments = true
		case api.KindPod:
			if p, ok := c.New.(*api.Pod); ok && p.Status.PodIP != "" {
				pods = append(pods, p)
			}
		}
	}
	if !volumes && !claims && !attachments && len(pods) == 0 {
		return
	}
	tx := e.View()
	all := tx.Volumes()
	if volumes || claims {
		byClaim := map[string]string{}
		for _, pv := range all {
			r := pv.Spec.ClaimRef
			if r == nil || r.UID == "" {
				continue
			}
			if other, ok := byClaim[r.UID]; ok {
				t.Errorf("at %v: claim %s/%s (uid %s) is bound to two volumes, %s and %s", now, r.Namespace, r.Name, r.UID, other, pv.Name)
			}
			byClaim[r.UID] = pv.Name
		}
		byVolume := map[string]string{}
		for _, cl := range tx.Claims() {
			if !cl.Bound() {
				continue
			}
			if other, ok := byVolume[cl.Spec.VolumeName]; ok {
				t.Errorf("at %v: volume %s is bound to two claims, %s and %s", now, cl.Spec.VolumeName, other, cl.Name)
			}
			byVolume[cl.Spec.VolumeName] = cl.Name
		}
	}
	if attachments || volumes {
		for _, pv := range all {
			if nodes := volume.AttachedNodes(tx, pv.Name); len(nodes) > 1 && !volume.MultiAttachAllowed(pv) {
				t.Errorf("at %v: volume %s (%v) is attached to %d nodes: %v", now, pv.Name, pv.Spec.AccessModes, len(nodes), nodes)
			}
		}
	}
	for _, p := range pods {
		if volume.PodTerminated(p) || tx.Pod(p.Key()) == nil {
			continue
		}
		for _, v := range p.Spec.Volumes {
			if _, pv := volume.BoundVolume(tx, p, v); pv != nil && volume.Attachable(pv) &&
				!slices.Contains(volume.AttachedNodes(tx, pv.Name), p.Spec.NodeName) {
				t.Errorf("at %v: pod %s runs on %s but its volume %s (%s) is attached to %v", now, p.Name, p.Spec.NodeName, v.Name, pv.Name,
					volume.AttachedNodes(tx, pv.Name))
			}
		}
	}
}
