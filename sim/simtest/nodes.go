package simtest

import (
	"testing"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/history"
	"stsim/sim/kubelet"
	"stsim/sim/replay"
	"stsim/sim/store"
	"stsim/sim/workload"
)

// checkFailedNodes checks the kubelets of failed nodes after every write:
// no container runs on a crashed node (its machine is down), and no pod
// on a crashed or cut-off node turns Ready (no status of its kubelet
// reaches the API server).
func checkFailedNodes(t testing.TB, e *sim.Engine, now time.Duration, changes []store.Change) {
	k, ok := e.Controller("kubelet").(*kubelet.Controller)
	if !ok {
		return
	}
	for _, name := range k.Nodes() {
		if k.NodeState(name) == "crashed" {
			if running := k.Running(name); len(running) > 0 {
				t.Errorf("at %v: node %s has crashed but its kubelet runs the containers of pods %v", now, name, running)
			}
		}
	}
	for _, c := range changes {
		p, ok := c.New.(*api.Pod)
		if !ok || !p.Status.Ready || (c.Old != nil && c.Old.(*api.Pod).Status.Ready) {
			continue
		}
		if state := k.NodeState(p.Spec.NodeName); state == "crashed" || state == "partitioned" {
			t.Errorf("at %v: pod %s turned Ready on %s node %s", now, p.Name, state, p.Spec.NodeName)
		}
	}
}

// Watch keeps every version of the nodes and pods a run stored, for tests
// that look at objects the history does not keep (node conditions and
// taints, a pod's Ready condition over time).
type Watch struct {
	versions []version
}

type version struct {
	at   time.Duration
	kind string
	key  string
	obj  api.Object // nil once removed
}

// RunWatched is Run that also returns a Watch of the run's nodes and pods.
func RunWatched(t testing.TB, text string, rules workload.Rules) (*history.Run, *Watch) {
	t.Helper()
	w := &Watch{}
	run, err := replay.RunWith(Load(t, text, nil), rules, func(e *sim.Engine) {
		Check(t, e)
		e.Observe(func(_ *store.Txn, now time.Duration, changes []store.Change) {
			for _, c := range changes {
				if c.Kind == api.KindNode || c.Kind == api.KindPod {
					w.versions = append(w.versions, version{at: now, kind: c.Kind, key: c.Object().Meta().Key(), obj: c.New})
				}
			}
		})
	})
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	return run, w
}

func (w *Watch) at(kind, key string, t time.Duration) api.Object {
	var out api.Object
	for _, v := range w.versions {
		if v.at > t {
			break
		}
		if v.kind == kind && v.key == key {
			out = v.obj
		}
	}
	return out
}

// Node is the node as it was at t (after every write of that instant), or
// nil.
func (w *Watch) Node(name string, t time.Duration) *api.Node {
	n, _ := w.at(api.KindNode, "/"+name, t).(*api.Node)
	return n
}

// Pod is the pod default/name as it was at t, or nil.
func (w *Watch) Pod(name string, t time.Duration) *api.Pod {
	p, _ := w.at(api.KindPod, api.DefaultNamespace+"/"+name, t).(*api.Pod)
	return p
}

// PodsNamed lists every version of the pods named default/name, in order.
func (w *Watch) PodsNamed(name string) []*api.Pod {
	var out []*api.Pod
	for _, v := range w.versions {
		if p, ok := v.obj.(*api.Pod); ok && v.key == api.DefaultNamespace+"/"+name {
			out = append(out, p)
		}
	}
	return out
}
