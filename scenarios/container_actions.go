package scenarios

import "time"

// This file holds the actions that happen to containers and pods on their
// node: a crash, a crash loop, a readiness change, a force deletion and an
// eviction.

// Crash makes the first container of each target pod exit once (exit code
// 1); the kubelet restarts it in place, with its restart back-off.
type Crash struct {
	Target Target
}

// ActionName implements Action.
func (*Crash) ActionName() string { return "crash" }

func buildCrash(l *loader, r *rawTargeted, path string) (Action, error) {
	t, err := l.target(r.Target, path+".target")
	if err != nil {
		return nil, err
	}
	return &Crash{Target: t}, nil
}

// CrashLoop makes the first container of each target pod exit right after
// every start until Until (an absolute virtual time); the kubelet restarts
// it with its back-off (CrashLoopBackOff).
type CrashLoop struct {
	Target Target
	Until  time.Duration
}

// ActionName implements Action.
func (*CrashLoop) ActionName() string { return "crashLoop" }

type rawCrashLoop struct {
	Target *rawTarget `yaml:"target"`
	Until  *duration  `yaml:"until"`
}

func buildCrashLoop(l *loader, r *rawCrashLoop, path string) (Action, error) {
	t, err := l.target(r.Target, path+".target")
	if err != nil {
		return nil, err
	}
	if r.Until == nil {
		return nil, l.errorAt(path+".until", "required: the virtual time the container stops crashing, such as 5m")
	}
	return &CrashLoop{Target: t, Until: time.Duration(*r.Until)}, nil
}

// Readiness makes the application in each target pod answer its readiness
// probe (Ready true) or stop answering it (false), from now on.
type Readiness struct {
	Target Target
	Ready  bool
}

// ActionName implements Action.
func (*Readiness) ActionName() string { return "readiness" }

type rawReadiness struct {
	Target *rawTarget `yaml:"target"`
	Ready  *bool      `yaml:"ready"`
}

func buildReadiness(l *loader, r *rawReadiness, path string) (Action, error) {
	t, err := l.target(r.Target, path+".target")
	if err != nil {
		return nil, err
	}
	if r.Ready == nil {
		return nil, l.errorAt(path+".ready", "required: true (the probe succeeds) or false (it fails)")
	}
	return &Readiness{Target: t, Ready: *r.Ready}, nil
}

// ForceDeletePod removes the target pods' objects at once, as `kubectl
// delete pod --grace-period=0 --force` does, without waiting for the
// kubelet.
type ForceDeletePod struct {
	Target Target
}

// ActionName implements Action.
func (*ForceDeletePod) ActionName() string { return "forceDeletePod" }

func buildForceDeletePod(l *loader, r *rawTargeted, path string) (Action, error) {
	t, err := l.target(r.Target, path+".target")
	if err != nil {
		return nil, err
	}
	return &ForceDeletePod{Target: t}, nil
}

// EvictPod evicts the target pods as the kubelet does under node pressure:
// their containers are stopped and the pod is Failed with reason Evicted;
// the object stays until someone deletes it.
type EvictPod struct {
	Target Target
}

// ActionName implements Action.
func (*EvictPod) ActionName() string { return "evictPod" }

func buildEvictPod(l *loader, r *rawTargeted, path string) (Action, error) {
	t, err := l.target(r.Target, path+".target")
	if err != nil {
		return nil, err
	}
	return &EvictPod{Target: t}, nil
}
