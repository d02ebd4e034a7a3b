// Package deployment is the Deployment controller, following
// pkg/controller/deployment of Kubernetes v1.37: one ReplicaSet per pod
// template named "<deployment>-<pod-template-hash>", the RollingUpdate
// (maxSurge/maxUnavailable) and Recreate strategies, proportional scaling,
// revision annotations, history cleanup, and status with the Available and
// Progressing conditions.
package deployment

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/naming"
	"stsim/sim/store"
)

// Labels and annotations of the Deployment controller.
const (
	RevisionHistoryAnnotation   = "deployment.kubernetes.io/revision-history"
	DesiredReplicasAnnotation   = "deployment.kubernetes.io/desired-replicas"
	MaxReplicasAnnotation       = "deployment.kubernetes.io/max-replicas"
	ConditionProgressing        = "Progressing"
	ConditionAvailable          = "Available"
	ReasonNewRSAvailable        = "NewReplicaSetAvailable"
	ReasonNewRSCreated          = "NewReplicaSetCreated"
	ReasonFoundNewRS            = "FoundNewReplicaSet"
	ReasonRSUpdated             = "ReplicaSetUpdated"
	ReasonTimedOut              = "ProgressDeadlineExceeded"
	ReasonMinimumReplicasAvail  = "MinimumReplicasAvailable"
	ReasonMinimumReplicasUnavil = "MinimumReplicasUnavailable"
)

// Controller reconciles Deployments.
type Controller struct{}

// New returns the controller.
func New() *Controller { return &Controller{} }

// Name implements sim.Controller.
func (*Controller) Name() string { return "deployment-controller" }

// Keys wakes a Deployment on its own changes, its ReplicaSets' changes and
// the removal of pods of its ReplicaSets (Recreate waits for them).
func (*Controller) Keys(tx *store.Txn, c store.Change) []string {
	switch c.Kind {
	case api.KindDeployment:
		return []string{c.Object().Meta().Key()}
	case api.KindReplicaSet:
		return c.ControllerKeys(api.KindDeployment)
	case api.KindPod:
		if c.New != nil {
			return nil
		}
		o := c.Old.Meta()
		if r := o.ControllerRef(); r != nil && r.Kind == api.KindReplicaSet {
			if rs := tx.ReplicaSet(o.Namespace + "/" + r.Name); rs != nil {
				if dr := rs.ControllerRef(); dr != nil && dr.Kind == api.KindDeployment {
					return []string{o.Namespace + "/" + dr.Name}
				}
			}
		}
	}
	return nil
}

// deploy is the state of one sync.
type deploy struct {
	ctx *sim.Context
	tx  *store.Txn
	d   *api.Deployment
}

// Reconcile is syncDeployment.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	d := tx.Deployment(key)
	if d == nil {
		return nil
	}
	x := &deploy{ctx: ctx, tx: tx, d: d}
	rsList := x.replicaSets()
	if d.Terminating() {
		return x.syncStatusOnly(rsList)
	}
	if d.Spec.Paused || x.isScalingEvent(rsList) {
		return x.sync(rsList)
	}
	if d.Spec.Strategy.Type == api.RecreateStrategy {
		return x.rolloutRecreate(rsList)
	}
	return x.rolloutRolling(rsList)
}

// replicaSets lists the ReplicaSets the Deployment controls, oldest first.
func (x *deploy) replicaSets() []*api.ReplicaSet {
	var out []*api.ReplicaSet
	for _, rs := range x.tx.ReplicaSetsOwnedBy(x.d.UID) {
		if rs.ControllerUID() == x.d.UID {
			out = append(out, rs)
		}
	}
	sortByCreation(out)
	return out
}

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

// findNewReplicaSet is FindNewReplicaSet: the oldest ReplicaSet whose
// template equals the Deployment's, ignoring the hash label.
func (x *deploy) findNewReplicaSet(rsList []*api.ReplicaSet) (*api.ReplicaSet, []*api.ReplicaSet) {
	want := canonicalTemplate(x.d.Spec.Template)
	var newRS *api.ReplicaSet
	var old []*api.ReplicaSet
	for _, rs := range rsList {
		if newRS == nil && string(canonicalTemplate(rs.Spec.Template)) == string(want) {
			newRS = rs
			continue
		}
		old = append(old, rs)
	}
	return newRS, old
}

func replicas(rs *api.ReplicaSet) int { return int(*rs.Spec.Replicas) }

func revisionOf(o *api.ObjectMeta) int64 {
	v, _ := strconv.ParseInt(o.Annotations[api.DeploymentRevisionAnnotation], 10, 64)
	return v
}

