package replay

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/dns"
	"stsim/sim/history"
)

// apply creates every manifest of the step (all of the scenario's when the
// step names none). The workload, converted to the rule set, is created or
// has its spec, labels and annotations replaced, as kubectl apply does;
// other objects that exist already are left as they are.
func (r *replay) apply(ctx *sim.Context) error {
	objs := []api.Object{}
	if r.step.Apply == nil || r.step.Apply.Objects == nil {
		for _, m := range r.sc.Manifests {
			if isWorkload(m.Object) {
				objs = append(objs, r.workload)
				objs = append(objs, r.extra...)
				continue
			}
			objs = append(objs, m.Object)
		}
	} else {
		for _, m := range r.step.Apply.Objects {
			if isWorkload(m.Object) {
				c := *r.sc
				c.Workload = m
				wl, extra, _ := scenarios.Convert(&c, r.rules)
				objs = append(objs, wl)
				objs = append(objs, extra...)
				continue
			}
			objs = append(objs, m.Object)
		}
	}
	for _, o := range objs {
		if err := r.applyOne(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

func isWorkload(o api.Object) bool {
	k := o.GetKind()
	return k == api.KindStatefulSet || k == api.KindDeployment
}

func (r *replay) applyOne(ctx *sim.Context, o api.Object) error {
	o = o.DeepCopyObject()
	if o.Meta().Namespace == "" && o.GetKind() != api.KindPersistentVolume && o.GetKind() != api.KindStorageClass {
		o.Meta().Namespace = api.DefaultNamespace
	}
	tx := ctx.Txn()
	switch w := o.(type) {
	case *api.StatefulSet:
		api.SetDefaultsStatefulSet(w)
		if cur := tx.StatefulSet(w.Key()); cur != nil {
			n := cur.DeepCopy()
			n.Spec, n.Labels, n.Annotations = w.Spec, w.Labels, w.Annotations
			return ctx.Update(n)
		}
	case *api.Deployment:
		api.SetDefaultsDeployment(w)
		if cur := tx.Deployment(w.Key()); cur != nil {
			n := cur.DeepCopy()
			n.Spec, n.Labels, n.Annotations = w.Spec, w.Labels, w.Annotations
			return ctx.Update(n)
		}
	case *api.Service:
		api.SetDefaultsService(w)
	case *api.PersistentVolumeClaim:
		api.SetDefaultsPersistentVolumeClaim(w)
	case *api.PersistentVolume:
		w.Status.Phase = api.VolumeAvailable
		if w.Spec.PersistentVolumeReclaimPolicy == "" {
			w.Spec.PersistentVolumeReclaimPolicy = api.RetainPolicy
		}
	}
	err := ctx.Create(o)
	if errors.Is(err, apiserver.ErrAlreadyExists) {
		return nil
	}
	return err
}

// workloadObject reads the workload, or nil.
func (r *replay) workloadObject(ctx *sim.Context) api.Object {
	key := r.ns + "/" + r.name
	if r.kind == api.KindStatefulSet {
		if s := ctx.Txn().StatefulSet(key); s != nil {
			return s
		}
		return nil
	}
	if d := ctx.Txn().Deployment(key); d != nil {
		return d
	}
	return nil
}

// scale sets spec.replicas, as kubectl scale does.
func (r *replay) scale(ctx *sim.Context, n int32) error {
	switch w := r.workloadObject(ctx).(type) {
	case *api.StatefulSet:
		c := w.DeepCopy()
		c.Spec.Replicas = &n
		return ctx.Update(c)
	case *api.Deployment:
		c := w.DeepCopy()
		c.Spec.Replicas = &n
		return ctx.Update(c)
	}
	r.finding("the workload %s %s does not exist", r.kind, r.name)
	return nil
}

// targets lists the workload's pods a target names, by creation order.
// Terminating pods count only when terminating is set.
func (r *replay) targets(t scenarios.Target, terminating bool) []*api.Pod {
	tx := r.eng.View()
	var live []*api.Pod
	for _, row := range r.rec.LivePods() {
		p := tx.Pod(r.ns + "/" + row.Name)
		if p == nil || p.UID != row.UID || (p.Terminating() && !terminating) {
			continue
		}
		slot, _ := r.rec.SlotOf(p.UID)
		switch {
		case t.All, t.Random != nil,
			t.Pod != "" && p.Name == t.Pod,
			t.Ordinal != nil && slot == *t.Ordinal,
			t.Node != "" && p.Spec.NodeName == t.Node:
			live = append(live, p)
		}
	}
	if t.Random != nil {
		// A seeded choice of N pods: a partial Fisher-Yates shuffle.
		n := min(*t.Random, len(live))
		for i := 0; i < n; i++ {
			j := i + r.eng.Rand().IntN(len(live)-i)
			live[i], live[j] = live[j], live[i]
		}
		live = live[:n]
	}
	return live
}

func describe(t scenarios.Target) string {
	switch {
	case t.All:
		return "all"
	case t.Pod != "":
		return "{pod: " + t.Pod + "}"
	case t.Ordinal != nil:
		return fmt.Sprintf("{ordinal: %d}", *t.Ordinal)
	case t.Node != "":
		return "{node: " + t.Node + "}"
	case t.Random != nil:
		return fmt.Sprintf("{random: %d}", *t.Random)
	}
	return "{}"
}

// deletePods deletes the target pods gracefully, as kubectl delete pod does.
func (r *replay) deletePods(t scenarios.Target) error {
	pods := r.targets(t, false)
	if len(pods) == 0 {
		r.finding("deletePod: no pod matches %s", describe(t))
		return nil
	}
	return r.write(func(ctx *sim.Context) error {
		for _, p := range pods {
			if err := ctx.Delete(api.KindPod, p.Key(), apiserver.DeleteOptions{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// appWrite is the application in each target pod writing a record.
func (r *replay) appWrite(ctx *sim.Context, w *scenarios.Write) error {
	pods := r.targets(w.Target, false)
	if len(pods) == 0 {
		r.finding("write: no pod matches %s", describe(w.Target))
	}
	run := r.rec.Run()
	for _, p := range pods {
		disk, err := r.kube.Write(p, w.Volume, w.Key, w.Value, ctx.Now())
		if err != nil {
			r.finding("write: %v", err)
			continue
		}
		run.Writes = append(run.Writes, history.Write{Time: history.Seconds(ctx.Now()), Pod: p.Name, Volume: w.Volume, Disk: disk, Key: w.Key, Value: w.Value})
	}
	return nil
}

// appRead is the application in each target pod reading a record; the
// reads of a read step are recorded in the history, those of an expect
// only in its expectation.
func (r *replay) appRead(ctx *sim.Context, t scenarios.Target, volume, key string, record bool) []history.Read {
	pods := r.targets(t, false)
	if len(pods) == 0 {
		r.finding("read: no pod matches %s", describe(t))
	}
	run := r.rec.Run()
	var out []history.Read
	for _, p := range pods {
		disk, rec, ok, err := r.kube.Read(p, volume, key)
		if err != nil {
			r.finding("read: %v", err)
			continue
		}
		row := history.Read{Time: history.Seconds(ctx.Now()), Pod: p.Name, Volume: volume, Disk: disk, Key: key, Value: rec.Value, Found: ok, WrittenBy: rec.Writer}
		if record {
			run.Reads = append(run.Reads, row)
		}
		out = append(out, row)
	}
	return out
}

// resolve asks cluster DNS from a client pod in the namespace; record as
// for appRead.
func (r *replay) resolve(name, typ string, record bool) history.Lookup {
	a := dns.Resolve(r.eng.View(), r.ns, name, typ)
	l := history.Lookup{Time: history.Seconds(r.eng.Now()), Name: name, Type: typ, FQDN: a.FQDN,
		Answers: append([]string{}, a.Records...), Pods: append([]string{}, a.Pods...), NXDomain: a.NXDomain, TTL: r.sc.DNSTTL}
	if record {
		run := r.rec.Run()
		run.Lookups = append(run.Lookups, l)
	}
	return l
}

// waitFor runs the cluster until every condition holds or the timeout
// passes; a timeout is a finding saying what the rollout is stuck on.
func (r *replay) waitFor(w *scenarios.WaitFor) error {
	var gone map[string]bool
	if w.Gone != nil {
		gone = map[string]bool{}
		for _, p := range r.targets(*w.Gone, true) {
			gone[p.UID] = true
		}
	}
	cond := func() bool { return r.holds(w, gone) }
	ok, err := r.eng.RunUntilCond(r.eng.Now()+w.Timeout, cond)
	if err != nil || ok {
		return err
	}
	r.finding("waitFor timed out after %v: %s", w.Timeout, r.stuckOn())
	return nil
}

func (r *replay) holds(w *scenarios.WaitFor, gone map[string]bool) bool {
	tx := r.eng.View()
	if w.RolledOut && !r.rolledOut() {
		return false
	}
	if w.Ready != nil && r.readyCount() != *w.Ready {
		return false
	}
	if w.PodReady != nil {
		ready := false
		for _, p := range r.targets(*w.PodReady, false) {
			ready = ready || p.Status.Ready
		}
		if !ready {
			return false
		}
	}
	for uid := range gone {
		if tx.ByUID(api.KindPod, uid) != nil {
			return false
		}
	}
	return true
}

// readyCount is the number of Ready, non-terminating workload pods.
func (r *replay) readyCount() int {
	n := 0
	for _, p := range r.targets(scenarios.Target{All: true}, false) {
		if p.Status.Ready {
			n++
		}
	}
	return n
}

// rolledOut decides as `kubectl rollout status` does
// (statefulSetStatusViewer, deploymentStatusViewer in kubectl's polymorphichelpers).
func (r *replay) rolledOut() bool {
	tx := r.eng.View()
	key := r.ns + "/" + r.name
	if r.kind == api.KindStatefulSet {
		s := tx.StatefulSet(key)
		if s == nil || s.Status.ObservedGeneration == 0 || s.Generation > s.Status.ObservedGeneration {
			return false
		}
		if s.Status.ReadyReplicas < *s.Spec.Replicas {
			return false
		}
		if ru := s.Spec.UpdateStrategy.RollingUpdate; s.Spec.UpdateStrategy.Type == api.RollingUpdateStrategy && ru != nil && ru.Partition != nil && *ru.Partition > 0 {
			return s.Status.UpdatedReplicas >= *s.Spec.Replicas-*ru.Partition
		}
		return s.Status.UpdateRevision == s.Status.CurrentRevision
	}
	d := tx.Deployment(key)
	if d == nil || d.Generation > d.Status.ObservedGeneration {
		return false
	}
	st := d.Status
	return st.UpdatedReplicas >= *d.Spec.Replicas && st.Replicas <= st.UpdatedReplicas && st.AvailableReplicas >= st.UpdatedReplicas
}

// stuckOn describes the workload's status and the pods not Ready.
func (r *replay) stuckOn() string {
	tx := r.eng.View()
	key := r.ns + "/" + r.name
	var b strings.Builder
	switch r.kind {
	case api.KindStatefulSet:
		if s := tx.StatefulSet(key); s != nil {
			st := s.Status
			fmt.Fprintf(&b, "StatefulSet %s wants %d replicas; status replicas=%d ready=%d current=%d updated=%d (revision %s -> %s)",
				s.Name, *s.Spec.Replicas, st.Replicas, st.ReadyReplicas, st.CurrentReplicas, st.UpdatedReplicas, st.CurrentRevision, st.UpdateRevision)
		}
	default:
		if d := tx.Deployment(key); d != nil {
			st := d.Status
			fmt.Fprintf(&b, "Deployment %s wants %d replicas; status replicas=%d ready=%d updated=%d available=%d",
				d.Name, *d.Spec.Replicas, st.Replicas, st.ReadyReplicas, st.UpdatedReplicas, st.AvailableReplicas)
		}
	}
	var waiting []string
	for _, p := range r.targets(scenarios.Target{All: true}, true) {
		if p.Status.Ready && !p.Terminating() {
			continue
		}
		why := p.Status.Phase
		if reason := p.WaitingReason(); reason != "" {
			why += ", " + reason
		}
		if p.Terminating() {
			why += ", terminating"
		}
		if p.Spec.NodeName == "" {
			why += ", unscheduled"
		}
		waiting = append(waiting, fmt.Sprintf("%s (%s)", p.Name, why))
	}
	slices.Sort(waiting)
	if len(waiting) > 0 {
		fmt.Fprintf(&b, "; not ready: %s", strings.Join(waiting, ", "))
	}
	return b.String()
}
