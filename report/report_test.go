package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/workload"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sec is a number of seconds of virtual time.
func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// at is an optional time in seconds.
func at(s float64) *time.Duration { d := sec(s); return &d }

// disk is what a pod mounted from a claim bound to pv.
func disk(claim, pv string) []history.Mount {
	return []history.Mount{{Volume: "data", Claim: claim, PV: pv, Disk: "pv/" + pv}}
}

var fixtureHeader = Header{
	Name:        "crash-recovery",
	Seed:        1,
	Description: "One pod is deleted. Who comes back, with which name and which data?",
	File:        "scenarios/crash-recovery.yaml",
	Notes:       []string{"manifests/web.yaml: replicas set to 2"},
}

// stsFixture is a StatefulSet run: web-1 is deleted at 20s and comes back
// under the same name with its claim data-web-1 and the data it wrote.
func stsFixture() *history.Run {
	return &history.Run{
		Rules:    workload.StatefulSet,
		Workload: history.WorkloadRef{Kind: "StatefulSet", Name: "web"},
		End:      sec(45),
		Ignored:  []string{"ConfigMap web-config (kind ConfigMap is not simulated)"},
		Events: []history.Event{
			{Time: sec(0), Type: "Normal", Kind: "StatefulSet", Name: "web", Reason: "SuccessfulCreate", Message: "create Claim data-web-0 Pod web-0 in StatefulSet web success"},
			{Time: sec(0), Type: "Normal", Kind: "StatefulSet", Name: "web", Reason: "SuccessfulCreate", Message: "create Pod web-0 in StatefulSet web successful"},
			{Time: sec(5), Type: "Normal", Kind: "StatefulSet", Name: "web", Reason: "SuccessfulCreate", Message: "create Claim data-web-1 Pod web-1 in StatefulSet web success"},
			{Time: sec(5), Type: "Normal", Kind: "StatefulSet", Name: "web", Reason: "SuccessfulCreate", Message: "create Pod web-1 in StatefulSet web successful"},
			{Time: sec(20), Type: "Normal", Kind: "Pod", Name: "web-1", Reason: "Killing", Message: "Stopping container nginx"},
			{Time: sec(22), Type: "Normal", Kind: "StatefulSet", Name: "web", Reason: "SuccessfulCreate", Message: "create Pod web-1 in StatefulSet web successful"},
			{Time: sec(40), Type: "Warning", Kind: "StatefulSet", Name: "web", Reason: "Rejected", Message: "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"},
		},
		Pods: []*history.Pod{
			{Name: "web-0", UID: "uid-0001", Slot: 0, Node: "node-1", IP: "10.244.0.2", Revision: "web-6d4b9c7f8", Phase: "Running",
				Labels: map[string]string{"app": "web"}, Created: sec(0), Ready: at(5), Claims: []string{"data-web-0"}, Mounts: disk("data-web-0", "pvc-0001"), Hostname: "web-0", Subdomain: "web",
				Record: true, ReadySpans: []history.Span{{From: sec(5), To: nil}}},
			{Name: "web-1", UID: "uid-0002", Slot: 1, Node: "node-2", IP: "10.244.1.2", Revision: "web-6d4b9c7f8", Phase: "Running",
				Labels: map[string]string{"app": "web"}, Created: sec(5), Ready: at(10), Deleted: at(20), Gone: at(22), Claims: []string{"data-web-1"},
				Mounts: disk("data-web-1", "pvc-0002"), Hostname: "web-1", Subdomain: "web", Record: true, ReadySpans: []history.Span{{From: sec(10), To: at(20)}}},
			{Name: "web-1", UID: "uid-0003", Slot: 1, Node: "node-2", IP: "10.244.1.3", Revision: "web-6d4b9c7f8", Phase: "Running",
				Labels: map[string]string{"app": "web"}, Created: sec(22), Ready: at(27), Claims: []string{"data-web-1"},
				Mounts: disk("data-web-1", "pvc-0002"), Hostname: "web-1", Subdomain: "web", Replaced: "web-1", Record: true, ReadySpans: []history.Span{{From: sec(27), To: nil}}},
		},
		Claims: []*history.Claim{
			{Name: "data-web-0", Volume: "pvc-0001", Zone: "zone-a", OwnerReferences: []string{}, Created: sec(0), Bound: at(0)},
			{Name: "data-web-1", Volume: "pvc-0002", Zone: "zone-b", Created: sec(5), Bound: at(5)},
		},
		Revisions: []*history.Revision{{Name: "web-6d4b9c7f8", Revision: 1, Created: sec(0)}},
		Status: []history.Status{
			{Time: sec(10), Status: workload.Status{ObservedGeneration: 1, Replicas: 2, ReadyReplicas: 2, UpdatedReplicas: 2, AvailableReplicas: 2,
				CurrentRevision: "web-6d4b9c7f8", UpdateRevision: "web-6d4b9c7f8"}},
		},
		Rejections: []history.Rejection{{Step: 7, Time: sec(40), Message: "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas' are forbidden"}},
		Writes:     []history.Write{{Time: sec(15), Pod: "web-1", Volume: "data", Disk: "pvc-0002", Key: "greeting", Value: "hello"}},
		Reads: []history.Read{{Time: sec(30), Pod: "web-1", Volume: "data", Disk: "pvc-0002", Key: "greeting", Value: "hello", Found: true,
			WrittenBy: "web-1"}},
		Lookups: []history.Lookup{{Time: sec(31), Name: "web-1.web", Type: "A", FQDN: "web-1.web.default.svc.cluster.local",
			Answers: []string{"10.244.1.3"}, Pods: []string{"web-1"}, TTL: 30}},
		Expectations: []history.Expectation{
			{Step: 6, Time: sec(32), Check: "podNames", OK: true, Want: "web-0, web-1", Got: "web-0, web-1",
				WantValue: []string{"web-0", "web-1"}, GotValue: []string{"web-0", "web-1"}},
			{Step: 6, Time: sec(32), Check: "read greeting", OK: true, Want: "hello", Got: "hello", WantValue: "hello", GotValue: "hello"},
		},
		Samples: []history.Sample{
			{Time: sec(0), Ready: 0, Pods: 0, Desired: 2}, {Time: sec(0), Ready: 0, Pods: 1, Desired: 2},
			{Time: sec(5), Ready: 1, Pods: 1, Desired: 2}, {Time: sec(5), Ready: 1, Pods: 2, Desired: 2},
			{Time: sec(10), Ready: 2, Pods: 2, Desired: 2}, {Time: sec(20), Ready: 1, Pods: 2, Desired: 2},
			{Time: sec(22), Ready: 1, Pods: 1, Desired: 2}, {Time: sec(22), Ready: 1, Pods: 2, Desired: 2},
			{Time: sec(27), Ready: 2, Pods: 2, Desired: 2},
		},
		FullyReady: at(10),
	}
}

