// Package dns answers cluster DNS queries from a client pod the way a
// kubeadm cluster does: the pod's resolver (glibc's res_nsearch with the
// resolv.conf the kubelet writes for dnsPolicy ClusterFirst) asks CoreDNS,
// whose kubernetes plugin answers names under cluster.local from Services
// and their EndpointSlices, with the options of kubeadm's Corefile
// (`pods insecure`, `ttl 30`); every other name is forwarded upstream,
// which stsim does not simulate.
//
// The record set, from findServices and findPods in coredns
// plugin/kubernetes/kubernetes.go and A and SRV in plugin/backend_lookup.go:
//
//   - "<svc>.<ns>.svc.cluster.local": a ClusterIP Service's ClusterIP
//     whatever its endpoints; one A record per ready endpoint of a headless
//     Service, NXDOMAIN when none is ready.
//   - "<hostname>.<svc>.<ns>.svc.cluster.local": the ready endpoint with
//     that hostname (its spec.hostname when ShouldSetHostname, else its IP
//     with dashes), for either kind of Service.
//   - "_<port>._<proto>.<svc>.<ns>.svc.cluster.local" SRV: one record per
//     ready endpoint and named port, with the target port and the
//     endpoint's name, for a headless Service; one with the Service port
//     and the Service's name for a ClusterIP Service. An SRV query of the
//     Service name itself gives the records of every port.
//   - "<a-b-c-d>.<ns>.pod.cluster.local": the address a-b-c-d, whether or
//     not a pod has it (`pods insecure`).
//
// Only endpoints whose ready condition is true are answered
// (endpointsliceReady), so a pod that is not Ready, or is terminating,
// leaves DNS at once unless its Service publishes not-ready addresses.
// A name of the zone that none of these give is NXDOMAIN, or NODATA when
// it exists without records (a namespace, the zone itself). A name outside
// the zone is Outside: forwarded, and not simulated (see Resolve).
//
// Pod records follow `pods insecure`, not the plugin's default `disabled`
// (every pod name NXDOMAIN) nor `verified` (only addresses pods have):
// kubeadm's Corefile sets insecure, and so do the clusters built from it.
package dns

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"stsim/sim/api"
	"stsim/sim/store"
)

// ClusterDomain is the cluster's DNS zone, the kubelet's --cluster-domain.
const ClusterDomain = "cluster.local"

// NDots is the ndots option of a ClusterFirst pod's resolv.conf
// (defaultDNSOptions in pkg/kubelet/network/dns/dns.go).
const NDots = 5

// PluginDefaultTTL is the kubernetes plugin's own default TTL (defaultTTL
// in coredns plugin/kubernetes/kubernetes.go). kubeadm's Corefile sets
// `ttl 30`, which is the scenario default (spec.dns.ttl).
const PluginDefaultTTL = 5

// maxSOATTL caps the TTL of the SOA record a negative answer carries
// (SOA in coredns plugin/backend_lookup.go).
const maxSOATTL = 300

// Query is one look-up from a client pod.
type Query struct {
	// Namespace is the client pod's namespace: its search path.
	Namespace string
	// Name is the name as the client asks it; a trailing dot makes it
	// absolute.
	Name string
	// Type is "A" or "SRV".
	Type string
	// TTL is the kubernetes plugin's ttl option.
	TTL int
}

// Answer is the outcome of one query.
type Answer struct {
	// FQDN is the name that answered, or the first name tried when none did.
	FQDN string
	// Records are A addresses, or SRV records "priority weight port target".
	Records []string
	// Pods names the pod behind each record, or "" for a ClusterIP or an
	// address no pod has.
	Pods []string
	// NXDomain is set when the name does not exist. An answer that is
	// neither NXDOMAIN nor has records is NODATA: the name exists without
	// records of that type.
	NXDomain bool
	// Outside is set when the name that answered is outside the cluster
	// domain: CoreDNS forwards it upstream, which stsim does not simulate.
	Outside bool
	// TTL is the TTL of the records, or for NXDOMAIN and NODATA the
	// negative-caching TTL of the SOA record CoreDNS adds (the ttl, at most
	// 300). It is 0 for a name outside the simulation.
	TTL int
}

