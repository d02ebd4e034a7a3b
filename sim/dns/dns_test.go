package dns_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/endpoints"
	"stsim/sim/dns"
	"stsim/sim/simtest"
)

// ttl is the TTL the tests ask with (kubeadm's Corefile).
const ttl = 30

// cluster has node-1, the EndpointSlice controller and the given objects.
func cluster(t *testing.T, objs ...api.Object) *sim.Engine {
	t.Helper()
	e := sim.New(1)
	simtest.Check(t, e)
	e.AddController(endpoints.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, o := range append([]api.Object{&api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1"}}}, objs...) {
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
	t.Helper()
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		p := ctx.Txn().Pod("default/" + name).DeepCopy()
		p.Status.Ready = ready
		return ctx.Update(p)
	}))
}

func deletePod(t *testing.T, e *sim.Engine, name string) {
	t.Helper()
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPod, "default/"+name, apiserver.DeleteOptions{})
	}))
}

func resolve(e *sim.Engine, name, qtype string) dns.Answer {
	return dns.Resolve(e.View(), dns.Query{Namespace: "default", Name: name, Type: qtype, TTL: ttl})
}

// fields splits SRV records into their fields.
func fields(records []string) [][]string {
	var out [][]string
	for _, r := range records {
		out = append(out, strings.Fields(r))
	}
	return out
}

// TestHeadlessServiceRecords follows findServices in coredns
// plugin/kubernetes/kubernetes.go and EndpointSliceToEndpoints,
// endpointsliceReady in plugin/kubernetes/object/endpoint.go (N3, N4,
// R-DNS-3): a headless Service name answers one A record per ready
// endpoint; not-Ready and terminating pods vanish at once; with no ready
// endpoint the answer is NXDOMAIN (findServices starts from errNoItems).
func TestHeadlessServiceRecords(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone),
		pod("web-0", "10.244.1.2", true, "", ""), pod("web-1", "10.244.1.3", true, "", ""), pod("web-2", "10.244.1.4", false, "", ""))
	a := resolve(e, "web", "A")
	assert.False(t, a.NXDomain)
	assert.Equal(t, "web.default.svc.cluster.local", a.FQDN)
	assert.Equal(t, []string{"10.244.1.2", "10.244.1.3"}, a.Records)
	assert.Equal(t, []string{"web-0", "web-1"}, a.Pods)

	deletePod(t, e, "web-1")
	assert.Equal(t, []string{"10.244.1.2"}, resolve(e, "web", "A").Records, "a terminating pod leaves DNS at once")

	setReady(t, e, "web-0", false)
	a = resolve(e, "web", "A")
	assert.True(t, a.NXDomain, "no ready endpoint: NXDOMAIN, not an empty answer")
	assert.Empty(t, a.Records)

	setReady(t, e, "web-2", true)
	assert.Equal(t, []string{"10.244.1.4"}, resolve(e, "web", "A").Records)
}

// TestAddressesInNumericOrder pins the order stsim gives A records: by
// address (CoreDNS answers in slice order, which its loadbalance plugin
// shuffles; N4), so 10.244.1.10 comes after 10.244.1.9.
func TestAddressesInNumericOrder(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone),
		pod("a", "10.244.1.10", true, "", ""), pod("b", "10.244.1.9", true, "", ""), pod("c", "10.244.2.1", true, "", ""))
	assert.Equal(t, []string{"10.244.1.9", "10.244.1.10", "10.244.2.1"}, resolve(e, "web", "A").Records)
	assert.Equal(t, []string{"b", "a", "c"}, resolve(e, "web", "A").Pods)
}

