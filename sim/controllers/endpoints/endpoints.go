// Package endpoints is the EndpointSlice controller: for every Service with
// a selector it lists the selected pods that have an IP and are not
// terminal, with the conditions of podToEndpoint (ready = publishNotReady
// or (Ready and not terminating)), the hostname when the pod's hostname and
// subdomain name it under the Service (ShouldSetHostname), and the target
// ports. DNS answers are derived from these slices.
package endpoints

import (
	"reflect"
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
// before or after the change.
func (*Controller) Keys(tx *store.Txn, c store.Change) []string {
	switch c.Kind {
	case api.KindService:
		return []string{c.Object().Meta().Key()}
	case api.KindPod:
		var keys []string
		for _, svc := range tx.Services() { // Services are few; pods are many
			for _, o := range []api.Object{c.Old, c.New} {
				if o != nil && o.Meta().Namespace == svc.Namespace && api.MatchesMap(svc.Spec.Selector, o.Meta().Labels) {
					keys = append(keys, svc.Key())
					break
				}
			}
		}
		return keys
	}
	return nil
}

// Reconcile rebuilds a Service's slice.
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
	for _, p := range tx.PodsWithLabel(api.ServiceIndexPair(svc.Spec.Selector)) {
		if p.Namespace == svc.Namespace && api.MatchesMap(svc.Spec.Selector, p.Labels) && p.Status.PodIP != "" && !p.IsTerminal() {
			pods = append(pods, p)
		}
	}
	slices.SortFunc(pods, func(a, b *api.Pod) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range pods {
		e := api.Endpoint{IP: p.Status.PodIP, PodName: p.Name, NodeName: p.Spec.NodeName,
			Serving: p.Status.Ready, Terminating: p.Terminating()}
		e.Ready = svc.Spec.PublishNotReadyAddresses || (e.Serving && !e.Terminating)
		if p.Spec.Hostname != "" && p.Spec.Subdomain == svc.Name {
			e.Hostname = p.Spec.Hostname
		}
		want.Endpoints = append(want.Endpoints, e)
	}
	for _, sp := range svc.Spec.Ports {
		port := sp.TargetPort.IntVal
		if sp.TargetPort.IsString && len(pods) > 0 {
			port = namedPort(pods[0], sp.TargetPort.StrVal)
		}
		want.Ports = append(want.Ports, api.EndpointPort{Name: sp.Name, Port: port, Protocol: sp.Protocol})
	}
	if cur != nil && reflect.DeepEqual(cur.Endpoints, want.Endpoints) && reflect.DeepEqual(cur.Ports, want.Ports) {
		return nil
	}
	if cur == nil {
		return ctx.Create(want)
	}
	n := *cur
	n.Endpoints, n.Ports = want.Endpoints, want.Ports
	return ctx.Update(&n)
}

func namedPort(p *api.Pod, name string) int32 {
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == name {
				return cp.ContainerPort
			}
		}
	}
	return 0
}
