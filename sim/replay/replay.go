// Package replay plays a scenario's steps against a fresh simulated
// cluster under one rule set and returns the recorded history. It wires
// the engine, the controllers and the kubelet, bootstraps the nodes and a
// default StorageClass, converts the workload to the rule set, runs each
// step at its time, and checks expectations.
package replay

import (
	"errors"
	"fmt"
	"maps"
	"time"

	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/deployment"
	"stsim/sim/controllers/endpoints"
	"stsim/sim/controllers/garbagecollector"
	"stsim/sim/controllers/replicaset"
	"stsim/sim/controllers/scheduler"
	"stsim/sim/controllers/statefulset"
	"stsim/sim/controllers/volume"
	"stsim/sim/disks"
	"stsim/sim/history"
	"stsim/sim/kubelet"
	"stsim/sim/store"
)

// SettleLimit bounds how long the cluster runs on after the last step to
// let pending work (terminations, garbage collection) finish.
const SettleLimit = time.Hour

// DefaultStorageClass is the class stsim adds when the manifests have no
// default one: cloud block disks, provisioned when the first pod using a
// claim is scheduled, deleted with their claim.
const DefaultStorageClass = "standard"

// replay is one run.
type replay struct {
	sc       *scenarios.Scenario
	rules    string
	eng      *sim.Engine
	rec      *history.Recorder
	kube     *kubelet.Controller
	workload api.Object
	extra    []api.Object
	kind     string
	name     string
	ns       string
	step     scenarios.Step
	// lastChange is when the store last changed: the run's end once the
	// steps are done, however long idle timers run on.
	lastChange time.Duration
}

// Run replays sc under rules ("statefulset" or "deployment").
func Run(sc *scenarios.Scenario, rules string) (*history.Run, error) {
	return RunWith(sc, rules, nil)
}

// RunWith is Run with a setup function that sees the engine before the
// first step (tests add observers that check invariants after every change).
func RunWith(sc *scenarios.Scenario, rules string, setup func(*sim.Engine)) (*history.Run, error) {
	r, err := newReplay(sc, rules)
	if err != nil {
		return nil, err
	}
	if setup != nil {
		setup(r.eng)
	}
	if err := r.run(); err != nil {
		return nil, err
	}
	return r.rec.Run(), nil
}

func newReplay(sc *scenarios.Scenario, rules string) (*replay, error) {
	wl, extra, notes := scenarios.Convert(sc, rules)
	r := &replay{sc: sc, rules: rules, eng: sim.New(sc.Seed), workload: wl, extra: extra,
		kind: wl.GetKind(), name: wl.Meta().Name, ns: wl.Meta().Namespace}
	if r.ns == "" {
		r.ns = api.DefaultNamespace
	}
	d := disks.New()
	r.kube = kubelet.New(r.behavior, d)
	r.rec = history.NewRecorder(rules, r.kind, r.name)
	run := r.rec.Run()
	run.Conversions = append([]string{}, notes...)
	run.Ignored = append([]string{}, sc.Ignored...)
	for _, c := range []sim.Controller{scheduler.New(), volume.New(d), r.kube, statefulset.New(), replicaset.New(),
		deployment.New(), endpoints.New(), garbagecollector.New()} {
		r.eng.AddController(c)
	}
	r.eng.Observe(r.rec.Observe)
	r.eng.Observe(func(now time.Duration, _ []store.Change) { r.lastChange = now })
	r.eng.API().OnEvent = r.rec.Event
	return r, r.eng.Do(r.bootstrap)
}

// behavior is how an image behaves: spec.images over spec.timing.
func (r *replay) behavior(image string) kubelet.Behavior {
	b, ok := r.sc.Images[image]
	if !ok {
		b = r.sc.Timing
	}
	return kubelet.Behavior{Start: b.Start, Ready: b.Ready, Shutdown: b.Shutdown, NeverReady: b.NeverReady}
}

