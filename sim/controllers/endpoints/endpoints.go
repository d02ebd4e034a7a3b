// Package endpoints is the EndpointSlice controller
// (pkg/controller/endpointslice, with the reconciler and helpers of
// staging/src/k8s.io/endpointslice). For every Service with a selector it
// lists the selected pods that ShouldPodBeInEndpoints admits (an IP, not
// terminal; terminating pods stay) and whose node exists (or every such pod
// with publishNotReadyAddresses), each with the conditions of podToEndpoint:
// serving = the pod's Ready condition, terminating = deletionTimestamp set,
// ready = publishNotReadyAddresses or (serving and not terminating); the
// hostname when ShouldSetHostname holds; and the target ports of
// getEndpointPorts. The rule is the same for headless and ClusterIP
// Services: what differs is what DNS (sim/dns) and kube-proxy make of it.
// DNS answers are derived from these slices.
//
// A slice holds at most 100 endpoints (maxEndpointsPerSlice), placed as
// reconcileByPortMapping places them: an endpoint that changed is rewritten
// in the slice that holds it, one that went is taken out of it (a slice
// left empty is deleted), and new ones fill the slices being rewritten
// anyway, the fullest first, then the one unchanged slice they all fit in,
// then new slices. The first slice is named after the Service and stays,
// empty or not (upstream keeps an empty placeholder slice when there is no
// endpoint); the others get generated names "<service>-<5 chars>". A slice
// lists its endpoints by pod name. Upstream groups the pods by the ports
// getEndpointPorts resolves for each and writes slices per port set; stsim
// lists each Service port as the first pod (by name) that resolves it
// does, which is the same whenever the pods agree, on every slice.
//
// The controller keeps, per Service, the pods it selects and which slice
// holds each pod's endpoint, from the changes it sees, so a sync looks only
// at the pods that changed since the last one.
package endpoints

import (
	"maps"
	"slices"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/store"
)

// MaxEndpointsPerSlice is the number of endpoints a slice holds at most
// (the controller's --max-endpoints-per-slice default).
const MaxEndpointsPerSlice = 100

// Controller keeps the EndpointSlices of every Service.
type Controller struct {
	services map[string]*serviceState // by Service key
	// list holds every Service as of listWrites writes to their table:
	// each pod change is matched against them.
	list       []*api.Service
	listWrites uint64
}

// serviceState is what the controller knows of one Service's pods.
type serviceState struct {
	// selector is the selector pods were gathered for.
	selector map[string]string
	// pods are the selected pods, by name.
	pods map[string]*api.Pod
	// touched names the pods changed since the last sync; full says to
	// look at every pod and slice again.
	touched map[string]bool
	full    bool
	// holder is the slice that lists each pod's endpoint, as the last sync
	// wrote it.
	holder map[string]string
	// ports are the slices' ports as the last sync worked them out; only a
	// change of a pod whose name is at most portsBound (the last of the
	// pods that resolved a named port, or every pod while one is left
	// unresolved) can change them.
	ports      []api.EndpointPort
	portsBound string
	portsKnown bool
}

// New returns the controller.
func New() *Controller { return &Controller{services: map[string]*serviceState{}} }

// Name implements sim.Controller.
func (*Controller) Name() string { return "endpointslice-controller" }

