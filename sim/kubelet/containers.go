package kubelet

import (
	"fmt"
	"time"

	"stsim/sim"
	"stsim/sim/api"
)

// Restart back-off of a container that exited (flowcontrol.Backoff as the
// kubelet sets it up in pkg/kubelet/kubelet.go): 10s, doubling, at most
// 300s; an entry not updated for twice the maximum starts over.
const (
	backOffPeriod       = 10 * time.Second
	MaxContainerBackOff = 300 * time.Second
)

// runState is what the kubelet keeps about a pod's containers. The pod's
// application runs in one container (the first, or the first whose image
// crash-loops): that one crashes, restarts and decides readiness; the
// others run alongside.
type runState struct {
	// started: the containers ran at least once; running: the app
	// container runs now, since startedAt.
	started, running bool
	startedAt        time.Duration
	restarts         int32
	// lastExit is how the app container's previous run ended; restartAt
	// is when it starts again.
	lastExit  *api.ContainerStateTerminated
	restartAt time.Duration
	// backOff and backOffUpdated are the container's back-off entry
	// (zero: none).
	backOff, backOffUpdated time.Duration
	// crashUntil: the app container exits right after every start until
	// then (a crashLoop step).
	crashUntil time.Duration
	// forced is the application's readiness as a readiness step set it,
	// from forcedAt on.
	forced   *bool
	forcedAt time.Duration
	// backOffEvent is the restart time a BackOff event was recorded for.
	backOffEvent time.Duration
	// halted: a node crash stopped the app container (OnHalt was told);
	// its next start is a resumption (OnResume).
	halted bool
}

// setUp is the first phase of a pod on its node: once its volumes can be
// mounted, the sandbox is created with the pod's IP and the containers are
// due to start after the image's start time. Until then the containers wait
// in ContainerCreating with an event saying why.
func (c *Controller) setUp(ctx *sim.Context, p *api.Pod, n *node, st *podState, b Behavior) error {
	tx := ctx.Txn()
	if reason, why := volumesPending(tx, p); why != "" {
		if p.WaitingReason() != reasonContainerCreating {
			np := p.DeepCopy()
			np.Status.ContainerStatuses = waiting(p, reasonContainerCreating)
			if reason != "" { // "": a wait the kubelet does not report (volumes.go)
				ctx.Event(p, "Warning", reason, "%s", why)
			}
			return ctx.Update(np)
		}
		return nil
	}
	st.mounts = mounts(tx, p)
	if c.OnMount != nil {
		c.OnMount(ctx.Now(), p, st.mounts)
	}
	st.sandbox = true
	st.runAt = ctx.Now() + b.Start
	np := p.DeepCopy()
	np.Status.PodIP = n.allocateIP()
	np.Status.ContainerStatuses = waiting(p, reasonContainerCreating)
	if err := ctx.Update(np); err != nil {
		return err
	}
	ctx.After(b.Start, p.Key())
	return nil
}

// Waiting reasons of containers.
const (
	reasonContainerCreating = "ContainerCreating"
	reasonCrashLoopBackOff  = "CrashLoopBackOff"
)

// waiting is one waiting status per container of p.
func waiting(p *api.Pod, reason string) []api.ContainerStatus {
	out := make([]api.ContainerStatus, len(p.Spec.Containers))
	for i, ctr := range p.Spec.Containers {
		out[i] = api.ContainerStatus{Name: ctr.Name, Image: ctr.Image,
			State: api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: reason}}}
	}
	return out
}

// appContainer is the index of the container that runs the application:
// the first whose image crash-loops, else the first.
func (c *Controller) appContainer(p *api.Pod) int {
	for i, ctr := range p.Spec.Containers {
		if c.behavior(ctr.Image).CrashLoop {
			return i
		}
	}
	return 0
}

