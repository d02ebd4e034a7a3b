// Package replicaset is the ReplicaSet controller, following
// pkg/controller/replicaset of Kubernetes v1.37: it claims the pods its
// selector matches (adopting orphans, releasing pods that stopped
// matching), counts the active ones (not terminal, not terminating),
// creates the missing ones with generated names "<rs>-<5 chars>" in
// slow-start batches, without waiting for a terminating pod, deletes the
// surplus ranked by ActivePodsWithRanks, and reports status.
package replicaset

import (
	"cmp"
	"container/heap"
	"errors"
	"iter"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/refmanager"
	"stsim/sim/store"
)

// BurstReplicas caps creations and deletions in one sync (burstReplicas).
const BurstReplicas = 500

// DeletionCostAnnotation orders scale-down victims (PodDeletionCost).
const DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

// Controller reconciles ReplicaSets.
type Controller struct {
	// pods holds the pods of each ReplicaSet, kept from the changes Keys
	// sees, each with its summary.
	pods *refmanager.PodIndex[podSummary]
}

// New returns the controller.
func New() *Controller {
	return &Controller{pods: refmanager.NewPodIndex(api.KindReplicaSet, summarize)}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "replicaset-controller" }

// SlowStartInitialBatchSize is the first batch of pod creations
// (controller.SlowStartInitialBatchSize).
const SlowStartInitialBatchSize = 1

// Keys wakes a ReplicaSet on its own changes, its pods' changes, and every
// ReplicaSet whose selector matches an orphaned pod, to see whether it
// adopts it (addPod/updatePod with getPodReplicaSets).
func (c *Controller) Keys(tx *store.Txn, ch store.Change) []string {
	c.pods.Observe(ch)
	return keys(tx, ch)
}

func keys(tx *store.Txn, c store.Change) []string {
	switch c.Kind {
	case api.KindReplicaSet:
		return []string{c.Object().Meta().Key()}
	case api.KindPod:
		keys := c.ControllerKeys(api.KindReplicaSet)
		if p, ok := c.New.(*api.Pod); ok && p.ControllerRef() == nil && !p.Terminating() {
			for _, rs := range tx.ReplicaSets() {
				if rs.Namespace == p.Namespace && rs.Spec.Selector.Matches(p.Labels) {
					keys = append(keys, rs.Key())
				}
			}
		}
		return keys
	}
	return nil
}

// IsPodActive is controller.IsPodActive: not Succeeded or Failed and not
// being deleted.
func IsPodActive(p *api.Pod) bool { return !p.IsTerminal() && !p.Terminating() }

// Reconcile is syncReplicaSet: manageReplicas, then status.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	rs := tx.ReplicaSet(key)
	if rs == nil {
		return nil
	}
	// claimPods over the active pods (FilterActivePods): a terminal or
	// terminating pod is neither adopted nor released.
	active, err := c.pods.ClaimPods(tx, rs, "apps/v1", rs.Spec.Selector, IsPodActive,
		func(p *api.Pod) error { return ctx.Update(p) })
	if err != nil {
		return err
	}
	if !rs.Terminating() {
		err = manageReplicas(ctx, rs, active, c.pods)
	}
	// calculateStatus counts the pods as listed before manageReplicas: the
	// pods it creates or deletes show in the next sync. The terminating
	// ones are those it controls (FilterClaimedPods).
	terminating := int32(c.pods.Controlled(rs, rs.Spec.Selector, func(s *podSummary) bool { return s.terminating }))
	st := api.ReplicaSetStatus{ObservedGeneration: rs.Generation, Replicas: int32(len(active)), TerminatingReplicas: &terminating}
	requeue := false
	// Every claimed pod matches the selector.
	st.FullyLabeledReplicas = int32(len(active))
	for _, p := range active {
		if p.Status.Ready {
			st.ReadyReplicas++
			if p.IsAvailable(rs.Spec.MinReadySeconds, ctx.Now()) {
				st.AvailableReplicas++
			} else {
				requeue = true
			}
		}
	}
	if cur := tx.ReplicaSet(key); cur != nil && !reflect.DeepEqual(cur.Status, st) {
		n := cur.DeepCopy()
		n.Status = st
		if uerr := ctx.UpdateStatus(n); uerr != nil {
			return uerr
		}
	}
	if requeue && rs.Spec.MinReadySeconds > 0 {
		// syncReplicaSet requeues after minReadySeconds to see pods turn available.
		ctx.After(time.Duration(rs.Spec.MinReadySeconds)*time.Second+time.Nanosecond, key)
	}
	return err
}

