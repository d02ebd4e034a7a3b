package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
)

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestValidatePersistentVolume follows ValidatePersistentVolume and
// ValidatePersistentVolumeSpec (pkg/apis/core/validation/validation.go):
// access modes, a storage capacity, a known reclaim policy, exactly one
// volume source, node affinity for a local volume and valid node selector
// terms; a volume defaults to Retain (docs/rules.md API-12, API-14;
// deployment-storage-dns.md S3, S4).
func TestValidatePersistentVolume(t *testing.T) {
	ok := func() *api.PersistentVolume {
		return &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: "pv-1"}, Spec: api.PersistentVolumeSpec{
			Capacity: map[string]string{"storage": "1Gi"}, AccessModes: []string{api.ReadWriteOnce},
			CSI: &api.CSIPersistentVolumeSource{Driver: "d", VolumeHandle: "h"}}}
	}
	for _, tc := range []struct {
		name string
		edit func(*api.PersistentVolume)
		want string
	}{
		{"valid", func(*api.PersistentVolume) {}, ""},
		{"no capacity", func(v *api.PersistentVolume) { v.Spec.Capacity = nil },
			`PersistentVolume "pv-1" is invalid: [spec.capacity: Required value, spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"]`},
		{"no access modes", func(v *api.PersistentVolume) { v.Spec.AccessModes = nil },
			`PersistentVolume "pv-1" is invalid: spec.accessModes: Required value`},
		{"ReadWriteOncePod with another mode", func(v *api.PersistentVolume) { v.Spec.AccessModes = []string{api.ReadWriteOncePod, api.ReadWriteOnce} },
			`PersistentVolume "pv-1" is invalid: spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes`},
		{"no volume type", func(v *api.PersistentVolume) { v.Spec.CSI = nil },
			`PersistentVolume "pv-1" is invalid: spec: Required value: must specify a volume type`},
		{"two volume types", func(v *api.PersistentVolume) { v.Spec.NFS = &api.NFSVolumeSource{Server: "s", Path: "/"} },
			`PersistentVolume "pv-1" is invalid: spec.csi: Forbidden: may not specify more than 1 volume type`},
		{"local without node affinity", func(v *api.PersistentVolume) {
			v.Spec.CSI = nil
			v.Spec.Local = &api.LocalVolumeSource{Path: "/mnt"}
		}, `PersistentVolume "pv-1" is invalid: spec.nodeAffinity: Required value: Local volume requires node affinity`},
		{"unknown reclaim policy", func(v *api.PersistentVolume) { v.Spec.PersistentVolumeReclaimPolicy = "Keep" },
			`PersistentVolume "pv-1" is invalid: spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"`},
		{"node affinity without terms", func(v *api.PersistentVolume) {
			v.Spec.NodeAffinity = &api.VolumeNodeAffinity{Required: &api.NodeSelector{}}
		}, `PersistentVolume "pv-1" is invalid: spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := ok()
			tc.edit(v)
			api.SetDefaultsPersistentVolume(v)
			assert.Equal(t, tc.want, errString(api.ValidatePersistentVolume(v)))
		})
	}
	v := ok()
	api.SetDefaultsPersistentVolume(v)
	assert.Equal(t, api.RetainPolicy, v.Spec.PersistentVolumeReclaimPolicy, "SetDefaults_PersistentVolume: Retain")
	assert.Equal(t, api.VolumePending, v.Status.Phase, "Pending until the PV controller's first sync")
}

// TestStorageClassDefaultsAndValidation follows SetDefaults_StorageClass
// (pkg/apis/storage/v1/defaults.go) and ValidateStorageClass
// (pkg/apis/storage/validation/validation.go): reclaim policy Delete and
// binding mode Immediate by default; only Delete and Retain, and only
// Immediate and WaitForFirstConsumer, are accepted (deployment-storage-dns.md
// S2, S4; proposed rule S13).
func TestStorageClassDefaultsAndValidation(t *testing.T) {
	sc := &api.StorageClass{ObjectMeta: api.ObjectMeta{Name: "fast"}, Provisioner: "d"}
	api.SetDefaultsStorageClass(sc)
	assert.Equal(t, api.DeletePolicy, *sc.ReclaimPolicy)
	assert.Equal(t, api.BindingImmediate, *sc.VolumeBindingMode)
	assert.NoError(t, api.ValidateStorageClass(sc))
	recycle, later := api.RecyclePolicy, "Later"
	bad := &api.StorageClass{ObjectMeta: api.ObjectMeta{Name: "fast"}, ReclaimPolicy: &recycle, VolumeBindingMode: &later}
	assert.EqualError(t, api.ValidateStorageClass(bad), `StorageClass.storage.k8s.io "fast" is invalid: [provisioner: Required value, `+
		`reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain", `+
		`volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"]`)
}

// TestNodeSelectorMatches follows MatchNodeSelectorTerms
// (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): terms are
// ORed, requirements ANDed; an empty term matches nothing. A volume's node
// affinity is matched this way (deployment-storage-dns.md S3).
func TestNodeSelectorMatches(t *testing.T) {
	n := &api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1", Labels: map[string]string{api.LabelZone: "zone-a", "disks": "4"}}}
	req := func(k, op string, vals ...string) api.NodeSelectorRequirement {
		return api.NodeSelectorRequirement{Key: k, Operator: op, Values: vals}
	}
	for _, tc := range []struct {
		terms []api.NodeSelectorTerm
		want  bool
	}{
		{[]api.NodeSelectorTerm{{MatchExpressions: []api.NodeSelectorRequirement{req(api.LabelZone, "In", "zone-a")}}}, true},
		{[]api.NodeSelectorTerm{{MatchExpressions: []api.NodeSelectorRequirement{req(api.LabelZone, "In", "zone-b")}}}, false},
		{[]api.NodeSelectorTerm{{MatchExpressions: []api.NodeSelectorRequirement{req(api.LabelZone, "In", "zone-b")}},
			{MatchFields: []api.NodeSelectorRequirement{req("metadata.name", "In", "node-1")}}}, true},
		{[]api.NodeSelectorTerm{{MatchExpressions: []api.NodeSelectorRequirement{req("disks", "Gt", "3"), req("gpu", "DoesNotExist")}}}, true},
		{[]api.NodeSelectorTerm{{MatchExpressions: []api.NodeSelectorRequirement{req("disks", "Lt", "3")}}}, false},
		{[]api.NodeSelectorTerm{{}}, false},
		{nil, false},
	} {
		assert.Equal(t, tc.want, (&api.NodeSelector{NodeSelectorTerms: tc.terms}).Matches(n), "%+v", tc.terms)
	}
}

// TestVolumeZone: a volume's zone is its zone label, else the one zone its
// node affinity requires (deployment-storage-dns.md S3).
func TestVolumeZone(t *testing.T) {
	v := &api.PersistentVolume{Spec: api.PersistentVolumeSpec{NodeAffinity: &api.VolumeNodeAffinity{Required: &api.NodeSelector{
		NodeSelectorTerms: []api.NodeSelectorTerm{{MatchExpressions: []api.NodeSelectorRequirement{{Key: api.LabelZone, Operator: "In", Values: []string{"zone-b"}}}}}}}}}
	assert.Equal(t, "zone-b", v.Zone())
	v.Labels = map[string]string{api.LabelZone: "zone-a"}
	assert.Equal(t, "zone-a", v.Zone())
	assert.Equal(t, "", (&api.PersistentVolume{}).Zone())
}
