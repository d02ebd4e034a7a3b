package dns_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/endpoints"
	"stsim/sim/dns"
	"stsim/sim/simtest"
)

// cluster has the EndpointSlice controller and the given objects.
func cluster(t *testing.T, objs ...api.Object) *sim.Engine {
	t.Helper()
	e := sim.New(1)
	simtest.Check(t, e)
	e.AddController(endpoints.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, o := range objs {
			if s, ok := o.(*api.Service); ok {
				api.SetDefaultsService(s)
			}
			if err := ctx.Create(o); err != nil {
				return err
			}
		}
		return nil
	}))
	return e
}

func service(name, clusterIP string, ports ...api.ServicePort) *api.Service {
	return &api.Service{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.ServiceSpec{ClusterIP: clusterIP,
		Selector: map[string]string{"app": "web"}, Ports: ports}}
}

func pod(name, ip string, ready bool, hostname, subdomain string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Spec:   api.PodSpec{NodeName: "node-1", Hostname: hostname, Subdomain: subdomain, Containers: []api.Container{{Name: "c", Image: "app:1"}}},
		Status: api.PodStatus{Phase: api.PodRunning, PodIP: ip, Ready: ready}}
}

func setReady(t *testing.T, e *sim.Engine, name string, ready bool) {
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		p := ctx.Txn().Pod("default/" + name).DeepCopy()
		p.Status.Ready = ready
		return ctx.Update(p)
	}))
}

func resolve(e *sim.Engine, name, qtype string) dns.Answer {
	return dns.Resolve(e.View(), "default", name, qtype)
}

// TestHeadlessServiceRecords follows findServices and
// EndpointSliceToEndpoints/endpointsliceReady in coredns plugin/kubernetes
// (docs/rules.md N3, N4, R-DNS-3): a headless Service name answers one A record per ready
// endpoint, not-Ready and terminating pods vanish at once, and with no ready
// endpoint the answer is NXDOMAIN.
func TestHeadlessServiceRecords(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone),
		pod("web-0", "10.244.1.2", true, "", ""), pod("web-1", "10.244.1.3", true, "", ""), pod("web-2", "10.244.1.4", false, "", ""))
	a := resolve(e, "web", "A")
	assert.False(t, a.NXDomain)
	assert.Equal(t, "web.default.svc.cluster.local", a.FQDN)
	assert.Equal(t, []string{"10.244.1.2", "10.244.1.3"}, a.Records)
	assert.Equal(t, []string{"web-0", "web-1"}, a.Pods)

	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPod, "default/web-1", apiserver.DeleteOptions{})
	}))
	assert.Equal(t, []string{"10.244.1.2"}, resolve(e, "web", "A").Records, "a terminating pod leaves DNS at once")

	setReady(t, e, "web-0", false)
	a = resolve(e, "web", "A")
	assert.True(t, a.NXDomain, "no ready endpoint: NXDOMAIN, not an empty answer")
	assert.Empty(t, a.Records)

	setReady(t, e, "web-2", true)
	assert.Equal(t, []string{"10.244.1.4"}, resolve(e, "web", "A").Records)
}

// TestClusterIPServiceRecords follows the ClusterIP rules of the DNS spec
// (kubernetes/dns docs/specification.md 2.3.1; docs/rules.md N4): the Service
// name answers its ClusterIP whatever the endpoints, even none.
func TestClusterIPServiceRecords(t *testing.T) {
	e := cluster(t, service("api", "", api.ServicePort{Name: "http", Port: 80, TargetPort: api.IntOrString{IntVal: 8080}}))
	svc := e.View().Service("default/api")
	require.NotEmpty(t, svc.Spec.ClusterIP)
	a := resolve(e, "api", "A")
	assert.False(t, a.NXDomain)
	assert.Equal(t, []string{svc.Spec.ClusterIP}, a.Records)
	assert.Equal(t, []string{""}, a.Pods, "no pod behind a ClusterIP")

	srv := resolve(e, "_http._tcp.api", "SRV")
	require.Len(t, srv.Records, 1)
	assert.Equal(t, []string{"80", "api.default.svc.cluster.local"}, strings.Fields(srv.Records[0])[2:],
		"SRV of a ClusterIP Service: the Service port and name")
}

