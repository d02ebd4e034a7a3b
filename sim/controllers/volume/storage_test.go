package volume_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/scheduler"
	"stsim/sim/controllers/volume"
	"stsim/sim/disks"
	"stsim/sim/kubelet"
	"stsim/sim/simtest"
)

// world is an engine with the scheduler, the storage controllers and the
// kubelet, the invariants checked after every change, and the events.
type world struct {
	t      *testing.T
	e      *sim.Engine
	d      *disks.Disks
	attach *volume.AttachDetach
	kube   *kubelet.Controller
	events []api.Event
}

// newWorld starts a cluster of nodes "name/zone" (pods capacity 10) and
// the given StorageClasses (none: the manifests bring none, so there is
// no default class).
func newWorld(t *testing.T, nodes []string, classes ...*api.StorageClass) *world {
	t.Helper()
	w := &world{t: t, e: sim.New(1), d: disks.New(), attach: volume.NewAttachDetach()}
	simtest.Check(t, w.e)
	w.e.API().WatchEvents(func(ev api.Event) { w.events = append(w.events, ev) })
	w.kube = kubelet.New(func(string) kubelet.Behavior { return kubelet.Behavior{Start: 2 * time.Second, Shutdown: time.Second} }, w.d)
	for _, c := range []sim.Controller{volume.NewEphemeral(), scheduler.New(), volume.New(w.d), w.attach, w.kube} {
		w.e.AddController(c)
	}
	w.do(func(ctx *sim.Context) error {
		for _, spec := range nodes {
			name, zone, _ := strings.Cut(spec, "/")
			n := &api.Node{ObjectMeta: api.ObjectMeta{Name: name, Labels: map[string]string{api.LabelHostname: name}},
				Status: api.NodeStatus{Capacity: api.NodeCapacity{Pods: 10}, Conditions: []api.NodeCondition{api.KubeletReady(0)}}}
			if zone != "" {
				n.Labels[api.LabelZone] = zone
			}
			if err := ctx.Create(n); err != nil {
				return err
			}
		}
		for _, c := range classes {
			if err := ctx.Create(c); err != nil {
				return err
			}
		}
		return nil
	})
	return w
}

func (w *world) do(fn func(*sim.Context) error) {
	w.t.Helper()
	require.NoError(w.t, w.e.Do(fn))
}

func (w *world) create(objs ...api.Object) {
	w.t.Helper()
	w.do(func(ctx *sim.Context) error {
		for _, o := range objs {
			if err := ctx.Create(o); err != nil {
				return err
			}
		}
		return nil
	})
}

func (w *world) run(d time.Duration) {
	w.t.Helper()
	require.NoError(w.t, w.e.RunUntil(w.e.Now()+d))
}

func (w *world) claim(name string) *api.PersistentVolumeClaim {
	return w.e.View().Claim("default/" + name)
}
func (w *world) pod(name string) *api.Pod { return w.e.View().Pod("default/" + name) }

// eventsOf lists "Reason: message" of the events on one object.
func (w *world) eventsOf(name string) []string {
	var out []string
	for _, ev := range w.events {
		if ev.Name == name {
			out = append(out, ev.Reason+": "+ev.Message)
		}
	}
	return out
}

func class(name, provisioner, mode, reclaim string, isDefault bool) *api.StorageClass {
	sc := &api.StorageClass{ObjectMeta: api.ObjectMeta{Name: name}, Provisioner: provisioner, VolumeBindingMode: &mode, ReclaimPolicy: &reclaim}
	if isDefault {
		sc.Annotations = map[string]string{api.AnnDefaultStorageClass: "true"}
	}
	return sc
}

func newClaim(name string, class *string, size string, modes ...string) *api.PersistentVolumeClaim {
	return &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PersistentVolumeClaimSpec{
		AccessModes: modes, StorageClassName: class, Resources: api.ResourceRequirements{Requests: map[string]string{"storage": size}}}}
}

func str(s string) *string { return &s }

// staticPV is a pre-provisioned CSI volume of a class.
func staticPV(name, class, size string, modes ...string) *api.PersistentVolume {
	return &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PersistentVolumeSpec{
		Capacity: map[string]string{"storage": size}, AccessModes: modes, StorageClassName: class,
		CSI: &api.CSIPersistentVolumeSource{Driver: "disk.csi.test", VolumeHandle: name}}}
}

