package kubelet

import (
	"time"

	"stsim/sim/api"
)

// never is a time that does not come.
const never = api.Forever

// readiness decides the pod's Ready condition at now, and the next time
// it would change if nothing else does (pkg/kubelet/prober):
//
//   - a container that does not run is not Ready;
//   - without a readinessProbe a running container is Ready at once, unless
//     the scenario gives the application's readiness (AssumeProbe): then
//     Ready follows the application, as an assumed probe that sees each
//     change at once;
//   - with a readinessProbe the probe runs initialDelaySeconds after the
//     container starts and then every periodSeconds; successThreshold
//     successes in a row make it Ready, failureThreshold failures in a row
//     unready; while a startupProbe has not succeeded the readiness probe's
//     results are not used.
func (c *Controller) readiness(p *api.Pod, st *podState, b Behavior, now time.Duration) (bool, time.Duration) {
	rs := &st.run
	if !rs.running {
		return false, never
	}
	healthy, since, next := c.application(st, b, now)
	probe := p.Spec.Containers[c.appContainer(p)].ReadinessProbe
	switch {
	case probe == nil && !c.AssumeProbe:
		return true, never
	case probe == nil:
		return healthy, next
	}
	if sp := p.Spec.Containers[c.appContainer(p)].StartupProbe; sp != nil {
		// The startup probe succeeds at its first run after the start:
		// the application has started when its container runs.
		since = max(since, api.Later(tick(rs.startedAt, sp, rs.startedAt), periods(sp, sp.SuccessThreshold-1)))
	}
	threshold := probe.FailureThreshold
	if healthy {
		threshold = probe.SuccessThreshold
	}
	at := api.Later(tick(rs.startedAt, probe, since), periods(probe, threshold-1))
	if now >= at {
		return healthy, next
	}
	// Not yet: Ready stays as it was until at, unless the application
	// changes first. A container started since the pod became Ready is a
	// new one, whose probe results start as failures.
	return p.Status.Ready && p.Status.ReadySince >= rs.startedAt, min(at, next)
}

// application says whether the application answers its readiness probe at
// now, since when, and when that changes next as far as is known: it is
// ready Behavior.Ready after its container started (never with
// NeverReady), unless a readiness step said otherwise.
func (c *Controller) application(st *podState, b Behavior, now time.Duration) (healthy bool, since, next time.Duration) {
	rs := &st.run
	if f := rs.forced; f != nil {
		if !*f {
			return false, max(rs.forcedAt, rs.startedAt), never
		}
		readyAt := max(rs.forcedAt, rs.startedAt+b.Ready)
		if now < readyAt {
			return false, rs.startedAt, readyAt
		}
		return true, readyAt, never
	}
	if b.NeverReady {
		return false, rs.startedAt, never
	}
	readyAt := rs.startedAt + b.Ready
	if now < readyAt {
		return false, rs.startedAt, readyAt
	}
	return true, readyAt, never
}

// tick is the first run of probe at or after t, for a container started at
// start: runs come initialDelaySeconds after the start, then every
// periodSeconds.
func tick(start time.Duration, probe *api.Probe, t time.Duration) time.Duration {
	first := start + time.Duration(probe.InitialDelaySeconds)*time.Second
	if t <= first {
		return first
	}
	p := period(probe)
	return first + (t-first+p-1)/p*p
}

func period(probe *api.Probe) time.Duration { return time.Duration(probe.PeriodSeconds) * time.Second }

// periods is n periods of probe; thresholds and periods are int32, so the
// product may pass the largest duration, where it saturates.
func periods(probe *api.Probe, n int32) time.Duration {
	return api.Seconds(int64(n) * int64(probe.PeriodSeconds))
}