// deploymentFixture is the same story under Deployment rules: the pod in
// slot 1 is replaced at once by a pod with a new name; all pods share the
// claim data-web.
func deploymentFixture() *history.Run {
	shared := []string{"data-web"}
	return &history.Run{
		Rules:    workload.Deployment,
		Workload: history.WorkloadRef{Kind: "Deployment", Name: "web"},
		End:      sec(45),
		Conversions: []string{
			"StatefulSet web -> Deployment web (same name, replicas, selector and template)",
			"volumeClaimTemplates data -> one PVC data-web shared by all pods (spec.deployment.volumes: shared-pvc)",
			"spec.serviceName dropped (StatefulSet only)",
		},
		Ignored: []string{"ConfigMap web-config (kind ConfigMap is not simulated)"},
		Events: []history.Event{
			{Time: sec(0), Type: "Normal", Kind: "Deployment", Name: "web", Reason: "ScalingReplicaSet", Message: "Scaled up replica set web-7c5ddbdf54 from 0 to 2"},
			{Time: sec(0), Type: "Normal", Kind: "ReplicaSet", Name: "web-7c5ddbdf54", Reason: "SuccessfulCreate", Message: "Created pod: web-7c5ddbdf54-m4n8t"},
			{Time: sec(0), Type: "Normal", Kind: "ReplicaSet", Name: "web-7c5ddbdf54", Reason: "SuccessfulCreate", Message: "Created pod: web-7c5ddbdf54-x2k9p"},
			{Time: sec(20), Type: "Normal", Kind: "Pod", Name: "web-7c5ddbdf54-x2k9p", Reason: "Killing", Message: "Stopping container nginx"},
			{Time: sec(20), Type: "Normal", Kind: "ReplicaSet", Name: "web-7c5ddbdf54", Reason: "SuccessfulCreate", Message: "Created pod: web-7c5ddbdf54-q8w7z"},
		},
		Pods: []*history.Pod{
			{Name: "web-7c5ddbdf54-m4n8t", UID: "uid-0101", Slot: 0, Node: "node-1", IP: "10.244.0.5", Revision: "web-7c5ddbdf54", Phase: "Running",
				Labels: map[string]string{"app": "web", "pod-template-hash": "7c5ddbdf54"}, Created: sec(0), Ready: at(5), Claims: shared,
				Mounts: disk("data-web", "pvc-0003"), Hostname: "web-7c5ddbdf54-m4n8t", ReadySpans: []history.Span{{From: sec(5), To: nil}}},
			{Name: "web-7c5ddbdf54-x2k9p", UID: "uid-0102", Slot: 1, Node: "node-1", IP: "10.244.0.6", Revision: "web-7c5ddbdf54", Phase: "Running",
				Labels: map[string]string{"app": "web", "pod-template-hash": "7c5ddbdf54"}, Created: sec(0), Ready: at(5), Deleted: at(20), Gone: at(21),
				Claims: shared, Mounts: disk("data-web", "pvc-0003"), Hostname: "web-7c5ddbdf54-x2k9p", ReadySpans: []history.Span{{From: sec(5), To: at(20)}}},
			{Name: "web-7c5ddbdf54-q8w7z", UID: "uid-0103", Slot: 1, Node: "node-1", IP: "10.244.0.7", Revision: "web-7c5ddbdf54", Phase: "Running",
				Labels: map[string]string{"app": "web", "pod-template-hash": "7c5ddbdf54"}, Created: sec(20), Ready: at(25), Claims: shared,
				Mounts: disk("data-web", "pvc-0003"), Hostname: "web-7c5ddbdf54-q8w7z", Replaced: "web-7c5ddbdf54-x2k9p", ReadySpans: []history.Span{{From: sec(25), To: nil}}},
		},
		Claims:    []*history.Claim{{Name: "data-web", Volume: "pvc-0003", Zone: "zone-a", Created: sec(0), Bound: at(0)}},
		Revisions: []*history.Revision{{Name: "web-7c5ddbdf54", Revision: 1, Created: sec(0)}},
		Status: []history.Status{
			{Time: sec(25), Status: workload.Status{ObservedGeneration: 1, Replicas: 2, ReadyReplicas: 2, UpdatedReplicas: 2, AvailableReplicas: 2,
				Conditions: map[string]workload.Condition{
					"Progressing": {Status: "True", Reason: "NewReplicaSetAvailable"},
					"Available":   {Status: "True", Reason: "MinimumReplicasAvailable"},
				}}},
		},
		Writes: []history.Write{{Time: sec(15), Pod: "web-7c5ddbdf54-x2k9p", Volume: "data", Disk: "pvc-0003", Key: "greeting", Value: "hello"}},
		Reads: []history.Read{{Time: sec(30), Pod: "web-7c5ddbdf54-q8w7z", Volume: "data", Disk: "pvc-0003", Key: "greeting", Value: "hello",
			Found: true, WrittenBy: "web-7c5ddbdf54-x2k9p"}},
		Lookups: []history.Lookup{{Time: sec(31), Name: "web-1.web", Type: "A", FQDN: "web-1.web.default.svc.cluster.local", NXDomain: true, TTL: 30}},
		// A client reads through the name that does not exist.
		Failures: []history.Failure{{Time: sec(31), Step: 5, Op: "read", Target: "{dns: web-1.web}", Volume: "data", Key: "greeting", Reason: "NXDOMAIN"}},
		Expectations: []history.Expectation{
			{Step: 6, Time: sec(32), Check: "podNames", OK: false, Want: "web-0, web-1", Got: "web-7c5ddbdf54-m4n8t, web-7c5ddbdf54-q8w7z",
				WantValue: []string{"web-0", "web-1"}, GotValue: []string{"web-7c5ddbdf54-m4n8t", "web-7c5ddbdf54-q8w7z"}},
		},
		Findings: []history.Finding{{Step: 8, Time: sec(45), Message: "waitFor rolledOut timed out after 5s: 2 of 2 pods updated and ready"}},
		Samples: []history.Sample{
			{Time: sec(0), Ready: 0, Pods: 2, Desired: 2}, {Time: sec(5), Ready: 2, Pods: 2, Desired: 2},
			{Time: sec(20), Ready: 1, Pods: 3, Desired: 2}, {Time: sec(21), Ready: 1, Pods: 2, Desired: 2},
			{Time: sec(25), Ready: 2, Pods: 2, Desired: 2},
		},
		FullyReady: at(5),
	}
}