// localPV is a local volume of one node.
func localPV(name, node, class string) *api.PersistentVolume {
	return &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PersistentVolumeSpec{
		Capacity: map[string]string{"storage": "10Gi"}, AccessModes: []string{api.ReadWriteOnce}, StorageClassName: class,
		Local: &api.LocalVolumeSource{Path: "/mnt/disk"},
		NodeAffinity: &api.VolumeNodeAffinity{Required: &api.NodeSelector{NodeSelectorTerms: []api.NodeSelectorTerm{{
			MatchExpressions: []api.NodeSelectorRequirement{{Key: api.LabelHostname, Operator: api.NodeSelectorOpIn, Values: []string{node}}}}}}}}}
}

func podWith(name, node string, volumes ...api.Volume) *api.Pod {
	p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PodSpec{Volumes: volumes,
		Containers: []api.Container{{Name: "c", Image: "app:1"}}}}
	if node != "" {
		p.Spec.NodeSelector = map[string]string{api.LabelHostname: node}
	}
	return p
}

func claimVolume(claim string) api.Volume {
	return api.Volume{Name: "data", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: claim}}
}

// TestStaticBindingIsOneToOne follows syncUnboundClaim and bind in
// pkg/controller/volume/persistentvolume/pv_controller.go
// (docs/rules.md S1): a static volume is bound to one claim,
// both ways (claimRef with the claim's UID, volumeName), and a second claim
// that no volume matches and no class provisions stays Pending with
// upstream's FailedBinding event; a volume that appears later binds it.
// The invariants check 1:1 binding after every change.
func TestStaticBindingIsOneToOne(t *testing.T) {
	w := newWorld(t, []string{"node-1"})
	w.create(staticPV("pv-1", "", "5Gi", api.ReadWriteOnce), newClaim("a", str(""), "1Gi", api.ReadWriteOnce))
	w.create(newClaim("b", str(""), "1Gi", api.ReadWriteOnce))
	tx := w.e.View()
	a, b, pv := w.claim("a"), w.claim("b"), tx.Volume("pv-1")
	assert.Equal(t, api.ClaimBound, a.Status.Phase)
	assert.Equal(t, "pv-1", a.Spec.VolumeName)
	assert.Equal(t, "yes", a.Annotations[api.AnnBindCompleted])
	assert.Equal(t, a.UID, pv.Spec.ClaimRef.UID)
	assert.Equal(t, api.VolumeBound, pv.Status.Phase)
	assert.Equal(t, api.ClaimPending, b.Status.Phase)
	assert.Empty(t, b.Spec.VolumeName)
	assert.Equal(t, []string{"FailedBinding: no persistent volumes available for this claim and no storage class is set"}, w.eventsOf("b"))

	w.create(staticPV("pv-2", "", "1Gi", api.ReadWriteOnce))
	assert.Equal(t, "pv-2", w.claim("b").Spec.VolumeName, "a new Available volume binds the waiting claim")
}

// TestPendingClaimEvents follows syncUnboundClaim, provisionClaim
// (findProvisionablePlugin) and checkVolumeSatisfyClaim in
// pkg/controller/volume/persistentvolume/pv_controller.go
// (docs/rules.md S1): a claim that nothing binds stays Pending
// with upstream's event, once.
func TestPendingClaimEvents(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup []api.Object
		claim *api.PersistentVolumeClaim
		want  []string
	}{
		{"no class and no volume", nil, newClaim("c", str(""), "1Gi", api.ReadWriteOnce),
			[]string{"FailedBinding: no persistent volumes available for this claim and no storage class is set"}},
		{"class not found", nil, newClaim("c", str("fast"), "1Gi", api.ReadWriteOnce),
			[]string{`ProvisioningFailed: storageclass.storage.k8s.io "fast" not found`}},
		{"a class that provisions nothing", []api.Object{class("local", api.NoProvisioner, api.BindingImmediate, api.RetainPolicy, false)},
			newClaim("c", str("local"), "1Gi", api.ReadWriteOnce),
			[]string{"ProvisioningFailed: no volume plugin matched name: kubernetes.io/no-provisioner"}},
		{"the named volume is too small", []api.Object{staticPV("small", "", "1Gi", api.ReadWriteOnce)},
			func() *api.PersistentVolumeClaim {
				c := newClaim("c", str(""), "2Gi", api.ReadWriteOnce)
				c.Spec.VolumeName = "small"
				return c
			}(), []string{`VolumeMismatch: Cannot bind to requested volume "small": requested PV is too small`}},
		{"the named volume does not exist", nil, func() *api.PersistentVolumeClaim {
			c := newClaim("c", str(""), "1Gi", api.ReadWriteOnce)
			c.Spec.VolumeName = "missing"
			return c
		}(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, []string{"node-1"})
			if len(tc.setup) > 0 {
				w.create(tc.setup...)
			}
			w.create(tc.claim)
			w.run(time.Minute)
			assert.Equal(t, api.ClaimPending, w.claim("c").Status.Phase)
			assert.Equal(t, tc.want, w.eventsOf("c"))
		})
	}
}