// manageReplicas creates or deletes pods to reach spec.replicas.
func manageReplicas(ctx *sim.Context, rs *api.ReplicaSet, active []*api.Pod, pods *refmanager.PodIndex[podSummary]) error {
	diff := len(active) - int(*rs.Spec.Replicas)
	switch {
	case diff < 0:
		return slowStartBatch(min(-diff, BurstReplicas), SlowStartInitialBatchSize, func() error {
			p := podFromTemplate(rs)
			if err := ctx.Create(p); err != nil {
				ctx.Event(rs, "Warning", "FailedCreate", "Error creating: %v", err)
				return err
			}
			ctx.Event(rs, "Normal", "SuccessfulCreate", "Created pod: %s", p.Name)
			return nil
		})
	case diff > 0:
		n := min(diff, BurstReplicas)
		victims := podsToDelete(ctx, rs, active, n, pods)
		var errs []error
		for _, p := range victims {
			if err := ctx.Delete(api.KindPod, p.Key(), apiserver.DeleteOptions{}); err != nil && !errors.Is(err, apiserver.ErrNotFound) {
				errs = append(errs, err)
				continue
			}
			ctx.Event(rs, "Normal", "SuccessfulDelete", "Deleted pod: %s", p.Name)
		}
		return errors.Join(errs...)
	}
	return nil
}

// slowStartBatch calls fn count times in batches of initial, 2×initial,
// 4×initial, …, and stops after the first batch with a failure, returning
// its errors (slowStartBatch). Upstream runs a batch's calls concurrently;
// here they run in order, one of the orders upstream may take.
func slowStartBatch(count, initial int, fn func() error) error {
	remaining := count
	for size := min(remaining, initial); size > 0; size = min(2*size, remaining) {
		var errs []error
		for range size {
			if err := fn(); err != nil {
				errs = append(errs, err)
			}
		}
		remaining -= size
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
	}
	return nil
}

// podFromTemplate is GetPodFromTemplate: generateName "<rs>-", the
// template's labels and annotations, a controller reference.
func podFromTemplate(rs *api.ReplicaSet) *api.Pod {
	t := rs.Spec.Template.DeepCopy()
	p := &api.Pod{TypeMeta: api.TypeMeta{APIVersion: "v1", Kind: api.KindPod}, ObjectMeta: t.ObjectMeta, Spec: t.Spec}
	p.Name = ""
	p.GenerateName = rs.Name + "-"
	p.Namespace = rs.Namespace
	p.OwnerReferences = []api.OwnerReference{api.NewControllerRef(rs, "apps/v1")}
	return p
}

// podsToDelete ranks the active pods (getPodsToDelete with
// getPodsRankedByRelatedPodsOnSameNode) and returns the first n.
func podsToDelete(ctx *sim.Context, rs *api.ReplicaSet, active []*api.Pod, n int, pods *refmanager.PodIndex[podSummary]) []*api.Pod {
	if n >= len(active) {
		out := slices.Clone(active)
		slices.SortFunc(out, byKey)
		return out
	}
	// The active pods, with their summaries: those the claim kept come
	// first, as the index holds them; then those it adopted.
	ranked := func(yield func(*api.Pod, *podSummary) bool) {
		kept := 0
		for p, sum := range pods.Claimed(rs.UID) {
			if !yield(p, sum) {
				return
			}
			kept++
		}
		for _, p := range active[kept:] {
			sum := summarize(p)
			if !yield(p, &sum) {
				return
			}
		}
	}
	// Related pods: the active pods of every ReplicaSet with the same
	// controller (getIndirectlyRelatedPods); rank = related pods on the node.
	onNode := map[string]int{}
	if owner := rs.ControllerRef(); owner != nil {
		for _, sib := range ctx.Txn().ReplicaSetsOwnedBy(owner.UID) {
			for _, sum := range pods.Summaries(sib.UID) {
				if sum.active && sum.node != "" {
					onNode[sum.node]++
				}
			}
		}
	} else {
		for _, sum := range ranked {
			if sum.node != "" {
				onNode[sum.node]++
			}
		}
	}
	return firstToDelete(ranked, onNode, n, ctx.Now())
}

// firstToDelete is the first n of the active pods ranked as sort.Sort
// upstream ranks them (ties go by key here), given the related pods on
// each node. Only the first n are needed, so they are picked with a heap
// of n rather than by sorting every pod (which, 500 pods a sync, made
// scaling down 150,000 pods cost minutes).
func firstToDelete(active iter.Seq2[*api.Pod, *podSummary], onNode map[string]int, n int, now time.Duration) []*api.Pod {
	first := &worstFirst{}
	for p, sum := range active {
		r := rankPod(p, sum, onNode[sum.node], now)
		if len(first.pods) < n {
			kept := r
			heap.Push(first, &kept)
		} else if deleteOrder(&r, first.pods[0]) < 0 {
			*first.pods[0] = r // the pod it held is out
			heap.Fix(first, 0)
		}
	}
	slices.SortFunc(first.pods, deleteOrder)
	out := make([]*api.Pod, len(first.pods))
	for i, r := range first.pods {
		out[i] = r.pod
	}
	return out
}