// SearchPath is the search list of a ClusterFirst pod in namespace ns
// (generateSearchesForDNSClusterFirst in pkg/kubelet/network/dns/dns.go;
// the node has no search domains of its own).
func SearchPath(ns string) []string {
	return []string{ns + ".svc." + ClusterDomain, "svc." + ClusterDomain, ClusterDomain}
}

// Candidates lists the names the client's resolver tries, in order, as
// glibc's res_nsearch (resolv/res_query.c) does: a name with a trailing dot
// only as it is; a name with at least ndots dots as it is first, then under
// each search domain; any other name under each search domain first, then
// as it is.
func Candidates(ns, name string) []string {
	name = strings.ToLower(name)
	if abs, ok := strings.CutSuffix(name, "."); ok {
		return []string{abs}
	}
	var out []string
	asIsFirst := strings.Count(name, ".") >= NDots
	if asIsFirst {
		out = append(out, name)
	}
	for _, s := range SearchPath(ns) {
		out = append(out, name+"."+s)
	}
	if !asIsFirst {
		out = append(out, name)
	}
	return out
}

// Resolve answers q as a client pod's resolver does: it tries the
// candidates in turn and returns the first answer with records. When none
// answers, the result is what res_nsearch reports: the outcome of the
// as-is attempt when that came first, else NODATA when some candidate was
// NODATA, else NXDOMAIN; FQDN is then the first name tried.
//
// A candidate outside cluster.local is forwarded upstream, which stsim does
// not simulate, so its answer is Outside. Tried first (a name with a
// trailing dot or at least ndots dots), it is the answer. Tried last,
// after the search domains, it is the answer only when the name is not a
// cluster name (see clusterName); for a cluster name that is not there,
// stsim takes it that the upstream does not know it either, and the
// search's NXDOMAIN or NODATA stands.
func Resolve(tx *store.Txn, q Query) Answer {
	var first Answer
	nodata := false
	searched := !strings.HasSuffix(q.Name, ".") && strings.Count(q.Name, ".") < NDots
	for i, fqdn := range Candidates(q.Namespace, q.Name) {
		a := Lookup(tx, fqdn, q.Type, q.TTL)
		if len(a.Records) > 0 || (a.Outside && (!searched || !clusterName(tx, q.Name))) {
			return a
		}
		if i == 0 {
			first = a
		}
		nodata = nodata || (!a.Outside && !a.NXDomain)
	}
	if searched {
		// Searched first: NODATA if any candidate said so (got_nodata).
		first.NXDomain = !nodata
	}
	return first
}

// clusterName reports whether a relative name is one the cluster could
// hold: a single label, or a name whose last label is one that cluster
// names end in before the search domain: svc, pod, a label of the cluster
// domain, an existing namespace, a Service name, or a Service name the
// cluster refers to (a pod's subdomain, a StatefulSet's serviceName) even
// if that Service does not exist.
func clusterName(tx *store.Txn, name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return true
	}
	last := name[i+1:]
	if last == "svc" || last == "pod" || slices.Contains(strings.Split(ClusterDomain, "."), last) || namespaceExists(tx, last) {
		return true
	}
	return slices.ContainsFunc(tx.Services(), func(s *api.Service) bool { return s.Name == last }) ||
		slices.ContainsFunc(tx.Pods(), func(p *api.Pod) bool { return p.Spec.Subdomain == last }) ||
		slices.ContainsFunc(tx.StatefulSets(), func(s *api.StatefulSet) bool { return s.Spec.ServiceName == last })
}

// service is one entry of what the kubernetes plugin finds for a name
// (msg.Service): an address, a port (-1 when the slice has no ports) and
// the name SRV records point at.
type service struct {
	host   string
	port   int32
	target string
	pod    string
}

