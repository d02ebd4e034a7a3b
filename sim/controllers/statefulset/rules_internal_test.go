package statefulset

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
	"stsim/sim/naming"
)

// This file drives single syncs of the control loop through fakeObjects to
// pin the StatefulSet rules of docs/rules.md that need pod states no
// scenario can produce (Failed or crash-looping pods, missing claims,
// foreign owners, name collisions) or that are about the order of writes
// within one sync.

// syncAt runs one sync of the fake's set at virtual time now.
func syncAt(t *testing.T, f *fakeObjects, now time.Duration) (*api.StatefulSetStatus, error) {
	t.Helper()
	return newSetControl(f.set, now, f).UpdateStatefulSet(newReplicaState(f.set, f.podList()))
}

// setPod replaces the fake's pod with a changed copy, as the kubelet or a
// user would.
func setPod(t *testing.T, f *fakeObjects, name string, change func(p *api.Pod)) {
	t.Helper()
	p, ok := f.pods["default/"+name]
	require.True(t, ok, "no pod %s", name)
	n := p.DeepCopy()
	change(n)
	f.pods[n.Key()] = n
}

// runningAndReady is the kubelet's report of a started pod, Ready since 0.
func runningAndReady(p *api.Pod) {
	p.Status.Phase, p.Status.Ready, p.Status.ReadySince = api.PodRunning, true, 0
}

// notReady is a Running pod whose Ready condition is false.
func notReady(p *api.Pod) { p.Status.Phase, p.Status.Ready = api.PodRunning, false }

// terminating is a pod whose deletion was requested.
func terminating(p *api.Pod) { now := time.Duration(0); p.DeletionTimestamp = &now }

// bringUp syncs until every replica exists, marking each new pod Running
// and Ready as the kubelet would, then forgets the writes and events.
func bringUp(t *testing.T, f *fakeObjects) {
	t.Helper()
	for range 20 {
		_, err := sync(t, f)
		require.NoError(t, err)
		all := len(f.pods) == int(*f.set.Spec.Replicas)
		for _, p := range f.podList() {
			if !p.IsRunningAndReady() {
				setPod(t, f, p.Name, runningAndReady)
				all = false
			}
		}
		if all {
			f.ops, f.events, f.eventObjects = nil, nil, nil
			return
		}
	}
	t.Fatal("the set did not come up")
}

// scaleTo changes spec.replicas of the fake's set.
func scaleTo(f *fakeObjects, n int32) {
	s := f.set.DeepCopy()
	s.Spec.Replicas = &n
	f.set = s
}

// withSpec changes the fake's set.
func withSpec(f *fakeObjects, change func(s *api.StatefulSet)) {
	s := f.set.DeepCopy()
	change(s)
	f.set = s
}

// podNames lists the fake's pods, sorted.
func podNames(f *fakeObjects) []string {
	var out []string
	for _, p := range f.podList() {
		out = append(out, p.Name)
	}
	return out
}

// opsWith lists the writes that start with prefix, such as "delete pod".
func opsWith(f *fakeObjects, prefix string) []string {
	var out []string
	for _, o := range f.ops {
		if strings.HasPrefix(o, prefix) {
			out = append(out, o)
		}
	}
	return out
}

// TestFailedOrSucceededPodIsReplaced follows R-POD-1 (processReplica in
// sts/stateful_set_control.go: isFailed || isSucceeded → DeleteStatefulPod,
// then return true; "New pod should be generated on the next sync after the
// current pod is removed from etcd"): a Failed or Succeeded pod is deleted
// once, the sync stops there under OrderedReady (web-3 of a scale-up waits)
// but not under Parallel, nothing is created while the old object exists,
// and a pod of the same name and a new UID comes once it is gone.
func TestFailedOrSucceededPodIsReplaced(t *testing.T) {
	for _, phase := range []string{api.PodFailed, api.PodSucceeded} {
		for _, policy := range []string{api.OrderedReadyPodManagement, api.ParallelPodManagement} {
			t.Run(phase+"/"+policy, func(t *testing.T) {
				f := newFakeObjects(testSet(3, policy))
				bringUp(t, f)
				oldUID := f.pods["default/web-1"].UID
				setPod(t, f, "web-1", func(p *api.Pod) { p.Status.Phase, p.Status.Ready = phase, false })
				scaleTo(f, 4)

				st, err := sync(t, f)
				require.NoError(t, err)
				assert.Equal(t, []string{"delete pod web-1"}, opsWith(f, "delete pod"))
				assert.Contains(t, f.events, "Normal SuccessfulDelete delete Pod web-1 in StatefulSet web successful")
				if policy == api.OrderedReadyPodManagement {
					assert.Empty(t, opsWith(f, "create pod"), "the sync stops at the deleted pod")
				} else {
					assert.Equal(t, []string{"create pod web-3"}, opsWith(f, "create pod"), "Parallel goes on")
				}
				assert.Equal(t, int32(3), st.Replicas)
				assert.Equal(t, int32(2), st.ReadyReplicas, "a terminal pod is not ready")

				f.ops = nil
				_, err = sync(t, f)
				require.NoError(t, err)
				assert.Empty(t, opsWith(f, "delete pod web-1"), "a terminating pod is not deleted again")
				assert.Empty(t, opsWith(f, "create pod web-1"), "nor replaced while its object exists")

				delete(f.pods, "default/web-1")
				f.ops = nil
				_, err = sync(t, f)
				require.NoError(t, err)
				assert.Equal(t, "create pod web-1", opsWith(f, "create pod")[0])
				assert.NotEqual(t, oldUID, f.pods["default/web-1"].UID)
			})
		}
	}
}