// TestClaimNamingAVolumeOfAnotherClaim follows syncUnboundClaim's pre-bound
// branch: the named volume is bound to another claim, FailedBinding
// "volume … already bound to a different claim." (docs/rules.md S1).
func TestClaimNamingAVolumeOfAnotherClaim(t *testing.T) {
	w := newWorld(t, []string{"node-1"})
	w.create(staticPV("pv-1", "", "1Gi", api.ReadWriteOnce), newClaim("a", str(""), "1Gi", api.ReadWriteOnce))
	c := newClaim("c", str(""), "1Gi", api.ReadWriteOnce)
	c.Spec.VolumeName = "pv-1"
	w.create(c)
	assert.Equal(t, api.ClaimPending, w.claim("c").Status.Phase)
	assert.Equal(t, []string{`FailedBinding: volume "pv-1" already bound to a different claim.`}, w.eventsOf("c"))
}

// TestDefaultStorageClass follows the DefaultStorageClass admission plugin
// (plugin/pkg/admission/storage/storageclass/setdefault; GetDefaultClass:
// the newest default class) and the PV controller's retroactive
// assignDefaultStorageClass (docs/rules.md S1): a claim
// without a class gets the default one when it is created, or, if none
// existed then, once one is created; it is then provisioned.
func TestDefaultStorageClass(t *testing.T) {
	w := newWorld(t, []string{"node-1/zone-a"})
	w.create(newClaim("early", nil, "1Gi", api.ReadWriteOnce))
	assert.Nil(t, w.claim("early").Spec.StorageClassName)
	assert.Equal(t, api.ClaimPending, w.claim("early").Status.Phase)

	w.create(class("old", "disk.csi.test", api.BindingImmediate, api.DeletePolicy, true))
	w.run(time.Second)
	w.create(class("new", "disk.csi.test", api.BindingImmediate, api.DeletePolicy, true))
	assert.Equal(t, "old", *w.claim("early").Spec.StorageClassName, "assigned retroactively when a default appeared")
	assert.Equal(t, api.ClaimBound, w.claim("early").Status.Phase)

	w.create(newClaim("late", nil, "1Gi", api.ReadWriteOnce))
	assert.Equal(t, "new", *w.claim("late").Spec.StorageClassName, "the newest default class")
	assert.Equal(t, api.ClaimBound, w.claim("late").Status.Phase)
	w.create(newClaim("none", str(""), "1Gi", api.ReadWriteOnce))
	assert.Equal(t, "", *w.claim("none").Spec.StorageClassName, `"" asks for no class`)
	assert.Equal(t, api.ClaimPending, w.claim("none").Status.Phase)
}

// TestProvisionZone follows the external-provisioner's
// GenerateAccessibilityRequirements and getPVCNameHashAndIndexOffset
// (docs/rules.md S2): with Immediate binding a volume goes to
// a zone of the cluster chosen from the claim's name, so a StatefulSet's
// claims <t>-<set>-<n> go round-robin over the sorted zones; with a
// selected node it goes to that node's zone.
func TestProvisionZone(t *testing.T) {
	w := newWorld(t, []string{"node-1/zone-c", "node-2/zone-a", "node-3/zone-b", "node-4/zone-a"})
	tx := w.e.View()
	var zones []string
	for _, n := range []string{"data-web-0", "data-web-1", "data-web-2", "data-web-3"} {
		zones = append(zones, volume.ProvisionZone(tx, n, nil))
	}
	assert.Equal(t, zones[0], zones[3], "three zones: the fourth ordinal is back to the first zone")
	assert.ElementsMatch(t, []string{"zone-a", "zone-b", "zone-c"}, zones[:3])
	assert.Equal(t, volume.ProvisionZone(tx, "logs-web-1", nil), zones[1], "a pod's claims share its ordinal's zone")
	assert.Equal(t, "zone-b", volume.ProvisionZone(tx, "data-web-0", tx.Node("node-3")))
}

