package statefulset

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
	"stsim/sim/apiserver"
)

// fakeObjects is an in-memory object manager, as upstream's
// fakeObjectManager in stateful_set_control_test.go: it keeps pods, claims
// and revisions by key, records events and, in order, every write it is
// asked for (ops). Its pod and claim creates fail from the Nth call on (0:
// never), or for the pods named in failPods, as upstream's request trackers
// do; failStatus makes status writes fail.
type fakeObjects struct {
	set       *api.StatefulSet
	pods      map[string]*api.Pod
	claims    map[string]*api.PersistentVolumeClaim
	revisions map[string]*api.ControllerRevision
	events    []string
	// eventObjects names the object of each event, "Kind/name".
	eventObjects []string
	// ops lists the writes in order, such as "create pod web-0",
	// "update claim data-web-0", "delete pod web-2", "update status",
	// "delete revision web-1234".
	ops  []string
	uids int

	podCreates, claimCreates       int
	failPodCreatesAt, failClaimsAt int
	failPods                       map[string]bool
	failStatus                     bool
}

var errInjected = errors.New("injected failure")

func newFakeObjects(set *api.StatefulSet) *fakeObjects {
	return &fakeObjects{set: set, pods: map[string]*api.Pod{}, claims: map[string]*api.PersistentVolumeClaim{},
		revisions: map[string]*api.ControllerRevision{}}
}

func (f *fakeObjects) uid() string { f.uids++; return fmt.Sprintf("uid-%d", f.uids) }

func (f *fakeObjects) CreatePod(p *api.Pod) error {
	f.podCreates++
	if (f.failPodCreatesAt > 0 && f.podCreates >= f.failPodCreatesAt) || f.failPods[p.Name] {
		return errInjected
	}
	if _, ok := f.pods[p.Key()]; ok {
		return apiserver.ErrAlreadyExists
	}
	p.UID, p.Status.Phase = f.uid(), api.PodPending
	f.pods[p.Key()] = p
	f.ops = append(f.ops, "create pod "+p.Name)
	return nil
}
func (f *fakeObjects) UpdatePod(p *api.Pod) error {
	f.pods[p.Key()] = p
	f.ops = append(f.ops, "update pod "+p.Name)
	return nil
}
func (f *fakeObjects) DeletePod(p *api.Pod) error {
	cur, ok := f.pods[p.Key()]
	if !ok {
		return apiserver.ErrNotFound
	}
	n := cur.DeepCopy()
	now := time.Duration(0)
	n.DeletionTimestamp = &now
	f.pods[p.Key()] = n
	f.ops = append(f.ops, "delete pod "+p.Name)
	return nil
}
func (f *fakeObjects) Claim(key string) *api.PersistentVolumeClaim { return f.claims[key] }
func (f *fakeObjects) CreateClaim(c *api.PersistentVolumeClaim) error {
	f.claimCreates++
	if f.failClaimsAt > 0 && f.claimCreates >= f.failClaimsAt {
		return errInjected
	}
	c.UID = f.uid()
	f.claims[c.Key()] = c
	f.ops = append(f.ops, "create claim "+c.Name)
	return nil
}
func (f *fakeObjects) UpdateClaim(c *api.PersistentVolumeClaim) error {
	f.claims[c.Key()] = c
	f.ops = append(f.ops, "update claim "+c.Name)
	return nil
}

