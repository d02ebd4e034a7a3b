package endpoints_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/endpoints"
	"stsim/sim/simtest"
)

// pod is a Running pod of app=web on node-1; ip "" means no sandbox yet.
func pod(name, ip string, ready bool) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Spec:   api.PodSpec{NodeName: "node-1", Containers: []api.Container{{Name: "c", Image: "app:1", Ports: []api.ContainerPort{{Name: "web", ContainerPort: 8080}}}}},
		Status: api.PodStatus{Phase: api.PodRunning, PodIP: ip, Ready: ready}}
}

// TestPodToEndpoint follows podToEndpoint, ShouldPodBeInEndpoints and
// ShouldSetHostname in staging/src/k8s.io/endpointslice/util/controller_utils.go (docs/rules.md
// N2, R-DNS-3): pods without an IP or in a terminal phase are left out; ready =
// publishNotReadyAddresses or (Ready and not terminating); serving = Ready;
// the hostname is set only when the pod's subdomain is the Service; a named
// targetPort resolves to the container port.
func TestPodToEndpoint(t *testing.T) {
	for _, publish := range []bool{false, true} {
		e := sim.New(1)
		simtest.Check(t, e)
		e.AddController(endpoints.New())
		require.NoError(t, e.Do(func(ctx *sim.Context) error {
			svc := &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{ClusterIP: api.ClusterIPNone,
				Selector: map[string]string{"app": "web"}, PublishNotReadyAddresses: publish,
				Ports: []api.ServicePort{{Name: "http", Protocol: "TCP", Port: 80, TargetPort: api.IntOrString{IsString: true, StrVal: "web"}}}}}
			failed := pod("failed", "10.0.0.4", false)
			failed.Status.Phase = api.PodFailed
			other := pod("other", "10.0.0.5", true)
			other.Labels = map[string]string{"app": "db"}
			named := pod("web-0", "10.0.0.6", true)
			named.Spec.Hostname, named.Spec.Subdomain = "web-0", "web"
			elsewhere := pod("web-1", "10.0.0.7", true)
			elsewhere.Spec.Hostname, elsewhere.Spec.Subdomain = "web-1", "other"
			for _, o := range []api.Object{svc, pod("ready", "10.0.0.1", true), pod("unready", "10.0.0.2", false),
				pod("no-ip", "", true), pod("leaving", "10.0.0.3", true), failed, other, named, elsewhere} {
				if err := ctx.Create(o); err != nil {
					return err
				}
			}
			return ctx.Delete(api.KindPod, "default/leaving", apiserver.DeleteOptions{})
		}))
		slice := e.View().EndpointSlice("default/web")
		require.NotNil(t, slice)
		ep := func(name, ip string, ready, serving, terminating bool, host string) api.Endpoint {
			return api.Endpoint{IP: ip, PodName: name, NodeName: "node-1", Ready: ready || publish, Serving: serving, Terminating: terminating, Hostname: host}
		}
		want := []api.Endpoint{
			ep("leaving", "10.0.0.3", false, true, true, ""),
			ep("ready", "10.0.0.1", true, true, false, ""),
			ep("unready", "10.0.0.2", false, false, false, ""),
			ep("web-0", "10.0.0.6", true, true, false, "web-0"),
			ep("web-1", "10.0.0.7", true, true, false, ""),
		}
		if diff := cmp.Diff(want, slice.Endpoints); diff != "" {
			t.Errorf("publishNotReadyAddresses=%v endpoints (-want +got):\n%s", publish, diff)
		}
		if diff := cmp.Diff([]api.EndpointPort{{Name: "http", Port: 8080, Protocol: "TCP"}}, slice.Ports); diff != "" {
			t.Errorf("ports (-want +got):\n%s", diff)
		}
	}
}

// TestEndpointsFollowPodChanges checks that the slice is rebuilt when a pod
// it selects changes or goes (the EndpointSlice controller's pod handlers),
// and removed with its Service.
func TestEndpointsFollowPodChanges(t *testing.T) {
	e := sim.New(1)
	simtest.Check(t, e)
	e.AddController(endpoints.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		if err := ctx.Create(&api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{
			ClusterIP: api.ClusterIPNone, Selector: map[string]string{"app": "web"}}}); err != nil {
			return err
		}
		return ctx.Create(pod("a", "10.0.0.1", false))
	}))
	ready := func() []bool {
		var out []bool
		for _, ep := range e.View().EndpointSlice("default/web").Endpoints {
			out = append(out, ep.Ready)
		}
		return out
	}
	require.Equal(t, []bool{false}, ready())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		p := ctx.Txn().Pod("default/a").DeepCopy()
		p.Status.Ready = true
		return ctx.Update(p)
	}))
	require.Equal(t, []bool{true}, ready())
	require.NoError(t, e.Do(func(ctx *sim.Context) error { ctx.Remove(ctx.Txn().Pod("default/a")); return nil }))
	require.Empty(t, ready())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindService, "default/web", apiserver.DeleteOptions{})
	}))
	require.Nil(t, e.View().EndpointSlice("default/web"))
}
