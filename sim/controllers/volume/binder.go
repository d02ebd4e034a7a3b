package volume

import (
	"fmt"
	"hash/fnv"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"stsim/sim/api"
	"stsim/sim/store"
)

// This file holds the pure decisions the PV controller, the scheduler, the
// attach/detach controller and the kubelet share: which volume a claim
// matches, where a provisioned volume goes, whether a volume may be
// attached to several nodes, and whether a pod still uses its volumes.

// quantity is a storage quantity as a number, 0 when it does not parse
// (validation rejects such claims and volumes).
func quantity(s string) *big.Rat {
	q, err := api.ParseQuantity(s)
	if err != nil {
		return new(big.Rat)
	}
	return q
}

// capacity is the volume's storage capacity, request the claim's request.
func capacity(v *api.PersistentVolume) *big.Rat { return quantity(v.Spec.Capacity["storage"]) }

func request(c *api.PersistentVolumeClaim) *big.Rat {
	return quantity(c.Spec.Resources.Requests["storage"])
}

// volumeMode is a spec's volumeMode, Filesystem when unset
// (CheckVolumeModeMismatches defaults a nil mode to Filesystem).
func volumeMode(m string) string {
	if m == "" {
		return "Filesystem"
	}
	return m
}

// CheckAccessModes is storagehelpers.CheckAccessModes: the volume offers
// every access mode the claim asks for.
func CheckAccessModes(c *api.PersistentVolumeClaim, v *api.PersistentVolume) bool {
	for _, m := range c.Spec.AccessModes {
		if !api.HasAccessMode(v.Spec.AccessModes, m) {
			return false
		}
	}
	return true
}

// CheckNodeAffinity is volumeutil.CheckNodeAffinity: a volume without node
// affinity fits every node; otherwise its required terms must match.
func CheckNodeAffinity(v *api.PersistentVolume, n *api.Node) bool {
	if v.Spec.NodeAffinity == nil || v.Spec.NodeAffinity.Required == nil {
		return true
	}
	return v.Spec.NodeAffinity.Required.Matches(n)
}

