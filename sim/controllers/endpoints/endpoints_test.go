package endpoints_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/endpoints"
	"stsim/sim/simtest"
	"stsim/sim/store"
)

// pod is a Running pod of app=web on node-1; ip "" means no sandbox yet.
func pod(name, ip string, ready bool) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Spec:   api.PodSpec{NodeName: "node-1", Containers: []api.Container{{Name: "c", Image: "app:1", Ports: []api.ContainerPort{{Name: "web", ContainerPort: 8080}}}}},
		Status: api.PodStatus{Phase: api.PodRunning, PodIP: ip, Ready: ready}}
}

func node(name string) *api.Node { return &api.Node{ObjectMeta: api.ObjectMeta{Name: name}} }

// engine has the EndpointSlice controller and the objects, created in one
// instant.
func engine(t *testing.T, objs ...api.Object) *sim.Engine {
	t.Helper()
	e := sim.New(1)
	simtest.Check(t, e)
	e.AddController(endpoints.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, o := range objs {
			if err := ctx.Create(o); err != nil {
				return err
			}
		}
		return nil
	}))
	return e
}

// onlySlice is the one slice of Service web (fewer than 100 endpoints fit
// in one), or nil.
func onlySlice(t *testing.T, e *sim.Engine) *api.EndpointSlice {
	t.Helper()
	all := e.View().EndpointSlices("default/web")
	require.LessOrEqual(t, len(all), 1)
	if len(all) == 0 {
		return nil
	}
	return all[0]
}

func deletePod(t *testing.T, e *sim.Engine, name string) {
	t.Helper()
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPod, "default/"+name, apiserver.DeleteOptions{})
	}))
}

