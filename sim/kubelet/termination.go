package kubelet

import (
	"fmt"
	"time"

	"stsim/sim"
	"stsim/sim/api"
)

// terminate stops a deleted pod's containers (SIGTERM, then SIGKILL at the
// end of the grace period) and confirms the deletion when they are down
// (the kubelet's killPod, then the status manager's final delete).
func (c *Controller) terminate(ctx *sim.Context, p *api.Pod, st *podState, b Behavior) error {
	now := ctx.Now()
	if !st.killing {
		st.killing = true
		grace := p.GracePeriod()
		if p.DeletionGracePeriodSeconds != nil {
			grace = api.Seconds(*p.DeletionGracePeriodSeconds)
		}
		stop := b.Shutdown
		if !st.sandbox || !st.run.running {
			stop = 0 // nothing runs that must be stopped
		}
		st.stopAt = api.Later(*p.DeletionTimestamp, min(stop, grace))
		for _, ctr := range p.Spec.Containers {
			if p.Status.Phase == api.PodRunning {
				ctx.Event(p, "Normal", "Killing", "Stopping container %s", ctr.Name)
			}
		}
	}
	if now < st.stopAt {
		ctx.After(st.stopAt-now, p.Key())
		return nil
	}
	ctx.Remove(p)
	return nil
}

// cleanUp forgets a pod whose object is gone and deletes its emptyDir
// directories (the kubelet's orphaned pod directory clean-up).
func (c *Controller) cleanUp(nodeName, uid string) {
	n := c.nodes[nodeName]
	if n == nil {
		return
	}
	if st := n.pods[uid]; st != nil {
		for _, m := range st.mounts {
			if m.EmptyDir {
				c.disks.Delete(m.Disk)
			}
		}
	}
	delete(n.pods, uid)
}

// EvictionMessage is the kubelet's message for a pod evicted under memory
// pressure (nodeLowMessageFmt in pkg/kubelet/eviction/helpers.go).
const EvictionMessage = "The node was low on resource: memory. "

// Evict evicts a pod as the kubelet's eviction manager does under node
// pressure: its containers are killed and it is Failed with reason Evicted;
// the object stays (the pod garbage collector deletes terminated pods only
// above its threshold).
func (c *Controller) Evict(ctx *sim.Context, p *api.Pod) error {
	if p.IsTerminal() || p.Terminating() {
		return fmt.Errorf("pod %s is already %s", p.Name, map[bool]string{true: "terminated", false: "terminating"}[p.IsTerminal()])
	}
	if n := c.nodes[p.Spec.NodeName]; n != nil {
		if st := n.pods[p.UID]; st != nil {
			st.run.running = false
		}
	}
	now := ctx.Now()
	np := p.DeepCopy()
	np.Status.Phase, np.Status.Reason, np.Status.Ready = api.PodFailed, "Evicted", false
	for i := range np.Status.ContainerStatuses {
		cs := &np.Status.ContainerStatuses[i]
		cs.Ready = false
		started := time.Duration(0)
		if cs.State.Running != nil {
			started = cs.State.Running.StartedAt
		}
		cs.State = api.ContainerState{Terminated: &api.ContainerStateTerminated{ExitCode: 137, Reason: "ContainerStatusUnknown", StartedAt: started, FinishedAt: now}}
	}
	ctx.Event(p, "Warning", "Evicted", "%s", EvictionMessage)
	return ctx.Update(np)
}
