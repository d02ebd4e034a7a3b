package kubelet

import (
	"fmt"

	"stsim/sim"
	"stsim/sim/api"
)

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
			ctx.Event(p, "Warning", reason, "%s", why)
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

// reasonContainerCreating is the waiting reason of containers whose pod is
// being set up.
const reasonContainerCreating = "ContainerCreating"

// waiting is one waiting status per container of p.
func waiting(p *api.Pod, reason string) []api.ContainerStatus {
	out := make([]api.ContainerStatus, len(p.Spec.Containers))
	for i, ctr := range p.Spec.Containers {
		out[i] = api.ContainerStatus{Name: ctr.Name, Image: ctr.Image,
			State: api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: reason}}}
	}
	return out
}

// syncContainers starts the containers once their start time has come and
// marks the pod Ready once its ready time has come.
func (c *Controller) syncContainers(ctx *sim.Context, p *api.Pod, st *podState, b Behavior) error {
	now := ctx.Now()
	switch {
	case p.Status.Phase == api.PodPending && now >= st.runAt:
		np := p.DeepCopy()
		np.Status.Phase = api.PodRunning
		np.Status.ContainerStatuses = make([]api.ContainerStatus, len(p.Spec.Containers))
		for i, ctr := range p.Spec.Containers {
			np.Status.ContainerStatuses[i] = api.ContainerStatus{Name: ctr.Name, Image: ctr.Image,
				State: api.ContainerState{Running: &api.ContainerStateRunning{StartedAt: now}}}
		}
		ctx.Event(p, "Normal", "Started", "Started container %s", p.Spec.Containers[0].Name)
		if err := ctx.Update(np); err != nil {
			return err
		}
		if !b.NeverReady {
			st.readyAt = now + b.Ready
			ctx.After(b.Ready, p.Key())
		}
	case p.Status.Phase == api.PodRunning && !p.Status.Ready && !b.NeverReady && now >= st.readyAt:
		np := p.DeepCopy()
		np.Status.Ready, np.Status.ReadySince = true, now
		for i := range np.Status.ContainerStatuses {
			np.Status.ContainerStatuses[i].Ready = true
		}
		return ctx.Update(np)
	}
	return nil
}

// allocateIP gives the next address of the node's pod CIDR 10.244.N.0/24.
func (n *node) allocateIP() string {
	n.ips++
	host := (n.ips-1)%253 + 2 // .1 is the gateway; addresses are reused, as IPAM does
	return fmt.Sprintf("10.%d.%d.%d", 244+n.cidr/256, n.cidr%256, host)
}