// Revisions lists, as ListControllerRevisions does, the revisions in the
// set's namespace that match its selector and that it controls or that no
// one controls.
func (f *fakeObjects) Revisions(set *api.StatefulSet) []*api.ControllerRevision {
	var out []*api.ControllerRevision
	for _, k := range slices.Sorted(maps.Keys(f.revisions)) {
		r := f.revisions[k]
		if ref := r.ControllerRef(); r.Namespace == set.Namespace && set.Spec.Selector.Matches(r.Labels) && (ref == nil || ref.UID == set.UID) {
			out = append(out, r)
		}
	}
	return out
}
func (f *fakeObjects) Revision(key string) *api.ControllerRevision {
	for _, r := range f.revisions {
		if r.Key() == key {
			return r
		}
	}
	return nil
}
func (f *fakeObjects) CreateRevision(r *api.ControllerRevision) error {
	if _, ok := f.revisions[r.Name]; ok {
		return apiserver.ErrAlreadyExists
	}
	r.Namespace = "default"
	r.UID = f.uid()
	f.revisions[r.Name] = r
	f.ops = append(f.ops, "create revision "+r.Name)
	return nil
}
func (f *fakeObjects) UpdateRevision(r *api.ControllerRevision) error {
	f.revisions[r.Name] = r
	f.ops = append(f.ops, "update revision "+r.Name)
	return nil
}
func (f *fakeObjects) DeleteRevision(r *api.ControllerRevision) error {
	delete(f.revisions, r.Name)
	f.ops = append(f.ops, "delete revision "+r.Name)
	return nil
}
func (f *fakeObjects) StatefulSet(string) *api.StatefulSet { return f.set }
func (f *fakeObjects) UpdateStatus(s *api.StatefulSet) error {
	f.ops = append(f.ops, "update status")
	if f.failStatus {
		return errInjected
	}
	f.set = s
	return nil
}
func (f *fakeObjects) Event(obj api.Object, typ, reason, format string, args ...any) {
	f.events = append(f.events, typ+" "+reason+" "+fmt.Sprintf(format, args...))
	f.eventObjects = append(f.eventObjects, obj.GetKind()+"/"+obj.Meta().Name)
}

// podList lists the fake's pods sorted by name.
func (f *fakeObjects) podList() []*api.Pod {
	var out []*api.Pod
	for _, k := range slices.Sorted(maps.Keys(f.pods)) {
		out = append(out, f.pods[k])
	}
	return out
}

// testSet is a defaulted set of n replicas with one claim template.
func testSet(n int32, policy string) *api.StatefulSet {
	labels := map[string]string{"app": "web"}
	s := &api.StatefulSet{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default", UID: "set-uid", Generation: 1},
		Spec: api.StatefulSetSpec{Replicas: &n, ServiceName: "web", PodManagementPolicy: policy,
			Selector: &api.LabelSelector{MatchLabels: labels},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: labels}, Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "app:1"}}}},
			VolumeClaimTemplates: []api.PersistentVolumeClaim{{ObjectMeta: api.ObjectMeta{Name: "data"},
				Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"},
					Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}}}}
	if err := apiserver.Admit(s); err != nil {
		panic(err)
	}
	return s
}

// sync runs one sync of the fake's set over the fake's pods.
func sync(t *testing.T, f *fakeObjects) (*api.StatefulSetStatus, error) {
	t.Helper()
	return newSetControl(f.set, 0, f).UpdateStatefulSet(newReplicaState(f.set, f.podList()))
}

// TestCreateFailureStopsTheSync follows R-SYNC-6, R-POD-2 and R-PVC-2
// (CreateStatefulPod in sts/stateful_pod_control.go; updateStatefulSet and
// runForAll in sts/stateful_set_control.go): when the API server refuses a pod, the
// controller records FailedCreate, returns the error (so the sync is
// retried with backoff) and under OrderedReady creates nothing after it;
// the next sync creates the pod.
func TestCreateFailureStopsTheSync(t *testing.T) {
	f := newFakeObjects(testSet(3, api.OrderedReadyPodManagement))
	f.failPodCreatesAt = 1
	_, err := sync(t, f)
	require.ErrorIs(t, err, errInjected)
	assert.Empty(t, f.pods)
	assert.Contains(t, f.events, "Warning FailedCreate create Pod web-0 in StatefulSet web failed error: injected failure")
	assert.Contains(t, f.claims, "default/data-web-0", "the claim is created before the pod")

	f.failPodCreatesAt = 0
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"default/web-0"}, slices.Sorted(maps.Keys(f.pods)), "OrderedReady: one pod, then wait for it")
}

// TestClaimCreateFailureBlocksItsPod follows R-PVC-2 and R-SYNC-6
// (createPersistentVolumeClaims and CreateStatefulPod in
// sts/stateful_pod_control.go): a claim the API server refuses is a
// FailedCreate event for the claim and one for its pod, which is not
// created, and the Parallel sync returns the error.
func TestClaimCreateFailureBlocksItsPod(t *testing.T) {
	f := newFakeObjects(testSet(2, api.ParallelPodManagement))
	f.failClaimsAt = 2
	_, err := sync(t, f)
	require.ErrorIs(t, err, errInjected)
	assert.Equal(t, []string{"default/web-0"}, slices.Sorted(maps.Keys(f.pods)))
	assert.Contains(t, f.events, "Warning FailedCreate create Claim data-web-1 for Pod web-1 in StatefulSet web failed error: injected failure")
	assert.Contains(t, f.events, "Warning FailedCreate create Pod web-1 in StatefulSet web failed error: failed to create PVC data-web-1: injected failure")
}