// getNewReplicaSet returns the new ReplicaSet, creating it when create is
// set, and keeps the revision annotations of it and the Deployment in step.
func (x *deploy) getNewReplicaSet(rsList []*api.ReplicaSet, create bool) (*api.ReplicaSet, []*api.ReplicaSet, error) {
	newRS, old := x.findNewReplicaSet(rsList)
	maxOld := int64(0)
	for _, rs := range old {
		maxOld = max(maxOld, revisionOf(&rs.ObjectMeta))
	}
	newRevision := strconv.FormatInt(maxOld+1, 10)
	d := x.d
	if newRS != nil {
		if newRS.Annotations[api.DeploymentRevisionAnnotation] != newRevision && revisionOf(&newRS.ObjectMeta) <= maxOld ||
			newRS.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
			n := newRS.DeepCopy()
			if revisionOf(&n.ObjectMeta) <= maxOld {
				// SetNewReplicaSetAnnotations: a rollback keeps the
				// revision it replaces in revision-history.
				if prev := n.Annotations[api.DeploymentRevisionAnnotation]; prev != "" {
					h := n.Annotations[RevisionHistoryAnnotation]
					if h != "" {
						h += ","
					}
					setAnnotation(&n.ObjectMeta, RevisionHistoryAnnotation, h+prev)
				}
				setAnnotation(&n.ObjectMeta, api.DeploymentRevisionAnnotation, newRevision)
			}
			n.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			if err := x.ctx.Update(n); err != nil {
				return nil, old, err
			}
			newRS = n
		}
		if err := x.syncDeploymentRevision(newRS, ReasonFoundNewRS, fmt.Sprintf("Found new replica set %q", newRS.Name)); err != nil {
			return nil, old, err
		}
		return newRS, old, nil
	}
	if !create {
		return nil, old, nil
	}
	for {
		hash := naming.PodTemplateHash(canonicalTemplate(d.Spec.Template), d.Status.CollisionCount)
		t := d.Spec.Template.DeepCopy()
		if t.Labels == nil {
			t.Labels = map[string]string{}
		}
		t.Labels[api.PodTemplateHashLabel] = hash
		sel := &api.LabelSelector{MatchLabels: map[string]string{api.PodTemplateHashLabel: hash}, MatchExpressions: d.Spec.Selector.MatchExpressions}
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
				OwnerReferences: []api.OwnerReference{{APIVersion: "apps/v1", Kind: api.KindDeployment, Name: d.Name, UID: d.UID, Controller: true}},
				Annotations:     map[string]string{api.DeploymentRevisionAnnotation: newRevision},
			},
			Spec: api.ReplicaSetSpec{Selector: sel, Template: t, MinReadySeconds: d.Spec.MinReadySeconds},
		}
		n := int32(x.newRSNewReplicas(rsList, nil))
		rs.Spec.Replicas = &n
		x.setReplicasAnnotations(&rs.ObjectMeta)
		err := x.ctx.Create(rs)
		if errors.Is(err, apiserver.ErrAlreadyExists) {
			existing := x.tx.ReplicaSet(rs.Key())
			if existing != nil && existing.ControllerUID() == d.UID && string(canonicalTemplate(existing.Spec.Template)) == string(canonicalTemplate(d.Spec.Template)) {
				return existing, old, nil
			}
			// A hash collision: bump status.collisionCount and retry.
			c := int32(0)
			if d.Status.CollisionCount != nil {
				c = *d.Status.CollisionCount
			}
			c++
			nd := d.DeepCopy()
			nd.Status.CollisionCount = &c
			if err := x.ctx.Update(nd); err != nil {
				return nil, old, err
			}
			x.d = nd
			d = nd
			continue
		}
		if err != nil {
			return nil, old, err
		}
		if n > 0 {
			x.ctx.Event(d, "Normal", "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", rs.Name, n)
		}
		return rs, old, x.syncDeploymentRevision(rs, ReasonNewRSCreated, fmt.Sprintf("Created new replica set %q", rs.Name))
	}
}