// TestSRVRecords follows the SRV rules of the DNS spec (specification.md
// 2.3.2 and 2.4.2; docs/rules.md N4): a headless Service's named port gives one
// SRV record per ready endpoint, with the endpoint's target port and
// hostname; an unnamed port gives none.
func TestSRVRecords(t *testing.T) {
	e := cluster(t,
		service("web", api.ClusterIPNone, api.ServicePort{Name: "http", Port: 80, TargetPort: api.IntOrString{IntVal: 8080}}),
		service("raw", api.ClusterIPNone, api.ServicePort{Port: 80}),
		pod("web-0", "10.244.1.2", true, "web-0", "web"), pod("web-1", "10.244.1.3", true, "", ""), pod("web-2", "10.244.1.4", false, "web-2", "web"))
	srv := resolve(e, "_http._tcp.web", "SRV")
	require.False(t, srv.NXDomain)
	var got [][]string
	for _, r := range srv.Records {
		got = append(got, strings.Fields(r)[2:])
	}
	want := [][]string{{"8080", "10-244-1-3.web.default.svc.cluster.local"}, {"8080", "web-0.web.default.svc.cluster.local"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SRV port and target (-want +got):\n%s", diff)
	}
	assert.True(t, resolve(e, "_http._udp.web", "SRV").NXDomain, "the protocol must match")
	assert.True(t, resolve(e, "_http._tcp.raw", "SRV").NXDomain, "an unnamed port has no SRV record")
}

// TestShouldSetHostname follows ShouldSetHostname in
// staging/src/k8s.io/endpointslice/util/controller_utils.go and endpointHostname in coredns
// plugin/kubernetes (docs/rules.md N4, N5, R-DNS-3): "<hostname>.<service>" resolves only
// for a pod whose hostname is set and whose subdomain is that Service;
// other pods are reachable under their dashed IP.
func TestShouldSetHostname(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone),
		pod("web-0", "10.244.1.2", true, "web-0", "web"),
		pod("web-1", "10.244.1.3", true, "web-1", "other"),
		pod("web-2", "10.244.1.4", true, "", "web"))
	a := resolve(e, "web-0.web", "A")
	assert.Equal(t, []string{"10.244.1.2"}, a.Records)
	assert.Equal(t, []string{"web-0"}, a.Pods)
	assert.True(t, resolve(e, "web-1.web", "A").NXDomain, "subdomain names another Service")
	assert.True(t, resolve(e, "web-2.web", "A").NXDomain, "no hostname: the pod name is not used")
	assert.Equal(t, []string{"web-1"}, resolve(e, "10-244-1-3.web", "A").Pods)
	assert.Equal(t, []string{"web-2"}, resolve(e, "10-244-1-4.web", "A").Pods)

	setReady(t, e, "web-0", false)
	assert.True(t, resolve(e, "web-0.web", "A").NXDomain, "a not-Ready pod's name does not resolve")
}

// TestSearchPath follows the resolv.conf kubelet writes for a ClusterFirst
// pod (pkg/kubelet/network/dns/dns.go: search <ns>.svc.<zone> svc.<zone>
// <zone>, ndots 5; docs/rules.md NET-1, R-DNS-2): a short name is tried
// under each search domain in turn, and a StatefulSet pod's full name is
// <pod>.<service>.<namespace>.svc.cluster.local.
func TestSearchPath(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone), pod("web-0", "10.244.1.2", true, "web-0", "web"))
	for _, name := range []string{"web-0.web", "web-0.web.default", "web-0.web.default.svc", "web-0.web.default.svc.cluster.local", "web-0.web.default.svc.cluster.local."} {
		a := resolve(e, name, "A")
		assert.Equal(t, []string{"10.244.1.2"}, a.Records, name)
		assert.Equal(t, "web-0.web.default.svc.cluster.local", a.FQDN, name)
	}
	other := dns.Resolve(e.View(), "other", "web-0.web", "A")
	assert.True(t, other.NXDomain, "from namespace other the short name looks in other")
	assert.Equal(t, "web-0.web.other.svc.cluster.local", other.FQDN, "an NXDOMAIN reports the first name tried")
	assert.Equal(t, []string{"10.244.1.2"}, dns.Resolve(e.View(), "other", "web-0.web.default", "A").Records)
}