// TestImmediateBindingIgnoresThePod follows syncUnboundClaim and the
// scheduler's VolumeBinding filter (docs/rules.md S2, S3): an
// Immediate claim is provisioned at once in a zone picked without the
// pod, whose later placement the volume's node affinity then confines to
// that zone.
func TestImmediateBindingIgnoresThePod(t *testing.T) {
	w := newWorld(t, []string{"node-1/zone-a", "node-2/zone-b"},
		class("standard", "disk.csi.test", api.BindingImmediate, api.DeletePolicy, true))
	w.create(newClaim("data-web-0", nil, "1Gi", api.ReadWriteOnce))
	cl := w.claim("data-web-0")
	require.Equal(t, api.ClaimBound, cl.Status.Phase, "bound with no pod")
	pv := w.e.View().Volume(cl.Spec.VolumeName)
	zone := pv.Zone()
	require.NotEmpty(t, zone)
	assert.Equal(t, volume.ProvisionZone(w.e.View(), "data-web-0", nil), zone)
	for i := range 4 {
		p := podWith("p"+string(rune('0'+i)), "", claimVolume("data-web-0"))
		w.create(p)
		assert.Equal(t, zone, w.e.View().Node(w.pod(p.Name).Spec.NodeName).Labels[api.LabelZone])
	}
}

// TestWaitForFirstConsumerBindsALocalVolumeOfThePodsNode follows the
// scheduler's VolumeBinding plugin (FindPodVolumes: FindMatchingVolume with
// the node; docs/rules.md S2, S3): with a
// kubernetes.io/no-provisioner class and WaitForFirstConsumer, a pod goes
// only to a node that has a matching local volume, and its claim binds to
// that volume; when no node has one the pod stays Pending.
func TestWaitForFirstConsumerBindsALocalVolumeOfThePodsNode(t *testing.T) {
	w := newWorld(t, []string{"node-1", "node-2", "node-3"},
		class("local", api.NoProvisioner, api.BindingWaitForFirstConsumer, api.RetainPolicy, false))
	w.create(localPV("local-2", "node-2", "local"), newClaim("data", str("local"), "1Gi", api.ReadWriteOnce))
	assert.Equal(t, api.ClaimPending, w.claim("data").Status.Phase, "no binding before a pod")
	w.create(podWith("app", "", claimVolume("data")))
	assert.Equal(t, "node-2", w.pod("app").Spec.NodeName, "the only node with a local volume, though node-1 comes first")
	assert.Equal(t, "local-2", w.claim("data").Spec.VolumeName)

	w.create(newClaim("more", str("local"), "1Gi", api.ReadWriteOnce), podWith("other", "", claimVolume("more")))
	assert.Empty(t, w.pod("other").Spec.NodeName)
	msgs := w.eventsOf("other")
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "FailedScheduling: 0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.")
}

// TestZonalVolumePinsThePod follows the VolumeBinding filter's node
// affinity check (FindPodVolumes, CheckNodeAffinity;
// docs/rules.md S3): a pod whose bound volume requires zone-a
// is not placed in zone-b, even when no zone-a node can take it: it stays
// Pending with "node(s) had volume node affinity conflict".
func TestZonalVolumePinsThePod(t *testing.T) {
	w := newWorld(t, []string{"node-a/zone-a", "node-b/zone-b"})
	pv := staticPV("pv-a", "", "1Gi", api.ReadWriteOnce)
	pv.Spec.NodeAffinity = &api.VolumeNodeAffinity{Required: &api.NodeSelector{NodeSelectorTerms: []api.NodeSelectorTerm{{
		MatchExpressions: []api.NodeSelectorRequirement{{Key: api.LabelZone, Operator: api.NodeSelectorOpIn, Values: []string{"zone-a"}}}}}}}
	w.create(pv, newClaim("data", str(""), "1Gi", api.ReadWriteOnce))
	w.create(podWith("first", "", claimVolume("data")))
	assert.Equal(t, "node-a", w.pod("first").Spec.NodeName)
	// The pod is replaced while its node is cordoned.
	w.do(func(ctx *sim.Context) error {
		n := ctx.Txn().Node("node-a").DeepCopy()
		n.Spec.Unschedulable = true
		if err := ctx.Update(n); err != nil {
			return err
		}
		return ctx.Delete(api.KindPod, "default/first", apiserver.DeleteOptions{GracePeriodSeconds: new(int64)})
	})
	w.create(podWith("again", "", claimVolume("data")))
	assert.Empty(t, w.pod("again").Spec.NodeName)
	msgs := w.eventsOf("again")
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "1 node(s) had volume node affinity conflict")
	assert.Equal(t, "pv-a", w.claim("data").Spec.VolumeName, "the data stays in zone-a")
}

