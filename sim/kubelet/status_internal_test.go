package kubelet

import (
	"testing"

	"stsim/sim/api"
)

// TestStateEqual pins what a status write compares in a container state:
// its kind, and the reason of a wait (not its message), the start of a
// run, or every field of an exit.
func TestStateEqual(t *testing.T) {
	waiting := func(reason, msg string) api.ContainerState {
		return api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: reason, Message: msg}}
	}
	running := func(at int) api.ContainerState {
		return api.ContainerState{Running: &api.ContainerStateRunning{StartedAt: api.Seconds(int64(at))}}
	}
	exited := func(code int32, reason string) api.ContainerState {
		return api.ContainerState{Terminated: &api.ContainerStateTerminated{ExitCode: code, Reason: reason, StartedAt: 1, FinishedAt: 2}}
	}
	cases := []struct {
		a, b api.ContainerState
		want bool
	}{
		{api.ContainerState{}, api.ContainerState{}, true},
		{waiting("ContainerCreating", ""), waiting("ContainerCreating", "pulling"), true},
		{waiting("ContainerCreating", ""), waiting("CrashLoopBackOff", ""), false},
		{waiting("", ""), api.ContainerState{}, false},
		{running(1), running(1), true},
		{running(1), running(2), false},
		{exited(1, "Error"), exited(1, "Error"), true},
		{exited(1, "Error"), exited(137, "Error"), false},
		{exited(1, "Error"), exited(1, "Completed"), false},
		{running(1), exited(1, "Error"), false},
		{waiting("x", ""), running(1), false},
		{api.ContainerState{}, running(1), false},
	}
	for i, c := range cases {
		if got := stateEqual(c.a, c.b); got != c.want {
			t.Errorf("case %d: stateEqual = %v, want %v", i, got, c.want)
		}
		if got := stateEqual(c.b, c.a); got != c.want {
			t.Errorf("case %d, reversed: stateEqual = %v, want %v", i, got, c.want)
		}
	}
}