// Keys wakes a Service on its changes and on changes of pods it selects
// before or after the change (the controller's pod handlers,
// GetServicesToUpdate); and, because a pod whose node is missing is left
// out until the node is back (reconcileByAddressType), the Services of the
// pods on a node that is added or removed. It keeps each Service's pods.
func (c *Controller) Keys(tx *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindService:
		key := ch.Object().Meta().Key()
		if svc, ok := ch.New.(*api.Service); ok && len(svc.Spec.Selector) > 0 {
			if st := c.services[key]; st != nil && maps.Equal(st.selector, svc.Spec.Selector) {
				st.full = true
			} else {
				c.services[key] = gather(tx, svc)
			}
		} else {
			delete(c.services, key)
		}
		return []string{key}
	case api.KindPod:
		return c.podChanged(tx, ch.Old, ch.New)
	case api.KindNode:
		if ch.Old != nil && ch.New != nil {
			return nil
		}
		var keys []string
		for _, p := range tx.PodsOnNode(ch.Object().Meta().Name) {
			for _, k := range c.podChanged(tx, p, p) {
				if !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
		return keys
	}
	return nil
}

// gather lists the pods a Service selects, for a Service new to the
// controller or whose selector changed.
func gather(tx *store.Txn, svc *api.Service) *serviceState {
	st := &serviceState{selector: maps.Clone(svc.Spec.Selector), pods: map[string]*api.Pod{}, touched: map[string]bool{}, full: true}
	for _, p := range tx.Pods() {
		if selects(svc, &p.ObjectMeta) {
			st.pods[p.Name] = p
		}
	}
	return st
}

// podChanged records a pod's change in the state of every Service that
// selects it before or after, and returns those Services.
func (c *Controller) podChanged(tx *store.Txn, old, cur api.Object) []string {
	if w := tx.Writes(store.TableServices); c.list == nil || w != c.listWrites {
		c.list, c.listWrites = tx.Services(), w
	}
	quiet := old != cur && sameEndpoint(old, cur) // a node change hands the pod as both
	var keys []string
	for _, svc := range c.list { // Services are few; pods are many
		was := old != nil && selects(svc, old.Meta())
		is := cur != nil && selects(svc, cur.Meta())
		if !was && !is {
			continue
		}
		st := c.services[svc.Key()]
		if quiet {
			if st != nil {
				st.pods[cur.Meta().Name] = cur.(*api.Pod)
			}
			continue
		}
		keys = append(keys, svc.Key())
		if st == nil {
			continue // gathered at the Service's sync
		}
		name := cur
		if name == nil {
			name = old
		}
		st.touched[name.Meta().Name] = true
		if is {
			st.pods[cur.Meta().Name] = cur.(*api.Pod)
		} else {
			delete(st.pods, old.Meta().Name)
		}
	}
	return keys
}

// sameEndpoint reports whether a pod's update leaves what the slices hold
// of it as it was: its labels, hostname and subdomain, deletion, IP,
// node, readiness, and whether it is terminal (podEndpointsChanged in
// staging/src/k8s.io/endpointslice/util/controller_utils.go, which
// GetServicesToUpdateOnPodChange asks before waking a Service, plus the
// phase, which ShouldPodBeInEndpoints reads).
func sameEndpoint(old, cur api.Object) bool {
	o, ok1 := old.(*api.Pod)
	n, ok2 := cur.(*api.Pod)
	return ok1 && ok2 && o.Status.PodIP == n.Status.PodIP && o.Spec.NodeName == n.Spec.NodeName &&
		o.Status.Ready == n.Status.Ready && o.DeletionTimestamp == nil && n.DeletionTimestamp == nil &&
		o.IsTerminal() == n.IsTerminal() && o.Spec.Hostname == n.Spec.Hostname && o.Spec.Subdomain == n.Spec.Subdomain &&
		maps.Equal(o.Labels, n.Labels)
}

// selects reports whether svc's selector picks an object of that metadata:
// same namespace, and a selector that is set (a Service without one gets
// its endpoints from elsewhere: getServicesForPod skips it).
func selects(svc *api.Service, m *api.ObjectMeta) bool {
	return m.Namespace == svc.Namespace && len(svc.Spec.Selector) > 0 && api.MatchesMap(svc.Spec.Selector, m.Labels)
}

// Reconcile brings a Service's slices up to date (syncService, then the
// reconciler's reconcileByAddressType and reconcileByPortMapping).
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	svc := tx.Service(key)
	existing := tx.EndpointSlices(key)
	if svc == nil || len(svc.Spec.Selector) == 0 {
		for _, s := range existing {
			ctx.Remove(s)
		}
		delete(c.services, key)
		return nil
	}
	st := c.services[key]
	if st == nil {
		st = gather(tx, svc)
		c.services[key] = st
	}
	s := &reconcile{ctx: ctx, svc: svc, st: st, nodes: map[string]bool{}, slices: map[string]*working{}, existing: existing}
	touched := slices.Sorted(maps.Keys(st.touched))
	if st.full || !st.portsKnown || len(touched) > 0 && touched[0] <= st.portsBound {
		st.ports, st.portsBound = slicePorts(svc, st.pods, s.eligible)
		st.portsKnown = true
	}
	s.ports = st.ports
	primary := -1
	for i, sl := range existing {
		if sl.Name == svc.Name {
			primary = i
		}
	}
	if st.full || st.holder == nil || primary < 0 || !slices.Equal(existing[primary].Ports, s.ports) {
		// Every pod and every slice looked at again.
		st.holder = map[string]string{}
		touched = touched[:0]
		for _, sl := range existing {
			for _, e := range sl.Endpoints {
				st.holder[e.PodName] = sl.Name
				touched = append(touched, e.PodName)
			}
		}
		for name := range st.pods {
			if _, held := st.holder[name]; !held {
				touched = append(touched, name)
			}
		}
		slices.Sort(touched)
		for _, sl := range existing {
			if !slices.Equal(sl.Ports, s.ports) {
				s.work(sl).change()
			}
		}
	}
	if primary < 0 {
		w := s.work(&api.EndpointSlice{ObjectMeta: api.ObjectMeta{Name: svc.Name, Namespace: svc.Namespace,
			OwnerReferences: []api.OwnerReference{api.NewControllerRef(svc, "v1")}}, Service: svc.Name})
		w.create, w.changed = true, true
	}
	err := s.place(touched)
	st.touched = map[string]bool{} // a cleared map would keep its size, and cost it to range over
	st.full = false
	return err
}