// TestReadWriteOncePodHoldsOtherPodsBack follows the VolumeRestrictions
// plugin (satisfyReadWriteOncePod, ErrReasonReadWriteOncePodConflict in
// pkg/scheduler/framework/plugins/volumerestrictions;
// docs/rules.md S6): a ReadWriteOncePod claim in use keeps a
// second pod Unschedulable on every node, its own node included; it is
// scheduled once the first pod is gone.
func TestReadWriteOncePodHoldsOtherPodsBack(t *testing.T) {
	w := newWorld(t, []string{"node-1", "node-2"}, class("standard", "disk.csi.test", api.BindingWaitForFirstConsumer, api.DeletePolicy, true))
	w.create(newClaim("data", nil, "1Gi", api.ReadWriteOncePod), podWith("first", "", claimVolume("data")))
	w.run(5 * time.Second)
	require.Equal(t, api.PodRunning, w.pod("first").Status.Phase)
	w.create(podWith("second", "", claimVolume("data")))
	assert.Empty(t, w.pod("second").Spec.NodeName)
	msgs := w.eventsOf("second")
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode")
	w.do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPod, "default/first", apiserver.DeleteOptions{})
	})
	w.run(10 * time.Second)
	assert.NotEmpty(t, w.pod("second").Spec.NodeName, "retried once the first pod left its node")
	assert.Equal(t, api.PodRunning, w.pod("second").Status.Phase)
}

// TestPVProtection follows the StorageObjectInUseProtection admission plugin
// and the pv-protection controller (pkg/controller/volume/pvprotection:
// isBeingUsed is phase Bound; docs/rules.md S5): every volume
// gets kubernetes.io/pv-protection; a deleted volume stays, Terminating,
// while it is Bound, and goes once its claim is gone.
func TestPVProtection(t *testing.T) {
	w := newWorld(t, []string{"node-1"})
	w.create(staticPV("pv-1", "", "1Gi", api.ReadWriteOnce), newClaim("data", str(""), "1Gi", api.ReadWriteOnce))
	assert.Contains(t, w.e.View().Volume("pv-1").Finalizers, apiserver.PVProtectionFinalizer)
	w.do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPersistentVolume, "/pv-1", apiserver.DeleteOptions{})
	})
	w.run(time.Minute)
	v := w.e.View().Volume("pv-1")
	require.NotNil(t, v, "kept while Bound")
	assert.True(t, v.Terminating())
	w.do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPersistentVolumeClaim, "default/data", apiserver.DeleteOptions{})
	})
	assert.Nil(t, w.claim("data"))
	assert.Nil(t, w.e.View().Volume("pv-1"), "released, then gone")
}