// bootstrap creates the nodes and, if the manifests bring none, a default
// StorageClass.
func (r *replay) bootstrap(ctx *sim.Context) error {
	for _, n := range r.sc.Nodes {
		// n.Labels carry the hostname and zone labels already.
		if err := ctx.Create(&api.Node{ObjectMeta: api.ObjectMeta{Name: n.Name, Labels: maps.Clone(n.Labels)}, Status: api.NodeStatus{Capacity: api.NodeCapacity{Pods: n.Pods}, Conditions: []api.NodeCondition{api.KubeletReady(ctx.Now())}}}); err != nil {
			return err
		}
	}
	for _, m := range r.sc.Manifests {
		if sc, ok := m.Object.(*api.StorageClass); ok && sc.IsDefault() {
			return nil
		}
	}
	mode, reclaim := volume.BindingWaitForFirstConsumer, api.DeletePolicy
	sc := &api.StorageClass{ObjectMeta: api.ObjectMeta{Name: DefaultStorageClass,
		Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner: "disk.csi.stsim.io", VolumeBindingMode: &mode, ReclaimPolicy: &reclaim}
	if err := ctx.Create(sc); err != nil {
		return err
	}
	ctx.Event(sc, "Normal", "DefaultStorageClass", "the cluster's default StorageClass %s: provisioner %s, volumeBindingMode %s, reclaimPolicy %s (added by stsim; the manifests have none)", sc.Name, sc.Provisioner, mode, reclaim)
	return nil
}

// run plays every step, then lets the cluster settle.
func (r *replay) run() error {
	prev := r.eng.Now()
	for _, st := range r.sc.Steps {
		r.step = st
		due := prev + st.After
		if st.At != nil {
			due = max(*st.At, r.eng.Now())
		}
		if err := r.eng.RunUntil(due); err != nil {
			return err
		}
		if err := r.do(st); err != nil {
			return err
		}
		prev = r.eng.Now()
	}
	stepsEnd := r.eng.Now()
	end := stepsEnd + SettleLimit
	for {
		next, ok := r.eng.NextTimer()
		if !ok || next > end {
			break
		}
		if _, err := r.eng.Step(); err != nil {
			return err
		}
	}
	r.rec.Run().EndTime = history.Seconds(max(stepsEnd, r.lastChange))
	return nil
}

// do runs one step at the current time.
func (r *replay) do(st scenarios.Step) error {
	switch st.Action {
	case "apply":
		return r.write(r.apply)
	case "waitFor":
		return r.waitFor(st.WaitFor)
	case "deletePod":
		return r.deletePods(*st.Target)
	case "scale":
		return r.write(func(ctx *sim.Context) error { return r.scale(ctx, *st.Scale) })
	case "write":
		return r.write(func(ctx *sim.Context) error { return r.appWrite(ctx, st.Write) })
	case "read":
		return r.write(func(ctx *sim.Context) error {
			r.appRead(ctx, st.Read.Target, st.Read.Volume, st.Read.Key, true)
			return nil
		})
	case "resolve":
		r.resolve(st.Resolve.Name, st.Resolve.Type, true)
		return nil
	case "expect":
		return r.expect(st.Expect)
	}
	return fmt.Errorf("step %d: action %s is not simulated", st.Index, st.Action)
}

// write runs fn as one write at the current instant. A rejection by the
// simulated API server is recorded, not returned.
func (r *replay) write(fn func(*sim.Context) error) error {
	err := r.eng.Do(fn)
	var invalid *api.InvalidError
	if errors.As(err, &invalid) {
		r.reject(err.Error())
		return nil
	}
	return err
}

// reject records a refused change as a rejection and a Rejected event.
func (r *replay) reject(msg string) {
	run := r.rec.Run()
	now := history.Seconds(r.eng.Now())
	run.Rejections = append(run.Rejections, history.Rejection{Step: r.step.Index, Time: now, Message: msg})
	r.rec.Event(api.Event{Time: r.eng.Now(), Type: "Warning", Kind: r.kind, Name: r.name, Reason: "Rejected", Message: msg})
}

// finding records something the reader must know about a step.
func (r *replay) finding(format string, args ...any) {
	run := r.rec.Run()
	run.Findings = append(run.Findings, history.Finding{Step: r.step.Index, Time: history.Seconds(r.eng.Now()),
		Message: fmt.Sprintf("step %d (%s, %s): ", r.step.Index, r.step.Action, r.step.Pos) + fmt.Sprintf(format, args...)})
}
