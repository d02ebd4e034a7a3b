// Package simtest helps tests run scenarios written inline and check
// invariants after every change: objects in the store are never changed in
// place; OrderedReady StatefulSets create a pod only when every lower
// ordinal is Running and Ready; StatefulSet pods mount the claims of their
// own ordinal, and no two pods of one set hold one ordinal; a workload's
// status never counts more ready pods than pods, nor more available pods
// than ready ones; a pod has at most one controller and keeps its IP; a Deployment's
// ReplicaSets never sum above replicas + maxSurge, and its controller never
// scales old ReplicaSets below replicas - maxUnavailable available pods;
// claims and volumes bind 1:1, a ReadWriteOnce volume is attached to at
// most one node, and a running pod's CSI volumes are attached to its node
// (storage.go); no container runs on a crashed node, and no pod on a
// crashed or cut-off node turns Ready (nodes.go).
package simtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/deployment"
	"stsim/sim/controllers/statefulset"
	"stsim/sim/history"
	"stsim/sim/replay"
	"stsim/sim/store"
	"stsim/sim/workload"
)

// Load parses a scenario from YAML text; manifests may be given in files.
func Load(t testing.TB, text string, files map[string]string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("test.yaml", []byte(text), func(name string) ([]byte, error) {
		if f, ok := files[name]; ok {
			return []byte(f), nil
		}
		return nil, fmt.Errorf("no file %s", name)
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return sc
}

// Run loads and replays a scenario under one rule set with the invariants
// checked after every change, and fails the test on any error.
func Run(t testing.TB, text string, rules workload.Rules) *history.Run {
	t.Helper()
	return RunScenario(t, Load(t, text, nil), rules)
}

// RunScenario replays a loaded scenario with the invariants checked.
func RunScenario(t testing.TB, sc *scenarios.Scenario, rules workload.Rules) *history.Run {
	t.Helper()
	run, err := replay.RunWith(sc, rules, func(e *sim.Engine) { Check(t, e) })
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	return run
}

// Check registers the invariant checks on an engine: among them, the
// StatefulSet controller's state of each set's pods, kept from changes,
// must be what it would build from the store at every sync.
func Check(t testing.TB, e *sim.Engine) {
	if c, ok := e.Controller("statefulset-controller").(*statefulset.Controller); ok {
		c.VerifyStates(func(set, diff string) { t.Errorf("at %v: StatefulSet %s: %s", e.Now(), set, diff) })
	}
	prints := map[api.Object]string{}
	e.Observe(func(_ *store.Txn, now time.Duration, changes []store.Change) {
		for _, c := range changes {
			if c.Old != nil {
				if was, ok := prints[c.Old]; ok && was != fingerprint(c.Old) {
					t.Errorf("at %v: %s %s was changed in place after it was stored", now, c.Kind, c.Old.Meta().Key())
				}
				delete(prints, c.Old)
			}
			if c.New != nil {
				prints[c.New] = fingerprint(c.New)
			}
			if p, ok := c.New.(*api.Pod); ok {
				checkControllers(t, now, p)
				if old, ok := c.Old.(*api.Pod); ok && old.Status.PodIP != "" && p.Status.PodIP != old.Status.PodIP {
					t.Errorf("at %v: pod %s changed its IP from %s to %s (K5: the sandbox keeps it)", now, p.Name, old.Status.PodIP, p.Status.PodIP)
				}
				if c.Old == nil {
					checkStatefulPod(t, e, now, p)
				}
			}
			checkStatus(t, now, c.New)
		}
		checkReplicaSets(t, e, now, changes)
		checkStorage(t, e, now, changes)     // storage.go
		checkFailedNodes(t, e, now, changes) // nodes.go
	})
}

// checkControllers checks that an object has at most one controller
// reference (ValidateOwnerReferences: "Only one reference can have
// Controller set to true").
func checkControllers(t testing.TB, now time.Duration, o api.Object) {
	n := 0
	for _, r := range o.Meta().OwnerReferences {
		if r.Controller {
			n++
		}
	}
	if n > 1 {
		t.Errorf("at %v: %s %s has %d controller references", now, o.GetKind(), o.Meta().Name, n)
	}
}

// checkReplicaSets checks a write that resized a Deployment's ReplicaSets
// (only the Deployment controller does): their spec replicas sum to at most
// replicas + MaxSurge, and, outside a scaling event, the available pods
// they keep (each one's min(spec, status.availableReplicas)) do not fall
// below replicas - MaxUnavailable unless they already were (rolloutRolling
// and reconcileOldReplicaSets in pkg/controller/deployment/rolling.go).
func checkReplicaSets(t testing.TB, e *sim.Engine, now time.Duration, changes []store.Change) {
	resized := map[string]bool{}
	before := map[string]*api.ReplicaSet{}
	scaling := false
	for _, c := range changes {
		old, okOld := c.Old.(*api.ReplicaSet)
		n, okNew := c.New.(*api.ReplicaSet)
		if !okOld || !okNew || *old.Spec.Replicas == *n.Spec.Replicas || n.ControllerRef() == nil {
			continue
		}
		resized[n.Namespace+"/"+n.ControllerRef().Name] = true
		before[n.UID] = old
		scaling = scaling || old.Annotations[deployment.DesiredReplicasAnnotation] != n.Annotations[deployment.DesiredReplicasAnnotation]
	}
	tx := e.View()
	for _, key := range slices.Sorted(maps.Keys(resized)) {
		d := tx.Deployment(key)
		if d == nil {
			continue
		}
		replicas := int(*d.Spec.Replicas)
		sum, kept, keptBefore := 0, 0, 0
		for _, rs := range tx.ReplicaSetsOwnedBy(d.UID) {
			sum += int(*rs.Spec.Replicas)
			kept += int(min(*rs.Spec.Replicas, rs.Status.AvailableReplicas))
			was := rs
			if b, ok := before[rs.UID]; ok {
				was = b
			}
			keptBefore += int(min(*was.Spec.Replicas, was.Status.AvailableReplicas))
		}
		if limit := replicas + deployment.MaxSurge(d); sum > limit {
			t.Errorf("at %v: the ReplicaSets of Deployment %s sum to %d replicas, above replicas + maxSurge = %d", now, d.Name, sum, limit)
		}
		floor := replicas - deployment.MaxUnavailable(d)
		if d.Spec.Strategy.Type == api.RollingUpdateStrategy && !scaling && !d.Spec.Paused && kept < min(floor, keptBefore) {
			t.Errorf("at %v: Deployment %s scaled its ReplicaSets down to %d available pods, below replicas - maxUnavailable = %d", now, d.Name, kept, floor)
		}
	}
}

// checkStatus checks a workload's status counts: available ≤ ready ≤
// replicas (ValidateStatefulSetStatus, ValidateDeploymentStatus).
func checkStatus(t testing.TB, now time.Duration, o api.Object) {
	var replicas, ready, available int32
	switch w := o.(type) {
	case *api.StatefulSet:
		replicas, ready, available = w.Status.Replicas, w.Status.ReadyReplicas, w.Status.AvailableReplicas
	case *api.Deployment:
		replicas, ready, available = w.Status.Replicas, w.Status.ReadyReplicas, w.Status.AvailableReplicas
	default:
		return
	}
	if ready > replicas || available > ready {
		t.Errorf("at %v: %s %s status replicas=%d ready=%d available=%d", now, o.GetKind(), o.Meta().Name, replicas, ready, available)
	}
}

// fingerprint is everything an object holds, including the fields the API
// server and controllers set.
func fingerprint(o api.Object) string {
	b, err := json.Marshal(struct {
		O    api.Object
		M    api.ObjectMeta
		Misc any
	}{o, *o.Meta(), status(o)})
	if err != nil {
		panic(err)
	}
	return string(b)
}

func status(o api.Object) any {
	switch x := o.(type) {
	case *api.Pod:
		return x.Status
	case *api.StatefulSet:
		return x.Status
	case *api.Deployment:
		return x.Status
	case *api.ReplicaSet:
		return x.Status
	case *api.PersistentVolumeClaim:
		return x.Status
	case *api.PersistentVolume:
		return x.Status
	case *api.VolumeAttachment:
		return x.Status
	}
	return nil
}

// checkStatefulPod checks a newly created StatefulSet pod: its claims are
// its ordinal's, and under OrderedReady every lower ordinal in range is
// Running and Ready (the docs' "Deployment and Scaling Guarantees").
func checkStatefulPod(t testing.TB, e *sim.Engine, now time.Duration, p *api.Pod) {
	ref := p.ControllerRef()
	if ref == nil || ref.Kind != api.KindStatefulSet {
		return
	}
	tx := e.View()
	set := tx.StatefulSet(p.Namespace + "/" + ref.Name)
	if set == nil {
		return
	}
	_, ordinal := statefulset.ParentAndOrdinal(p.Name)
	for _, o := range tx.PodsOwnedBy(set.UID) {
		if o.UID != p.UID && o.ControllerUID() == set.UID && o.Labels[api.PodIndexLabel] == strconv.Itoa(ordinal) {
			t.Errorf("at %v: pod %s created while %s holds ordinal %d of %s", now, p.Name, o.Name, ordinal, set.Name)
		}
	}
	for _, tmpl := range set.ClaimTemplates() {
		want := statefulset.ClaimName(tmpl.Name, set.Name, ordinal)
		found := false
		for _, v := range p.Spec.Volumes {
			found = found || (v.Name == tmpl.Name && v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == want)
		}
		if !found {
			t.Errorf("at %v: pod %s does not mount claim %s", now, p.Name, want)
		}
		if tx.Claim(p.Namespace+"/"+want) == nil {
			t.Errorf("at %v: pod %s created before its claim %s", now, p.Name, want)
		}
	}
	if set.Spec.PodManagementPolicy != api.OrderedReadyPodManagement {
		return
	}
	start := 0
	if set.Spec.Ordinals != nil {
		start = int(set.Spec.Ordinals.Start)
	}
	for o := start; o < ordinal; o++ {
		prev := tx.Pod(p.Namespace + "/" + statefulset.PodName(set.Name, o))
		if prev == nil || !prev.IsRunningAndReady() || prev.Terminating() {
			t.Errorf("at %v: OrderedReady created %s while %s-%s was not Running and Ready", now, p.Name, set.Name, strconv.Itoa(o))
		}
	}
}