func buildFixture() *Report {
	return Build(fixtureHeader, []*history.Run{stsFixture(), deploymentFixture()})
}

func identityOf(t *testing.T, run *Run, slot int) Identity {
	t.Helper()
	for _, id := range run.Identities {
		if id.Slot == slot {
			return id
		}
	}
	t.Fatalf("%s run: no identity for slot %d in %+v", run.Rules, slot, run.Identities)
	return Identity{}
}

func TestIdentities(t *testing.T) {
	r := buildFixture()
	require.Len(t, r.Runs, 2)
	sts, dep := r.Runs[0], r.Runs[1]

	want := []Identity{
		{Slot: 0, Names: []string{"web-0"}, Claims: []string{"data-web-0"}, StableStorage: ptr(true), StableDNS: true, Downtime: ptr(0.0)},
		{Slot: 1, Names: []string{"web-1", "web-1"}, Claims: []string{"data-web-1"}, StableName: ptr(true), StableStorage: ptr(true), StableDNS: true,
			Downtime: ptr(7.0), Recovery: ptr(7.0)},
	}
	if diff := cmp.Diff(want, sts.Identities); diff != "" {
		t.Errorf("statefulset identities (-want +got):\n%s", diff)
	}

	got := identityOf(t, dep, 1)
	wantDep := Identity{Slot: 1, Names: []string{"web-7c5ddbdf54-x2k9p", "web-7c5ddbdf54-q8w7z"},
		Claims: []string{"data-web"}, StableName: ptr(false), StableStorage: ptr(false), StableDNS: false, Downtime: ptr(5.0), Recovery: ptr(5.0)}
	if diff := cmp.Diff(wantDep, got); diff != "" {
		t.Errorf("deployment slot 1 (-want +got):\n%s", diff)
	}
	// Slot 0 was never replaced: whether it keeps its name does not apply
	// (null, not a trivial yes); the claim it mounts is shared with slot 1,
	// so it is not its own storage; it has no DNS record of its own.
	dep0 := identityOf(t, dep, 0)
	if dep0.StableName != nil || dep0.StableStorage == nil || *dep0.StableStorage || dep0.StableDNS {
		t.Errorf("deployment slot 0 = %+v, want name n/a, storage and DNS no", dep0)
	}
}