// deleteOrder is less as an ordering, ties by key.
func deleteOrder(a, b *rankedPod) int {
	switch {
	case less(a, b):
		return -1
	case less(b, a):
		return 1
	}
	return cmp.Or(strings.Compare(a.namespace, b.namespace), strings.Compare(a.name, b.name))
}

// byKey orders pods by namespace/name.
func byKey(a, b *api.Pod) int {
	return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
}

// worstFirst is a heap of ranked pods whose top is the one to delete last.
type worstFirst struct{ pods []*rankedPod }

func (h *worstFirst) Len() int           { return len(h.pods) }
func (h *worstFirst) Less(i, j int) bool { return deleteOrder(h.pods[i], h.pods[j]) > 0 }
func (h *worstFirst) Swap(i, j int)      { h.pods[i], h.pods[j] = h.pods[j], h.pods[i] }
func (h *worstFirst) Push(x any)         { h.pods = append(h.pods, x.(*rankedPod)) }
func (h *worstFirst) Pop() any {
	last := h.pods[len(h.pods)-1]
	h.pods = h.pods[:len(h.pods)-1]
	return last
}

// podSummary is what a sync reads of a pod besides its claim, worked out
// once per pod object (the index keeps it): whether it is active, or
// terminating and not terminal (the status's terminatingReplicas), where
// it runs, what ActivePodsWithRanks.Less compares that does not depend
// on the sync, and its key, which breaks the last ties.
type podSummary struct {
	active, terminating  bool
	assigned, ready      bool
	node                 string
	phase                int
	cost                 int64
	readySince, created  time.Duration
	restarts             int32
	uid, namespace, name string
}

func summarize(p *api.Pod) podSummary {
	return podSummary{active: IsPodActive(p), terminating: p.Terminating() && !p.IsTerminal(), assigned: p.Spec.NodeName != "", ready: p.Status.Ready, node: p.Spec.NodeName,
		phase: phaseOrder(p.Status.Phase), cost: deletionCost(p), readySince: p.Status.ReadySince, created: p.CreationTimestamp,
		restarts: p.MaxContainerRestarts(), uid: p.UID, namespace: p.Namespace, name: p.Name}
}

// rankedPod is a pod with what ActivePodsWithRanks.Less compares at one
// sync: its summary, the related pods on its node and how long ago it
// became ready and was created.
type rankedPod struct {
	pod *api.Pod
	*podSummary
	// rank is the number of related pods on its node (0 unassigned).
	rank                 int
	readyLog, createdLog int // floor(log2) of the time since (LogarithmicScaleDown)
}

// phaseOrder is a phase's place in the ranking: Pending < Unknown <
// Running (any other phase is not active, and never ranked).
func phaseOrder(phase string) int {
	switch phase {
	case "Unknown":
		return 1
	case api.PodRunning:
		return 2
	}
	return 0
}

func rankPod(p *api.Pod, sum *podSummary, onNode int, now time.Duration) rankedPod {
	r := rankedPod{pod: p, podSummary: sum, readyLog: logRank(sum.readySince, now), createdLog: logRank(sum.created, now)}
	if r.assigned {
		r.rank = onNode
	}
	return r
}

// less is ActivePodsWithRanks.Less: whether a should be deleted before b.
func less(a, b *rankedPod) bool {
	// 1. Unassigned < assigned.
	if a.assigned != b.assigned {
		return !a.assigned
	}
	// 2. Pending < Unknown < Running.
	if a.phase != b.phase {
		return a.phase < b.phase
	}
	// 3. Not ready < ready.
	if a.ready != b.ready {
		return !a.ready
	}
	// 4. Lower pod-deletion-cost < higher.
	if a.cost != b.cost {
		return a.cost < b.cost
	}
	// 5. Doubled up on a node < not.
	if a.rank != b.rank {
		return a.rank > b.rank
	}
	// 6. Ready more recently < ready longer, in log2 buckets
	// (LogarithmicScaleDown); a tie is broken by UID.
	if a.ready && b.ready && a.readySince != b.readySince {
		if a.readyLog != b.readyLog {
			return a.readyLog < b.readyLog
		}
		return a.uid < b.uid
	}
	// 7. More restarts < fewer.
	if a.restarts != b.restarts {
		return a.restarts > b.restarts
	}
	// 8. Newer < older, in log2 buckets, UID breaking ties.
	if a.created != b.created {
		if a.createdLog != b.createdLog {
			return a.createdLog < b.createdLog
		}
		return a.uid < b.uid
	}
	return false
}

// logRank is floor(log2(now - t)) in nanoseconds, 0 for a time not before
// now (logarithmicRankDiff compares two of them).
func logRank(t, now time.Duration) int {
	d := now - t
	if d <= 0 {
		return 0
	}
	return int(math.Log2(float64(d.Nanoseconds())))
}

func deletionCost(p *api.Pod) int64 {
	s, ok := p.Annotations[DeletionCostAnnotation]
	if !ok {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0
	}
	return v
}