// TestPodToEndpoint follows podToEndpoint (staging/src/k8s.io/endpointslice/utils.go),
// ShouldPodBeInEndpoints and ShouldSetHostname
// (staging/src/k8s.io/endpointslice/util/controller_utils.go) (N2,
// R-DNS-3): pods without an IP or in a terminal phase are left out;
// terminating pods stay; ready = publishNotReadyAddresses or (Ready and
// not terminating); serving = Ready; the hostname is set only when the
// pod's subdomain is the Service; a named targetPort resolves to the
// container port.
func TestPodToEndpoint(t *testing.T) {
	for _, publish := range []bool{false, true} {
		svc := &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{ClusterIP: api.ClusterIPNone,
			Selector: map[string]string{"app": "web"}, PublishNotReadyAddresses: publish,
			Ports: []api.ServicePort{{Name: "http", Protocol: "TCP", Port: 80, TargetPort: api.IntOrString{IsString: true, StrVal: "web"}}}}}
		failed := pod("failed", "10.0.0.4", false)
		failed.Status.Phase = api.PodFailed
		succeeded := pod("succeeded", "10.0.0.8", false)
		succeeded.Status.Phase = api.PodSucceeded
		other := pod("other", "10.0.0.5", true)
		other.Labels = map[string]string{"app": "db"}
		named := pod("web-0", "10.0.0.6", true)
		named.Spec.Hostname, named.Spec.Subdomain = "web-0", "web"
		elsewhere := pod("web-1", "10.0.0.7", true)
		elsewhere.Spec.Hostname, elsewhere.Spec.Subdomain = "web-1", "other"
		e := engine(t, node("node-1"), svc, pod("ready", "10.0.0.1", true), pod("unready", "10.0.0.2", false),
			pod("no-ip", "", true), pod("leaving", "10.0.0.3", true), pod("leaving-unready", "10.0.0.9", false),
			failed, succeeded, other, named, elsewhere)
		deletePod(t, e, "leaving")
		deletePod(t, e, "leaving-unready")
		slice := onlySlice(t, e)
		require.NotNil(t, slice)
		ep := func(name, ip string, ready, serving, terminating bool, host string) api.Endpoint {
			return api.Endpoint{IP: ip, PodName: name, NodeName: "node-1", Ready: ready || publish, Serving: serving, Terminating: terminating, Hostname: host}
		}
		want := []api.Endpoint{
			ep("leaving", "10.0.0.3", false, true, true, ""),
			ep("leaving-unready", "10.0.0.9", false, false, true, ""),
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

// TestTerminatingEndpointConditions follows podToEndpoint
// (staging/src/k8s.io/endpointslice/utils.go) and the reconciler's call
// ShouldPodBeInEndpoints(pod, true) in reconcileByAddressType
// (staging/src/k8s.io/endpointslice/reconciler.go) (N2): a terminating pod
// stays in its Service's slice until the pod object is gone, with ready
// false (true only under publishNotReadyAddresses), serving its Ready
// condition and terminating true; the conditions are the same for a
// headless and a ClusterIP Service, only what reads them differs (N3, N7).
func TestTerminatingEndpointConditions(t *testing.T) {
	for _, tc := range []struct {
		name      string
		clusterIP string
		publish   bool
		podReady  bool
		want      api.Endpoint
	}{
		{"headless, Ready", api.ClusterIPNone, false, true, api.Endpoint{Ready: false, Serving: true, Terminating: true}},
		{"headless, not Ready", api.ClusterIPNone, false, false, api.Endpoint{Ready: false, Serving: false, Terminating: true}},
		{"headless publishing, Ready", api.ClusterIPNone, true, true, api.Endpoint{Ready: true, Serving: true, Terminating: true}},
		{"headless publishing, not Ready", api.ClusterIPNone, true, false, api.Endpoint{Ready: true, Serving: false, Terminating: true}},
		{"ClusterIP, Ready", "", false, true, api.Endpoint{Ready: false, Serving: true, Terminating: true}},
		{"ClusterIP, not Ready", "", false, false, api.Endpoint{Ready: false, Serving: false, Terminating: true}},
		{"ClusterIP publishing, Ready", "", true, true, api.Endpoint{Ready: true, Serving: true, Terminating: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{ClusterIP: tc.clusterIP,
				Selector: map[string]string{"app": "web"}, PublishNotReadyAddresses: tc.publish, Ports: []api.ServicePort{{Name: "http", Port: 80}}}}
			e := engine(t, node("node-1"), svc, pod("web-0", "10.0.0.1", tc.podReady))
			deletePod(t, e, "web-0")
			slice := onlySlice(t, e)
			require.Len(t, slice.Endpoints, 1)
			got := slice.Endpoints[0]
			want := tc.want
			want.IP, want.PodName, want.NodeName = "10.0.0.1", "web-0", "node-1"
			assert.Equal(t, want, got)

			require.NoError(t, e.Do(func(ctx *sim.Context) error { ctx.Remove(ctx.Txn().Pod("default/web-0")); return nil }))
			assert.Empty(t, onlySlice(t, e).Endpoints, "the endpoint goes with the pod object")
		})
	}
}

// TestEndpointPorts follows getEndpointPorts and FindPort
// (staging/src/k8s.io/endpointslice/utils.go) (N1, N2): a numeric
// targetPort is used as it is; a named one is the container port of that
// name and the Service port's protocol; a port no pod resolves is left out;
// a headless Service without ports has a slice without ports.
func TestEndpointPorts(t *testing.T) {
	named := func(name, protocol string) api.ServicePort {
		return api.ServicePort{Name: name, Port: 80, Protocol: protocol, TargetPort: api.IntOrString{IsString: true, StrVal: "web"}}
	}
	for _, tc := range []struct {
		name  string
		ports []api.ServicePort
		want  []api.EndpointPort
	}{
		{"numeric", []api.ServicePort{{Name: "http", Port: 80, TargetPort: api.IntOrString{IntVal: 9000}}}, []api.EndpointPort{{Name: "http", Port: 9000, Protocol: "TCP"}}},
		{"defaulted to the port", []api.ServicePort{{Name: "http", Port: 80}}, []api.EndpointPort{{Name: "http", Port: 80, Protocol: "TCP"}}},
		{"named", []api.ServicePort{named("http", "TCP")}, []api.EndpointPort{{Name: "http", Port: 8080, Protocol: "TCP"}}},
		{"named, other protocol", []api.ServicePort{named("dns", "UDP")}, nil},
		{"named, missing", []api.ServicePort{{Name: "http", Port: 80, TargetPort: api.IntOrString{IsString: true, StrVal: "nope"}}}, nil},
		{"headless without ports", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{ClusterIP: api.ClusterIPNone,
				Selector: map[string]string{"app": "web"}, Ports: tc.ports}}
			e := engine(t, node("node-1"), svc, pod("web-0", "10.0.0.1", true))
			slice := onlySlice(t, e)
			require.Len(t, slice.Endpoints, 1, "the pod is listed whatever its ports")
			assert.Equal(t, tc.want, slice.Ports)
		})
	}
	p := pod("web-0", "10.0.0.1", true)
	p.Spec.Containers[0].Ports[0].Protocol = "TCP"
	port, ok := endpoints.FindPort(p, named("http", "TCP"))
	assert.True(t, ok)
	assert.Equal(t, int32(8080), port)
	_, ok = endpoints.FindPort(p, named("http", "UDP"))
	assert.False(t, ok)
}