// TestFailedPodBehindAnUnreadyPodWaits follows R-POD-10 (processReplica
// returns at the first unready slot under OrderedReady, before it looks
// at higher slots; e2e "should not deadlock when a pod's predecessor
// fails"): a Failed web-2 is not deleted while web-0 is unready, and is
// once web-0 is Ready; a missing lower pod is created even though a higher
// one is unready. Parallel deletes the Failed pod at once.
func TestFailedPodBehindAnUnreadyPodWaits(t *testing.T) {
	f := newFakeObjects(testSet(3, api.OrderedReadyPodManagement))
	bringUp(t, f)
	setPod(t, f, "web-0", notReady)
	setPod(t, f, "web-2", func(p *api.Pod) { p.Status.Phase, p.Status.Ready = api.PodFailed, false })
	_, err := sync(t, f)
	require.NoError(t, err)
	assert.Empty(t, opsWith(f, "delete pod"), "web-2 waits behind the unready web-0")

	setPod(t, f, "web-0", runningAndReady)
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"delete pod web-2"}, opsWith(f, "delete pod"))

	// A missing lower ordinal is created although a higher one is unready.
	delete(f.pods, "default/web-2")
	delete(f.pods, "default/web-0")
	setPod(t, f, "web-1", notReady)
	f.ops = nil
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"create pod web-0"}, opsWith(f, "create pod"))

	p := newFakeObjects(testSet(3, api.ParallelPodManagement))
	bringUp(t, p)
	setPod(t, p, "web-0", notReady)
	setPod(t, p, "web-2", func(p *api.Pod) { p.Status.Phase, p.Status.Ready = api.PodFailed, false })
	_, err = sync(t, p)
	require.NoError(t, err)
	assert.Equal(t, []string{"delete pod web-2"}, opsWith(p, "delete pod"), "Parallel does not wait")
}

// TestPendingPodGetsItsMissingClaim follows R-POD-3 and R-PVC-2
// (processReplica: isPending → createMissingPersistentVolumeClaims in
// sts/stateful_pod_control.go): a Pending pod whose claim is gone gets the
// claim created again in the next sync; a Running pod does not (its claim
// is only created again for the pod's next incarnation).
func TestPendingPodGetsItsMissingClaim(t *testing.T) {
	f := newFakeObjects(testSet(2, api.OrderedReadyPodManagement))
	_, err := sync(t, f)
	require.NoError(t, err)
	require.Equal(t, []string{"web-0"}, podNames(f))
	delete(f.claims, "default/data-web-0")

	f.ops, f.events = nil, nil
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"create claim data-web-0"}, opsWith(f, "create"), "the claim again, and no other pod while web-0 is Pending")
	assert.Equal(t, []string{"Normal SuccessfulCreate create Claim data-web-0 Pod web-0 in StatefulSet web success"}, f.events)

	setPod(t, f, "web-0", runningAndReady)
	delete(f.claims, "default/data-web-0")
	f.ops = nil
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"create claim data-web-1", "create pod web-1"}, opsWith(f, "create"), "a Running pod's claim is not made again")
	assert.NotContains(t, f.claims, "default/data-web-0")
}

// TestUnreadyPodBlocksOnlyOrderedReady follows R-POD-5, R-POD-6, R-SCALE-1
// and R-SYNC-5 (processReplica with isRunningAndReady and
// isRunningAndAvailable, monotonic = !allowsBurst): under OrderedReady the
// next ordinal is created only once the previous pod is Running, Ready and
// has been Ready for longer than minReadySeconds; under Parallel every pod
// is created in the first sync whatever their state.
func TestUnreadyPodBlocksOnlyOrderedReady(t *testing.T) {
	set := testSet(3, api.OrderedReadyPodManagement)
	set.Spec.MinReadySeconds = 10
	f := newFakeObjects(set)
	_, err := syncAt(t, f, 0)
	require.NoError(t, err)
	require.Equal(t, []string{"web-0"}, podNames(f))
	for _, step := range []struct {
		name  string
		state func(p *api.Pod)
		now   time.Duration
	}{
		{"Pending", func(*api.Pod) {}, 1 * time.Second},
		{"Running, not Ready", notReady, 2 * time.Second},
		{"Ready 5s of minReadySeconds 10", runningAndReady, 5 * time.Second},
		{"Ready exactly minReadySeconds", runningAndReady, 10 * time.Second},
	} {
		setPod(t, f, "web-0", step.state)
		f.ops = nil
		st, err := syncAt(t, f, step.now)
		require.NoError(t, err)
		assert.Empty(t, opsWith(f, "create pod"), step.name)
		assert.Zero(t, st.AvailableReplicas, step.name)
	}
	st, err := syncAt(t, f, 11*time.Second)
	require.NoError(t, err)
	assert.Equal(t, []string{"create pod web-1"}, opsWith(f, "create pod"), "available: the next ordinal, and only it")
	assert.Equal(t, int32(1), st.AvailableReplicas)

	p := newFakeObjects(testSet(3, api.ParallelPodManagement))
	_, err = sync(t, p)
	require.NoError(t, err)
	assert.Equal(t, []string{"web-0", "web-1", "web-2"}, podNames(p))
}