// TestTerminatingAndNotReadyPodsInDNS follows podToEndpoint
// (staging/src/k8s.io/endpointslice/utils.go) and endpointsliceReady and
// findServices in coredns plugin/kubernetes (N2, N3, R-DNS-3): a
// terminating pod's endpoint has ready false (unless the Service publishes
// not-ready addresses), so a headless Service stops answering it at once,
// under its own name and under the Service's; a ClusterIP Service's name
// keeps answering the ClusterIP whatever its endpoints, while the
// per-endpoint name of its pod goes like a headless one's. With
// publishNotReadyAddresses every pod with an IP is answered, not-Ready or
// terminating.
func TestTerminatingAndNotReadyPodsInDNS(t *testing.T) {
	for _, tc := range []struct {
		name      string
		clusterIP string
		publish   bool
		// service and endpoint are the answers for the Service name and
		// for web-1's name once web-1 is terminating and web-2 not Ready.
		service, endpoint []string
	}{
		{"headless", api.ClusterIPNone, false, []string{"10.244.1.2"}, nil},
		{"headless publishing not-ready addresses", api.ClusterIPNone, true, []string{"10.244.1.2", "10.244.1.3", "10.244.1.4"}, []string{"10.244.1.3"}},
		{"ClusterIP", "", false, []string{"CLUSTER-IP"}, nil},
		{"ClusterIP publishing not-ready addresses", "", true, []string{"CLUSTER-IP"}, []string{"10.244.1.3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := service("web", tc.clusterIP, api.ServicePort{Name: "http", Port: 80})
			svc.Spec.PublishNotReadyAddresses = tc.publish
			e := cluster(t, svc, pod("web-0", "10.244.1.2", true, "web-0", "web"),
				pod("web-1", "10.244.1.3", true, "web-1", "web"), pod("web-2", "10.244.1.4", false, "web-2", "web"))
			deletePod(t, e, "web-1")
			clusterIP := e.View().Service("default/web").Spec.ClusterIP
			want := func(recs []string) []string {
				for i, r := range recs {
					if r == "CLUSTER-IP" {
						recs[i] = clusterIP
					}
				}
				return recs
			}
			a := resolve(e, "web", "A")
			assert.Equal(t, want(tc.service), a.Records, "the Service name")
			b := resolve(e, "web-1.web", "A")
			assert.Equal(t, tc.endpoint, b.Records, "the terminating pod's name")
			assert.Equal(t, tc.endpoint == nil, b.NXDomain)
			assert.Equal(t, tc.publish, !resolve(e, "web-2.web", "A").NXDomain, "the not-Ready pod's name")
		})
	}
}

// TestClusterIPServiceRecords follows findServices (its ClusterIP branch) in
// coredns plugin/kubernetes/kubernetes.go and kubernetes/dns
// docs/specification.md 2.3.1 (N1, N4): the Service name answers its
// ClusterIP whatever the endpoints, even none, once however many ports it
// has.
func TestClusterIPServiceRecords(t *testing.T) {
	e := cluster(t, service("api", "", api.ServicePort{Name: "http", Port: 80, TargetPort: api.IntOrString{IntVal: 8080}},
		api.ServicePort{Name: "metrics", Port: 9090}))
	svc := e.View().Service("default/api")
	require.NotEmpty(t, svc.Spec.ClusterIP)
	require.NotEqual(t, api.ClusterIPNone, svc.Spec.ClusterIP)
	a := resolve(e, "api", "A")
	assert.False(t, a.NXDomain)
	assert.Equal(t, []string{svc.Spec.ClusterIP}, a.Records, "one A record: plugin.A drops duplicate addresses")
	assert.Equal(t, []string{""}, a.Pods, "no pod behind a ClusterIP")
	assert.Equal(t, ttl, a.TTL)

	// Without ports, which the API server rejects for a ClusterIP
	// Service, no port matches and findServices keeps errNoItems.
	require.EqualError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(service("portless", "")) }),
		`Service "portless" is invalid: spec.ports: Required value`)
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		portless := service("portless", "10.96.0.99")
		portless.Namespace, portless.UID = api.DefaultNamespace, "portless-uid"
		ctx.Txn().Put(portless) // past the API server, as a stored object might be
		return nil
	}))
	assert.True(t, resolve(e, "portless", "A").NXDomain)
}

