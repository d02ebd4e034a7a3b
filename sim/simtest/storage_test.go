package simtest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/simtest"
)

// recorder is a testing.TB that keeps the errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func volumeBoundTo(name string, claim *api.PersistentVolumeClaim, modes ...string) *api.PersistentVolume {
	return &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PersistentVolumeSpec{
		Capacity: map[string]string{"storage": "1Gi"}, AccessModes: modes,
		CSI:      &api.CSIPersistentVolumeSource{Driver: "d", VolumeHandle: name},
		ClaimRef: &api.ObjectReference{Namespace: claim.Namespace, Name: claim.Name, UID: claim.UID}}}
}

// TestStorageInvariants: the checks every scenario test runs catch a claim
// bound to two volumes, a volume bound to two claims, and a ReadWriteOnce
// volume attached to two nodes (docs/rules.md ENG-8;
// deployment-storage-dns.md S1, S7).
func TestStorageInvariants(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(ctx *sim.Context) error
		want  string
	}{
		{"a claim bound to two volumes", func(ctx *sim.Context) error {
			cl := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data"}, Spec: api.PersistentVolumeClaimSpec{
				AccessModes: []string{api.ReadWriteOnce}, Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}
			if err := ctx.Create(cl); err != nil {
				return err
			}
			if err := ctx.Create(volumeBoundTo("pv-1", cl, api.ReadWriteOnce)); err != nil {
				return err
			}
			return ctx.Create(volumeBoundTo("pv-2", cl, api.ReadWriteOnce))
		}, "is bound to two volumes, pv-1 and pv-2"},
		{"a volume bound to two claims", func(ctx *sim.Context) error {
			for _, n := range []string{"a", "b"} {
				cl := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: n}, Spec: api.PersistentVolumeClaimSpec{VolumeName: "pv-1",
					AccessModes: []string{api.ReadWriteOnce}, Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}},
					Status: api.PersistentVolumeClaimStatus{Phase: api.ClaimBound}}
				if err := ctx.Create(cl); err != nil {
					return err
				}
			}
			return nil
		}, "volume pv-1 is bound to two claims, a and b"},
		{"a ReadWriteOnce volume on two nodes", func(ctx *sim.Context) error {
			cl := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data"}, Spec: api.PersistentVolumeClaimSpec{
				AccessModes: []string{api.ReadWriteOnce}, Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}
			if err := ctx.Create(cl); err != nil {
				return err
			}
			if err := ctx.Create(volumeBoundTo("pv-1", cl, api.ReadWriteOnce)); err != nil {
				return err
			}
			for _, n := range []string{"node-1", "node-2"} {
				if err := ctx.Create(&api.VolumeAttachment{ObjectMeta: api.ObjectMeta{Name: "va-" + n},
					Spec:   api.VolumeAttachmentSpec{Attacher: "d", NodeName: n, PersistentVolumeName: "pv-1"},
					Status: api.VolumeAttachmentStatus{Attached: true}}); err != nil {
					return err
				}
			}
			return nil
		}, "volume pv-1 ([ReadWriteOnce]) is attached to 2 nodes: [node-1 node-2]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			e := sim.New(1)
			simtest.Check(r, e)
			require.NoError(t, e.Do(tc.write))
			require.NotEmpty(t, r.errs)
			assert.Contains(t, r.errs[len(r.errs)-1], tc.want)
		})
	}
}