// Lookup answers one fully qualified name (no search path) as CoreDNS does:
// names under the cluster domain from the kubernetes plugin, any other
// name forwarded (Outside).
func Lookup(tx *store.Txn, fqdn, qtype string, ttl int) Answer {
	fqdn = strings.ToLower(strings.TrimSuffix(fqdn, "."))
	a := Answer{FQDN: fqdn}
	base, ok := strings.CutSuffix(fqdn, ClusterDomain)
	if !ok || (base != "" && !strings.HasSuffix(base, ".")) {
		a.Outside = true
		return a
	}
	services, found := records(tx, strings.TrimSuffix(base, "."))
	a.NXDomain = !found
	switch qtype {
	case "SRV":
		a.Records, a.Pods = srv(services)
	default:
		a.Records, a.Pods = addresses(services)
	}
	a.TTL = ttl
	if len(a.Records) == 0 {
		a.TTL = min(ttl, maxSOATTL)
	}
	return a
}

// request is a name of the zone taken apart (recordRequest, parseRequest
// in coredns plugin/kubernetes/parse.go).
type request struct {
	port, protocol, endpoint, service, namespace, podOrSvc string
}

// parse is parseRequest: "[_port._protocol.|endpoint.]service.namespace.svc"
// or "pod-ip.namespace.pod". ok is false for a name that cannot exist
// (errInvalidRequest): not ending in svc or pod, or too long.
func parse(base string) (r request, ok bool) {
	if base == "" || base == "svc" || base == "pod" {
		return r, true
	}
	segs := strings.Split(base, ".")
	last := len(segs) - 1
	r.podOrSvc = segs[last]
	if r.podOrSvc != "svc" && r.podOrSvc != "pod" {
		return r, false
	}
	fields := []*string{&r.namespace, &r.service}
	for _, f := range fields {
		if last--; last < 0 {
			return r, true
		}
		*f = segs[last]
	}
	switch last {
	case 0:
	case 1:
		r.endpoint = segs[0]
	case 2:
		r.port, r.protocol = strings.TrimPrefix(segs[0], "_"), strings.TrimPrefix(segs[1], "_")
	default:
		return r, false
	}
	return r, true
}

// records is the kubernetes plugin's Records: what the name gives, and
// whether the name exists (false for the plugin's name errors, which are
// NXDOMAIN; a name that exists with nothing is NODATA).
func records(tx *store.Txn, base string) ([]service, bool) {
	r, ok := parse(base)
	if !ok {
		return nil, false
	}
	if r.podOrSvc == "" {
		return nil, true // the zone's apex, svc or pod: NODATA
	}
	if !namespaceExists(tx, r.namespace) {
		return nil, false
	}
	switch {
	case r.service == "":
		return nil, true // a namespace: NODATA
	case r.podOrSvc == "pod":
		return findPods(tx, r)
	}
	return findServices(tx, r)
}

// namespaceExists stands for the plugin's namespaceExposed (the namespace
// exists in the cluster): stsim has no Namespace objects, so a namespace
// exists when it is one every cluster has or something lives in it.
func namespaceExists(tx *store.Txn, ns string) bool {
	switch ns {
	case "":
		return false
	case api.DefaultNamespace, "kube-system", "kube-public", "kube-node-lease":
		return true
	}
	for _, s := range tx.Services() {
		if s.Namespace == ns {
			return true
		}
	}
	for _, p := range tx.Pods() {
		if p.Namespace == ns {
			return true
		}
	}
	return false
}

// findPods is findPods with `pods insecure`, the mode of kubeadm's
// Corefile: "a-b-c-d.<ns>.pod" answers a.b.c.d for any well-formed
// address, without checking that a pod has it; anything else is NXDOMAIN.
// The pod named is one that has the address in that namespace, if any.
func findPods(tx *store.Txn, r request) ([]service, bool) {
	ip := strings.ReplaceAll(r.service, "-", ":")
	if strings.Count(r.service, "-") == 3 && !strings.Contains(r.service, "--") {
		ip = strings.ReplaceAll(r.service, "-", ".")
	}
	if net.ParseIP(ip) == nil {
		return nil, false
	}
	s := service{host: ip, target: r.service + "." + r.namespace + ".pod." + ClusterDomain}
	for _, p := range tx.Pods() {
		if p.Namespace == r.namespace && p.Status.PodIP == ip && !p.IsTerminal() {
			s.pod = p.Name
		}
	}
	return []service{s}, true
}