// TestSRVRecords follows findServices and matchPortAndProtocol in coredns
// plugin/kubernetes/kubernetes.go and SRV in plugin/backend_lookup.go
// (N4; kubernetes/dns docs/specification.md 2.3.2, 2.4.2): a headless
// Service's named port gives one SRV record per ready endpoint, with the
// endpoint's target port and its name (hostname, else dashed IP) under the
// Service; a ClusterIP Service's gives one record with the Service port
// and the Service's name; an SRV query of the Service name itself matches
// every port; weights share 100 among the records; an unnamed port
// matches only that query, and port-less headless endpoints give NODATA.
func TestSRVRecords(t *testing.T) {
	http := api.ServicePort{Name: "http", Port: 80, TargetPort: api.IntOrString{IntVal: 8080}}
	admin := api.ServicePort{Name: "admin", Port: 81, TargetPort: api.IntOrString{IntVal: 9090}}
	raw := service("raw", api.ClusterIPNone, api.ServicePort{Port: 7000})
	bare := service("bare", api.ClusterIPNone)
	e := cluster(t,
		service("web", api.ClusterIPNone, http, admin), service("api", "", http, admin), raw, bare,
		pod("web-0", "10.244.1.2", true, "web-0", "web"), pod("web-1", "10.244.1.3", true, "", ""), pod("web-2", "10.244.1.4", false, "web-2", "web"))
	for _, tc := range []struct {
		name string
		want [][]string // nil: NXDOMAIN
	}{
		{"_http._tcp.web", [][]string{
			{"0", "50", "8080", "10-244-1-3.web.default.svc.cluster.local"},
			{"0", "50", "8080", "web-0.web.default.svc.cluster.local"}}},
		{"_HTTP._TCP.web", [][]string{
			{"0", "50", "8080", "10-244-1-3.web.default.svc.cluster.local"},
			{"0", "50", "8080", "web-0.web.default.svc.cluster.local"}}},
		{"web", [][]string{
			{"0", "25", "8080", "10-244-1-3.web.default.svc.cluster.local"},
			{"0", "25", "9090", "10-244-1-3.web.default.svc.cluster.local"},
			{"0", "25", "8080", "web-0.web.default.svc.cluster.local"},
			{"0", "25", "9090", "web-0.web.default.svc.cluster.local"}}},
		{"web-0.web", [][]string{
			{"0", "50", "8080", "web-0.web.default.svc.cluster.local"},
			{"0", "50", "9090", "web-0.web.default.svc.cluster.local"}}},
		{"_http._tcp.api", [][]string{{"0", "100", "80", "api.default.svc.cluster.local"}}},
		{"api", [][]string{{"0", "50", "80", "api.default.svc.cluster.local"}, {"0", "50", "81", "api.default.svc.cluster.local"}}},
		{"_http._udp.web", nil},
		{"_http._udp.api", nil},
		{"_none._tcp.api", nil},
		{"raw", [][]string{
			{"0", "50", "7000", "10-244-1-2.raw.default.svc.cluster.local"},
			{"0", "50", "7000", "10-244-1-3.raw.default.svc.cluster.local"}}},
		// "_" is stripped to an empty port, which matches any port
		// (parseRequest's stripUnderscore, then matchPortAndProtocol).
		{"_._tcp.raw", [][]string{
			{"0", "50", "7000", "10-244-1-2.raw.default.svc.cluster.local"},
			{"0", "50", "7000", "10-244-1-3.raw.default.svc.cluster.local"}}},
		{"_http._tcp.raw", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := resolve(e, tc.name, "SRV")
			if tc.want == nil {
				assert.True(t, a.NXDomain, "%v", a.Records)
				return
			}
			assert.False(t, a.NXDomain)
			if diff := cmp.Diff(tc.want, fields(a.Records)); diff != "" {
				t.Errorf("SRV records (-want +got):\n%s", diff)
			}
		})
	}
	// A headless Service without ports: its endpoints carry the sentinel
	// port -1, which SRV drops, so the name exists without SRV records.
	noPorts := resolve(e, "bare", "SRV")
	assert.False(t, noPorts.NXDomain)
	assert.Empty(t, noPorts.Records, "NODATA")
	assert.Equal(t, []string{"10.244.1.2", "10.244.1.3"}, resolve(e, "bare", "A").Records, "its A records are there")
}