// TestReclaimStaticVolumes follows reclaimVolume, findDeletablePlugin and
// recycleVolumeOperation in pv_controller.go (docs/rules.md
// S4): once its claim is gone a static volume is Released; Retain keeps it
// and its data; Delete on a CSI volume waits for an external deleter that
// never comes (no provisioned-by annotation); the in-tree hostPath deleter
// deletes only under /tmp/ and a local volume has no deleter (Failed);
// Recycle wipes a hostPath volume and makes it Available, and Fails on a
// CSI volume.
func TestReclaimStaticVolumes(t *testing.T) {
	hostPath := func(name, path, policy string) *api.PersistentVolume {
		return &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PersistentVolumeSpec{
			Capacity: map[string]string{"storage": "1Gi"}, AccessModes: []string{api.ReadWriteOnce},
			HostPath: &api.HostPathVolumeSource{Path: path}, PersistentVolumeReclaimPolicy: policy}}
	}
	withPolicy := func(v *api.PersistentVolume, p string) *api.PersistentVolume {
		v.Spec.PersistentVolumeReclaimPolicy = p
		return v
	}
	for _, tc := range []struct {
		name      string
		pv        *api.PersistentVolume
		phase     string // "" when the volume is gone
		event     string
		dataAfter bool
	}{
		{"Retain", staticPV("v", "", "1Gi", api.ReadWriteOnce), api.VolumeReleased, "", true},
		{"Delete, static CSI", withPolicy(staticPV("v", "", "1Gi", api.ReadWriteOnce), api.DeletePolicy), api.VolumeReleased, "", true},
		{"Delete, hostPath under /tmp", hostPath("v", "/tmp/data", api.DeletePolicy), "", "", false},
		{"Delete, hostPath elsewhere", hostPath("v", "/srv/data", api.DeletePolicy), api.VolumeFailed,
			"VolumeFailedDelete: host_path deleter only supports /tmp/.+ but received provided /srv/data", true},
		{"Delete, local", withPolicy(localPV("v", "node-1", ""), api.DeletePolicy), api.VolumeFailed,
			`VolumeFailedDelete: error getting deleter volume plugin for volume "v": no deletable volume plugin matched`, true},
		{"Recycle, hostPath", hostPath("v", "/srv/data", api.RecyclePolicy), api.VolumeAvailable, "VolumeRecycled: Volume recycled", false},
		{"Recycle, CSI", withPolicy(staticPV("v", "", "1Gi", api.ReadWriteOnce), api.RecyclePolicy), api.VolumeFailed,
			"VolumeFailedRecycle: No recycler plugin found for the volume!", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, []string{"node-1"})
			w.create(tc.pv, newClaim("data", str(""), "1Gi", api.ReadWriteOnce), podWith("app", "node-1", claimVolume("data")))
			w.run(5 * time.Second)
			p := w.pod("app")
			_, err := w.kube.Write(p, "data", "k", "v", w.e.Now())
			require.NoError(t, err)
			w.do(func(ctx *sim.Context) error {
				if err := ctx.Delete(api.KindPod, "default/app", apiserver.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
					return err
				}
				return ctx.Delete(api.KindPersistentVolumeClaim, "default/data", apiserver.DeleteOptions{})
			})
			w.run(time.Minute)
			v := w.e.View().Volume("v")
			if tc.phase == "" {
				assert.Nil(t, v)
			} else {
				require.NotNil(t, v)
				assert.Equal(t, tc.phase, v.Status.Phase)
			}
			var events []string
			if tc.event != "" {
				events = []string{tc.event}
			}
			assert.Equal(t, events, w.eventsOf("v"))
			disk := disks.ForVolume("v")
			if tc.pv.Spec.HostPath != nil {
				disk = disks.ForHostPath("node-1", tc.pv.Spec.HostPath.Path)
			}
			_, found := w.d.Read(disk, "k")
			assert.Equal(t, tc.dataAfter, found, "data on the disk")
		})
	}
}

// forceDetachWorld is a pod "old" running on node-1 with a ReadWriteOnce
// volume, its node then failing: Ready goes Unknown (as the node lifecycle
// controller sets it) unless ready, its kubelet stops reporting
// (KubeletDown), optionally the out-of-service taint, and the pod is
// force-deleted. A pod "new" on node-2 then wants the volume.
func forceDetachWorld(t *testing.T, ready, outOfService bool) *world {
	w := newWorld(t, []string{"node-1", "node-2"}, class("standard", "disk.csi.test", api.BindingWaitForFirstConsumer, api.DeletePolicy, true))
	w.create(newClaim("data", nil, "1Gi", api.ReadWriteOnce), podWith("old", "node-1", claimVolume("data")))
	w.run(5 * time.Second)
	require.Equal(t, api.PodRunning, w.pod("old").Status.Phase)
	w.do(func(ctx *sim.Context) error {
		n := ctx.Txn().Node("node-1").DeepCopy()
		if !ready {
			n.Status.Conditions = []api.NodeCondition{{Type: api.NodeReady, Status: api.ConditionUnknown, Reason: "NodeStatusUnknown"}}
		}
		if outOfService {
			n.Spec.Taints = append(n.Spec.Taints, api.Taint{Key: volume.TaintNodeOutOfService, Value: "nodeshutdown", Effect: api.TaintNoExecute})
		}
		if err := ctx.Update(n); err != nil {
			return err
		}
		w.attach.KubeletDown(ctx, "node-1")
		return ctx.Delete(api.KindPod, "default/old", apiserver.DeleteOptions{GracePeriodSeconds: new(int64)})
	})
	w.create(podWith("new", "node-2", claimVolume("data")))
	return w
}