// A claim deleted and recreated under the same name is a new volume: the
// name came back, the storage did not (the kubelet mounted another disk).
func TestIdentitiesRecreatedClaimIsNotStableStorage(t *testing.T) {
	run := stsFixture()
	run.Claims = append(run.Claims, &history.Claim{Name: "data-web-1", Volume: "pvc-0009", Created: sec(21), Bound: at(21)})
	run.Claims[1].Deleted, run.Claims[1].Gone = at(18), at(21)
	run.Pods[2].Mounts = disk("data-web-1", "pvc-0009")
	r := Build(fixtureHeader, []*history.Run{run})
	id := identityOf(t, r.Runs[0], 1)
	if !*id.StableName || *id.StableStorage {
		t.Errorf("slot 1 = %+v, want stable name and unstable storage", id)
	}
	if got := identityOf(t, r.Runs[0], 0); !*got.StableStorage {
		t.Errorf("slot 0 = %+v, want stable storage", got)
	}
}

func TestAvailability(t *testing.T) {
	r := buildFixture()
	tests := []struct {
		run  *Run
		want Availability
	}{
		// Fully ready at 10s; 1 Ready from 20s to 27s; the end is 45s.
		{r.Runs[0], Availability{FullyReady: ptr(10.0), MinReady: ptr(1), MinReadySeconds: ptr(7.0), BelowDesiredSeconds: ptr(7.0),
			MaxReady: 2, MaxPods: 2, MaxConcurrentWriters: 1, Scalings: []Scaling{}}},
		{r.Runs[1], Availability{FullyReady: ptr(5.0), MinReady: ptr(1), MinReadySeconds: ptr(5.0), BelowDesiredSeconds: ptr(5.0),
			MaxReady: 2, MaxPods: 3, MaxConcurrentWriters: 1, Scalings: []Scaling{}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.run.Availability); diff != "" {
			t.Errorf("%s availability (-want +got):\n%s", tt.run.Rules, diff)
		}
	}
}

// A workload that never had all its desired pods Ready has no "after the
// first full rollout": those measures are null, not the 0 of its first
// sample (the rwo-claim-two-nodes case: 2 of 3 Ready at most).
func TestAvailabilityNeverFullyReady(t *testing.T) {
	run := &history.Run{Rules: workload.Deployment, End: sec(60), Samples: []history.Sample{
		{Time: sec(0), Ready: 0, Pods: 3, Desired: 3}, {Time: sec(2), Ready: 2, Pods: 3, Desired: 3},
	}}
	r := Build(Header{}, []*history.Run{run}).Runs[0]
	if diff := cmp.Diff(Availability{MaxReady: 2, MaxPods: 3, Scalings: []Scaling{}}, r.Availability); diff != "" {
		t.Errorf("availability (-want +got):\n%s", diff)
	}
	if _, text := fewestReady(r); text != "n/a (never all desired pods Ready; at most 2)" {
		t.Errorf("fewest ready text %q", text)
	}
}

// The rollout completes within an instant in which a pod is also deleted:
// the instant's sample already shows 1 of 2, and the fewest Ready after the
// rollout is that 1, not the 2 of the next full sample.
func TestAvailabilityRolloutAndDeleteInOneInstant(t *testing.T) {
	run := &history.Run{Rules: workload.StatefulSet, End: sec(20), FullyReady: at(4), Samples: []history.Sample{
		{Time: sec(0), Ready: 0, Pods: 1, Desired: 2}, {Time: sec(2), Ready: 1, Pods: 2, Desired: 2},
		{Time: sec(4), Ready: 1, Pods: 2, Desired: 2}, {Time: sec(9), Ready: 2, Pods: 2, Desired: 2},
	}}
	a := Build(Header{}, []*history.Run{run}).Runs[0].Availability
	if *a.MinReady != 1 || *a.MinReadySeconds != 5 || *a.BelowDesiredSeconds != 5 {
		t.Errorf("min ready %d for %vs, below desired %vs; want 1 for 5s, 5s", *a.MinReady, *a.MinReadySeconds, *a.BelowDesiredSeconds)
	}
}

// Scaling 2→5→2: how long each change took to have exactly that many pods,
// all Ready; one never finished.
func TestScalings(t *testing.T) {
	samples := []ReadySample{
		{Time: 0, Ready: 2, Pods: 2, Desired: 2}, {Time: 20, Ready: 2, Pods: 3, Desired: 5}, {Time: 32, Ready: 5, Pods: 5, Desired: 5},
		{Time: 40, Ready: 4, Pods: 5, Desired: 2}, {Time: 43, Ready: 2, Pods: 2, Desired: 2}, {Time: 50, Ready: 2, Pods: 3, Desired: 3},
	}
	want := []Scaling{{Time: 20, From: 2, To: 5, Took: ptr(12.0)}, {Time: 40, From: 5, To: 2, Took: ptr(3.0)}, {Time: 50, From: 2, To: 3}}
	if diff := cmp.Diff(want, scalings(samples)); diff != "" {
		t.Errorf("scalings (-want +got):\n%s", diff)
	}
}

func TestDuplicateIdentitySeconds(t *testing.T) {
	run := &history.Run{
		Rules: workload.StatefulSet,
		End:   sec(30),
		Pods: []*history.Pod{
			{Name: "web-0", Slot: 0, Created: sec(0)},
			{Name: "web-1", UID: "a", Slot: 1, Created: sec(0), Deleted: at(8), Gone: at(15)},
			{Name: "web-1", UID: "b", Slot: 1, Created: sec(10)}, // exists until the end (30s)
			{Name: "web-2", UID: "c", Slot: 2, Created: sec(0), Gone: at(12)},
			{Name: "web-2", UID: "d", Slot: 2, Created: sec(12)}, // created as the other went: no overlap
		},
	}
	got := Build(Header{}, []*history.Run{run}).Runs[0].Availability.DuplicateIdentitySeconds
	if got != 5 {
		t.Errorf("duplicateIdentitySeconds = %v, want 5", got)
	}
}

func TestDifferences(t *testing.T) {
	r := buildFixture()
	var aspects []string
	for _, d := range r.Differences {
		aspects = append(aspects, d.Aspect)
	}
	want := []string{AspectPodNames, AspectReplacement, AspectStorage, AspectData, AspectDNS, AspectClaimsLeft,
		AspectCreationOrder, AspectDeletionOrder, AspectWritesLost, AspectOtherSlotReads, AspectFailedOps, AspectFewestReady, AspectBelowDesired,
		AspectSlotDowntime, AspectTimeToScale, AspectPeakPods, AspectDuplicateSeconds, AspectWriters}
	if diff := cmp.Diff(want, aspects); diff != "" {
		t.Fatalf("aspects (-want +got):\n%s", diff)
	}
	byAspect := map[string]Difference{}
	for _, d := range r.Differences {
		byAspect[d.Aspect] = d
	}
	checks := []struct {
		aspect, sts, dep string
	}{
		{AspectPodNames, "web-0, web-1 (stable)", "web-7c5ddbdf54-m4n8t, web-7c5ddbdf54-x2k9p → web-7c5ddbdf54-q8w7z (new name per pod)"},
		{AspectStorage, "own claim per pod: data-web-0, data-web-1", "one claim shared by all pods: data-web"},
		{AspectDNS, "web-1.web → web-1", "web-1.web → NXDOMAIN"},
		{AspectClaimsLeft, "data-web-0, data-web-1", "data-web"},
		{AspectPeakPods, "2", "3"},
		{AspectCreationOrder, "one at a time: 0.0s web-0, 5.0s web-1, 22.0s web-1",
			"in 2 batches: 0.0s web-7c5ddbdf54-m4n8t + web-7c5ddbdf54-x2k9p, 20.0s web-7c5ddbdf54-q8w7z"},
		{AspectDeletionOrder, "web-1 at 20.0s", "web-7c5ddbdf54-x2k9p at 20.0s"},
		{AspectFewestReady, "1 for 7s", "1 for 5s"},
		{AspectSlotDowntime, "slot 1: 7s", "slot 1: 5s"},
		{AspectTimeToScale, "n/a (replicas not changed)", "n/a (replicas not changed)"},
		{AspectWritesLost, "0", "0"},
		{AspectDuplicateSeconds, "0s", "0s"},
		{AspectWriters, "1", "1"},
		{AspectFailedOps, "none", "1 (read greeting at 31.0s: NXDOMAIN)"},
	}
	for _, c := range checks {
		got := byAspect[c.aspect]
		if got.Text.StatefulSet != c.sts || got.Text.Deployment != c.dep {
			t.Errorf("%s = %q | %q, want %q | %q", c.aspect, got.Text.StatefulSet, got.Text.Deployment, c.sts, c.dep)
		}
	}
	// Same only when the values are: both had 1 Ready at the fewest, but
	// for 7s and for 5s.
	if byAspect[AspectFewestReady].Same || byAspect[AspectPeakPods].Same || !byAspect[AspectWritesLost].Same {
		t.Errorf("Same: fewest ready %v, peak pods %v, writes lost %v; want false, false, true",
			byAspect[AspectFewestReady].Same, byAspect[AspectPeakPods].Same, byAspect[AspectWritesLost].Same)
	}
	// The values keep their structure: names per slot, numbers.
	names := byAspect[AspectPodNames].Deployment.(PodNames)
	if want := []SlotNames{{0, []string{"web-7c5ddbdf54-m4n8t"}}, {1, []string{"web-7c5ddbdf54-x2k9p", "web-7c5ddbdf54-q8w7z"}}}; !cmp.Equal(want, names.Slots) || names.Summary != "new name per pod" {
		t.Errorf("deployment pod names %+v", names)
	}
	if got := byAspect[AspectPeakPods].Deployment; got != 3 {
		t.Errorf("deployment peak pods %v, want 3", got)
	}
}

// TestFailedOperationsAreDataRows: a read that failed is a row of the Data
// table, with the reason and the target, in time order; in JSON its pod and
// value are null.
func TestFailedOperationsAreDataRows(t *testing.T) {
	r := buildFixture()
	dep := r.Runs[1]
	require.Len(t, dep.Failures, 1)
	f := dep.Failures[0]
	assert.Nil(t, f.Pod)
	assert.Nil(t, f.Value)
	sections := dataTable(dep)
	require.Len(t, sections, 1)
	rows := sections[0].Table.Rows
	require.Len(t, rows, 3)
	var last []string
	for _, c := range rows[2] {
		last = append(last, c.Text)
	}
	assert.Equal(t, []string{"31.0s", "-", "read", "greeting", "-", "failed: NXDOMAIN ({dns: web-1.web})"}, last)
	assert.Contains(t, sections[0].Note, "failed")
}

func TestNoDifferencesWithOneRuleSet(t *testing.T) {
	r := Build(fixtureHeader, []*history.Run{stsFixture()})
	if r.Differences == nil || len(r.Differences) != 0 {
		t.Errorf("differences = %#v, want empty, not nil", r.Differences)
	}
}

func TestSorting(t *testing.T) {
	run := &history.Run{
		Rules: workload.StatefulSet,
		Events: []history.Event{
			{Time: sec(5), Name: "b", Reason: "second-at-5"},
			{Time: sec(0), Name: "z", Reason: "first"},
			{Time: sec(5), Name: "a", Reason: "third-at-5"},
		},
		Pods: []*history.Pod{
			{Name: "web-10", Slot: 10, Created: sec(1)},
			{Name: "web-2", Slot: 2, Created: sec(1)},
			{Name: "web-0", Slot: 0, Created: sec(0)},
		},
		Claims: []*history.Claim{{Name: "data-web-1", Created: sec(3)}, {Name: "data-web-0", Created: sec(3)}},
		Reads:  []history.Read{{Time: sec(9), Key: "b"}, {Time: sec(2), Key: "x"}, {Time: sec(9), Key: "a"}},
	}
	got := Build(Header{}, []*history.Run{run}).Runs[0]
	var reasons, pods, claims, reads []string
	for _, e := range got.Events {
		reasons = append(reasons, e.Reason)
	}
	for _, p := range got.Pods {
		pods = append(pods, p.Name)
	}
	for _, c := range got.Claims {
		claims = append(claims, c.Name)
	}
	for _, rd := range got.Reads {
		reads = append(reads, rd.Key)
	}
	want := [][]string{{"first", "second-at-5", "third-at-5"}, {"web-0", "web-2", "web-10"}, {"data-web-0", "data-web-1"}, {"x", "b", "a"}}
	if diff := cmp.Diff(want, [][]string{reasons, pods, claims, reads}); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestBuildDoesNotModifyItsInput(t *testing.T) {
	in := []*history.Run{stsFixture(), deploymentFixture()}
	slices.Reverse(in[0].Events)
	before := []*history.Run{stsFixture(), deploymentFixture()}
	slices.Reverse(before[0].Events)
	Build(fixtureHeader, in)
	if diff := cmp.Diff(before, in); diff != "" {
		t.Errorf("input changed (-before +after):\n%s", diff)
	}
}

// TestJSONShape checks the keys DESIGN.md names; the types, and where
// null is allowed, are schema_test.go's business.
func TestJSONShape(t *testing.T) {
	empty := &history.Run{Rules: workload.Deployment, Pods: []*history.Pod{{Name: "web-abc", Created: sec(1)}}}
	for _, tc := range []struct {
		name string
		r    *Report
	}{
		{"fixture", buildFixture()},
		{"empty", Build(Header{Name: "empty"}, []*history.Run{empty})},
		{"no runs", Build(Header{Name: "none"}, nil)},
	} {
		name, r := tc.name, tc.r
		var buf bytes.Buffer
		require.NoError(t, Render(&buf, "json", []*Report{r}, Options{}), name)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(buf.Bytes(), &doc), name)

		for _, k := range []string{"apiVersion", "kind", "scenario", "summary", "runs", "differences"} {
			if _, ok := doc[k]; !ok {
				t.Errorf("%s: no top-level key %q", name, k)
			}
		}
		if doc["apiVersion"] != "stsim/v1" || doc["kind"] != "Report" {
			t.Errorf("%s: apiVersion, kind = %v, %v", name, doc["apiVersion"], doc["kind"])
		}
		scenario, _ := doc["scenario"].(map[string]any)
		for _, k := range []string{"name", "seed", "description", "file", "notes"} {
			if _, ok := scenario[k]; !ok {
				t.Errorf("%s: scenario lacks %q", name, k)
			}
		}
		runs, _ := doc["runs"].([]any)
		for _, run := range runs {
			run := run.(map[string]any)
			for _, k := range []string{"rules", "workload", "endTime", "conversions", "ignored", "events", "pods", "claims",
				"revisions", "status", "rejections", "identities", "reads", "lookups", "availability", "expectations"} {
				if _, ok := run[k]; !ok {
					t.Errorf("%s: run lacks %q", name, k)
				}
			}
			for _, p := range run["pods"].([]any) {
				for _, k := range []string{"name", "uid", "slot", "node", "ip", "revision", "phase", "labels", "created",
					"ready", "deleted", "gone", "restarts", "claims"} {
					if _, ok := p.(map[string]any)[k]; !ok {
						t.Errorf("%s: pod lacks %q", name, k)
					}
				}
			}
			avail, _ := run["availability"].(map[string]any)
			for _, k := range []string{"minReady", "maxPods", "duplicateIdentitySeconds"} {
				if _, ok := avail[k]; !ok {
					t.Errorf("%s: availability lacks %q", name, k)
				}
			}
		}
	}
}

func TestJSONTimesAreNumbers(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, "json", []*Report{buildFixture()}, Options{}))
	for _, want := range []string{`"created": 22,`, `"ready": 27,`, `"endTime": 45,`, `"duplicateIdentitySeconds": 0`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	if !strings.HasSuffix(buf.String(), "}\n") {
		t.Errorf("JSON does not end with a newline")
	}
}

