package kubelet

import (
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
			grace = time.Duration(*p.DeletionGracePeriodSeconds) * time.Second
		}
		stop := b.Shutdown
		if !st.sandbox || p.Status.Phase != api.PodRunning {
			stop = 0
		}
		st.stopAt = *p.DeletionTimestamp + min(stop, grace)
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