// TestShouldSetHostname follows ShouldSetHostname in
// staging/src/k8s.io/endpointslice/util/controller_utils.go and
// endpointHostname in coredns plugin/kubernetes/kubernetes.go (N4, N5,
// R-DNS-3): "<hostname>.<service>" resolves only for a pod whose hostname
// is set and whose subdomain is that Service; other pods are reachable
// under their dashed IP, and the pod name is not used.
func TestShouldSetHostname(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone),
		pod("web-0", "10.244.1.2", true, "web-0", "web"),
		pod("web-1", "10.244.1.3", true, "web-1", "other"),
		pod("web-2", "10.244.1.4", true, "", "web"))
	a := resolve(e, "web-0.web", "A")
	assert.Equal(t, []string{"10.244.1.2"}, a.Records)
	assert.Equal(t, []string{"web-0"}, a.Pods)
	assert.Equal(t, "web-0.web.default.svc.cluster.local", a.FQDN)
	assert.True(t, resolve(e, "web-1.web", "A").NXDomain, "subdomain names another Service")
	assert.True(t, resolve(e, "web-2.web", "A").NXDomain, "no hostname: the pod name is not used")
	assert.Equal(t, []string{"web-1"}, resolve(e, "10-244-1-3.web", "A").Pods)
	assert.Equal(t, []string{"web-2"}, resolve(e, "10-244-1-4.web", "A").Pods)
	assert.True(t, resolve(e, "10-244-1-2.web", "A").NXDomain, "an endpoint with a hostname is known by it only")

	setReady(t, e, "web-0", false)
	assert.True(t, resolve(e, "web-0.web", "A").NXDomain, "a not-Ready pod's name does not resolve")
}

// TestSharedHostname follows ShouldSetHostname and findServices (N5): the
// pods of a Deployment whose template sets hostname and subdomain all
// share the name, which answers every one of them that is ready.
func TestSharedHostname(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone),
		pod("web-7d9f-abcde", "10.244.1.2", true, "web", "web"), pod("web-7d9f-fghij", "10.244.1.3", true, "web", "web"))
	a := resolve(e, "web.web", "A")
	assert.Equal(t, []string{"10.244.1.2", "10.244.1.3"}, a.Records)
	assert.Equal(t, []string{"web-7d9f-abcde", "web-7d9f-fghij"}, a.Pods)
}

// TestPodRecords follows findPods in coredns plugin/kubernetes/kubernetes.go
// with `pods insecure`, the mode kubeadm's Corefile sets
// (CoreDNSConfigMap in cmd/kubeadm/app/phases/addons/dns/manifests.go; N4):
// "a-b-c-d.<ns>.pod.cluster.local" answers a.b.c.d for any well-formed
// address, whether or not a pod has it; a name that is not a dashed
// address, or a namespace that does not exist, is NXDOMAIN. stsim names
// the pod that has the address, if one does.
func TestPodRecords(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone), pod("web-0", "10.244.1.2", true, "web-0", "web"), pod("web-1", "10.244.1.3", false, "", ""))
	for _, tc := range []struct {
		name     string
		fqdn     string
		records  []string
		pods     []string
		nxdomain bool
	}{
		{"10-244-1-2.default.pod.cluster.local", "10-244-1-2.default.pod.cluster.local", []string{"10.244.1.2"}, []string{"web-0"}, false},
		{"10-244-1-2.default.pod", "10-244-1-2.default.pod.cluster.local", []string{"10.244.1.2"}, []string{"web-0"}, false},
		{"10-244-1-3.default.pod", "10-244-1-3.default.pod.cluster.local", []string{"10.244.1.3"}, []string{"web-1"}, false},
		{"10-244-9-9.default.pod", "10-244-9-9.default.pod.cluster.local", []string{"10.244.9.9"}, []string{""}, false},
		{"web-0.default.pod", "web-0.default.pod.default.svc.cluster.local", nil, nil, true},
		{"10-244-1-256.default.pod", "10-244-1-256.default.pod.default.svc.cluster.local", nil, nil, true},
		{"10-244-1-2.nowhere.pod", "10-244-1-2.nowhere.pod.default.svc.cluster.local", nil, nil, true},
	} {
		a := resolve(e, tc.name, "A")
		assert.Equal(t, tc.nxdomain, a.NXDomain, tc.name)
		assert.Equal(t, tc.fqdn, a.FQDN, tc.name)
		assert.Equal(t, tc.records, a.Records, tc.name)
		assert.Equal(t, tc.pods, a.Pods, tc.name)
	}
}