// TestCrashLoopingPodIsNotReplaced follows R-POD-8 (processReplica deletes
// only Failed or Succeeded pods; a container in CrashLoopBackOff under
// restartPolicy Always leaves the pod Running and not Ready). stsim's
// kubelet does not crash containers, so the pod's status is set as the
// kubelet would report it: under OrderedReady the pod blocks the next
// ordinal and is never deleted; under Parallel it is not deleted either;
// it does not count as ready.
func TestCrashLoopingPodIsNotReplaced(t *testing.T) {
	crashLooping := func(p *api.Pod) {
		notReady(p)
		p.Status.ContainerStatuses = []api.ContainerStatus{{Name: "c", Image: "app:1", RestartCount: 5,
			State:                api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 2m40s restarting failed container=c"}},
			LastTerminationState: api.ContainerState{Terminated: &api.ContainerStateTerminated{ExitCode: 1, Reason: "Error"}}}}
	}
	for _, policy := range []string{api.OrderedReadyPodManagement, api.ParallelPodManagement} {
		t.Run(policy, func(t *testing.T) {
			f := newFakeObjects(testSet(2, policy))
			_, err := sync(t, f)
			require.NoError(t, err)
			setPod(t, f, "web-0", crashLooping)
			f.ops = nil
			var st *api.StatefulSetStatus
			for range 3 {
				st, err = sync(t, f)
				require.NoError(t, err)
			}
			assert.Empty(t, opsWith(f, "delete pod"), "a crash-looping pod is never deleted")
			assert.Zero(t, st.ReadyReplicas)
			if policy == api.OrderedReadyPodManagement {
				assert.Equal(t, []string{"web-0"}, podNames(f), "it blocks web-1")
			} else {
				assert.Equal(t, []string{"web-0", "web-1"}, podNames(f))
			}
		})
	}
}

// TestRepairWaitsForHealthUnderOrderedReady follows R-POD-7 and R-ID-7
// (processReplica, then identityMatches, storageMatches and
// UpdateStatefulPod in sts/): a pod that lost its pod-name label or its
// claim volume is updated in place (same UID) with a SuccessfulUpdate
// event, under OrderedReady only once it is Running and Ready, under
// Parallel at once. updateIdentity writes pod-name and pod-index together,
// but identityMatches looks at pod-name only, so a pod that lost only its
// pod-index label is left as it is (identityMatches in the v1.32–v1.34
// sts/stateful_set_utils.go).
func TestRepairWaitsForHealthUnderOrderedReady(t *testing.T) {
	stripIdentity := func(p *api.Pod) {
		delete(p.Labels, api.StatefulSetPodNameLabel)
		delete(p.Labels, api.PodIndexLabel)
	}
	f := newFakeObjects(testSet(1, api.OrderedReadyPodManagement))
	bringUp(t, f)
	uid := f.pods["default/web-0"].UID

	setPod(t, f, "web-0", func(p *api.Pod) { delete(p.Labels, api.PodIndexLabel) })
	_, err := sync(t, f)
	require.NoError(t, err)
	assert.Empty(t, f.ops[:len(f.ops)-len(opsWith(f, "update status"))], "only pod-index missing: no repair")
	assert.NotContains(t, f.pods["default/web-0"].Labels, api.PodIndexLabel)

	setPod(t, f, "web-0", func(p *api.Pod) { stripIdentity(p); notReady(p) })
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Empty(t, opsWith(f, "update pod"), "OrderedReady repairs only a Running and Ready pod")

	setPod(t, f, "web-0", runningAndReady)
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"update pod web-0"}, opsWith(f, "update pod"))
	assert.Equal(t, []string{"Normal SuccessfulUpdate update Pod web-0 in StatefulSet web successful"}, f.events)
	web0 := f.pods["default/web-0"]
	assert.Equal(t, uid, web0.UID, "updated, not recreated")
	assert.Equal(t, "web-0", web0.Labels[api.StatefulSetPodNameLabel])
	assert.Equal(t, "0", web0.Labels[api.PodIndexLabel])

	setPod(t, f, "web-0", func(p *api.Pod) { p.Spec.Volumes = nil })
	f.ops = nil
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"update pod web-0"}, opsWith(f, "update pod"))
	assert.Equal(t, []string{"data-web-0"}, f.pods["default/web-0"].ClaimNames(), "the claim volume is put back")

	p := newFakeObjects(testSet(1, api.ParallelPodManagement))
	bringUp(t, p)
	setPod(t, p, "web-0", func(p *api.Pod) { stripIdentity(p); notReady(p) })
	_, err = sync(t, p)
	require.NoError(t, err)
	assert.Equal(t, []string{"update pod web-0"}, opsWith(p, "update pod"), "Parallel repairs an unready pod")
}

// TestUnparsablePodNameIsIgnored follows R-ID-3 and R-SYNC-2
// (getParentNameAndOrdinal gives −1 to a name that does not end in
// "-<digits>"; updateStatefulSet ignores such a pod, neither replica nor
// condemned): a set's pod named web-x is neither deleted nor counted as a
// replica, while web-7, out of range, is condemned and deleted.
func TestUnparsablePodNameIsIgnored(t *testing.T) {
	f := newFakeObjects(testSet(1, api.ParallelPodManagement))
	for _, name := range []string{"web-x", "web-7"} {
		p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + name,
			Labels: map[string]string{"app": "web"}, OwnerReferences: []api.OwnerReference{setRef(f.set)}}}
		runningAndReady(p)
		f.pods[p.Key()] = p
	}
	_, err := sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"create pod web-0"}, opsWith(f, "create pod"), "web-x does not fill slot 0")
	assert.Equal(t, []string{"delete pod web-7"}, opsWith(f, "delete pod"), "web-x is not condemned")
}

