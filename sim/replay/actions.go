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

func init() {
	register(runApply)
	register(runWaitFor)
	register(runDeletePod)
	register(runScale)
	register(runWrite)
	register(runRead)
	register(runResolve)
}

// runApply creates every object of the step under the rule set. The
// workload is created, or has its spec, labels and annotations replaced, as
// kubectl apply does; other objects that exist already are left as they
// are.
func runApply(r *replay, st scenarios.Step, a *scenarios.Apply) error {
	for _, n := range a.Notes(r.rules) {
		r.rec.Converted(st.String() + ": " + n)
	}
	return r.write(st, func(ctx *sim.Context) error {
		for _, o := range a.Objects(r.rules) {
			if err := r.applyOne(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
}

func (r *replay) applyOne(ctx *sim.Context, o api.Object) error {
	o = o.DeepCopyObject()
	if r.w.Is(o) {
		if cur := r.w.Get(ctx.Txn()); cur != nil {
			return ctx.Update(r.w.WithSpecOf(cur, o))
		}
	}
	err := ctx.Create(o)
	if errors.Is(err, apiserver.ErrAlreadyExists) {
		return nil
	}
	return err
}

// runScale sets spec.replicas, as kubectl scale does.
func runScale(r *replay, st scenarios.Step, s *scenarios.Scale) error {
	return r.write(st, func(ctx *sim.Context) error {
		cur := r.w.Get(ctx.Txn())
		if cur == nil {
			r.finding(st, "the workload %s %s does not exist", r.w.Kind(), r.w.Name())
			return nil
		}
		return ctx.Update(r.w.WithReplicas(cur, s.Replicas))
	})
}

// runDeletePod deletes the target pods gracefully, as kubectl delete pod does.
func runDeletePod(r *replay, st scenarios.Step, d *scenarios.DeletePod) error {
	pods := r.targets(d.Target, false)
	if len(pods) == 0 {
		r.finding(st, "deletePod: no pod matches %s", d.Target)
		return nil
	}
	return r.write(st, func(ctx *sim.Context) error {
		for _, p := range pods {
			if err := ctx.Delete(api.KindPod, p.Key(), apiserver.DeleteOptions{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// runWrite is the application in each pod the target reaches writing a
// record; a write that cannot be done is recorded as a failure.
func runWrite(r *replay, st scenarios.Step, w *scenarios.Write) error {
	fail := history.Failure{Op: "write", Target: w.Target.String(), Volume: w.Volume, Key: w.Key, Value: w.Value}
	pods, why := r.reach(w.Target, true)
	if why != "" {
		fail.Reason = why
		r.failed(st, fail)
	}
	for _, p := range pods {
		fail.Pod = p.Name
		if fail.Reason = r.readOnly(p); fail.Reason != "" {
			r.failed(st, fail)
			continue
		}
		disk, err := r.kube.Write(p, w.Volume, w.Key, w.Value, r.eng.Now())
		if err != nil {
			fail.Reason = err.Error()
			r.failed(st, fail)
			continue
		}
		r.rec.Write(history.Write{Time: r.eng.Now(), Pod: p.Name, Node: p.Spec.NodeName, Volume: w.Volume, Disk: disk, Key: w.Key, Value: w.Value})
	}
	return nil
}

// runRead is the application in each pod the target reaches reading a
// record; a read that cannot be done is recorded as a failure.
func runRead(r *replay, st scenarios.Step, rd *scenarios.Read) error {
	reads, failures := r.read(rd.Target, rd.Volume, rd.Key, true)
	for _, f := range failures {
		r.failed(st, f)
	}
	for _, row := range reads {
		r.rec.Read(row)
	}
	return nil
}

// read reads a key through the pods the target reaches, which only looks:
// it writes nothing to the store (a {dns: NAME} target's look-up is
// recorded when record is set). It returns what was read and the reads that
// could not be done.
func (r *replay) read(t scenarios.Target, volume, key string, record bool) ([]history.Read, []history.Failure) {
	fail := history.Failure{Op: "read", Target: t.String(), Volume: volume, Key: key}
	pods, why := r.reach(t, record)
	var out []history.Read
	var failures []history.Failure
	if why != "" {
		fail.Reason = why
		failures = append(failures, fail)
	}
	for _, p := range pods {
		disk, rec, ok, err := r.kube.Read(p, volume, key)
		if err != nil {
			fail.Pod, fail.Reason = p.Name, err.Error()
			failures = append(failures, fail)
			continue
		}
		out = append(out, history.Read{Time: r.eng.Now(), Pod: p.Name, Volume: volume, Disk: disk, Key: key,
			Value: rec.Value, Found: ok, WrittenBy: rec.Writer})
	}
	return out, failures
}

// runResolve asks cluster DNS from a client pod in the namespace.
func runResolve(r *replay, _ scenarios.Step, q *scenarios.Resolve) error {
	r.rec.Lookup(r.resolve(q.Name, q.Type))
	return nil
}

func (r *replay) resolve(name, typ string) history.Lookup {
	a := dns.Resolve(r.eng.View(), dns.Query{Namespace: r.w.Namespace(), Name: name, Type: typ, TTL: r.sc.DNSTTL})
	return history.Lookup{Time: r.eng.Now(), Name: name, Type: typ, FQDN: a.FQDN,
		Answers: slices.Clone(a.Records), Pods: slices.Clone(a.Pods), NXDomain: a.NXDomain, Outside: a.Outside, TTL: a.TTL}
}

// runWaitFor runs the cluster until every condition holds or the timeout
// passes; a timeout is a finding saying what the rollout is stuck on. When
// kubectl rollout status would give up (rolledOut answers with an error),
// the wait ends there with a finding quoting it.
func runWaitFor(r *replay, st scenarios.Step, w *scenarios.WaitFor) error {
	var gone []string
	if w.Gone != nil {
		for _, p := range r.targets(*w.Gone, true) {
			gone = append(gone, p.UID)
		}
	}
	var rolloutErr error
	cond := func() bool {
		ok, err := r.holds(w, gone)
		rolloutErr = err
		return ok || err != nil
	}
	ok, err := r.eng.RunUntilCond(r.eng.Now()+w.Timeout, cond)
	switch {
	case err != nil:
		return err
	case rolloutErr != nil:
		r.finding(st, "waitFor rolledOut: kubectl rollout status: %v: %s", rolloutErr, r.stuckOn())
	case !ok:
		r.finding(st, "waitFor timed out after %v: %s", w.Timeout, r.stuckOn())
	}
	return nil
}

// holds says whether the wait's conditions hold now, or kubectl's error
// for rolledOut.
func (r *replay) holds(w *scenarios.WaitFor, gone []string) (bool, error) {
	if w.RolledOut {
		if ok, err := r.w.RolledOut(r.eng.View()); !ok || err != nil {
			return false, err
		}
	}
	if w.Ready != nil && r.readyCount() != *w.Ready {
		return false, nil
	}
	if w.PodReady != nil && !slices.ContainsFunc(r.targets(*w.PodReady, false), func(p *api.Pod) bool { return p.Status.Ready }) {
		return false, nil
	}
	tx := r.eng.View()
	for _, uid := range gone {
		if tx.ByUID(api.KindPod, uid) != nil {
			return false, nil
		}
	}
	return true, nil
}

// stuckOn describes the workload's status and the pods not Ready.
func (r *replay) stuckOn() string {
	var b strings.Builder
	b.WriteString(r.w.StuckOn(r.eng.View()))
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