// TestSearchPath follows the resolv.conf the kubelet writes for a
// ClusterFirst pod (generateSearchesForDNSClusterFirst and
// defaultDNSOptions in pkg/kubelet/network/dns/dns.go: search
// <ns>.svc.<zone> svc.<zone> <zone>, ndots 5) and the order glibc's
// res_nsearch (resolv/res_query.c) tries names in (NET-1, R-DNS-2): a
// name with fewer than five dots under each search domain, then as it is;
// one with five or more as it is first; one with a trailing dot only as it
// is. A StatefulSet pod's full name is <pod>.<service>.<ns>.svc.cluster.local.
func TestSearchPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"web-0.web", []string{"web-0.web.default.svc.cluster.local", "web-0.web.svc.cluster.local", "web-0.web.cluster.local", "web-0.web"}},
		{"web", []string{"web.default.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local", "web"}},
		{"web.default.svc.cluster.local", []string{"web.default.svc.cluster.local.default.svc.cluster.local",
			"web.default.svc.cluster.local.svc.cluster.local", "web.default.svc.cluster.local.cluster.local", "web.default.svc.cluster.local"}},
		{"web-0.web.default.svc.cluster.local", []string{"web-0.web.default.svc.cluster.local",
			"web-0.web.default.svc.cluster.local.default.svc.cluster.local", "web-0.web.default.svc.cluster.local.svc.cluster.local",
			"web-0.web.default.svc.cluster.local.cluster.local"}},
		{"web.", []string{"web"}},
		{"Web-0.WEB", []string{"web-0.web.default.svc.cluster.local", "web-0.web.svc.cluster.local", "web-0.web.cluster.local", "web-0.web"}},
	} {
		assert.Equal(t, tc.want, dns.Candidates("default", tc.name), tc.name)
	}

	e := cluster(t, service("web", api.ClusterIPNone), pod("web-0", "10.244.1.2", true, "web-0", "web"))
	for _, name := range []string{"web-0.web", "web-0.web.default", "web-0.web.default.svc", "web-0.web.default.svc.cluster.local", "web-0.web.default.svc.cluster.local."} {
		a := resolve(e, name, "A")
		assert.Equal(t, []string{"10.244.1.2"}, a.Records, name)
		assert.Equal(t, "web-0.web.default.svc.cluster.local", a.FQDN, name)
	}
	assert.True(t, resolve(e, "web.", "A").Outside, "an absolute name is not searched: web. is not under cluster.local")
	other := dns.Resolve(e.View(), dns.Query{Namespace: "other", Name: "web-0.web", Type: "A", TTL: ttl})
	assert.True(t, other.NXDomain, "from namespace other the short name looks in other")
	assert.Equal(t, "web-0.web.other.svc.cluster.local", other.FQDN, "an NXDOMAIN reports the first name tried")
	assert.Equal(t, []string{"10.244.1.2"}, dns.Resolve(e.View(), dns.Query{Namespace: "other", Name: "web-0.web.default", Type: "A", TTL: ttl}).Records)
}

// TestNamesOutsideTheCluster follows ServeDNS of the kubernetes plugin
// (coredns plugin/kubernetes/handler.go), which answers only names of its
// zone, and kubeadm's Corefile, which forwards every other name
// (`forward . /etc/resolv.conf`), after glibc's res_nsearch has tried the
// search domains (NET-2): a name outside cluster.local is not NXDOMAIN but
// outside the simulation, reported under the name that was forwarded. A
// relative name that looks like a cluster name (its last label a Service,
// a pod's subdomain, a namespace, svc, pod, or a single label) keeps the
// NXDOMAIN its search got; a name inside the zone that is not a Service or
// pod name is NXDOMAIN (parseRequest's errInvalidRequest).
func TestNamesOutsideTheCluster(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone), pod("web-0", "10.244.1.2", true, "web-0", "web"), pod("db-0", "10.244.1.3", true, "db-0", "gone"))
	for _, tc := range []struct {
		name, fqdn string
		outside    bool
	}{
		{"example.com", "example.com", true},
		{"www.example.com.", "www.example.com", true},
		{"a.b.c.d.e.example.com", "a.b.c.d.e.example.com", true},
		{"notcluster.local.", "notcluster.local", true},
		{"foo.cluster.local", "foo.cluster.local.default.svc.cluster.local", false},
		{"db.default.svc.cluster.local.", "db.default.svc.cluster.local", false},
		{"db", "db.default.svc.cluster.local", false},
		{"web-9.web", "web-9.web.default.svc.cluster.local", false},
		{"web-0.nosuch", "web-0.nosuch", true},
		{"web-0.gone", "web-0.gone.default.svc.cluster.local", false}, // a pod's subdomain: R-DNS-1
		{"nosuch.default", "nosuch.default.default.svc.cluster.local", false},
		{"web-0.web.default.svc.cluster", "web-0.web.default.svc.cluster.default.svc.cluster.local", false},
	} {
		a := resolve(e, tc.name, "A")
		assert.Equal(t, tc.outside, a.Outside, tc.name)
		assert.Equal(t, tc.fqdn, a.FQDN, tc.name)
		assert.Empty(t, a.Records, tc.name)
		if tc.outside {
			assert.False(t, a.NXDomain, "%s: not NXDOMAIN", tc.name)
			assert.Zero(t, a.TTL, "%s: the upstream TTL is not simulated", tc.name)
		} else {
			assert.True(t, a.NXDomain, tc.name)
		}
	}
}