// attachedTo lists the nodes the claim's volume is attached to.
func (w *world) attachedTo(claim string) []string {
	return volume.AttachedNodes(w.e.View(), w.claim(claim).Spec.VolumeName)
}

// TestForceDetachAfterSixMinutes follows the attach/detach reconciler's
// detach rules (reconcile in
// pkg/controller/volume/attachdetach/reconciler/reconciler.go:
// maxWaitForUnmountDuration, forceDetach = !isHealthy && timeout,
// hasOutOfServiceTaint; docs/rules.md S8): a volume whose pod
// was force-deleted from a node that is not Ready and whose kubelet
// cannot report the unmount stays attached there for 6 minutes after the
// detach was requested; the pod that wants it elsewhere waits with
// "Volume is already exclusively attached to one node and can't be
// attached to another", then starts. With the out-of-service taint it is
// detached at once.
func TestForceDetachAfterSixMinutes(t *testing.T) {
	w := forceDetachWorld(t, false, false)
	start := w.e.Now()
	assert.Equal(t, []string{"node-1"}, w.attachedTo("data"))
	msgs := w.eventsOf("new")
	require.NotEmpty(t, msgs)
	assert.Contains(t, msgs, `FailedAttachVolume: Multi-Attach error for volume "`+w.claim("data").Spec.VolumeName+
		`" Volume is already exclusively attached to one node and can't be attached to another`)
	w.run(volume.MaxWaitForUnmountDuration - time.Second)
	assert.Equal(t, []string{"node-1"}, w.attachedTo("data"), "still attached just before 6 minutes")
	assert.Equal(t, api.PodPending, w.pod("new").Status.Phase)
	w.run(time.Second)
	assert.Equal(t, volume.MaxWaitForUnmountDuration, w.e.Now()-start)
	assert.Equal(t, []string{"node-2"}, w.attachedTo("data"), "force-detached at 6 minutes, attached to the new pod's node")
	w.run(5 * time.Second)
	assert.Equal(t, api.PodRunning, w.pod("new").Status.Phase)

	w = forceDetachWorld(t, false, true)
	assert.Equal(t, []string{"node-2"}, w.attachedTo("data"), "node.kubernetes.io/out-of-service: detached at once")
}

// TestNoForceDetachFromAReadyNode follows the same reconciler: the timeout
// forces a detach only from a node that is not Ready (isHealthy), so a
// volume whose kubelet cannot report stays attached while its node is
// still Ready, and is detached as soon as the node turns NotReady once 6
// minutes have passed since the detach request (docs/rules.md
// S8). Without KubeletDown a Ready node's kubelet unmounts at once.
func TestNoForceDetachFromAReadyNode(t *testing.T) {
	w := forceDetachWorld(t, true, false)
	w.run(10 * time.Minute)
	assert.Equal(t, []string{"node-1"}, w.attachedTo("data"), "a Ready node is healthy: no force detach")
	w.do(func(ctx *sim.Context) error {
		n := ctx.Txn().Node("node-1").DeepCopy()
		n.Status.Conditions = []api.NodeCondition{{Type: api.NodeReady, Status: api.ConditionUnknown}}
		return ctx.Update(n)
	})
	assert.Equal(t, []string{"node-2"}, w.attachedTo("data"), "unhealthy, and the 6 minutes have passed")

	w = forceDetachWorld(t, true, false)
	w.do(func(ctx *sim.Context) error { w.attach.KubeletUp(ctx, "node-1"); return nil })
	assert.Equal(t, []string{"node-2"}, w.attachedTo("data"), "a reporting kubelet has unmounted: detached at once")
}