// TestNewPodCarriesTheSetIdentity follows R-ID-5 and R-ID-6
// (newStatefulSetPod with GetPodFromTemplate and a controller reference,
// initIdentity, updateIdentity, setPodRevision in
// sts/stateful_set_utils.go): a new pod has the template's labels and
// annotations, hostname = its name, subdomain = serviceName, the labels
// pod-name, pod-index (the real ordinal, 5 with ordinals.start 5) and
// controller-revision-hash = the full revision name, a controller
// reference to the set, and its ordinal's claim as volume.
func TestNewPodCarriesTheSetIdentity(t *testing.T) {
	for _, start := range []int32{0, 5} {
		set := testSet(1, api.OrderedReadyPodManagement)
		set.Spec.ServiceName = "nginx"
		set.Spec.Template.Annotations = map[string]string{"note": "kept"}
		set.Spec.Ordinals = &api.StatefulSetOrdinals{Start: start}
		f := newFakeObjects(set)
		_, err := sync(t, f)
		require.NoError(t, err)
		require.Len(t, f.revisions, 1)
		rev := slices.Collect(maps.Values(f.revisions))[0]
		name := PodName("web", int(start))
		p := f.pods["default/"+name]
		require.NotNil(t, p, name)
		assert.Equal(t, "default", p.Namespace)
		assert.Equal(t, name, p.Spec.Hostname)
		assert.Equal(t, "nginx", p.Spec.Subdomain)
		assert.Equal(t, map[string]string{"app": "web", api.StatefulSetPodNameLabel: name,
			api.PodIndexLabel: map[int32]string{0: "0", 5: "5"}[start], api.ControllerRevisionHashLabel: rev.Name}, p.Labels)
		assert.True(t, strings.HasPrefix(rev.Name, "web-"), "the revision name, not the bare hash")
		assert.Equal(t, map[string]string{"note": "kept"}, p.Annotations)
		assert.Equal(t, []api.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "web", UID: "set-uid", Controller: true, BlockOwnerDeletion: true}}, p.OwnerReferences)
		assert.Equal(t, []string{ClaimName("data", "web", int(start))}, p.ClaimNames())
	}
}

// TestClaimNameAndLabels follows R-PVC-1 (getPersistentVolumeClaims and
// getPersistentVolumeClaimName in sts/stateful_set_utils.go): each claim
// template gives the claim "<template>-<set>-<ordinal>" in the set's
// namespace, labelled with the template's labels plus the selector's
// matchLabels (only the selector's when the template has none), and no
// owner under the default Retain/Retain policy.
func TestClaimNameAndLabels(t *testing.T) {
	set := testSet(2, api.ParallelPodManagement)
	set.Namespace = "shop"
	set.Spec.VolumeClaimTemplates[0].Labels = map[string]string{"tier": "db"}
	set.Spec.VolumeClaimTemplates = append(set.Spec.VolumeClaimTemplates, api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "logs"},
		Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"}}})
	f := newFakeObjects(set)
	_, err := sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"shop/data-web-0", "shop/data-web-1", "shop/logs-web-0", "shop/logs-web-1"}, slices.Sorted(maps.Keys(f.claims)))
	for _, o := range []string{"0", "1"} {
		data, logs := f.claims["shop/data-web-"+o], f.claims["shop/logs-web-"+o]
		assert.Equal(t, map[string]string{"tier": "db", "app": "web"}, data.Labels)
		assert.Equal(t, map[string]string{"app": "web"}, logs.Labels)
		assert.Empty(t, data.OwnerReferences)
		assert.Equal(t, []string{"data-web-" + o, "logs-web-" + o}, f.pods["shop/web-"+o].ClaimNames())
	}
}

// TestExistingClaimIsUsedAsItIs follows R-PVC-2 (createPersistentVolumeClaims
// creates only missing claims: "TODO: Check resource requirements and
// accessmodes, update if necessary"): a claim that already exists with
// another spec and labels is mounted as it is, neither created again nor
// updated.
func TestExistingClaimIsUsedAsItIs(t *testing.T) {
	f := newFakeObjects(testSet(1, api.ParallelPodManagement))
	existing := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data-web-0", Namespace: "default", UID: "pre",
		Labels: map[string]string{"custom": "yes"}}, Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteMany"}}}
	f.claims[existing.Key()] = existing
	want := existing.DeepCopy()
	_, err := sync(t, f)
	require.NoError(t, err)
	assert.Empty(t, opsWith(f, "create claim"))
	assert.Equal(t, []string{"create pod web-0"}, opsWith(f, "create pod"))
	assert.Empty(t, opsWith(f, "update claim"))
	assert.Equal(t, want, f.claims["default/data-web-0"])
}