// findServices is findServices: a headless Service, or any Service asked
// for one endpoint, answers from its slice's ready endpoints, one entry per
// endpoint and matching port; a ClusterIP Service answers its ClusterIP
// once per matching Service port. Port and protocol match when the name
// gives none. The name exists only if something matched.
func findServices(tx *store.Txn, r request) ([]service, bool) {
	svc := tx.Service(r.namespace + "/" + r.service)
	if svc == nil {
		return nil, false
	}
	domain := svc.Name + "." + svc.Namespace + ".svc." + ClusterDomain
	var out []service
	if svc.Headless() || r.endpoint != "" {
		endpoints, ports, ok := api.EndpointsOf(tx.EndpointSlices(svc.Key()))
		if !ok {
			return nil, false
		}
		if len(ports) == 0 {
			ports = []api.EndpointPort{{Port: -1}} // the sentinel of EndpointSliceToEndpoints
		}
		for _, e := range endpoints {
			if !e.Ready { // endpointsliceReady
				continue
			}
			host := endpointHostname(e)
			if r.endpoint != "" && r.endpoint != host {
				continue
			}
			for _, p := range ports {
				if matchPortAndProtocol(r, p.Name, p.Protocol) {
					out = append(out, service{host: e.IP, port: p.Port, target: host + "." + domain, pod: e.PodName})
				}
			}
		}
		return out, len(out) > 0
	}
	found := false
	for _, p := range svc.Spec.Ports {
		if matchPortAndProtocol(r, p.Name, p.Protocol) {
			found = true
			out = append(out, service{host: svc.Spec.ClusterIP, port: p.Port, target: domain})
		}
	}
	return out, found
}

// matchPortAndProtocol is matchPortAndProtocol: a port or protocol the
// name does not give matches any; case does not matter.
func matchPortAndProtocol(r request, port, protocol string) bool {
	return (r.port == "" || strings.EqualFold(r.port, port)) && (r.protocol == "" || strings.EqualFold(r.protocol, protocol))
}

// endpointHostname is endpointHostname in coredns
// plugin/kubernetes/kubernetes.go (without endpoint_pod_names): the
// endpoint's hostname, else its IP with dashes.
func endpointHostname(e api.Endpoint) string {
	if e.Hostname != "" {
		return e.Hostname
	}
	return strings.NewReplacer(".", "-", ":", "-").Replace(e.IP)
}

// addresses is plugin.A: one A record per distinct IPv4 address, sorted by
// address for a stable report (CoreDNS's loadbalance plugin shuffles them).
func addresses(services []service) (records, pods []string) {
	type rec struct {
		addr netip.Addr
		pod  string
	}
	var rs []rec
	for _, s := range services {
		addr, err := netip.ParseAddr(s.host)
		if err != nil || !addr.Is4() || slices.ContainsFunc(rs, func(r rec) bool { return r.addr == addr }) {
			continue
		}
		rs = append(rs, rec{addr, s.pod})
	}
	slices.SortFunc(rs, func(a, b rec) int { return a.addr.Compare(b.addr) })
	for _, r := range rs {
		records, pods = append(records, r.addr.String()), append(pods, r.pod)
	}
	return records, pods
}

// srv is plugin.SRV: priority 0, each entry weighted 100 over the entries
// of the answer (floor(100/n), counting the port-less sentinel), entries
// without a port dropped, one record per target and port; sorted by target
// then port.
func srv(services []service) (records, pods []string) {
	type rec struct {
		target string
		port   int32
		pod    string
	}
	var rs []rec
	for _, s := range services {
		if s.port == -1 || slices.ContainsFunc(rs, func(r rec) bool { return r.target == s.target && r.port == s.port }) {
			continue
		}
		rs = append(rs, rec{s.target, s.port, s.pod})
	}
	slices.SortFunc(rs, func(a, b rec) int { return cmp.Or(strings.Compare(a.target, b.target), cmp.Compare(a.port, b.port)) })
	for _, r := range rs {
		records = append(records, fmt.Sprintf("0 %d %d %s", 100/len(services), r.port, r.target))
		pods = append(pods, r.pod)
	}
	return records, pods
}