// syncDeploymentRevision mirrors the new ReplicaSet's revision on the
// Deployment and sets Progressing when it has none.
func (x *deploy) syncDeploymentRevision(rs *api.ReplicaSet, reason, msg string) error {
	d := x.tx.Deployment(x.d.Key())
	n := d.DeepCopy()
	changed := false
	if n.Annotations[api.DeploymentRevisionAnnotation] != rs.Annotations[api.DeploymentRevisionAnnotation] {
		setAnnotation(&n.ObjectMeta, api.DeploymentRevisionAnnotation, rs.Annotations[api.DeploymentRevisionAnnotation])
		changed = true
	}
	if reason == ReasonNewRSCreated || condition(n.Status.Conditions, ConditionProgressing) == nil {
		setCondition(&n.Status, api.DeploymentCondition{Type: ConditionProgressing, Status: "True", Reason: reason, Message: msg}, x.ctx.Now())
		changed = true
	}
	if !changed {
		return nil
	}
	if err := x.ctx.Update(n); err != nil {
		return err
	}
	x.d = n
	return nil
}

func setAnnotation(m *api.ObjectMeta, k, v string) {
	if m.Annotations == nil {
		m.Annotations = map[string]string{}
	}
	m.Annotations[k] = v
}

// resolveFenceposts is ResolveFenceposts: surge rounds up, unavailable
// down, and both zero makes unavailable 1.
func (x *deploy) resolveFenceposts() (surge, unavailable int) {
	ru := x.d.Spec.Strategy.RollingUpdate
	if ru == nil {
		return 0, 0
	}
	n := int(*x.d.Spec.Replicas)
	surge, _ = ru.MaxSurge.ScaledValue(n, true)
	unavailable, _ = ru.MaxUnavailable.ScaledValue(n, false)
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return surge, unavailable
}

// maxUnavailable is MaxUnavailable: 0 for Recreate or no replicas, capped
// at replicas.
func (x *deploy) maxUnavailable() int {
	n := int(*x.d.Spec.Replicas)
	if x.d.Spec.Strategy.Type != api.RollingUpdateStrategy || n == 0 {
		return 0
	}
	_, u := x.resolveFenceposts()
	return min(u, n)
}

func (x *deploy) maxSurge() int {
	if x.d.Spec.Strategy.Type != api.RollingUpdateStrategy {
		return 0
	}
	s, _ := x.resolveFenceposts()
	return s
}

func sumSpec(rss []*api.ReplicaSet) int {
	n := 0
	for _, rs := range rss {
		if rs != nil {
			n += replicas(rs)
		}
	}
	return n
}

// newRSNewReplicas is NewRSNewReplicas: grow the new ReplicaSet while the
// spec total stays within replicas + maxSurge.
func (x *deploy) newRSNewReplicas(all []*api.ReplicaSet, newRS *api.ReplicaSet) int {
	want := int(*x.d.Spec.Replicas)
	if x.d.Spec.Strategy.Type == api.RecreateStrategy {
		return want
	}
	cur := 0
	if newRS != nil {
		cur = replicas(newRS)
	}
	maxTotal := want + x.maxSurge()
	total := sumSpec(all)
	if total >= maxTotal {
		return cur
	}
	return cur + min(maxTotal-total, want-cur)
}

func (x *deploy) setReplicasAnnotations(m *api.ObjectMeta) bool {
	desired := strconv.Itoa(int(*x.d.Spec.Replicas))
	maxR := strconv.Itoa(int(*x.d.Spec.Replicas) + x.maxSurge())
	if m.Annotations[DesiredReplicasAnnotation] == desired && m.Annotations[MaxReplicasAnnotation] == maxR {
		return false
	}
	setAnnotation(m, DesiredReplicasAnnotation, desired)
	setAnnotation(m, MaxReplicasAnnotation, maxR)
	return true
}

// scaleReplicaSet is scaleReplicaSet: set the size and the replica
// annotations, and record ScalingReplicaSet.
func (x *deploy) scaleReplicaSet(rs *api.ReplicaSet, size int, op string) (*api.ReplicaSet, error) {
	cur := x.tx.ReplicaSet(rs.Key())
	n := cur.DeepCopy()
	annotated := x.setReplicasAnnotations(&n.ObjectMeta)
	if replicas(cur) == size && !annotated {
		return cur, nil
	}
	s := int32(size)
	n.Spec.Replicas = &s
	if err := x.ctx.Update(n); err != nil {
		return cur, err
	}
	if replicas(cur) != size {
		x.ctx.Event(x.d, "Normal", "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d", op, rs.Name, replicas(cur), size)
	}
	return n, nil
}

// refresh re-reads ReplicaSets written earlier in this sync.
func (x *deploy) refresh(rss []*api.ReplicaSet) []*api.ReplicaSet {
	out := make([]*api.ReplicaSet, 0, len(rss))
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		if cur := x.tx.ReplicaSet(rs.Key()); cur != nil {
			out = append(out, cur)
		}
	}
	return out
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

