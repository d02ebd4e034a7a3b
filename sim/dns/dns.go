// Package dns answers cluster DNS queries the way CoreDNS's kubernetes
// plugin does, from Services and their EndpointSlices: a ClusterIP Service
// name gives its ClusterIP; a headless Service name gives one A record per
// ready endpoint (NXDOMAIN when there is none); "<hostname>.<service>" gives
// the endpoint whose hostname it is; "_<port>._<proto>.<service>" gives SRV
// records. Names are tried with the search path of a pod in the namespace
// (<ns>.svc.cluster.local, svc.cluster.local, cluster.local; ndots 5).
package dns

import (
	"fmt"
	"slices"
	"strings"

	"stsim/sim/api"
	"stsim/sim/store"
)

// ClusterDomain is the cluster's DNS zone.
const ClusterDomain = "cluster.local"

// Answer is the outcome of one query.
type Answer struct {
	// FQDN is the name that answered (or the last one tried).
	FQDN string
	// Records are A addresses, or SRV records "priority weight port target".
	Records []string
	// Pods names the pod behind each A record, or "" for a ClusterIP.
	Pods     []string
	NXDomain bool
}

// Resolve answers name of type A or SRV for a client pod in namespace ns.
func Resolve(tx *store.Txn, ns, name, qtype string) Answer {
	name = strings.TrimSuffix(name, ".")
	var candidates []string
	if strings.Count(name, ".") < 5 {
		for _, s := range []string{ns + ".svc." + ClusterDomain, "svc." + ClusterDomain, ClusterDomain} {
			candidates = append(candidates, name+"."+s)
		}
	}
	candidates = append(candidates, name)
	last := Answer{NXDomain: true}
	for _, fqdn := range candidates {
		a := lookup(tx, fqdn, qtype)
		if !a.NXDomain {
			return a
		}
		last = a
	}
	last.FQDN = candidates[0]
	return last
}

// lookup answers one fully qualified name.
func lookup(tx *store.Txn, fqdn, qtype string) Answer {
	a := Answer{FQDN: fqdn, NXDomain: true}
	rest, ok := strings.CutSuffix(fqdn, ".svc."+ClusterDomain)
	if !ok {
		return a
	}
	labels := strings.Split(rest, ".")
	if len(labels) < 2 {
		return a
	}
	ns, svcName := labels[len(labels)-1], labels[len(labels)-2]
	svc := tx.Service(ns + "/" + svcName)
	if svc == nil {
		return a
	}
	slice := tx.EndpointSlice(svc.Key())
	var ready []api.Endpoint
	if slice != nil {
		for _, e := range slice.Endpoints {
			if e.Ready {
				ready = append(ready, e)
			}
		}
	}
	svcDomain := svcName + "." + ns + ".svc." + ClusterDomain
	switch prefix := labels[:len(labels)-2]; {
	case len(prefix) == 0 && qtype == "A":
		if !svc.Headless() {
			a.Records, a.Pods, a.NXDomain = []string{svc.Spec.ClusterIP}, []string{""}, false
			return a
		}
		for _, e := range ready {
			a.Records = append(a.Records, e.IP)
			a.Pods = append(a.Pods, e.PodName)
		}
	case len(prefix) == 1 && qtype == "A":
		for _, e := range ready {
			if endpointHostname(e) == prefix[0] {
				a.Records = append(a.Records, e.IP)
				a.Pods = append(a.Pods, e.PodName)
			}
		}
	case len(prefix) == 2 && qtype == "SRV" && strings.HasPrefix(prefix[0], "_") && strings.HasPrefix(prefix[1], "_"):
		port, proto := prefix[0][1:], strings.ToUpper(prefix[1][1:])
		for _, sp := range svc.Spec.Ports {
			if sp.Name != port || sp.Protocol != proto {
				continue
			}
			if !svc.Headless() {
				a.Records = append(a.Records, fmt.Sprintf("0 100 %d %s", sp.Port, svcDomain))
				a.Pods = append(a.Pods, "")
				continue
			}
			target := sp.TargetPort.IntVal
			if slice != nil {
				for _, ep := range slice.Ports {
					if ep.Name == sp.Name {
						target = ep.Port
					}
				}
			}
			for _, e := range ready {
				a.Records = append(a.Records, fmt.Sprintf("0 %d %d %s.%s", 100/max(len(ready), 1), target, endpointHostname(e), svcDomain))
				a.Pods = append(a.Pods, e.PodName)
			}
		}
	}
	a.NXDomain = len(a.Records) == 0
	if !a.NXDomain {
		// Keep answers in a stable order: by record.
		idx := make([]int, len(a.Records))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(i, j int) int { return strings.Compare(a.Records[i], a.Records[j]) })
		recs, pods := make([]string, len(idx)), make([]string, len(idx))
		for k, i := range idx {
			recs[k], pods[k] = a.Records[i], a.Pods[i]
		}
		a.Records, a.Pods = recs, pods
	}
	return a
}

// endpointHostname is CoreDNS's endpointHostname: the endpoint's hostname,
// else its IP with dashes.
func endpointHostname(e api.Endpoint) string {
	if e.Hostname != "" {
		return e.Hostname
	}
	return strings.NewReplacer(".", "-", ":", "-").Replace(e.IP)
}