// TestNXDomainOrNoData follows the kubernetes plugin's Records,
// findServices and IsNameError in coredns plugin/kubernetes/kubernetes.go
// and ServeDNS in handler.go, and got_nodata in glibc's res_nsearch (N4,
// NET-1): a name that exists without records of the type asked is NODATA
// (no records, not NXDOMAIN): the zone's apex, "svc", a namespace; a
// namespace that does not exist, an unknown Service and a name with too
// many labels are NXDOMAIN. A searched name that was NODATA under one
// search domain and NXDOMAIN under the others is NODATA.
func TestNXDomainOrNoData(t *testing.T) {
	e := cluster(t, service("web", api.ClusterIPNone), pod("web-0", "10.244.1.2", true, "web-0", "web"))
	for _, tc := range []struct {
		name     string
		nxdomain bool
	}{
		{"cluster.local.", false},
		{"svc.cluster.local.", false},
		{"pod.cluster.local.", false},
		{"default.svc.cluster.local.", false},
		{"kube-system.svc.cluster.local.", false},
		{"nowhere.svc.cluster.local.", true},
		{"db.default.svc.cluster.local.", true},
		{"a.b.c.web.default.svc.cluster.local.", true},
		{"x.y.web.default.svc.cluster.local.", true},
		{"default.pod.cluster.local.", false},
		{"default", false}, // default.svc.cluster.local (under svc.cluster.local) is NODATA
		{"db", true},
	} {
		a := resolve(e, tc.name, "A")
		assert.Equal(t, tc.nxdomain, a.NXDomain, tc.name)
		assert.False(t, a.Outside, tc.name)
		assert.Empty(t, a.Records, tc.name)
	}
}

// TestTTL follows the kubernetes plugin's ttl option (defaultTTL 5 in
// coredns plugin/kubernetes/kubernetes.go; kubeadm's Corefile sets
// `ttl 30`, the scenario default) and SOA in plugin/backend_lookup.go (N6):
// records carry the ttl; NXDOMAIN and NODATA carry the SOA record's TTL,
// min(ttl, 300), which is how long a resolver caches the negative answer.
func TestTTL(t *testing.T) {
	assert.Equal(t, 5, dns.PluginDefaultTTL)
	assert.Equal(t, 30, scenarios.DefaultDNSTTL, "kubeadm's CoreDNSConfigMap: ttl 30")
	e := cluster(t, service("web", api.ClusterIPNone), pod("web-0", "10.244.1.2", true, "web-0", "web"))
	for _, tc := range []struct {
		name string
		ttl  int
		want int
	}{
		{"web-0.web", 30, 30},
		{"web-0.web", 5, 5},
		{"web-0.web", 3600, 3600},
		{"web-9.web", 30, 30},
		{"web-9.web", 3600, 300},
		{"default.svc.cluster.local.", 600, 300},
		{"example.com", 30, 0},
	} {
		a := dns.Resolve(e.View(), dns.Query{Namespace: "default", Name: tc.name, Type: "A", TTL: tc.ttl})
		assert.Equal(t, tc.want, a.TTL, "%s with ttl %d", tc.name, tc.ttl)
	}
}