// syncContainers runs the pod's containers: the first start after the
// image's start time, an exit of the app container when it crashes, its
// restart in place after the back-off, and the Ready condition as the
// readiness probe (or its absence) decides it. It writes the status when
// it changed and wakes itself for the next change it can foresee.
func (c *Controller) syncContainers(ctx *sim.Context, p *api.Pod, st *podState, b Behavior) error {
	now, rs := ctx.Now(), &st.run
	if !rs.started {
		if now < st.runAt {
			return nil
		}
		rs.started, rs.running, rs.startedAt = true, true, now
		ctx.Event(p, "Normal", "Started", "Started container %s", p.Spec.Containers[0].Name)
	}
	app := p.Spec.Containers[c.appContainer(p)].Name
	// A run that crashes right after it starts, and restarts that come
	// due now, settle within this instant: the back-off grows each time,
	// so this ends.
	for range 64 {
		if rs.running && (b.CrashLoop || now < rs.crashUntil) {
			c.exit(st, now, "Error", 1)
		}
		if rs.running || now < rs.restartAt {
			break
		}
		c.restart(st, now)
		if rs.halted {
			rs.halted = false
			if c.OnResume != nil {
				c.OnResume(now, p.UID)
			}
		}
		ctx.Event(p, "Normal", "Started", "Started container %s", app)
	}
	if !rs.running && rs.backOffEvent != rs.restartAt {
		rs.backOffEvent = rs.restartAt
		ctx.Event(p, "Warning", "BackOff", "Back-off restarting failed container %s in pod %s_%s(%s)", app, p.Name, p.Namespace, p.UID)
	}
	ready, next := c.readiness(p, st, b, now)
	if !rs.running && rs.restartAt > now {
		next = min(next, rs.restartAt)
	}
	if next > now && next < never {
		ctx.After(next-now, p.Key())
	}
	status := p.Status // compared only: the pod is copied if it changed
	status.Phase = api.PodRunning
	if ready != p.Status.Ready {
		status.Ready, status.ReadySince = ready, now
	}
	status.ContainerStatuses = c.containerStatuses(p, st, ready)
	if statusEqual(p.Status, status) {
		return nil
	}
	np := p.DeepCopy()
	np.Status.Phase, np.Status.Ready, np.Status.ReadySince = status.Phase, status.Ready, status.ReadySince
	np.Status.ContainerStatuses = status.ContainerStatuses
	return ctx.Update(np)
}

// exit ends the app container's run with a terminated state and decides
// when it starts again (kuberuntime doBackOff with flowcontrol.Backoff): at
// once when its back-off entry is missing or expired, else once the
// back-off has passed since it finished.
func (c *Controller) exit(st *podState, now time.Duration, reason string, code int32) {
	rs := &st.run
	rs.running = false
	rs.lastExit = &api.ContainerStateTerminated{ExitCode: code, Reason: reason, StartedAt: rs.startedAt, FinishedAt: now}
	rs.restartAt = now
	if rs.backOff > 0 && !backOffExpired(now, rs.backOffUpdated) {
		rs.restartAt = now + rs.backOff
	}
}

// restart starts the app container again in place (same pod, name, UID,
// IP and volumes) with its restart count raised, and moves its back-off
// entry on (Backoff.Next): a new or expired entry starts at 10s, else it
// doubles up to 300s.
func (c *Controller) restart(st *podState, now time.Duration) {
	rs := &st.run
	if rs.backOff == 0 || backOffExpired(rs.lastExit.FinishedAt, rs.backOffUpdated) {
		rs.backOff = backOffPeriod
	} else {
		rs.backOff = min(2*rs.backOff, MaxContainerBackOff)
	}
	rs.backOffUpdated = now
	rs.running, rs.startedAt = true, now
	rs.restarts++
}

// backOffExpired is flowcontrol's hasExpired: the entry was last updated
// more than twice the maximum back-off before t.
func backOffExpired(t, updated time.Duration) bool { return t-updated > 2*MaxContainerBackOff }

// Crash makes the app container of a running pod exit once with exit code
// 1 (a crash step); the kubelet restarts it after its back-off.
func (c *Controller) Crash(ctx *sim.Context, p *api.Pod) error {
	return c.change(ctx, p, func(st *podState) {
		if st.run.running {
			c.exit(st, ctx.Now(), "Error", 1)
		}
	})
}