// TestEphemeralVolumeLivesWithItsPod follows the ephemeral volume
// controller (handleVolume in pkg/controller/volume/ephemeral/controller.go;
// ephemeral.VolumeClaimName, VolumeIsForPod), the garbage collector and
// pvc-protection's podIsShutDown (Generic ephemeral volumes docs): the
// claim <pod>-<volume> is created from the template with the pod as its
// controller, bound and provisioned like any claim, and a claim of that
// name that the pod does not control is refused with a FailedBinding event
// (proposed rule S11; docs/rules.md S5).
func TestEphemeralVolumeLivesWithItsPod(t *testing.T) {
	w := newWorld(t, []string{"node-1/zone-a"}, class("standard", "disk.csi.test", api.BindingWaitForFirstConsumer, api.DeletePolicy, true))
	eph := api.Volume{Name: "scratch", Ephemeral: &api.EphemeralVolumeSource{VolumeClaimTemplate: &api.PersistentVolumeClaimTemplate{
		ObjectMeta: api.ObjectMeta{Labels: map[string]string{"type": "scratch"}},
		Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{api.ReadWriteOnce},
			Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}}}
	w.create(podWith("app", "", eph))
	w.run(5 * time.Second)
	p := w.pod("app")
	require.Equal(t, api.PodRunning, p.Status.Phase)
	cl := w.claim("app-scratch")
	require.NotNil(t, cl)
	assert.Equal(t, p.UID, cl.ControllerUID())
	assert.Equal(t, "scratch", cl.Labels["type"])
	assert.Equal(t, api.ClaimBound, cl.Status.Phase)
	assert.Equal(t, "zone-a", w.e.View().Volume(cl.Spec.VolumeName).Zone())
	assert.Equal(t, []string{"app-scratch"}, p.ClaimNames())

	// A claim of that name made for something else is not the pod's.
	w.create(newClaim("other-scratch", str("standard"), "1Gi", api.ReadWriteOnce), podWith("other", "", eph))
	w.run(5 * time.Second)
	assert.Contains(t, w.eventsOf("other"), "FailedBinding: ephemeral volume scratch: PVC default/other-scratch was not created for pod default/other (pod is not owner)")
	assert.Equal(t, api.PodPending, w.pod("other").Status.Phase)
	assert.True(t, slices.ContainsFunc(w.eventsOf("other"), func(s string) bool {
		return strings.HasPrefix(s, "FailedMount: error processing PVC default/other-scratch: PVC default/other-scratch was not created for pod default/other (pod is not owner)")
	}))
}

// TestClaimVolumeMarkedReadOnly: a pod volume with persistentVolumeClaim
// readOnly is mounted read-only (CreateVolumeSpec passes pvcSource.ReadOnly
// to the mounter), so the application's write fails; an NFS volume with
// readOnly does the same, and a ReadOnlyMany NFS volume does not: access
// modes protect nothing outside CSI publishing (docs/rules.md
// S6; proposed rule S12).
func TestClaimVolumeMarkedReadOnly(t *testing.T) {
	nfs := func(name string, readOnly bool, modes ...string) *api.PersistentVolume {
		return &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PersistentVolumeSpec{
			Capacity: map[string]string{"storage": "1Gi"}, AccessModes: modes,
			NFS: &api.NFSVolumeSource{Server: "nfs", Path: "/" + name, ReadOnly: readOnly}}}
	}
	for _, tc := range []struct {
		name     string
		pv       *api.PersistentVolume
		readOnly bool
		want     string
	}{
		{"claim volume readOnly", staticPV("v", "", "1Gi", api.ReadWriteOnce), true, "the pod's volume sets persistentVolumeClaim.readOnly"},
		{"NFS readOnly", nfs("v", true, api.ReadWriteMany), false, "its PersistentVolume sets nfs.readOnly"},
		{"NFS ReadOnlyMany", nfs("v", false, api.ReadOnlyMany), false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, []string{"node-1"})
			vol := claimVolume("data")
			vol.PersistentVolumeClaim.ReadOnly = tc.readOnly
			w.create(tc.pv, newClaim("data", str(""), "1Gi", tc.pv.Spec.AccessModes...), podWith("app", "node-1", vol))
			w.run(5 * time.Second)
			_, err := w.kube.Write(w.pod("app"), "data", "k", "v", w.e.Now())
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, "pod app cannot write to volume data: read-only file system ("+tc.want+")")
		})
	}
}