// TestPodOnMissingNode follows reconcileByAddressType
// (staging/src/k8s.io/endpointslice/reconciler.go) (N2): a pod whose node
// does not exist is left out of the slice, unless the Service publishes
// not-ready addresses; it comes back when the node does. Upstream retries
// the Service with backoff; stsim wakes it when the node is added or
// removed.
func TestPodOnMissingNode(t *testing.T) {
	for _, publish := range []bool{false, true} {
		svc := &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{ClusterIP: api.ClusterIPNone,
			Selector: map[string]string{"app": "web"}, PublishNotReadyAddresses: publish}}
		e := engine(t, svc, pod("web-0", "10.0.0.1", true))
		names := func() []string {
			var out []string
			for _, ep := range onlySlice(t, e).Endpoints {
				out = append(out, ep.PodName)
			}
			return out
		}
		if publish {
			assert.Equal(t, []string{"web-0"}, names(), "published whatever its node")
			continue
		}
		assert.Empty(t, names(), "node-1 does not exist")
		require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(node("node-1")) }))
		assert.Equal(t, []string{"web-0"}, names(), "node-1 is there")
		require.NoError(t, e.Do(func(ctx *sim.Context) error { ctx.Remove(ctx.Txn().Node("node-1")); return nil }))
		assert.Empty(t, names(), "node-1 is gone again")
	}
}

// TestEndpointsFollowPodChanges checks that the slice is rebuilt when a pod
// it selects changes or goes (the EndpointSlice controller's pod handlers,
// GetPodUpdateProjectionKey and GetServicesToUpdate in
// staging/src/k8s.io/endpointslice/util/controller_utils.go), when a
// pod's labels take it in or out, and that it goes with its Service (N2).
func TestEndpointsFollowPodChanges(t *testing.T) {
	e := engine(t, node("node-1"), &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{
		ClusterIP: api.ClusterIPNone, Selector: map[string]string{"app": "web"}}}, pod("a", "10.0.0.1", false))
	ready := func() []bool {
		var out []bool
		for _, ep := range onlySlice(t, e).Endpoints {
			out = append(out, ep.Ready)
		}
		return out
	}
	update := func(f func(p *api.Pod)) {
		require.NoError(t, e.Do(func(ctx *sim.Context) error {
			p := ctx.Txn().Pod("default/a").DeepCopy()
			f(p)
			return ctx.Update(p)
		}))
	}
	require.Equal(t, []bool{false}, ready())
	update(func(p *api.Pod) { p.Status.Ready = true })
	require.Equal(t, []bool{true}, ready())
	update(func(p *api.Pod) { p.Labels = map[string]string{"app": "db"} })
	require.Empty(t, ready(), "relabelled out of the selector")
	update(func(p *api.Pod) { p.Labels = map[string]string{"app": "web"} })
	require.Equal(t, []bool{true}, ready(), "relabelled back in")
	require.NoError(t, e.Do(func(ctx *sim.Context) error { ctx.Remove(ctx.Txn().Pod("default/a")); return nil }))
	require.Empty(t, ready())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindService, "default/web", apiserver.DeleteOptions{})
	}))
	require.Nil(t, onlySlice(t, e))
}

