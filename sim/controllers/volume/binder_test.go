package volume_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
	"stsim/sim/controllers/volume"
)

func pv(name, size string, modes ...string) *api.PersistentVolume {
	return &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: name},
		Spec: api.PersistentVolumeSpec{Capacity: map[string]string{"storage": size}, AccessModes: modes,
			CSI: &api.CSIPersistentVolumeSource{Driver: "disk.csi.test", VolumeHandle: name}},
		Status: api.PersistentVolumeStatus{Phase: api.VolumeAvailable}}
}

func claimOf(size, class string, modes ...string) *api.PersistentVolumeClaim {
	c := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data", Namespace: "default", UID: "claim-uid"},
		Spec: api.PersistentVolumeClaimSpec{AccessModes: modes, StorageClassName: &class,
			Resources: api.ResourceRequirements{Requests: map[string]string{"storage": size}}}}
	return c
}

func with(v *api.PersistentVolume, f func(*api.PersistentVolume)) *api.PersistentVolume {
	f(v)
	return v
}

// TestFindMatchingVolume pins static binding as the PV controller's
// findBestMatchForClaim and the scheduler's FindMatchingVolume do it
// (persistentVolumeOrderedIndex.findByClaim in
// pkg/controller/volume/persistentvolume/index.go; FindMatchingVolume in
// k8s.io/component-helpers/storage/volume/pv_helpers.go;
// docs/rules.md S1): capacity at least the request (the
// smallest such volume wins), every requested access mode (the group with
// the fewest modes first), the same class and volumeMode, the claim's
// selector, Available phase, no other claim, no deletion; a pre-bound
// volume wins; delayed binding binds only pre-bound volumes without a node;
// with a node, the volume's node affinity must match it.
func TestFindMatchingVolume(t *testing.T) {
	rwo := []string{api.ReadWriteOnce}
	zoneA := &api.VolumeNodeAffinity{Required: &api.NodeSelector{NodeSelectorTerms: []api.NodeSelectorTerm{{
		MatchExpressions: []api.NodeSelectorRequirement{{Key: api.LabelZone, Operator: api.NodeSelectorOpIn, Values: []string{"zone-a"}}}}}}}
	nodeB := &api.Node{ObjectMeta: api.ObjectMeta{Name: "node-b", Labels: map[string]string{api.LabelZone: "zone-b"}}}
	for _, tc := range []struct {
		name    string
		claim   *api.PersistentVolumeClaim
		volumes []*api.PersistentVolume
		node    *api.Node
		delay   bool
		want    string
	}{
		{"the smallest big enough volume", claimOf("5Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{pv("a", "1Gi", rwo...), pv("b", "10Gi", rwo...), pv("c", "5Gi", rwo...)}, nil, false, "c"},
		{"quantities compare as numbers", claimOf("1G", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{pv("a", "953Mi", rwo...), pv("b", "1Gi", rwo...)}, nil, false, "b"},
		{"too small", claimOf("2Gi", "", api.ReadWriteOnce), []*api.PersistentVolume{pv("a", "1Gi", rwo...)}, nil, false, ""},
		{"missing access mode", claimOf("1Gi", "", api.ReadWriteMany), []*api.PersistentVolume{pv("a", "1Gi", rwo...)}, nil, false, ""},
		{"fewest access modes first, even if bigger", claimOf("1Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{pv("a", "1Gi", api.ReadWriteOnce, api.ReadOnlyMany), pv("b", "5Gi", rwo...)}, nil, false, "b"},
		{"another class", claimOf("1Gi", "fast", api.ReadWriteOnce), []*api.PersistentVolume{pv("a", "1Gi", rwo...)}, nil, false, ""},
		{"same class", claimOf("1Gi", "fast", api.ReadWriteOnce),
			[]*api.PersistentVolume{with(pv("a", "1Gi", rwo...), func(v *api.PersistentVolume) { v.Spec.StorageClassName = "fast" })}, nil, false, "a"},
		{"claimed by another claim", claimOf("1Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{with(pv("a", "1Gi", rwo...), func(v *api.PersistentVolume) {
				v.Spec.ClaimRef = &api.ObjectReference{Namespace: "default", Name: "other"}
			})}, nil, false, ""},
		{"pre-bound to this claim wins over a smaller one, in any phase", claimOf("1Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{pv("a", "1Gi", rwo...), with(pv("b", "5Gi", rwo...), func(v *api.PersistentVolume) {
				v.Spec.ClaimRef = &api.ObjectReference{Namespace: "default", Name: "data"}
				v.Status.Phase = api.VolumeBound
			})}, nil, false, "b"},
		{"Released is not Available", claimOf("1Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{with(pv("a", "1Gi", rwo...), func(v *api.PersistentVolume) { v.Status.Phase = api.VolumeReleased })}, nil, false, ""},
		{"being deleted", claimOf("1Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{with(pv("a", "1Gi", rwo...), func(v *api.PersistentVolume) { d := v.CreationTimestamp; v.DeletionTimestamp = &d })}, nil, false, ""},
		{"volumeMode differs", claimOf("1Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{with(pv("a", "1Gi", rwo...), func(v *api.PersistentVolume) { v.Spec.VolumeMode = "Block" })}, nil, false, ""},
		{"selector", func() *api.PersistentVolumeClaim {
			c := claimOf("1Gi", "", api.ReadWriteOnce)
			c.Spec.Selector = &api.LabelSelector{MatchLabels: map[string]string{"tier": "gold"}}
			return c
		}(), []*api.PersistentVolume{pv("a", "1Gi", rwo...), with(pv("b", "2Gi", rwo...), func(v *api.PersistentVolume) {
			v.Labels = map[string]string{"tier": "gold"}
		})}, nil, false, "b"},
		{"delayed binding without a node binds no unbound volume", claimOf("1Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{pv("a", "1Gi", rwo...)}, nil, true, ""},
		{"with a node: node affinity must match", claimOf("1Gi", "", api.ReadWriteOnce),
			[]*api.PersistentVolume{with(pv("a", "1Gi", rwo...), func(v *api.PersistentVolume) { v.Spec.NodeAffinity = zoneA }), pv("b", "2Gi", rwo...)}, nodeB, true, "b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := volume.FindMatchingVolume(tc.claim, tc.volumes, tc.node, nil, tc.delay)
			name := ""
			if got != nil {
				name = got.Name
			}
			assert.Equal(t, tc.want, name)
		})
	}
}

// TestCheckVolumeSatisfyClaim pins checkVolumeSatisfyClaim
// (pkg/controller/volume/persistentvolume/pv_controller.go;
// docs/rules.md S1): a claim that names its volume binds to it
// only if it is big enough and of the claim's class, volumeMode and access
// modes; the reason is the VolumeMismatch event's.
func TestCheckVolumeSatisfyClaim(t *testing.T) {
	rwo := []string{api.ReadWriteOnce}
	for _, tc := range []struct {
		v    *api.PersistentVolume
		c    *api.PersistentVolumeClaim
		want string
	}{
		{pv("a", "1Gi", rwo...), claimOf("1Gi", "", api.ReadWriteOnce), ""},
		{pv("a", "1Gi", rwo...), claimOf("2Gi", "", api.ReadWriteOnce), "requested PV is too small"},
		{pv("a", "1Gi", rwo...), claimOf("1Gi", "fast", api.ReadWriteOnce), "storageClassName does not match"},
		{pv("a", "1Gi", rwo...), claimOf("1Gi", "", api.ReadWriteMany), "incompatible accessMode"},
		{with(pv("a", "1Gi", rwo...), func(v *api.PersistentVolume) { v.Spec.VolumeMode = "Block" }), claimOf("1Gi", "", api.ReadWriteOnce), "incompatible volumeMode"},
	} {
		err := volume.CheckVolumeSatisfyClaim(tc.v, tc.c)
		if tc.want == "" {
			assert.NoError(t, err)
		} else {
			assert.EqualError(t, err, tc.want)
		}
	}
}

// TestMultiAttachAllowed pins IsMultiAttachAllowed (pkg/volume/util/util.go;
// docs/rules.md S6, S7): ReadWriteMany or ReadOnlyMany among a
// volume's modes (or no modes) lets it attach to several nodes;
// ReadWriteOnce and ReadWriteOncePod do not. Only CSI volumes are attached
// at all: hostPath, local and NFS volumes have no attacher.
func TestMultiAttachAllowed(t *testing.T) {
	for _, tc := range []struct {
		modes []string
		want  bool
	}{
		{nil, true},
		{[]string{api.ReadWriteOnce}, false},
		{[]string{api.ReadWriteOncePod}, false},
		{[]string{api.ReadWriteOnce, api.ReadOnlyMany}, true},
		{[]string{api.ReadWriteMany}, true},
	} {
		assert.Equal(t, tc.want, volume.MultiAttachAllowed(pv("a", "1Gi", tc.modes...)), "%v", tc.modes)
	}
	assert.True(t, volume.Attachable(pv("a", "1Gi")))
	assert.False(t, volume.Attachable(&api.PersistentVolume{Spec: api.PersistentVolumeSpec{NFS: &api.NFSVolumeSource{Server: "s", Path: "/"}}}))
}

// TestAttachmentName pins getAttachmentName (pkg/volume/csi/csi_attacher.go):
// "csi-" and the hex SHA-256 of the volume handle, driver and node names:
// the VolumeAttachment the attach/detach controller makes for one volume
// on one node (docs/rules.md S7).
func TestAttachmentName(t *testing.T) {
	assert.Equal(t, "csi-5761072093fc6c60d29473e0dda2859d0e5020500743024883ebb89c487f7bdc",
		volume.AttachmentName("vol-1", "disk.csi.test", "node-1"))
}