// TestForeignControllerClaimIsLeftAlone follows R-PVC-R8
// (UpdatePodClaimForRetentionPolicy in sts/stateful_pod_control.go;
// hasUnexpectedController, isClaimOwnerUpToDate and
// updateClaimOwnerRefForSetAndPod in sts/stateful_set_utils.go): with a
// policy other than Retain/Retain, a claim controlled by another object
// gets no reference to the set, loses any it had, and the set gets a
// ConflictingController warning (upstream's wording, typo included) when
// the claim's pod is created; with Retain/Retain nothing happens. Owners
// that do not control the claim are kept next to the set's reference.
func TestForeignControllerClaimIsLeftAlone(t *testing.T) {
	foreign := api.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: "other", UID: "other-uid", Controller: true}
	plain := api.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: "cfg", UID: "cfg-uid"}
	const conflict = "Warning ConflictingController PersistentVolumeClaim data-web-0 has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim"
	for _, tc := range []struct {
		name        string
		whenDeleted string
		refs        []api.OwnerReference
		want        func(set *api.StatefulSet) []api.OwnerReference
		conflict    bool
	}{
		{"foreign controller, whenDeleted Delete", api.DeletePolicy, []api.OwnerReference{foreign},
			func(*api.StatefulSet) []api.OwnerReference { return []api.OwnerReference{foreign} }, true},
		{"foreign controller and the set, whenDeleted Delete", api.DeletePolicy, nil,
			func(*api.StatefulSet) []api.OwnerReference { return []api.OwnerReference{foreign} }, true},
		{"foreign controller, Retain/Retain", api.RetainPolicy, []api.OwnerReference{foreign},
			func(*api.StatefulSet) []api.OwnerReference { return []api.OwnerReference{foreign} }, false},
		{"another owner, not a controller, whenDeleted Delete", api.DeletePolicy, []api.OwnerReference{plain},
			func(set *api.StatefulSet) []api.OwnerReference { return []api.OwnerReference{plain, setRef(set)} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := testSet(1, api.ParallelPodManagement)
			set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted = tc.whenDeleted
			f := newFakeObjects(set)
			refs := tc.refs
			if refs == nil {
				refs = []api.OwnerReference{setRef(set), foreign}
			}
			f.claims["default/data-web-0"] = &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data-web-0", Namespace: "default", UID: "c-uid", OwnerReferences: refs}}
			_, err := sync(t, f)
			require.NoError(t, err)
			require.Contains(t, f.pods, "default/web-0")
			assert.Equal(t, tc.want(f.set), f.claims["default/data-web-0"].OwnerReferences)
			i := slices.Index(f.events, conflict)
			if !tc.conflict {
				assert.Equal(t, -1, i, "no ConflictingController event")
				return
			}
			require.GreaterOrEqual(t, i, 0, "events: %v", f.events)
			assert.Equal(t, "StatefulSet/web", f.eventObjects[i], "the warning is about the set")

			// Once the pod runs, its claims count as up to date: no more warnings.
			setPod(t, f, "web-0", runningAndReady)
			f.events = nil
			_, err = sync(t, f)
			require.NoError(t, err)
			assert.NotContains(t, f.events, conflict)
			assert.Equal(t, []api.OwnerReference{foreign}, f.claims["default/data-web-0"].OwnerReferences)
		})
	}
}

// TestCondemnedClaimsGetTheirOwnersBeforeAnyDeletion follows R-SYNC-7,
// R-PVC-R2 and R-PVC-R4 (updateStatefulSet runs ClaimsMatchRetentionPolicy and
// UpdatePodClaimForRetentionPolicy over every condemned pod before
// processCondemned): with whenScaled Delete, a scale-down from 4 to 1
// under OrderedReady gives all three condemned claims a reference to their
// own pod in the sync that deletes only web-3, and before that deletion;
// the claim of the pod that stays has no owner.
func TestCondemnedClaimsGetTheirOwnersBeforeAnyDeletion(t *testing.T) {
	set := testSet(4, api.OrderedReadyPodManagement)
	set.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled = api.DeletePolicy
	f := newFakeObjects(set)
	bringUp(t, f)
	scaleTo(f, 1)
	_, err := sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"update claim data-web-3", "update claim data-web-2", "update claim data-web-1", "delete pod web-3"},
		slices.DeleteFunc(slices.Clone(f.ops), func(o string) bool { return o == "update status" }))
	for _, o := range []string{"1", "2", "3"} {
		pod := f.pods["default/web-"+o]
		assert.Equal(t, []api.OwnerReference{api.NewControllerRef(pod, "v1")}, f.claims["default/data-web-"+o].OwnerReferences, o)
	}
	assert.Empty(t, f.claims["default/data-web-0"].OwnerReferences)
}