// TestSlicesHoldAtMost100Endpoints follows reconcileByPortMapping
// (staging/src/k8s.io/endpointslice/reconciler.go) with the default
// maxEndpointsPerSlice of 100: 250 endpoints take three slices, the first
// named after the Service and the others generated from it; a pod that
// changes rewrites only the slice that holds its endpoint; a pod that goes
// leaves a slice with room, and a new pod goes there, the one slice being
// written; and a slice left empty is deleted.
func TestSlicesHoldAtMost100Endpoints(t *testing.T) {
	objs := []api.Object{node("node-1"), &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"},
		Spec: api.ServiceSpec{ClusterIP: api.ClusterIPNone, Selector: map[string]string{"app": "web"}}}}
	for i := range 250 {
		objs = append(objs, pod(fmt.Sprintf("web-%03d", i), fmt.Sprintf("10.0.%d.%d", i/200, i%200), true))
	}
	e := engine(t, objs...)
	type shape struct {
		name        string
		first, last string
		count       int
		rv          uint64
	}
	shapes := func() []shape {
		var out []shape
		for _, s := range e.View().EndpointSlices("default/web") {
			require.True(t, slices.IsSortedFunc(s.Endpoints, func(a, b api.Endpoint) int { return strings.Compare(a.PodName, b.PodName) }), "by pod name")
			out = append(out, shape{s.Name, s.Endpoints[0].PodName, s.Endpoints[len(s.Endpoints)-1].PodName, len(s.Endpoints), s.ResourceVersion})
		}
		return out
	}
	before := shapes()
	require.Len(t, before, 3)
	assert.Equal(t, "web", before[0].name)
	assert.Equal(t, shape{"web", "web-000", "web-099", 100, before[0].rv}, before[0])
	for _, s := range before[1:] {
		assert.True(t, strings.HasPrefix(s.name, "web-") && len(s.name) == len("web-")+5, "generated name %s", s.name)
	}
	assert.ElementsMatch(t, []int{100, 50}, []int{before[1].count, before[2].count})

	// web-150 turns unready: only the slice holding it is written.
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		p := ctx.Txn().Pod("default/web-150").DeepCopy()
		p.Status.Ready = false
		return ctx.Update(p)
	}))
	after := shapes()
	written := 0
	for i := range after {
		if after[i].rv != before[i].rv {
			written++
			assert.LessOrEqual(t, after[i].first, "web-150")
			assert.GreaterOrEqual(t, after[i].last, "web-150")
		}
	}
	assert.Equal(t, 1, written, "one slice rewritten")
	endpoints, _, _ := api.EndpointsOf(e.View().EndpointSlices("default/web"))
	require.Len(t, endpoints, 250)
	assert.False(t, endpoints[150].Ready)

	// web-000 goes and web-new comes in one instant: web-new fills the
	// room web-000 left in the slice named after the Service.
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		ctx.Remove(ctx.Txn().Pod("default/web-000"))
		return ctx.Create(pod("web-new", "10.0.9.9", true))
	}))
	first := e.View().EndpointSlices("default/web")[0]
	require.Len(t, first.Endpoints, 100)
	assert.Equal(t, "web-001", first.Endpoints[0].PodName)
	assert.Equal(t, "web-new", first.Endpoints[99].PodName)

	// Every pod of the 50-endpoint slice goes: the slice is deleted.
	var small *api.EndpointSlice
	for _, s := range e.View().EndpointSlices("default/web") {
		if len(s.Endpoints) == 50 {
			small = s
		}
	}
	require.NotNil(t, small)
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, ep := range small.Endpoints {
			ctx.Remove(ctx.Txn().Pod("default/" + ep.PodName))
		}
		return nil
	}))
	left := e.View().EndpointSlices("default/web")
	require.Len(t, left, 2)
	assert.NotEqual(t, small.Name, left[1].Name)
}