// TestParallelCreatesEveryPodInOneSync follows R-SYNC-6, R-SCALE-3,
// R-SYNC-1 and R-STAT-1 (updateStatefulSet in sts/stateful_set_control.go
// with monotonic false; the status computed from the pods listed at the
// start of the sync): every missing pod is created in the same sync, each
// after its claim.
func TestParallelCreatesEveryPodInOneSync(t *testing.T) {
	f := newFakeObjects(testSet(3, api.ParallelPodManagement))
	st, err := sync(t, f)
	require.NoError(t, err)
	assert.Len(t, f.pods, 3)
	assert.Len(t, f.claims, 3)
	assert.Zero(t, st.Replicas, "status counts the pods listed at the start of the sync")
	assert.Equal(t, []string{
		"Normal SuccessfulCreate create Claim data-web-0 Pod web-0 in StatefulSet web success",
		"Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful",
		"Normal SuccessfulCreate create Claim data-web-1 Pod web-1 in StatefulSet web success",
		"Normal SuccessfulCreate create Pod web-1 in StatefulSet web successful",
		"Normal SuccessfulCreate create Claim data-web-2 Pod web-2 in StatefulSet web success",
		"Normal SuccessfulCreate create Pod web-2 in StatefulSet web successful",
	}, f.events)
}

// TestComputeStatus follows R-STAT-1, R-STAT-2, R-STAT-3, R-STAT-4 and
// R-STAT-6 (computeReplicaStatus in sts/stateful_set_control.go;
// IsPodAvailable in pkg/api/v1/pod/util.go): pods the sync has not
// seen yet do not count; a terminating pod counts in replicas and ready
// but not as current or updated; available needs Ready for longer than
// minReadySeconds.
func TestComputeStatus(t *testing.T) {
	set := testSet(3, api.OrderedReadyPodManagement)
	set.Spec.MinReadySeconds = 10
	cur, upd := &api.ControllerRevision{ObjectMeta: api.ObjectMeta{Name: "web-1"}}, &api.ControllerRevision{ObjectMeta: api.ObjectMeta{Name: "web-2"}}
	now := 100 * time.Second
	pod := func(rev string, ready bool, readySince time.Duration, terminating bool) *api.Pod {
		labels := maps.Clone(set.Spec.Template.Labels)
		labels[api.ControllerRevisionHashLabel] = rev
		p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web-0", Labels: labels},
			Status: api.PodStatus{Phase: api.PodRunning, Ready: ready, ReadySince: readySince}}
		if terminating {
			p.DeletionTimestamp = &now
		}
		return p
	}
	for _, tc := range []struct {
		name string
		pods []*api.Pod
		want api.StatefulSetStatus
	}{
		{"not created", []*api.Pod{{ObjectMeta: api.ObjectMeta{Name: "web-0", Labels: set.Spec.Template.Labels}}}, api.StatefulSetStatus{}},
		{"ready long enough", []*api.Pod{pod("web-1", true, 80*time.Second, false)},
			api.StatefulSetStatus{Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1, CurrentReplicas: 1}},
		{"ready exactly minReadySeconds ago", []*api.Pod{pod("web-2", true, 90*time.Second, false)},
			api.StatefulSetStatus{Replicas: 1, ReadyReplicas: 1, UpdatedReplicas: 1}},
		{"terminating", []*api.Pod{pod("web-1", true, 0, true)},
			api.StatefulSetStatus{Replicas: 1, ReadyReplicas: 1, AvailableReplicas: 1}},
		{"not ready", []*api.Pod{pod("web-2", false, 0, false)},
			api.StatefulSetStatus{Replicas: 1, UpdatedReplicas: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.ObservedGeneration, tc.want.CurrentRevision, tc.want.UpdateRevision = 1, "web-1", "web-2"
			st := newReplicaState(set, tc.pods)
			st.sweep(now)
			assert.Equal(t, tc.want, st.status(set, cur, upd))
		})
	}
}