// TestParallelCreatesInSlowStartBatches follows R-SYNC-6 and R-SCALE-3
// (runForAll and slowStartBatch in sts/stateful_set_control.go: batches of
// 1, 2, 4, … capped at MaxBatchSize 500; every call of a batch runs; the
// sync stops after a batch with an error): with 10 missing pods and one
// create refused, the pods of that batch and the batches before are
// created, the later batches are not, and the sync returns the error.
func TestParallelCreatesInSlowStartBatches(t *testing.T) {
	for _, tc := range []struct {
		fail    string
		created []string
	}{
		{"web-0", nil},                        // batch [0]
		{"web-1", []string{"web-0", "web-2"}}, // batch [1 2]
		{"web-4", []string{"web-0", "web-1", "web-2", "web-3", "web-5", "web-6"}},                            // batch [3 4 5 6]
		{"web-9", []string{"web-0", "web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "web-7", "web-8"}}, // batch [7 8 9]
	} {
		t.Run(tc.fail, func(t *testing.T) {
			f := newFakeObjects(testSet(10, api.ParallelPodManagement))
			f.failPods = map[string]bool{tc.fail: true}
			_, err := sync(t, f)
			require.ErrorIs(t, err, errInjected)
			assert.Equal(t, tc.created, podNames(f))
			assert.Contains(t, f.events, "Warning FailedCreate create Pod "+tc.fail+" in StatefulSet web failed error: injected failure")
		})
	}

	// The batches double up to 500: 1, 2, …, 256 (511 calls), then 500.
	calls := 0
	err := slowStartBatch(1, 1200, func(i int) (bool, error) {
		calls++
		if i == 600 {
			return false, errInjected
		}
		return false, nil
	})
	require.ErrorIs(t, err, errInjected)
	assert.Equal(t, 1011, calls, "the batch holding call 600 is calls 511 to 1010")
}

// TestParallelDeletesCondemnedPodsWhateverTheirHealth follows R-SCALE-3
// (processCondemned with monotonic false): a Parallel scale-down deletes
// every condemned pod in one sync, highest ordinal first, unready ones
// included, and skips the one already terminating; OrderedReady waits for
// the terminating one to be gone.
func TestParallelDeletesCondemnedPodsWhateverTheirHealth(t *testing.T) {
	for _, policy := range []string{api.ParallelPodManagement, api.OrderedReadyPodManagement} {
		t.Run(policy, func(t *testing.T) {
			f := newFakeObjects(testSet(4, policy))
			bringUp(t, f)
			setPod(t, f, "web-3", terminating)
			setPod(t, f, "web-2", notReady)
			scaleTo(f, 1)
			_, err := sync(t, f)
			require.NoError(t, err)
			if policy == api.ParallelPodManagement {
				assert.Equal(t, []string{"delete pod web-2", "delete pod web-1"}, opsWith(f, "delete pod"))
			} else {
				assert.Empty(t, opsWith(f, "delete pod"), "OrderedReady waits for web-3 to be gone")
			}
		})
	}
}

// TestRevisionObject follows R-REV-2, R-REV-5, R-STAT-6 and R-SYNC-1
// (getStatefulSetRevisions, newRevision in sts/; NewControllerRevision,
// HashControllerRevision, ControllerRevisionName in
// pkg/controller/history/controller_history.go): the first sync makes the
// revision "<set>-<hash>", hash = FNV-32 of the data, labelled with the
// template's labels plus controller.kubernetes.io/hash, annotated with the
// set's annotations, controlled by the set, revision 1; current = update.
// The collision count, 0 when unset, is hashed (the probe of
// HashControllerRevision) and written to status.collisionCount.
// A template change makes revision 2 and leaves currentRevision; a
// currentRevision that names no revision falls back to the update one.
func TestRevisionObject(t *testing.T) {
	set := testSet(1, api.ParallelPodManagement)
	set.Annotations = map[string]string{"team": "db"}
	f := newFakeObjects(set)
	st, err := sync(t, f)
	require.NoError(t, err)
	require.Len(t, f.revisions, 1)
	zero := int32(0)
	hash := naming.ControllerRevisionHash([]byte(revisionData(set)), &zero)
	rev := f.revisions["web-"+hash]
	require.NotNil(t, rev, "named web-%s: %v", hash, slices.Collect(maps.Keys(f.revisions)))
	assert.Equal(t, map[string]string{"app": "web", api.ControllerHashLabel: hash}, rev.Labels)
	assert.Equal(t, map[string]string{"team": "db"}, rev.Annotations)
	assert.Equal(t, []api.OwnerReference{setRef(set)}, rev.OwnerReferences)
	assert.Equal(t, int64(1), rev.Revision)
	assert.Equal(t, rev.Name, st.CurrentRevision)
	assert.Equal(t, rev.Name, st.UpdateRevision)
	require.NotNil(t, st.CollisionCount, "written as 0 without a collision")
	assert.Equal(t, int32(0), *st.CollisionCount)

	withSpec(f, func(s *api.StatefulSet) { s.Spec.Template.Spec.Containers[0].Image = "app:2" })
	st, err = sync(t, f)
	require.NoError(t, err)
	require.Len(t, f.revisions, 2)
	assert.Equal(t, rev.Name, st.CurrentRevision)
	assert.NotEqual(t, rev.Name, st.UpdateRevision)
	assert.Equal(t, int64(2), f.revisions[st.UpdateRevision].Revision)

	withSpec(f, func(s *api.StatefulSet) { s.Status.CurrentRevision = "web-gone" })
	st, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, st.UpdateRevision, st.CurrentRevision)
}

// TestRevisionNameCollisionBumpsCollisionCount follows R-REV-4 and R-STAT-6
// (CreateControllerRevision in pkg/controller/history/controller_history.go;
// getStatefulSetRevisions, updateStatefulSet in sts/): when the name
// "<set>-<hash>" is taken by a revision with other data, collisionCount
// goes to 1 and the revision is created under the name hashed with it
// (its hash label keeps the first hash: only the name is recomputed); the
// count is stored in status.collisionCount and kept by later syncs. A
// revision of that name with the same data is used as it is.
func TestRevisionNameCollisionBumpsCollisionCount(t *testing.T) {
	set := testSet(1, api.ParallelPodManagement)
	data := revisionData(set)
	zero := int32(0)
	h0 := naming.ControllerRevisionHash([]byte(data), &zero)
	other := func(d string) *api.ControllerRevision {
		return &api.ControllerRevision{ObjectMeta: api.ObjectMeta{Name: "web-" + h0, Namespace: "default", UID: "other-rev",
			Labels:          map[string]string{"app": "web"},
			OwnerReferences: []api.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "other", UID: "other-uid", Controller: true}}},
			Data: d, Revision: 7}
	}

	f := newFakeObjects(set)
	f.revisions["web-"+h0] = other(`{"something":"else"}`)
	st, err := sync(t, f)
	require.NoError(t, err)
	one := int32(1)
	h1 := naming.ControllerRevisionHash([]byte(data), &one)
	require.NotEqual(t, h0, h1)
	require.NotNil(t, st.CollisionCount)
	assert.Equal(t, int32(1), *st.CollisionCount)
	assert.Equal(t, "web-"+h1, st.UpdateRevision)
	rev := f.revisions["web-"+h1]
	require.NotNil(t, rev)
	assert.Equal(t, h0, rev.Labels[api.ControllerHashLabel], "the hash label is not recomputed after a collision")
	assert.Equal(t, int64(1), rev.Revision, "the other set's revision does not count")
	assert.Equal(t, "web-"+h1, f.pods["default/web-0"].Labels[api.ControllerRevisionHashLabel])
	require.NotNil(t, f.set.Status.CollisionCount)
	assert.Equal(t, int32(1), *f.set.Status.CollisionCount, "stored in status")

	f.ops = nil
	st, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, int32(1), *st.CollisionCount, "never decremented")
	assert.Empty(t, opsWith(f, "create revision"))
	assert.Len(t, f.revisions, 2)

	g := newFakeObjects(testSet(1, api.ParallelPodManagement))
	g.revisions["web-"+h0] = other(data)
	st, err = sync(t, g)
	require.NoError(t, err)
	require.NotNil(t, st.CollisionCount)
	assert.Equal(t, int32(0), *st.CollisionCount, "same data: no collision")
	assert.Equal(t, "web-"+h0, st.UpdateRevision)
	assert.Len(t, g.revisions, 1)
}