// calculateStatus sums the ReplicaSets' status and sets Available.
func (x *deploy) calculateStatus(all []*api.ReplicaSet, newRS *api.ReplicaSet) api.DeploymentStatus {
	d := x.d
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
	if int(st.AvailableReplicas) >= int(*d.Spec.Replicas)-x.maxUnavailable() {
		setCondition(&st, api.DeploymentCondition{Type: ConditionAvailable, Status: "True", Reason: ReasonMinimumReplicasAvail, Message: "Deployment has minimum availability."}, x.ctx.Now())
	} else {
		setCondition(&st, api.DeploymentCondition{Type: ConditionAvailable, Status: "False", Reason: ReasonMinimumReplicasUnavil, Message: "Deployment does not have minimum availability."}, x.ctx.Now())
	}
	return st
}

// complete is DeploymentComplete.
func (x *deploy) complete(st *api.DeploymentStatus) bool {
	n := *x.d.Spec.Replicas
	return st.UpdatedReplicas == n && st.Replicas == n && st.AvailableReplicas == n && st.ObservedGeneration >= x.d.Generation
}

// syncRolloutStatus is syncRolloutStatus: status plus the Progressing
// condition and its deadline.
func (x *deploy) syncRolloutStatus(all []*api.ReplicaSet, newRS *api.ReplicaSet) error {
	x.d = x.tx.Deployment(x.d.Key())
	d := x.d
	all = x.refresh(all)
	if newRS != nil {
		newRS = x.tx.ReplicaSet(newRS.Key())
	}
	st := x.calculateStatus(all, newRS)
	now := x.ctx.Now()
	cur := condition(d.Status.Conditions, ConditionProgressing)
	isComplete := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewRSAvailable
	if d.Spec.ProgressDeadlineSeconds != nil && !isComplete && newRS != nil {
		oldSt := d.Status
		switch {
		case x.complete(&st):
			setCondition(&st, api.DeploymentCondition{Type: ConditionProgressing, Status: "True", Reason: ReasonNewRSAvailable, Message: fmt.Sprintf("ReplicaSet %q has successfully progressed.", newRS.Name)}, now)
		case st.UpdatedReplicas > oldSt.UpdatedReplicas || st.Replicas-st.UpdatedReplicas < oldSt.Replicas-oldSt.UpdatedReplicas ||
			st.ReadyReplicas > oldSt.ReadyReplicas || st.AvailableReplicas > oldSt.AvailableReplicas:
			c := api.DeploymentCondition{Type: ConditionProgressing, Status: "True", Reason: ReasonRSUpdated, Message: fmt.Sprintf("ReplicaSet %q is progressing.", newRS.Name), LastUpdateTime: now, LastTransitionTime: now}
			if cur != nil && cur.Status == "True" {
				c.LastTransitionTime = cur.LastTransitionTime
			}
			st.Conditions = slices.DeleteFunc(st.Conditions, func(x api.DeploymentCondition) bool { return x.Type == ConditionProgressing })
			st.Conditions = append(st.Conditions, c)
		case cur != nil && cur.Reason != ReasonNewRSAvailable && cur.Reason != ReasonTimedOut &&
			cur.LastUpdateTime+time.Duration(*d.Spec.ProgressDeadlineSeconds)*time.Second < now:
			setCondition(&st, api.DeploymentCondition{Type: ConditionProgressing, Status: "False", Reason: ReasonTimedOut, Message: fmt.Sprintf("ReplicaSet %q has timed out progressing.", newRS.Name)}, now)
		}
	}
	if c := condition(st.Conditions, ConditionProgressing); c != nil && d.Spec.ProgressDeadlineSeconds != nil &&
		c.Status == "True" && c.Reason != ReasonNewRSAvailable {
		// requeueStuckDeployment: look again when the deadline passes.
		left := c.LastUpdateTime + time.Duration(*d.Spec.ProgressDeadlineSeconds)*time.Second - now
		x.ctx.After(max(left, 0)+time.Second, d.Key())
	}
	if reflect.DeepEqual(d.Status, st) {
		return nil
	}
	n := d.DeepCopy()
	n.Status = st
	return x.ctx.Update(n)
}

func (x *deploy) syncStatusOnly(rsList []*api.ReplicaSet) error {
	newRS, _ := x.findNewReplicaSet(rsList)
	st := x.calculateStatus(rsList, newRS)
	if reflect.DeepEqual(x.d.Status, st) {
		return nil
	}
	n := x.d.DeepCopy()
	n.Status = st
	return x.ctx.Update(n)
}
