// Package replay plays a scenario's steps against a fresh simulated cluster
// under one rule set and returns the recorded history. It wires the engine,
// the controllers, the kubelet, the slot tracker and the history recorder,
// bootstraps the nodes and a default StorageClass, runs each step at its
// time through the runner registered for its action's type (runners.go),
// and lets the cluster settle after the last step.
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
	"stsim/sim/controllers/nodelifecycle"
	"stsim/sim/controllers/podgc"
	"stsim/sim/controllers/replicaset"
	"stsim/sim/controllers/scheduler"
	"stsim/sim/controllers/statefulset"
	"stsim/sim/controllers/tainteviction"
	"stsim/sim/controllers/volume"
	"stsim/sim/disks"
	"stsim/sim/history"
	"stsim/sim/kubelet"
	"stsim/sim/slots"
	"stsim/sim/store"
	"stsim/sim/workload"
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
	sc    *scenarios.Scenario
	rules workload.Rules
	w     workload.Workload
	eng   *sim.Engine
	slots *slots.Tracker
	// disks hold the data of every volume.
	disks *disks.Disks
	rec   *history.Recorder
	kube  *kubelet.Controller
	// attach is the attach/detach controller: node faults tell it when a
	// node's kubelet stops reporting (AttachDetach.KubeletDown).
	attach *volume.AttachDetach
	// lastChange is when the store last changed: the run's end once the
	// steps are done, however long idle timers run on.
	lastChange time.Duration
	// rejectionsSeen counts the rejections recorded up to the last expect
	// step; a rejected check looks at the ones after.
	rejectionsSeen int
}

// Run replays sc under rules.
func Run(sc *scenarios.Scenario, rules workload.Rules) (*history.Run, error) {
	return RunWith(sc, rules, nil)
}

// RunWith is Run with a setup function that sees the engine before the
// first step (tests add observers that check invariants after every change).
func RunWith(sc *scenarios.Scenario, rules workload.Rules, setup func(*sim.Engine)) (*history.Run, error) {
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

func newReplay(sc *scenarios.Scenario, rules workload.Rules) (*replay, error) {
	v := sc.Variant(rules)
	if v.Err != nil {
		return nil, fmt.Errorf("the workload cannot run under %s rules: %w", rules, v.Err)
	}
	w := sc.WorkloadFor(rules)
	r := &replay{sc: sc, rules: rules, w: w, eng: sim.New(sc.Seed), slots: slots.New(w)}
	r.eng.API().Limit(sc.Limits.OrDefault())
	d := disks.New()
	r.disks = d
	r.kube = kubelet.New(r.behavior, d)
	r.kube.AssumeProbe = sc.AppReadiness
	r.rec = history.NewRecorder(w, r.slots)
	r.rec.Conversions(v.Notes, sc.Ignored)
	r.kube.OnMount = func(_ time.Duration, p *api.Pod, mounts []kubelet.Mount) {
		out := make([]history.Mount, len(mounts))
		for i, m := range mounts {
			out[i] = history.Mount{Volume: m.Volume, Claim: m.Claim, PV: m.PV, EmptyDir: m.EmptyDir, Disk: m.Disk}
		}
		r.rec.Mounted(p.UID, out)
	}
	r.kube.OnOutlive = func(_ time.Duration, uid string) { r.rec.Outlived(uid) }
	r.kube.OnStop = func(now time.Duration, uid string) { r.rec.Stopped(uid, now) }
	r.kube.OnHalt = func(now time.Duration, uid string) { r.rec.Halted(uid, now) }
	r.kube.OnResume = func(now time.Duration, uid string) { r.rec.Resumed(uid, now) }
	// The ephemeral volume controller comes first so a pod's ephemeral
	// claims exist before it is scheduled (the scheduler waits for them),
	// and the attach/detach controller before the kubelet so a volume is
	// attached before the kubelet looks.
	r.attach = volume.NewAttachDetach()
	for _, c := range []sim.Controller{volume.NewEphemeral(), scheduler.New(), volume.New(d), r.attach, r.kube, statefulset.New(), replicaset.New(),
		deployment.New(), endpoints.New(), garbagecollector.New(), nodelifecycle.New(), tainteviction.New(), podgc.New()} {
		r.eng.AddController(c)
	}
	r.eng.Observe(r.slots.Observe)
	r.eng.Observe(r.rec.Observe)
	r.eng.Observe(func(_ *store.Txn, now time.Duration, _ []store.Change) { r.lastChange = now })
	r.eng.ObserveErrors(r.rec.ReconcileError)
	r.eng.API().WatchEvents(r.rec.Event)
	return r, r.eng.Do(r.bootstrap)
}

// behavior is how an image behaves: spec.images over spec.timing.
func (r *replay) behavior(image string) kubelet.Behavior {
	b, ok := r.sc.Images[image]
	if !ok {
		b = r.sc.Timing
	}
	return kubelet.Behavior{Start: b.Start, Ready: b.Ready, Shutdown: b.Shutdown, NeverReady: b.NeverReady, CrashLoop: b.CrashLoop}
}

// bootstrap creates the nodes and, if the manifests bring none, a default
// StorageClass.
func (r *replay) bootstrap(ctx *sim.Context) error {
	for _, n := range r.sc.Nodes {
		// n.Labels carry the hostname and zone labels already.
		node := &api.Node{ObjectMeta: api.ObjectMeta{Name: n.Name, Labels: maps.Clone(n.Labels)},
			Status: api.NodeStatus{Capacity: api.NodeCapacity{Pods: n.Pods, MilliCPU: n.MilliCPU, Memory: n.Memory},
				Conditions: api.KubeletConditions(ctx.Now())}}
		if err := ctx.Create(node); err != nil {
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
		due := prev + st.After
		if st.At != nil {
			due = max(*st.At, r.eng.Now())
			if *st.At < r.eng.Now() {
				// The step runs at once, later than written: the steps
				// before it took longer than its at allowed for.
				r.finding(st, "runs late: at %s, but the previous step ended at %s", *st.At, r.eng.Now())
			}
		}
		if err := r.eng.RunUntil(due); err != nil {
			return err
		}
		if err := runStep(r, st); err != nil {
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
	r.rec.VolumeRecords(func(pv string) int { return r.disks.Records(disks.ForVolume(pv)) })
	r.rec.End(max(stepsEnd, r.lastChange))
	return nil
}

// write runs fn as one write at the current instant for step st. A
// rejection by the simulated API server is recorded, not returned.
func (r *replay) write(st scenarios.Step, fn func(*sim.Context) error) error {
	err := r.eng.Do(fn)
	var invalid *api.InvalidError
	if errors.As(err, &invalid) {
		r.reject(st, err.Error())
		return nil
	}
	return err
}

// reject records a refused change as a rejection and a Rejected event.
func (r *replay) reject(st scenarios.Step, msg string) {
	r.rec.Rejection(history.Rejection{Step: st.Index, Time: r.eng.Now(), Message: msg})
	r.rec.Event(api.Event{Time: r.eng.Now(), Type: "Warning", Kind: r.w.Kind(), Name: r.w.Name(), Reason: "Rejected", Message: msg})
}

// finding records something the reader must know about step st.
func (r *replay) finding(st scenarios.Step, format string, args ...any) {
	r.rec.Finding(history.Finding{Step: st.Index, Time: r.eng.Now(), Message: st.String() + ": " + fmt.Sprintf(format, args...)})
}
