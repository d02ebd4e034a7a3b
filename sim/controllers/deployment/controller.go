// Package deployment is the Deployment controller, following
// pkg/controller/deployment of Kubernetes v1.37: one ReplicaSet per pod
// template named "<deployment>-<pod-template-hash>", the RollingUpdate
// (maxSurge/maxUnavailable) and Recreate strategies, proportional scaling,
// revision annotations, history cleanup, and status with the Available and
// Progressing conditions.
//
// The files split as upstream's do: controller.go (deployment_controller.go,
// syncDeployment), sync.go (the new ReplicaSet, scaling, cleanup, status),
// rolling.go, recreate.go, progress.go (conditions and the progress
// deadline), util.go (the pure helpers of deployment_util.go, table-tested)
// and objects.go (the object manager every read and write goes through).
package deployment

import (
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/refmanager"
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
	ReasonPaused                = "DeploymentPaused"
	ReasonResumed               = "DeploymentResumed"
	ReasonMinimumReplicasAvail  = "MinimumReplicasAvailable"
	ReasonMinimumReplicasUnavil = "MinimumReplicasUnavailable"
)

// Controller reconciles Deployments.
type Controller struct {
	// objects gives a sync its object manager; tests may replace it.
	objects func(ctx *sim.Context) objectManager
}

// New returns the controller.
func New() *Controller {
	return &Controller{objects: func(ctx *sim.Context) objectManager { return storeObjects{ctx} }}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "deployment-controller" }

// Keys wakes a Deployment on its own changes, its ReplicaSets' changes,
// an orphaned ReplicaSet its selector matches (getDeploymentsForReplicaSet)
// and the removal of pods of its ReplicaSets (Recreate waits for them).
func (*Controller) Keys(tx *store.Txn, c store.Change) []string {
	switch c.Kind {
	case api.KindDeployment:
		return []string{c.Object().Meta().Key()}
	case api.KindReplicaSet:
		keys := c.ControllerKeys(api.KindDeployment)
		if rs, ok := c.New.(*api.ReplicaSet); ok && rs.ControllerRef() == nil && !rs.Terminating() {
			for _, d := range tx.Deployments() {
				if d.Namespace == rs.Namespace && d.Spec.Selector.Matches(rs.Labels) {
					keys = append(keys, d.Key())
				}
			}
		}
		return keys
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
	objects objectManager
	now     time.Duration
	d       *api.Deployment
	// requeue, when set, asks for another sync after that long (the
	// progress deadline's requeueStuckDeployment).
	requeue *time.Duration
}

// Reconcile is syncDeployment: status only for a Deployment being deleted,
// scaling (sync) when paused or when spec.replicas changed, else the
// rollout of its strategy.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	objects := c.objects(ctx)
	d := objects.Deployment(key)
	if d == nil {
		return nil
	}
	x := &deploy{objects: objects, now: ctx.Now(), d: d}
	err := x.syncDeployment()
	if x.requeue != nil {
		ctx.After(*x.requeue, key)
	}
	return err
}

func (x *deploy) syncDeployment() error {
	rsList, err := x.replicaSets()
	if err != nil {
		return err
	}
	if x.d.Terminating() {
		return x.syncStatusOnly(rsList)
	}
	if err := x.checkPausedConditions(); err != nil {
		return err
	}
	switch {
	case x.d.Spec.Paused || isScalingEvent(x.d, rsList):
		return x.sync(rsList)
	case x.d.Spec.Strategy.Type == api.RecreateStrategy:
		return x.rolloutRecreate(rsList)
	}
	return x.rolloutRolling(rsList)
}

// checkPausedConditions is checkPausedConditions: pausing sets
// Progressing to Unknown (DeploymentPaused) and resuming to Unknown
// (DeploymentResumed), unless the progress deadline was already exceeded;
// without a progress deadline nothing is set.
func (x *deploy) checkPausedConditions() error {
	if !hasProgressDeadline(x.d) {
		return nil
	}
	cur := condition(x.d.Status.Conditions, ConditionProgressing)
	if cur != nil && cur.Reason == ReasonTimedOut {
		return nil
	}
	paused := cur != nil && cur.Reason == ReasonPaused
	var c api.DeploymentCondition
	switch {
	case x.d.Spec.Paused && !paused:
		c = api.DeploymentCondition{Type: ConditionProgressing, Status: "Unknown", Reason: ReasonPaused, Message: "Deployment is paused"}
	case !x.d.Spec.Paused && paused:
		c = api.DeploymentCondition{Type: ConditionProgressing, Status: "Unknown", Reason: ReasonResumed, Message: "Deployment is resumed"}
	default:
		return nil
	}
	n := x.d.DeepCopy()
	setCondition(&n.Status, c, x.now)
	if err := x.objects.UpdateDeployment(n); err != nil {
		return err
	}
	x.d = n
	return nil
}

// replicaSets claims the Deployment's ReplicaSets, oldest first
// (getReplicaSetsForDeployment with ClaimReplicaSets): it adopts orphans
// its selector matches and releases the ones that stopped matching.
func (x *deploy) replicaSets() ([]*api.ReplicaSet, error) {
	out, err := refmanager.Claim(x.d, "apps/v1", x.d.Spec.Selector, x.objects.ReplicaSetCandidates(x.d), nil, x.objects.UpdateReplicaSet)
	sortByCreation(out)
	return out, err
}

// refresh re-reads ReplicaSets written earlier in this sync.
func (x *deploy) refresh(rss []*api.ReplicaSet) []*api.ReplicaSet {
	out := make([]*api.ReplicaSet, 0, len(rss))
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		if cur := x.objects.ReplicaSet(rs.Key()); cur != nil {
			out = append(out, cur)
		}
	}
	return out
}

// scaleReplicaSet is scaleReplicaSet: set the size and the replica
// annotations, and record ScalingReplicaSet.
func (x *deploy) scaleReplicaSet(rs *api.ReplicaSet, size int, op string) (*api.ReplicaSet, error) {
	cur := x.objects.ReplicaSet(rs.Key())
	n := cur.DeepCopy()
	annotated := setReplicasAnnotations(x.d, &n.ObjectMeta)
	if replicas(cur) == size && !annotated {
		return cur, nil
	}
	s := int32(size)
	n.Spec.Replicas = &s
	if err := x.objects.UpdateReplicaSet(n); err != nil {
		return cur, err
	}
	if replicas(cur) != size {
		x.objects.Event(x.d, "Normal", "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d", op, rs.Name, replicas(cur), size)
	}
	return n, nil
}