func TestGolden(t *testing.T) {
	r := buildFixture()
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"fixture.txt", func(b *bytes.Buffer) error { return Render(b, "text", []*Report{r}, Options{Events: true}) }},
		{"fixture.json", func(b *bytes.Buffer) error { return Render(b, "json", []*Report{r}, Options{}) }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, tc.write(&buf))
			path := filepath.Join("testdata", tc.file)
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "golden file missing: run go test ./report -update")
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s differs (-golden +got); rerun with -update if intended:\n%s", path, diff)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	render := func() []byte {
		var buf bytes.Buffer
		r := buildFixture()
		require.NoError(t, Render(&buf, "text", []*Report{r}, Options{Events: true}))
		require.NoError(t, Render(&buf, "json", []*Report{r}, Options{}))
		return buf.Bytes()
	}
	first := render()
	for range 5 {
		if diff := cmp.Diff(string(first), string(render())); diff != "" {
			t.Fatalf("two renderings differ:\n%s", diff)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0.0s"}, {5, "5.0s"}, {12.5, "12.5s"}, {12.25, "12.25s"}, {59.9, "59.9s"}, {60, "1m00s"}, {65, "1m05s"},
		{65.5, "1m05.5s"}, {3600, "1h00m00s"}, {3725, "1h02m05s"},
	} {
		if got := formatTime(tc.in); got != tc.want {
			t.Errorf("formatTime(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCompareNames(t *testing.T) {
	names := []string{"web-10", "web-2", "web-1", "db-0", "web-02", "web-1a"}
	slices.SortFunc(names, compareNames)
	want := []string{"db-0", "web-1", "web-1a", "web-02", "web-2", "web-10"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