// ShouldPodBeInEndpoints is ShouldPodBeInEndpoints(pod, true) of
// staging/src/k8s.io/endpointslice/util/controller_utils.go, as the
// EndpointSlice reconciler calls it: a pod is listed unless it is terminal
// (Succeeded or Failed) or has no IP. Terminating pods stay listed.
func ShouldPodBeInEndpoints(p *api.Pod) bool {
	return !p.IsTerminal() && p.Status.PodIP != ""
}

// PodToEndpoint is podToEndpoint of staging/src/k8s.io/endpointslice/utils.go:
// serving is the pod's Ready condition, terminating whether it has a
// deletionTimestamp, and ready is publishNotReadyAddresses or (serving and
// not terminating), so a terminating pod is never ready unless the Service
// publishes not-ready addresses. The hostname is set when ShouldSetHostname
// holds.
func PodToEndpoint(p *api.Pod, svc *api.Service) api.Endpoint {
	e := api.Endpoint{IP: p.Status.PodIP, PodName: p.Name, NodeName: p.Spec.NodeName,
		Serving: p.Status.Ready, Terminating: p.Terminating()}
	e.Ready = svc.Spec.PublishNotReadyAddresses || (e.Serving && !e.Terminating)
	if ShouldSetHostname(p, svc) {
		e.Hostname = p.Spec.Hostname
	}
	return e
}

// ShouldSetHostname is ShouldSetHostname of
// staging/src/k8s.io/endpointslice/util/controller_utils.go: the pod sets
// spec.hostname, and its spec.subdomain is the Service, in the same
// namespace.
func ShouldSetHostname(p *api.Pod, svc *api.Service) bool {
	return p.Spec.Hostname != "" && p.Spec.Subdomain == svc.Name && p.Namespace == svc.Namespace
}

// slicePorts lists the slices' ports (getEndpointPorts): each Service port
// with its name, protocol and the target port FindPort resolves for the
// first eligible pod by name; a port no pod resolves is left out, and a
// headless Service without ports has none. bound is the greatest name of
// the pods that resolved a named port, or, if a named port is left
// unresolved, a name above every other.
func slicePorts(svc *api.Service, pods map[string]*api.Pod, eligible func(*api.Pod) bool) (out []api.EndpointPort, bound string) {
	for _, sp := range svc.Spec.Ports {
		if !sp.TargetPort.IsString {
			out = append(out, api.EndpointPort{Name: sp.Name, Port: sp.TargetPort.IntVal, Protocol: sp.Protocol})
			continue
		}
		var first *api.Pod
		var port int32
		for name, p := range pods {
			if first != nil && name > first.Name || !eligible(p) {
				continue
			}
			if n, ok := FindPort(p, sp); ok {
				first, port = p, n
			}
		}
		if first == nil {
			bound = "\xff"
			continue
		}
		out = append(out, api.EndpointPort{Name: sp.Name, Port: port, Protocol: sp.Protocol})
		bound = max(bound, first.Name)
	}
	return out, bound
}

// FindPort is FindPort of staging/src/k8s.io/endpointslice/utils.go: a
// numeric targetPort is used as it is; a named one is the container port
// of that name and the Service port's protocol, or not found.
func FindPort(p *api.Pod, sp api.ServicePort) (int32, bool) {
	if !sp.TargetPort.IsString {
		return sp.TargetPort.IntVal, true
	}
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == sp.TargetPort.StrVal && cp.Protocol == sp.Protocol {
				return cp.ContainerPort, true
			}
		}
	}
	return 0, false
}
