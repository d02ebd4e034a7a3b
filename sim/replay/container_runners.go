package replay

import (
	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
)

func init() {
	register(runCrash)
	register(runCrashLoop)
	register(runReadiness)
	register(runForceDeletePod)
	register(runEvictPod)
}

// onPods runs a change on each target pod in one write (terminating pods
// too when terminating is set); a target that names no pod, or a pod that
// cannot be changed, is a finding.
func (r *replay) onPods(st scenarios.Step, t scenarios.Target, name string, terminating bool, fn func(ctx *sim.Context, p *api.Pod) error) error {
	pods := r.targets(t, terminating)
	if len(pods) == 0 {
		r.finding(st, "%s: no pod matches %s", name, t)
		return nil
	}
	return r.write(st, func(ctx *sim.Context) error {
		for _, p := range pods {
			if err := fn(ctx, ctx.Txn().Pod(p.Key())); err != nil {
				r.finding(st, "%s: %v", name, err)
			}
		}
		return nil
	})
}

// runCrash makes each target pod's application container exit once.
func runCrash(r *replay, st scenarios.Step, c *scenarios.Crash) error {
	return r.onPods(st, c.Target, c.ActionName(), false, r.kube.Crash)
}

// runCrashLoop makes each target pod's application container exit after
// every start until the given time.
func runCrashLoop(r *replay, st scenarios.Step, c *scenarios.CrashLoop) error {
	if c.Until <= r.eng.Now() {
		r.finding(st, "crashLoop: until %v has passed at %v: nothing crashes", c.Until, r.eng.Now())
		return nil
	}
	return r.onPods(st, c.Target, c.ActionName(), false, func(ctx *sim.Context, p *api.Pod) error {
		return r.kube.CrashLoop(ctx, p, c.Until)
	})
}

// runReadiness makes each target pod's application answer its readiness
// probe, or stop answering it.
func runReadiness(r *replay, st scenarios.Step, c *scenarios.Readiness) error {
	return r.onPods(st, c.Target, c.ActionName(), false, func(ctx *sim.Context, p *api.Pod) error {
		return r.kube.SetReadiness(ctx, p, c.Ready)
	})
}

// runForceDeletePod removes each target pod's object at once, as kubectl
// delete --grace-period=0 --force does; it also sees pods already
// terminating, such as one stuck on a node that is gone.
func runForceDeletePod(r *replay, st scenarios.Step, c *scenarios.ForceDeletePod) error {
	zero := int64(0)
	return r.onPods(st, c.Target, c.ActionName(), true, func(ctx *sim.Context, p *api.Pod) error {
		return ctx.Delete(api.KindPod, p.Key(), apiserver.DeleteOptions{GracePeriodSeconds: &zero})
	})
}

// runEvictPod evicts each target pod as the kubelet does under node
// pressure.
func runEvictPod(r *replay, st scenarios.Step, c *scenarios.EvictPod) error {
	return r.onPods(st, c.Target, c.ActionName(), false, r.kube.Evict)
}
