package replay

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"stsim/scenarios"
	"stsim/sim/api"
	"stsim/sim/history"
)

// This file holds how a client reaches the pods a write or a read acts on:
// by a target naming pods, or by a DNS name it resolves at that instant.

// reach lists the pods a client's write or read acts on, or says why it
// reaches none. A {dns: NAME} target resolves NAME from a client pod in
// the namespace, with the search path, as the resolve step does; the
// look-up is recorded when record is set. The client then connects to one
// address: the first A record, or for SRV the record RFC 2782's weighted
// selection picks with the run's seeded source. A Service's ClusterIP
// reaches one of its ready endpoints, picked as kube-proxy does.
func (r *replay) reach(t scenarios.Target, record bool) ([]*api.Pod, string) {
	if t.DNS == "" {
		pods := r.targets(t, false)
		if len(pods) == 0 {
			return nil, "no pod matches " + t.String()
		}
		return pods, ""
	}
	l := r.resolve(t.DNS, t.DNSType)
	if record {
		r.rec.Lookup(l)
	}
	switch {
	case l.Outside:
		return nil, "the name is outside the cluster domain (forwarded upstream, not simulated)"
	case l.NXDomain:
		return nil, "NXDOMAIN"
	case len(l.Answers) == 0:
		return nil, "no " + t.DNSType + " record (NODATA)"
	}
	i := 0
	if t.DNSType == "SRV" {
		i = pickSRV(l.Answers, r.eng.Rand())
	}
	name, addr := l.Pods[i], l.Answers[i]
	if t.DNSType == "SRV" {
		addr = strings.Fields(addr)[3]
	}
	if name == "" {
		var why string
		if name, why = r.proxied(addr); name == "" {
			return nil, why
		}
	}
	for _, p := range r.targets(scenarios.Target{Pod: name}, true) {
		return []*api.Pod{p}, ""
	}
	return nil, fmt.Sprintf("%s answers %s, which is not a pod of the workload", t.DNS, addr)
}

// proxied is the pod kube-proxy sends a connection to a Service's ClusterIP
// to: one of the Service's ready endpoints, each as likely (the iptables
// proxier's chain of `statistic --mode random --probability 1/(n-i)` rules,
// writeServiceToEndpointRules in pkg/proxy/iptables/proxier.go), drawn from
// the run's seeded source. why says why there is none.
func (r *replay) proxied(addr string) (pod, why string) {
	tx := r.eng.View()
	for _, s := range tx.Services() {
		if s.Namespace != r.w.Namespace() || s.Spec.ClusterIP != addr {
			continue
		}
		var ready []string
		endpoints, _, _ := api.EndpointsOf(tx.EndpointSlices(s.Key()))
		for _, e := range endpoints {
			if e.Ready && e.PodName != "" {
				ready = append(ready, e.PodName)
			}
		}
		if len(ready) == 0 {
			return "", "Service " + s.Name + " has no ready endpoint (connection refused)"
		}
		return ready[r.eng.Rand().IntN(len(ready))], ""
	}
	return "", "no pod has the address " + addr
}

// pickSRV is the record a client uses among SRV records "priority weight
// port target", as RFC 2782 says: the lowest priority first; among those,
// order the records of weight 0 first, draw a number from 0 to the sum of
// the weights, and take the first record whose running sum of weights is
// at least that number.
func pickSRV(records []string, rng *rand.Rand) int {
	type rec struct{ i, priority, weight int }
	var recs []rec
	for i, s := range records {
		f := strings.Fields(s)
		p, _ := strconv.Atoi(f[0])
		w, _ := strconv.Atoi(f[1])
		recs = append(recs, rec{i, p, w})
	}
	lowest := recs[0].priority
	for _, c := range recs {
		lowest = min(lowest, c.priority)
	}
	var group []rec
	for _, zero := range []bool{true, false} {
		for _, c := range recs {
			if c.priority == lowest && (c.weight == 0) == zero {
				group = append(group, c)
			}
		}
	}
	sum := 0
	for _, c := range group {
		sum += c.weight
	}
	n, run := rng.IntN(sum+1), 0
	for _, c := range group {
		if run += c.weight; run >= n {
			return c.i
		}
	}
	return group[len(group)-1].i
}

// readOnly says why the application of pod p refuses a write: its slot's
// role is read-only (spec.roles); "" when it does not.
func (r *replay) readOnly(p *api.Pod) string {
	for _, row := range r.slots.Live() {
		if row.UID != p.UID {
			continue
		}
		if ro := r.sc.RoleOf(row.Slot); ro != nil && ro.ReadOnly {
			return fmt.Sprintf("pod %s has role %s, which is read-only", p.Name, ro.Name)
		}
	}
	return ""
}

// failed records a write or read that could not be done: the report shows
// it as a row of the data, with the reason.
func (r *replay) failed(st scenarios.Step, f history.Failure) {
	f.Time, f.Step = r.eng.Now(), st.Index
	r.rec.Failure(f)
}