// TestUnchangedStatusIsNotWritten follows R-STAT-7 (updateStatefulSetStatus
// with inconsistentStatus in sts/): the status is written when a count, a
// revision or the observed generation changed, and not otherwise.
func TestUnchangedStatusIsNotWritten(t *testing.T) {
	f := newFakeObjects(testSet(1, api.ParallelPodManagement))
	writes := func() int { return len(opsWith(f, "update status")) }
	_, err := sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, 1, writes(), "observedGeneration 1")
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, 2, writes(), "replicas 1")
	for range 3 {
		_, err = sync(t, f)
		require.NoError(t, err)
	}
	assert.Equal(t, 2, writes(), "nothing changed")
	withSpec(f, func(s *api.StatefulSet) { s.Generation = 2 })
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, 3, writes(), "a new generation is observed")
	assert.Equal(t, int64(2), f.set.Status.ObservedGeneration)
}

// TestHistoryIsTruncatedAfterTheStatusWrite follows R-SYNC-10 and R-REV-6
// (UpdateStatefulSet and performUpdate in sts/stateful_set_control.go:
// the status is written, then truncateHistory runs, also when the sync
// failed): revisions no pod uses are deleted oldest first down to
// revisionHistoryLimit after the status write, even though that write
// failed, and the sync returns the error.
func TestHistoryIsTruncatedAfterTheStatusWrite(t *testing.T) {
	set := testSet(1, api.ParallelPodManagement)
	limit := int32(1)
	set.Spec.RevisionHistoryLimit = &limit
	f := newFakeObjects(set)
	for i, name := range []string{"web-old1", "web-old2", "web-old3"} {
		f.revisions[name] = &api.ControllerRevision{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default",
			Labels: map[string]string{"app": "web"}, OwnerReferences: []api.OwnerReference{setRef(set)}},
			Data: name, Revision: int64(i + 1)}
	}
	f.failStatus = true
	st, err := sync(t, f)
	require.ErrorIs(t, err, errInjected)
	assert.Nil(t, st)
	status := slices.Index(f.ops, "update status")
	require.GreaterOrEqual(t, status, 0)
	assert.Equal(t, []string{"delete revision web-old1", "delete revision web-old2"}, opsWith(f, "delete revision"))
	assert.Greater(t, slices.Index(f.ops, "delete revision web-old1"), status, "the history is truncated after the status write")
	assert.Contains(t, f.revisions, "web-old3")
	assert.Len(t, f.revisions, 2)
	for _, r := range f.revisions {
		if r.Name != "web-old3" {
			assert.Equal(t, int64(4), r.Revision, "the new revision is 1 + the highest")
		}
	}
}

// TestClaimBeingDeletedBlocksItsPod follows R-PVC-4 and R-PVC-2
// (createPersistentVolumeClaims in sts/stateful_pod_control.go: an existing
// claim with a deletionTimestamp is the error "pvc … is being deleted", and
// CreateStatefulPod then records FailedCreate and creates no pod): the pod
// waits while its claim is terminating and is created, with a new claim,
// once the claim is gone.
func TestClaimBeingDeletedBlocksItsPod(t *testing.T) {
	f := newFakeObjects(testSet(1, api.OrderedReadyPodManagement))
	now := time.Duration(0)
	f.claims["default/data-web-0"] = &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data-web-0", Namespace: "default",
		UID: "old-claim", DeletionTimestamp: &now, Finalizers: []string{"kubernetes.io/pvc-protection"}}}
	_, err := sync(t, f)
	require.EqualError(t, err, "pvc data-web-0 is being deleted")
	assert.Empty(t, f.pods)
	assert.Contains(t, f.events, "Warning FailedCreate create Pod web-0 in StatefulSet web failed error: pvc data-web-0 is being deleted")

	delete(f.claims, "default/data-web-0")
	f.ops = nil
	_, err = sync(t, f)
	require.NoError(t, err)
	assert.Equal(t, []string{"create claim data-web-0", "create pod web-0"}, opsWith(f, "create"))
	assert.NotEqual(t, "old-claim", f.claims["default/data-web-0"].UID)
}