// FindMatchingVolume is the PV controller's findBestMatchForClaim
// (persistentVolumeOrderedIndex.findByClaim in
// pkg/controller/volume/persistentvolume/index.go) and, with a node, the
// scheduler's FindMatchingVolume
// (k8s.io/component-helpers/storage/volume/pv_helpers.go):
//
//   - a volume pre-bound to the claim (claimRef naming it) wins if it is big
//     enough and, on the scheduler path, fits the node;
//   - otherwise, unless binding is delayed and no node is given, the
//     smallest Available volume that is big enough, unclaimed, of the
//     claim's class and volumeMode, matched by the claim's selector, not
//     being deleted, fitting the node (scheduler path);
//   - access modes: the volumes are searched in groups of equal access
//     modes that contain every mode the claim asks for, groups with fewer
//     modes first (allPossibleMatchingAccessModes), so a ReadWriteOnce claim
//     prefers a ReadWriteOnce volume to a bigger set of modes.
//
// volumes must be in name order (store.VolumesForClaim: the others are
// bound to other claims and never match); excluded names volumes already
// chosen for another claim of the same pod.
func FindMatchingVolume(c *api.PersistentVolumeClaim, volumes []*api.PersistentVolume, node *api.Node, excluded map[string]bool, delayBinding bool) *api.PersistentVolume {
	groups := map[string][]*api.PersistentVolume{}
	var keys []string
	for _, v := range volumes {
		if !CheckAccessModes(c, v) {
			continue
		}
		modes := slices.Clone(v.Spec.AccessModes)
		slices.Sort(modes)
		modes = slices.Compact(modes)
		k := strings.Join(modes, ",")
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], v)
	}
	// Fewest modes first; upstream leaves equal sizes in index order, stsim
	// sorts them by name so no map order decides.
	slices.SortFunc(keys, func(a, b string) int {
		if na, nb := strings.Count(a, ","), strings.Count(b, ","); na != nb {
			return na - nb
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		if v := findInGroup(c, groups[k], node, excluded, delayBinding); v != nil {
			return v
		}
	}
	return nil
}

// findInGroup is findMatchingVolume over one access-mode group.
func findInGroup(c *api.PersistentVolumeClaim, volumes []*api.PersistentVolume, node *api.Node, excluded map[string]bool, delayBinding bool) *api.PersistentVolume {
	var smallest *api.PersistentVolume
	want := request(c)
	for _, v := range volumes {
		if excluded[v.Name] {
			continue
		}
		if v.Spec.ClaimRef != nil && !v.BoundTo(c) {
			continue
		}
		size := capacity(v)
		if size.Cmp(want) < 0 {
			continue
		}
		if volumeMode(c.Spec.VolumeMode) != volumeMode(v.Spec.VolumeMode) || v.DeletionTimestamp != nil {
			continue
		}
		fits := node == nil || CheckNodeAffinity(v, node)
		if v.BoundTo(c) {
			if !fits {
				return nil
			}
			return v
		}
		if node == nil && delayBinding {
			continue // the scheduler binds delayed claims
		}
		if v.Status.Phase != api.VolumeAvailable {
			continue
		}
		if c.Spec.Selector != nil && !c.Spec.Selector.Matches(v.Labels) {
			continue
		}
		if v.Spec.StorageClassName != c.ClassName() || !fits {
			continue
		}
		if smallest == nil || capacity(smallest).Cmp(size) > 0 {
			smallest = v
		}
	}
	return smallest
}

// CheckVolumeSatisfyClaim is checkVolumeSatisfyClaim in
// pkg/controller/volume/persistentvolume/pv_controller.go: why a volume the
// claim names by spec.volumeName cannot be bound to it, or nil.
func CheckVolumeSatisfyClaim(v *api.PersistentVolume, c *api.PersistentVolumeClaim) error {
	switch {
	case v.DeletionTimestamp != nil:
		return fmt.Errorf("the volume is marked for deletion %q", v.Name)
	case capacity(v).Cmp(request(c)) < 0:
		return fmt.Errorf("requested PV is too small")
	case v.Spec.StorageClassName != c.ClassName():
		return fmt.Errorf("storageClassName does not match")
	case volumeMode(c.Spec.VolumeMode) != volumeMode(v.Spec.VolumeMode):
		return fmt.Errorf("incompatible volumeMode")
	case !CheckAccessModes(c, v):
		return fmt.Errorf("incompatible accessMode")
	}
	return nil
}

// MultiAttachAllowed is IsMultiAttachAllowed (pkg/volume/util/util.go): a
// volume with no access modes, or with ReadWriteMany or ReadOnlyMany, may
// be attached to several nodes; ReadWriteOnce and ReadWriteOncePod may not.
func MultiAttachAllowed(v *api.PersistentVolume) bool {
	if len(v.Spec.AccessModes) == 0 {
		return true
	}
	return api.HasAccessMode(v.Spec.AccessModes, api.ReadWriteMany) || api.HasAccessMode(v.Spec.AccessModes, api.ReadOnlyMany)
}

// Attachable reports a volume the attach/detach controller attaches to a
// node before the kubelet may mount it: a CSI volume (a CSI driver without
// a CSIDriver object defaults to attachRequired). hostPath, local and NFS
// volumes have no attacher (FindAttachablePluginBySpec finds none).
func Attachable(v *api.PersistentVolume) bool { return v.Spec.CSI != nil }

// ReadOnlyPublish says why a CSI volume is published read-only to every
// pod, or "": csiMountMgr.SetUpAt sends the volume's first access mode to
// the driver, and ReadOnlyMany becomes MULTI_NODE_READER_ONLY, which the
// CSI spec publishes read-only; the volume's csi.readOnly does the same.
func ReadOnlyPublish(v *api.PersistentVolume) string {
	if v.Spec.CSI == nil {
		return ""
	}
	if v.Spec.CSI.ReadOnly {
		return "its PersistentVolume sets csi.readOnly"
	}
	if len(v.Spec.AccessModes) > 0 && v.Spec.AccessModes[0] == api.ReadOnlyMany {
		return "its PersistentVolume's access mode is ReadOnlyMany, published as MULTI_NODE_READER_ONLY"
	}
	return ""
}

// PodTerminated is IsPodTerminated (pkg/volume/util/util.go): Failed or
// Succeeded, or being deleted with no container running. The attach/detach
// controller detaches only the volumes of terminated or gone pods
// (DetermineVolumeAction).
func PodTerminated(p *api.Pod) bool {
	if p.IsTerminal() {
		return true
	}
	if p.DeletionTimestamp == nil {
		return false
	}
	for _, s := range p.Status.ContainerStatuses {
		if s.State.Running != nil {
			return false
		}
	}
	return true
}

// podIsShutDown is podIsShutDown in pvc_protection_controller.go: deleted
// with a zero grace period (force-deleted, or confirmed by the kubelet).
func podIsShutDown(p *api.Pod) bool {
	return p.DeletionTimestamp != nil && p.DeletionGracePeriodSeconds != nil && *p.DeletionGracePeriodSeconds == 0
}

// EphemeralClaimIsForPod is ephemeral.VolumeIsForPod: the claim of a
// pod's generic ephemeral volume must be controlled by that pod.
func EphemeralClaimIsForPod(p *api.Pod, c *api.PersistentVolumeClaim) error {
	if ref := c.ControllerRef(); ref == nil || ref.UID != p.UID {
		return fmt.Errorf("PVC %s/%s was not created for pod %s/%s (pod is not owner)", c.Namespace, c.Name, p.Namespace, p.Name)
	}
	return nil
}

// PodUsesClaim is podUsesPVC (pkg/controller/volume/pvcprotection): a pod
// bound to a node that names the claim, or whose generic ephemeral volume
// is that claim while the pod is not shut down.
func PodUsesClaim(p *api.Pod, c *api.PersistentVolumeClaim) bool {
	if p.Spec.NodeName == "" || p.Namespace != c.Namespace {
		return false
	}
	for _, v := range p.Spec.Volumes {
		switch {
		case v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == c.Name:
			return true
		case v.Ephemeral != nil && api.EphemeralClaimName(p.Name, v.Name) == c.Name && !podIsShutDown(p) && EphemeralClaimIsForPod(p, c) == nil:
			return true
		}
	}
	return false
}

// claimOfVolume is the claim a volume of the pod mounts, if it exists and
// belongs to the pod; the kubelet, the attach/detach controller and the
// scheduler see a pod's volumes through it (CreateVolumeSpec).
func claimOfVolume(tx *store.Txn, p *api.Pod, v api.Volume) *api.PersistentVolumeClaim {
	name := p.ClaimOf(v)
	if name == "" {
		return nil
	}
	c := tx.Claim(p.Namespace + "/" + name)
	if c == nil || (v.Ephemeral != nil && EphemeralClaimIsForPod(p, c) != nil) {
		return nil
	}
	return c
}

// BoundVolume is the PersistentVolume behind a pod's volume: its claim
// exists (and is the pod's, for an ephemeral volume), is Bound, and the
// volume's claimRef has the claim's UID (getPVCFromCache,
// getPVSpecFromCache in pkg/controller/volume/attachdetach/util). It is
// nil otherwise.
func BoundVolume(tx *store.Txn, p *api.Pod, v api.Volume) (*api.PersistentVolumeClaim, *api.PersistentVolume) {
	c := claimOfVolume(tx, p, v)
	if c == nil || !c.Bound() {
		return c, nil
	}
	pv := tx.Volume(c.Spec.VolumeName)
	if pv == nil || pv.Spec.ClaimRef == nil || pv.Spec.ClaimRef.UID != c.UID {
		return c, nil
	}
	return c, pv
}

// pvcNameHashAndIndexOffset is getPVCNameHashAndIndexOffset
// (pkg/volume/util/util.go and the external-provisioner's topology.go): a
// claim named <claim>-<set>-<ordinal> hashes only <set> and offsets by the
// ordinal, so a StatefulSet's volumes spread round-robin over the zones.
func pvcNameHashAndIndexOffset(name string) (hash, index uint32) {
	s := name
	if i := strings.LastIndexByte(name, '-'); i >= 0 {
		if id, err := strconv.ParseUint(name[i+1:], 10, 32); err == nil {
			index = uint32(id)
			s = name[:i]
			if j := strings.LastIndexByte(s, '-'); j >= 0 {
				s = s[j+1:]
			}
		}
	}
	h := fnv.New32()
	h.Write([]byte(s))
	return h.Sum32(), index
}

// ProvisionZone is the zone a volume is provisioned in: the selected node's
// zone for WaitForFirstConsumer; with Immediate binding (no node) the
// external-provisioner's GenerateAccessibilityRequirements sorts the zones
// of the cluster's nodes and the driver takes the first preferred one,
// shifted by the claim name's hash. "" when no node has a zone.
func ProvisionZone(tx *store.Txn, claimName string, selected *api.Node) string {
	if selected != nil {
		return selected.Labels[api.LabelZone]
	}
	var zones []string
	for _, n := range tx.Nodes() {
		if z := n.Labels[api.LabelZone]; z != "" && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	if len(zones) == 0 {
		return ""
	}
	slices.Sort(zones)
	hash, index := pvcNameHashAndIndexOffset(claimName)
	return zones[(hash+index)%uint32(len(zones))]
}
