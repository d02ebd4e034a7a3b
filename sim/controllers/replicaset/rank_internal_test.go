package replicaset

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
)

// base is a scheduled, Running, Ready pod created at 0 and Ready at 10s.
func base(uid string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: uid, UID: uid}, Spec: api.PodSpec{NodeName: "node-1"},
		Status: api.PodStatus{Phase: api.PodRunning, Ready: true, ReadySince: 10 * time.Second}}
}

// TestActivePodsWithRanksLess follows ActivePodsWithRanks.Less in
// pkg/controller/controller_utils.go (docs/rules.md E2): each case differs from
// the base pod in one rule, and the first pod of the pair goes first while
// the reverse comparison is false.
func TestActivePodsWithRanksLess(t *testing.T) {
	now := 3 * time.Hour
	type pair struct {
		first, second rankedPod
	}
	mk := func(mutate func(*api.Pod), rank int) rankedPod {
		p := base("b")
		if mutate != nil {
			mutate(p)
		}
		return ranked(p, rank, now)
	}
	plain := mk(nil, 1)
	for name, tc := range map[string]pair{
		"1 unassigned before assigned": {mk(func(p *api.Pod) {
			p.Spec.NodeName, p.Status.Phase, p.Status.Ready = "", api.PodPending, false
		}, 0), plain},
		"1 unassigned before assigned, whatever the rest": {mk(func(p *api.Pod) { p.Spec.NodeName = "" }, 0),
			mk(func(p *api.Pod) { p.Status.Phase, p.Status.Ready = api.PodPending, false }, 1)},
		"2 Pending before Running": {mk(func(p *api.Pod) { p.Status.Phase, p.Status.Ready = api.PodPending, false }, 1),
			mk(func(p *api.Pod) { p.Status.Ready = false }, 1)},
		"2 Unknown before Running": {mk(func(p *api.Pod) { p.Status.Phase = "Unknown" }, 1), plain},
		"2 Pending before Unknown": {mk(func(p *api.Pod) { p.Status.Phase = api.PodPending }, 1),
			mk(func(p *api.Pod) { p.Status.Phase = "Unknown" }, 1)},
		"3 not ready before ready": {mk(func(p *api.Pod) { p.Status.Ready = false }, 1), plain},
		"3 not ready first, despite a higher deletion cost": {mk(func(p *api.Pod) {
			p.Status.Ready = false
			p.Annotations = map[string]string{DeletionCostAnnotation: "100"}
		}, 1), plain},
		"4 lower pod-deletion-cost first": {mk(func(p *api.Pod) {
			p.Annotations = map[string]string{DeletionCostAnnotation: "-5"}
		}, 1), plain},
		"4 missing cost is 0": {plain, mk(func(p *api.Pod) {
			p.Annotations = map[string]string{DeletionCostAnnotation: "1"}
		}, 1)},
		"4 cost before rank": {mk(func(p *api.Pod) {
			p.Annotations = map[string]string{DeletionCostAnnotation: "-1"}
		}, 1), mk(nil, 5)},
		"5 doubled-up node first": {mk(nil, 3), plain},
		"6 more recently ready first": {mk(func(p *api.Pod) { p.Status.ReadySince = now - 10*time.Minute }, 1),
			mk(func(p *api.Pod) { p.Status.ReadySince = now - 30*time.Minute }, 1)},
		"6 same log2 bucket: smaller UID first": {
			ranked(func() *api.Pod { p := base("a"); p.Status.ReadySince = now - 60*time.Minute; return p }(), 1, now),
			ranked(func() *api.Pod {
				p := base("z")
				p.Status.ReadySince = now - 40*time.Minute
				p.Status.ContainerStatuses = []api.ContainerStatus{{RestartCount: 9}}
				return p
			}(), 1, now)},
		"6 ready time before restarts": {mk(func(p *api.Pod) { p.Status.ReadySince = now - time.Minute }, 1),
			mk(func(p *api.Pod) { p.Status.ContainerStatuses = []api.ContainerStatus{{RestartCount: 5}} }, 1)},
		"7 more restarts first": {mk(func(p *api.Pod) { p.Status.ContainerStatuses = []api.ContainerStatus{{RestartCount: 2}} }, 1), plain},
		"8 newer first": {mk(func(p *api.Pod) { p.CreationTimestamp = 2 * time.Hour }, 1),
			mk(func(p *api.Pod) { p.CreationTimestamp = time.Minute }, 1)},
	} {
		assert.True(t, less(&tc.first, &tc.second), "%s: first should go first", name)
		assert.False(t, less(&tc.second, &tc.first), "%s: reverse", name)
	}
	same := mk(nil, 1)
	assert.False(t, less(&plain, &same), "equal pods keep their order")
}