// TestPodBelowCurrentReplicasGetsTheCurrentRevision follows R-UPD-6
// (newVersionedStatefulSetPod in sts/stateful_set_utils.go): with type
// RollingUpdate and no rollingUpdate block, a pod created again at an
// index below status.currentReplicas gets the current revision, and one at
// or above it the update revision.
func TestPodBelowCurrentReplicasGetsTheCurrentRevision(t *testing.T) {
	f := newFakeObjects(testSet(3, api.ParallelPodManagement))
	bringUp(t, f)
	current := f.set.Status.CurrentRevision
	withSpec(f, func(s *api.StatefulSet) {
		s.Spec.Template.Spec.Containers[0].Image = "app:2"
		s.Spec.UpdateStrategy.RollingUpdate = nil
		s.Status.CurrentReplicas = 1
	})
	delete(f.pods, "default/web-0")
	delete(f.pods, "default/web-2")
	st, err := sync(t, f)
	require.NoError(t, err)
	require.NotEqual(t, current, st.UpdateRevision)
	assert.Equal(t, current, f.pods["default/web-0"].Labels[api.ControllerRevisionHashLabel], "index 0 < currentReplicas 1")
	assert.Equal(t, st.UpdateRevision, f.pods["default/web-2"].Labels[api.ControllerRevisionHashLabel], "index 2 ≥ currentReplicas 1")
}

// TestSeveralFailuresPrintAsUpstreamAggregates follows R-SYNC-6 and
// R-PVC-2 (slowStartBatch and createPersistentVolumeClaims return
// utilerrors.NewAggregate of their errors): a Parallel batch in which two
// pod creates fail returns one error that prints both as "[a, b]" and
// wraps each.
func TestSeveralFailuresPrintAsUpstreamAggregates(t *testing.T) {
	f := newFakeObjects(testSet(3, api.ParallelPodManagement))
	f.failPods = map[string]bool{"web-1": true, "web-2": true}
	_, err := sync(t, f)
	require.ErrorIs(t, err, errInjected)
	assert.Equal(t, "[injected failure, injected failure]", err.Error())
	assert.Equal(t, []string{"web-0"}, podNames(f))
}

// TestNegativeHistoryLimitFailsEverySync follows R-REV-7: the API server
// accepts a negative revisionHistoryLimit for a StatefulSet
// (ValidateStatefulSetSpec in pkg/apis/apps/validation/validation.go checks
// it only for Deployments and DaemonSets), and truncateHistory in
// sts/stateful_set_control.go then slices past its history and deletes a
// nil revision, a panic on every sync. The sync still creates the pods and
// writes the status first; stsim returns the panic as the sync's error.
func TestNegativeHistoryLimitFailsEverySync(t *testing.T) {
	set := testSet(2, api.ParallelPodManagement)
	limit := int32(-1)
	set.Spec.RevisionHistoryLimit = &limit
	f := newFakeObjects(set)
	_, err := sync(t, f)
	require.ErrorContains(t, err, "truncateHistory: spec.revisionHistoryLimit is -1")
	assert.Equal(t, []string{"create pod web-0", "create pod web-1"}, opsWith(f, "create pod"))
	assert.Contains(t, f.ops, "update status", "the status is written before the history is truncated")
	assert.Empty(t, opsWith(f, "delete revision"))
}

// TestTwoClaimTemplatesOfOneName follows R-PVC-6: the API server accepts
// two volumeClaimTemplates of one name (volumesToAddForTemplates in
// pkg/apis/apps/validation/validation.go keys a map by name, so the pod
// template is validated with one volume), and getPersistentVolumeClaims
// and updateStorage in sts/stateful_set_utils.go build a map by template
// name: each pod gets one claim and one volume of that name, with the
// last template's spec.
func TestTwoClaimTemplatesOfOneName(t *testing.T) {
	set := testSet(1, api.ParallelPodManagement)
	second := set.Spec.VolumeClaimTemplates[0].DeepCopy()
	second.Spec.Resources.Requests = map[string]string{"storage": "2Gi"}
	set.Spec.VolumeClaimTemplates = append(set.Spec.VolumeClaimTemplates, *second)
	f := newFakeObjects(set)
	_, err := sync(t, f)
	require.NoError(t, err)
	require.Len(t, f.claims, 1)
	for _, c := range f.claims {
		assert.Equal(t, "data-web-0", c.Name)
		assert.Equal(t, "2Gi", c.Spec.Resources.Requests["storage"], "the last template of the name wins")
	}
	p := f.pods["default/web-0"]
	require.NotNil(t, p)
	assert.Len(t, p.Spec.Volumes, 1, "one volume for the name")
	assert.Equal(t, "data-web-0", p.Spec.Volumes[0].PersistentVolumeClaim.ClaimName)
}
