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
// stsim keeps one slice per Service, named after it. Upstream groups the
// pods by the ports getEndpointPorts resolves for each and writes one slice
// per port set; stsim lists each Service port as the first pod (by name)
// that resolves it does, which is the same whenever the pods agree.
package endpoints

import (
	"slices"
	"strings"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/store"
)

// Controller keeps one EndpointSlice per Service.
type Controller struct{}

// New returns the controller.
func New() *Controller { return &Controller{} }

// Name implements sim.Controller.
func (*Controller) Name() string { return "endpointslice-controller" }

// Keys wakes a Service on its changes and on changes of pods it selects
// before or after the change (the controller's pod handlers,
// GetServicesToUpdate); and, because a pod whose node is missing is left
// out until the node is back (reconcileByAddressType), the Services of the
// pods on a node that is added or removed.
func (*Controller) Keys(tx *store.Txn, c store.Change) []string {
	switch c.Kind {
	case api.KindService:
		return []string{c.Object().Meta().Key()}
	case api.KindPod:
		return servicesOf(tx, c.Old, c.New)
	case api.KindNode:
		if c.Old != nil && c.New != nil {
			return nil
		}
		var pods []api.Object
		for _, p := range tx.PodsOnNode(c.Object().Meta().Name) {
			pods = append(pods, p)
		}
		return servicesOf(tx, pods...)
	}
	return nil
}

// servicesOf lists the Services whose selector matches one of the objects.
func servicesOf(tx *store.Txn, objs ...api.Object) []string {
	var keys []string
	for _, svc := range tx.Services() { // Services are few; pods are many
		for _, o := range objs {
			if o != nil && selects(svc, o.Meta()) {
				keys = append(keys, svc.Key())
				break
			}
		}
	}
	return keys
}

// selects reports whether svc's selector picks an object of that metadata:
// same namespace, and a selector that is set (a Service without one gets
// its endpoints from elsewhere: getServicesForPod skips it).
func selects(svc *api.Service, m *api.ObjectMeta) bool {
	return m.Namespace == svc.Namespace && len(svc.Spec.Selector) > 0 && api.MatchesMap(svc.Spec.Selector, m.Labels)
}

// Reconcile rebuilds a Service's slice (syncService, then the reconciler's
// reconcileByAddressType).
func (*Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	svc := tx.Service(key)
	cur := tx.EndpointSlice(key)
	if svc == nil || len(svc.Spec.Selector) == 0 {
		if cur != nil {
			ctx.Remove(cur)
		}
		return nil
	}
	want := &api.EndpointSlice{ObjectMeta: api.ObjectMeta{Name: svc.Name, Namespace: svc.Namespace,
		OwnerReferences: []api.OwnerReference{api.NewControllerRef(svc, "v1")}},
		Service: svc.Name}
	var pods []*api.Pod
	// Whether each node exists, looked up once per node, not per pod.
	nodes := map[string]bool{}
	nodeExists := func(name string) bool {
		ok, seen := nodes[name]
		if !seen {
			ok = tx.Node(name) != nil
			nodes[name] = ok
		}
		return ok
	}
	for _, p := range tx.PodsWithLabel(api.ServiceIndexPair(svc.Spec.Selector)) {
		if selects(svc, &p.ObjectMeta) && ShouldPodBeInEndpoints(p) && (svc.Spec.PublishNotReadyAddresses || nodeExists(p.Spec.NodeName)) {
			pods = append(pods, p)
		}
	}
	// The label index lists a namespace's pods by name already.
	byName := func(a, b *api.Pod) int { return strings.Compare(a.Name, b.Name) }
	if !slices.IsSortedFunc(pods, byName) {
		slices.SortFunc(pods, byName)
	}
	if len(pods) > 0 {
		want.Endpoints = make([]api.Endpoint, 0, len(pods))
	}
	for _, p := range pods {
		want.Endpoints = append(want.Endpoints, PodToEndpoint(p, svc))
	}
	want.Ports = slicePorts(svc, pods)
	if cur != nil && slices.Equal(cur.Endpoints, want.Endpoints) && slices.Equal(cur.Ports, want.Ports) {
		return nil
	}
	if cur == nil {
		return ctx.Create(want)
	}
	n := cur.DeepCopy()
	n.Endpoints, n.Ports = want.Endpoints, want.Ports
	return ctx.Update(n)
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

// slicePorts lists the slice's ports (getEndpointPorts): each Service port
// with its name, protocol and the target port FindPort resolves; a port no
// pod resolves is left out, and a headless Service without ports has none.
func slicePorts(svc *api.Service, pods []*api.Pod) []api.EndpointPort {
	var out []api.EndpointPort
	for _, sp := range svc.Spec.Ports {
		if !sp.TargetPort.IsString {
			out = append(out, api.EndpointPort{Name: sp.Name, Port: sp.TargetPort.IntVal, Protocol: sp.Protocol})
			continue
		}
		for _, p := range pods {
			if port, ok := FindPort(p, sp); ok {
				out = append(out, api.EndpointPort{Name: sp.Name, Port: port, Protocol: sp.Protocol})
				break
			}
		}
	}
	return out
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