// TestNamedPortFollowsTheFirstPodByName: the slices' port for a named
// targetPort is the one the first eligible pod by name resolves (stsim's
// one port set per Service; getEndpointPorts resolves it per pod), so it
// changes when a pod earlier by name comes, goes or turns eligible, and
// not when a later one does; a port no pod resolves yet appears with the
// first pod that does.
func TestNamedPortFollowsTheFirstPodByName(t *testing.T) {
	withPort := func(name, ip string, port int32) *api.Pod {
		p := pod(name, ip, true)
		p.Spec.Containers[0].Ports[0].ContainerPort = port
		return p
	}
	svc := &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{ClusterIP: api.ClusterIPNone,
		Selector: map[string]string{"app": "web"},
		Ports:    []api.ServicePort{{Name: "http", Port: 80, TargetPort: api.IntOrString{IsString: true, StrVal: "web"}}}}}
	noPort := pod("web-a", "10.0.0.1", true)
	noPort.Spec.Containers[0].Ports = nil
	e := engine(t, node("node-1"), svc, noPort)
	assert.Empty(t, onlySlice(t, e).Ports, "no pod resolves it")
	ports := func() []int32 {
		var out []int32
		for _, p := range onlySlice(t, e).Ports {
			out = append(out, p.Port)
		}
		return out
	}
	create := func(p *api.Pod) {
		require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(p) }))
	}
	create(withPort("web-m", "10.0.0.2", 8002))
	assert.Equal(t, []int32{8002}, ports(), "the first pod that resolves it")
	create(withPort("web-z", "10.0.0.3", 8003))
	assert.Equal(t, []int32{8002}, ports(), "a later pod changes nothing")
	create(withPort("web-b", "10.0.0.4", 8004))
	assert.Equal(t, []int32{8004}, ports(), "an earlier pod takes over")
	require.NoError(t, e.Do(func(ctx *sim.Context) error { ctx.Remove(ctx.Txn().Pod("default/web-b")); return nil }))
	assert.Equal(t, []int32{8002}, ports(), "and gives it back when it goes")
}

// TestUpdatesThatLeaveTheEndpointWakeNoService follows
// GetServicesToUpdateOnPodChange and podEndpointsChanged
// (staging/src/k8s.io/endpointslice/util/controller_utils.go): a pod's
// update wakes its Services only if its labels, hostname or subdomain,
// deletion, readiness or IP changed (stsim adds its node and whether it is
// terminal, which the endpoint also reads); a status write that changes
// none of them (a container restarting) wakes none, and the slice is then
// still right when the pod next changes.
func TestUpdatesThatLeaveTheEndpointWakeNoService(t *testing.T) {
	ctl := endpoints.New()
	e := sim.New(1)
	simtest.Check(t, e)
	e.AddController(ctl)
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, o := range []api.Object{node("node-1"), &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"},
			Spec: api.ServiceSpec{ClusterIP: api.ClusterIPNone, Selector: map[string]string{"app": "web"}}}, pod("a", "10.0.0.1", true)} {
			if err := ctx.Create(o); err != nil {
				return err
			}
		}
		return nil
	}))
	cur := e.View().Pod("default/a")
	keys := func(f func(p *api.Pod)) []string {
		n := cur.DeepCopy()
		f(n)
		return ctl.Keys(e.View(), store.Change{Kind: api.KindPod, Old: cur, New: n})
	}
	quiet := map[string]func(p *api.Pod){
		"a restart":          func(p *api.Pod) { p.Status.ContainerStatuses = []api.ContainerStatus{{Name: "c", RestartCount: 1}} },
		"a reason":           func(p *api.Pod) { p.Status.Reason = "x" },
		"the same ready pod": func(p *api.Pod) {},
	}
	for name, f := range quiet {
		assert.Empty(t, keys(f), name)
	}
	now := time.Second
	loud := map[string]func(p *api.Pod){
		"readiness":  func(p *api.Pod) { p.Status.Ready = false },
		"IP":         func(p *api.Pod) { p.Status.PodIP = "10.0.0.2" },
		"labels":     func(p *api.Pod) { p.Labels = map[string]string{"app": "web", "v": "2"} },
		"hostname":   func(p *api.Pod) { p.Spec.Hostname = "a" },
		"subdomain":  func(p *api.Pod) { p.Spec.Subdomain = "web" },
		"deletion":   func(p *api.Pod) { p.DeletionTimestamp = &now },
		"terminal":   func(p *api.Pod) { p.Status.Phase = api.PodSucceeded },
		"node moved": func(p *api.Pod) { p.Spec.NodeName = "node-2" },
	}
	for name, f := range loud {
		assert.Equal(t, []string{"default/web"}, keys(f), name)
	}

	// A quiet update, then a loud one: the slice follows the pod as it is.
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		p := ctx.Txn().Pod("default/a").DeepCopy()
		p.Status.ContainerStatuses = []api.ContainerStatus{{Name: "c", RestartCount: 1}}
		return ctx.Update(p)
	}))
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		p := ctx.Txn().Pod("default/a").DeepCopy()
		p.Status.Ready = false
		return ctx.Update(p)
	}))
	s := onlySlice(t, e)
	require.Len(t, s.Endpoints, 1)
	assert.False(t, s.Endpoints[0].Ready)
}