// CrashLoop makes the app container exit right after every start until
// until (a crashLoop step); it exits now if it runs.
func (c *Controller) CrashLoop(ctx *sim.Context, p *api.Pod, until time.Duration) error {
	return c.change(ctx, p, func(st *podState) { st.run.crashUntil = until })
}

// SetReadiness makes the application answer its readiness probe (ready)
// or stop answering it, from now on (a readiness step).
func (c *Controller) SetReadiness(ctx *sim.Context, p *api.Pod, ready bool) error {
	return c.change(ctx, p, func(st *podState) { st.run.forced, st.run.forcedAt = &ready, ctx.Now() })
}

// change applies a change to a pod's containers and wakes the pod's sync;
// a pod whose containers have not started yet keeps the change for when
// they do.
func (c *Controller) change(ctx *sim.Context, p *api.Pod, fn func(*podState)) error {
	n := c.nodes[p.Spec.NodeName]
	if n == nil {
		return fmt.Errorf("pod %s is not on a node", p.Name)
	}
	st := n.pods[p.UID]
	if st == nil || !st.sandbox {
		return fmt.Errorf("pod %s has no containers yet", p.Name)
	}
	fn(st)
	ctx.Wake(c, p.Key())
	return nil
}

// containerStatuses reports every container: the app container's run,
// restarts and last termination; the others running since the first start.
func (c *Controller) containerStatuses(p *api.Pod, st *podState, ready bool) []api.ContainerStatus {
	rs, app := &st.run, c.appContainer(p)
	out := make([]api.ContainerStatus, len(p.Spec.Containers))
	for i, ctr := range p.Spec.Containers {
		cs := api.ContainerStatus{Name: ctr.Name, Image: ctr.Image, Ready: ready,
			State: api.ContainerState{Running: &api.ContainerStateRunning{StartedAt: st.runAt}}}
		if i == app {
			cs.RestartCount = rs.restarts
			if rs.lastExit != nil {
				last := *rs.lastExit
				cs.LastTerminationState = api.ContainerState{Terminated: &last}
			}
			if rs.running {
				cs.State = api.ContainerState{Running: &api.ContainerStateRunning{StartedAt: rs.startedAt}}
			} else {
				cs.Ready = false
				cs.State = api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: reasonCrashLoopBackOff}}
			}
		}
		out[i] = cs
	}
	return out
}

// statusEqual compares the parts of a pod status the kubelet writes.
func statusEqual(a, b api.PodStatus) bool {
	if a.Phase != b.Phase || a.Ready != b.Ready || a.ReadySince != b.ReadySince || len(a.ContainerStatuses) != len(b.ContainerStatuses) {
		return false
	}
	for i := range a.ContainerStatuses {
		x, y := a.ContainerStatuses[i], b.ContainerStatuses[i]
		if x.Ready != y.Ready || x.RestartCount != y.RestartCount || !stateEqual(x.State, y.State) ||
			!stateEqual(x.LastTerminationState, y.LastTerminationState) {
			return false
		}
	}
	return true
}

// stateEqual reports whether two container states are of the same kind
// with the same reason (waiting), start (running) or end (terminated).
func stateEqual(a, b api.ContainerState) bool {
	switch {
	case a.Waiting != nil:
		return b.Waiting != nil && a.Waiting.Reason == b.Waiting.Reason
	case a.Running != nil:
		return b.Waiting == nil && b.Running != nil && a.Running.StartedAt == b.Running.StartedAt
	case a.Terminated != nil:
		return b.Waiting == nil && b.Running == nil && b.Terminated != nil && *a.Terminated == *b.Terminated
	}
	return b.Waiting == nil && b.Running == nil && b.Terminated == nil
}

// allocateIP gives the next address of the node's pod CIDR 10.244.N.0/24.
func (n *node) allocateIP() string {
	n.ips++
	host := (n.ips-1)%253 + 2 // .1 is the gateway; addresses are reused, as IPAM does
	return fmt.Sprintf("10.%d.%d.%d", 244+n.cidr/256, n.cidr%256, host)
}
