package deployment

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"stsim/sim/api"
	"stsim/sim/naming"
)

// This file holds the pure helpers of pkg/controller/deployment/util
// (deployment_util.go): fenceposts, sizes, revisions, conditions and status.

func replicas(rs *api.ReplicaSet) int { return int(*rs.Spec.Replicas) }

func sumSpec(rss []*api.ReplicaSet) int {
	n := 0
	for _, rs := range rss {
		if rs != nil {
			n += replicas(rs)
		}
	}
	return n
}

// activeOnly keeps the ReplicaSets with spec.replicas > 0.
func activeOnly(rss []*api.ReplicaSet) []*api.ReplicaSet {
	var out []*api.ReplicaSet
	for _, rs := range rss {
		if replicas(rs) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// sortByCreation orders ReplicaSets oldest first, then by name
// (ReplicaSetsByCreationTimestamp).
func sortByCreation(rss []*api.ReplicaSet) {
	slices.SortStableFunc(rss, func(a, b *api.ReplicaSet) int {
		if a.CreationTimestamp != b.CreationTimestamp {
			return int(a.CreationTimestamp - b.CreationTimestamp)
		}
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
}

// latest is the newest ReplicaSet (FindActiveOrLatest without an active one).
func latest(rss []*api.ReplicaSet) *api.ReplicaSet {
	c := slices.Clone(rss)
	sortByCreation(c)
	return c[len(c)-1]
}

func revisionOf(o *api.ObjectMeta) int64 {
	v, _ := strconv.ParseInt(o.Annotations[api.DeploymentRevisionAnnotation], 10, 64)
	return v
}

// maxRevision is the highest revision of the ReplicaSets (MaxRevision).
func maxRevision(rss []*api.ReplicaSet) int64 {
	n := int64(0)
	for _, rs := range rss {
		n = max(n, revisionOf(&rs.ObjectMeta))
	}
	return n
}

func setAnnotation(m *api.ObjectMeta, k, v string) {
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[k] = v
}

// canonicalTemplate is the template without the hash label, the input of
// the pod-template-hash (ComputeHash) and of EqualIgnoreHash.
func canonicalTemplate(t api.PodTemplateSpec) []byte {
	t = t.DeepCopy()
	delete(t.Labels, api.PodTemplateHashLabel)
	b, err := json.Marshal(t)
	if err != nil {
		panic(err)
	}
	return b
}

// findNewReplicaSet is FindNewReplicaSet and FindOldReplicaSets: the
// oldest ReplicaSet (rsList is sorted oldest first) whose template equals
// the Deployment's ignoring the hash label, and the others.
func findNewReplicaSet(d *api.Deployment, rsList []*api.ReplicaSet) (*api.ReplicaSet, []*api.ReplicaSet) {
	want := string(canonicalTemplate(d.Spec.Template))
	var newRS *api.ReplicaSet
	var old []*api.ReplicaSet
	for _, rs := range rsList {
		if newRS == nil && string(canonicalTemplate(rs.Spec.Template)) == want {
			newRS = rs
			continue
		}
		old = append(old, rs)
	}
	return newRS, old
}

// newReplicaSet builds the ReplicaSet of the Deployment's template under a
// pod-template-hash (getNewReplicaSet): named "<deployment>-<hash>", the
// hash label on its labels, its selector and its template, the
// Deployment's minReadySeconds, a controller reference, the revision
// annotation and the replica annotations.
func newReplicaSet(d *api.Deployment, hash string, revision int64, size int32) *api.ReplicaSet {
	t := d.Spec.Template.DeepCopy()
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	t.Labels[api.PodTemplateHashLabel] = hash
	sel := &api.LabelSelector{MatchLabels: map[string]string{api.PodTemplateHashLabel: hash}, MatchExpressions: d.Spec.Selector.DeepCopy().MatchExpressions}
	for k, v := range d.Spec.Selector.MatchLabels {
		sel.MatchLabels[k] = v
	}
	labels := map[string]string{api.PodTemplateHashLabel: hash}
	for k, v := range d.Spec.Template.Labels {
		labels[k] = v
	}
	rs := &api.ReplicaSet{
		TypeMeta: api.TypeMeta{APIVersion: "apps/v1", Kind: api.KindReplicaSet},
		ObjectMeta: api.ObjectMeta{
			Name: d.Name + "-" + hash, Namespace: d.Namespace, Labels: labels,
			OwnerReferences: []api.OwnerReference{api.NewControllerRef(d, "apps/v1")},
			Annotations:     map[string]string{api.DeploymentRevisionAnnotation: strconv.FormatInt(revision, 10)},
		},
		Spec: api.ReplicaSetSpec{Selector: sel, Template: t, MinReadySeconds: d.Spec.MinReadySeconds, Replicas: &size},
	}
	copyDeploymentAnnotations(d, &rs.ObjectMeta)
	setReplicasAnnotations(d, &rs.ObjectMeta)
	return rs
}

// annotationsToSkip are the Deployment annotations a ReplicaSet does not
// get (annotationsToSkip in deployment_util.go).
var annotationsToSkip = map[string]bool{
	"kubectl.kubernetes.io/last-applied-configuration": true,
	api.DeploymentRevisionAnnotation:                   true,
	RevisionHistoryAnnotation:                          true,
	DesiredReplicasAnnotation:                          true,
	MaxReplicasAnnotation:                              true,
	"deprecated.deployment.rollback.to":                true,
}

// copyDeploymentAnnotations is copyDeploymentAnnotationsToReplicaSet: the
// Deployment's annotations, but the skipped ones, onto the new
// ReplicaSet; it reports a change.
func copyDeploymentAnnotations(d *api.Deployment, m *api.ObjectMeta) bool {
	changed := false
	for _, k := range slices.Sorted(maps.Keys(d.Annotations)) {
		if v, ok := m.Annotations[k]; annotationsToSkip[k] || (ok && v == d.Annotations[k]) {
			continue
		}
		setAnnotation(m, k, d.Annotations[k])
		changed = true
	}
	return changed
}

// podTemplateHash is the hash of the Deployment's template under its
// collision count (ComputeHash).
func podTemplateHash(d *api.Deployment) string {
	return naming.PodTemplateHash(canonicalTemplate(d.Spec.Template), d.Status.CollisionCount)
}

// resolveFenceposts is ResolveFenceposts: surge rounds up, unavailable
// down, and both zero makes unavailable 1.
func resolveFenceposts(d *api.Deployment) (surge, unavailable int) {
	ru := d.Spec.Strategy.RollingUpdate
	if ru == nil {
		return 0, 0
	}
	n := int(*d.Spec.Replicas)
	surge, _ = ru.MaxSurge.ScaledValue(n, true)
	unavailable, _ = ru.MaxUnavailable.ScaledValue(n, false)
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return surge, unavailable
}

// MaxUnavailable is MaxUnavailable (deployment_util.go): 0 for Recreate or no replicas, capped
// at replicas.
func MaxUnavailable(d *api.Deployment) int {
	n := int(*d.Spec.Replicas)
	if d.Spec.Strategy.Type != api.RollingUpdateStrategy || n == 0 {
		return 0
	}
	_, u := resolveFenceposts(d)
	return min(u, n)
}

// MaxSurge is MaxSurge (deployment_util.go): 0 for Recreate.
func MaxSurge(d *api.Deployment) int {
	if d.Spec.Strategy.Type != api.RollingUpdateStrategy {
		return 0
	}
	s, _ := resolveFenceposts(d)
	return s
}

// newRSNewReplicas is NewRSNewReplicas: grow the new ReplicaSet while the
// spec total stays within replicas + maxSurge; Recreate goes straight to
// replicas.
func newRSNewReplicas(d *api.Deployment, all []*api.ReplicaSet, newRS *api.ReplicaSet) int {
	want := int(*d.Spec.Replicas)
	if d.Spec.Strategy.Type == api.RecreateStrategy {
		return want
	}
	cur := 0
	if newRS != nil {
		cur = replicas(newRS)
	}
	maxTotal := want + MaxSurge(d)
	total := sumSpec(all)
	if total >= maxTotal {
		return cur
	}
	return cur + min(maxTotal-total, want-cur)
}

// setReplicasAnnotations writes the desired-replicas and max-replicas
// annotations (SetReplicasAnnotations); it reports a change.
func setReplicasAnnotations(d *api.Deployment, m *api.ObjectMeta) bool {
	desired := strconv.Itoa(int(*d.Spec.Replicas))
	maxR := strconv.Itoa(int(*d.Spec.Replicas) + MaxSurge(d))
	if m.Annotations[DesiredReplicasAnnotation] == desired && m.Annotations[MaxReplicasAnnotation] == maxR {
		return false
	}
	setAnnotation(m, DesiredReplicasAnnotation, desired)
	setAnnotation(m, MaxReplicasAnnotation, maxR)
	return true
}

// isScalingEvent: an active ReplicaSet's desired-replicas annotation
// differs from spec.replicas.
func isScalingEvent(d *api.Deployment, rsList []*api.ReplicaSet) bool {
	want := strconv.Itoa(int(*d.Spec.Replicas))
	for _, rs := range activeOnly(rsList) {
		if v, ok := rs.Annotations[DesiredReplicasAnnotation]; ok && v != want {
			return true
		}
	}
	return false
}

// proportionalSizes is the proportional part of scale (sync.go) for more
// than one active ReplicaSet: allowed = replicas + maxSurge (0 for no
// replicas); the difference to the active ReplicaSets' sum is shared out
// largest first (ties to the newer when growing, to the older when
// shrinking), each getting round(size × allowed / its max-replicas
// annotation) − size, capped by what is left (getReplicaSetFraction);
// the leftover goes to the first, floored at 0. It returns the
// ReplicaSets in that order and their new sizes.
func proportionalSizes(d *api.Deployment, active []*api.ReplicaSet) ([]*api.ReplicaSet, []int) {
	want := int(*d.Spec.Replicas)
	allowed := want + MaxSurge(d)
	if want == 0 {
		allowed = 0
	}
	toAdd := allowed - sumSpec(active)
	sorted := slices.Clone(active)
	slices.SortStableFunc(sorted, func(a, b *api.ReplicaSet) int {
		if replicas(a) != replicas(b) {
			return replicas(b) - replicas(a)
		}
		if toAdd > 0 {
			return int(b.CreationTimestamp - a.CreationTimestamp)
		}
		return int(a.CreationTimestamp - b.CreationTimestamp)
	})
	sizes := make([]int, len(sorted))
	added := 0
	for i, rs := range sorted {
		sizes[i] = replicas(rs)
		if toAdd == 0 {
			continue
		}
		maxR, err := strconv.Atoi(rs.Annotations[MaxReplicasAnnotation])
		if err != nil || maxR == 0 {
			continue
		}
		f := int(math.Round(float64(replicas(rs))*float64(allowed)/float64(maxR))) - replicas(rs)
		if toAdd > 0 {
			f = min(f, toAdd-added)
		} else {
			f = max(f, toAdd-added)
		}
		sizes[i] += f
		added += f
	}
	if left := toAdd - added; left != 0 && len(sizes) > 0 {
		sizes[0] = max(sizes[0]+left, 0)
	}
	return sorted, sizes
}

// hasProgressDeadline is HasProgressDeadline: set and not MaxInt32.
func hasProgressDeadline(d *api.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != math.MaxInt32
}

func condition(conds []api.DeploymentCondition, typ string) *api.DeploymentCondition {
	for i := range conds {
		if conds[i].Type == typ {
			return &conds[i]
		}
	}
	return nil
}

// setCondition is SetDeploymentCondition: an unchanged status and reason
// keeps the condition; an unchanged status keeps lastTransitionTime.
func setCondition(st *api.DeploymentStatus, c api.DeploymentCondition, now time.Duration) {
	c.LastUpdateTime, c.LastTransitionTime = now, now
	if cur := condition(st.Conditions, c.Type); cur != nil {
		if cur.Status == c.Status && cur.Reason == c.Reason {
			return
		}
		if cur.Status == c.Status {
			c.LastTransitionTime = cur.LastTransitionTime
		}
	}
	st.Conditions = slices.DeleteFunc(slices.Clone(st.Conditions), func(x api.DeploymentCondition) bool { return x.Type == c.Type })
	st.Conditions = append(st.Conditions, c)
}

// calculateStatus sums the ReplicaSets' status and sets Available
// (calculateStatus in sync.go).
func calculateStatus(d *api.Deployment, all []*api.ReplicaSet, newRS *api.ReplicaSet, now time.Duration) api.DeploymentStatus {
	st := api.DeploymentStatus{ObservedGeneration: d.Generation, CollisionCount: d.Status.CollisionCount,
		Conditions: slices.Clone(d.Status.Conditions)}
	total := 0
	for _, rs := range all {
		st.Replicas += rs.Status.Replicas
		st.ReadyReplicas += rs.Status.ReadyReplicas
		st.AvailableReplicas += rs.Status.AvailableReplicas
		total += replicas(rs)
	}
	if newRS != nil {
		st.UpdatedReplicas = newRS.Status.Replicas
	}
	st.UnavailableReplicas = max(int32(total)-st.AvailableReplicas, 0)
	st.TerminatingReplicas = terminatingReplicas(all)
	if int(st.AvailableReplicas) >= int(*d.Spec.Replicas)-MaxUnavailable(d) {
		setCondition(&st, api.DeploymentCondition{Type: ConditionAvailable, Status: "True", Reason: ReasonMinimumReplicasAvail, Message: "Deployment has minimum availability."}, now)
	} else {
		setCondition(&st, api.DeploymentCondition{Type: ConditionAvailable, Status: "False", Reason: ReasonMinimumReplicasUnavil, Message: "Deployment does not have minimum availability."}, now)
	}
	return st
}

// terminatingReplicas is GetTerminatingReplicaCountForReplicaSets: the sum
// of the ReplicaSets' terminatingReplicas, nil if one does not report it.
func terminatingReplicas(rss []*api.ReplicaSet) *int32 {
	n := int32(0)
	for _, rs := range rss {
		if rs.Status.TerminatingReplicas == nil {
			return nil
		}
		n += *rs.Status.TerminatingReplicas
	}
	return &n
}

// complete is DeploymentComplete.
func complete(d *api.Deployment, st *api.DeploymentStatus) bool {
	n := *d.Spec.Replicas
	return st.UpdatedReplicas == n && st.Replicas == n && st.AvailableReplicas == n && st.ObservedGeneration >= d.Generation
}

func equalStatus(a, b api.DeploymentStatus) bool {
	return a.ObservedGeneration == b.ObservedGeneration && a.Replicas == b.Replicas && a.UpdatedReplicas == b.UpdatedReplicas &&
		a.ReadyReplicas == b.ReadyReplicas && a.AvailableReplicas == b.AvailableReplicas && a.UnavailableReplicas == b.UnavailableReplicas &&
		equalCount(a.TerminatingReplicas, b.TerminatingReplicas) &&
		slices.Equal(a.Conditions, b.Conditions)
}

// timedOut is DeploymentTimedOut: the Progressing condition of the new
// status was last updated more than progressDeadlineSeconds ago, unless it
// says the rollout is complete; once timed out it stays so.
func timedOut(d *api.Deployment, st *api.DeploymentStatus, now time.Duration) bool {
	c := condition(st.Conditions, ConditionProgressing)
	switch {
	case !hasProgressDeadline(d) || c == nil || c.Reason == ReasonNewRSAvailable:
		return false
	case c.Reason == ReasonTimedOut:
		return true
	}
	return c.LastUpdateTime+time.Duration(*d.Spec.ProgressDeadlineSeconds)*time.Second < now
}

// equalCount compares two optional counts.
func equalCount(a, b *int32) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