// TestLogarithmicRankDiff follows logarithmicRankDiff in
// pkg/controller/controller_utils.go (docs/rules.md E2 bucket edges): 40 and 60
// minutes share bucket 41, 30 and 40 minutes do not.
func TestLogarithmicRankDiff(t *testing.T) {
	now := 5 * time.Hour
	assert.Equal(t, 41, logRank(now-40*time.Minute, now))
	assert.Equal(t, 41, logRank(now-60*time.Minute, now))
	assert.Less(t, logRank(now-30*time.Minute, now), logRank(now-40*time.Minute, now))
	assert.Greater(t, logRank(now-2*time.Hour, now), logRank(now-time.Hour, now))
	assert.Zero(t, logRank(now, now), "not before now")
}

// TestFirstToDeleteIsTheHeadOfTheRanking checks the selection of the
// victims against sorting every pod: for pods that differ in each rule of
// the ranking (and tie often), the first n picked are the first n of the
// sorted list, in order. The ready and creation times are each in a log2
// bucket of their own: upstream's Less breaks a tie in a bucket by UID
// only when the times differ, which is not a consistent order (three pods
// can rank in a circle), and then each way of sorting picks its own.
func TestFirstToDeleteIsTheHeadOfTheRanking(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	now := 10 * time.Hour
	ago := []time.Duration{1000 * time.Second, 2100 * time.Second, 4300 * time.Second, 8700 * time.Second}
	phases := []string{api.PodPending, "Unknown", api.PodRunning}
	for round := range 50 {
		var active []*api.Pod
		onNode := map[string]int{}
		for i := range 1 + rng.IntN(300) {
			p := base(fmt.Sprintf("uid-%03d", rng.IntN(1000)*1000+i))
			p.Name = fmt.Sprintf("pod-%03d", i)
			p.Spec.NodeName = []string{"", "node-1", "node-2", "node-3"}[rng.IntN(4)]
			p.Status.Phase = phases[rng.IntN(3)]
			p.Status.Ready = rng.IntN(2) == 0
			p.Status.ReadySince = now - ago[rng.IntN(4)]
			p.CreationTimestamp = now - ago[rng.IntN(4)]
			if rng.IntN(5) == 0 {
				p.Annotations = map[string]string{DeletionCostAnnotation: fmt.Sprint(rng.IntN(3) - 1)}
			}
			if rng.IntN(5) == 0 {
				p.Status.ContainerStatuses = []api.ContainerStatus{{RestartCount: int32(rng.IntN(3))}}
			}
			onNode[p.Spec.NodeName]++
			active = append(active, p)
		}
		all := make([]*rankedPod, len(active))
		for i, p := range active {
			r := ranked(p, onNode[p.Spec.NodeName], now)
			all[i] = &r
		}
		slices.SortFunc(all, deleteOrder)
		n := 1 + rng.IntN(len(active))
		var want []string
		for _, r := range all[:n] {
			want = append(want, r.pod.Name)
		}
		var got []string
		for _, p := range firstToDelete(summaries(active), onNode, n, now) {
			got = append(got, p.Name)
		}
		assert.Equal(t, want, got, "round %d", round)
	}
}

// ranked is rankPod with the pod's summary worked out for it.
func ranked(p *api.Pod, onNode int, now time.Duration) rankedPod {
	sum := summarize(p)
	return rankPod(p, &sum, onNode, now)
}

// summaries yields pods with their summaries, as podsToDelete hands them
// to firstToDelete.
func summaries(pods []*api.Pod) iter.Seq2[*api.Pod, *podSummary] {
	return func(yield func(*api.Pod, *podSummary) bool) {
		for _, p := range pods {
			sum := summarize(p)
			if !yield(p, &sum) {
				return
			}
		}
	}
}
