package endpoints

import (
	"maps"
	"slices"
	"strings"

	"stsim/sim"
	"stsim/sim/api"
)

// reconcile is one sync of one Service's slices.
type reconcile struct {
	ctx   *sim.Context
	svc   *api.Service
	st    *serviceState
	ports []api.EndpointPort
	// nodes says whether each node exists, looked up once per node.
	nodes map[string]bool
	// existing lists the Service's slices by name; slices holds the ones
	// this sync looked into, and the new ones, by name ("" for the new
	// ones not named yet, which are in added).
	existing []*api.EndpointSlice
	slices   map[string]*working
	added    []*working
}

// working is a slice as this sync leaves it.
type working struct {
	slice *api.EndpointSlice // as stored, or the new object
	// endpoints are the slice's own until changed, and a copy after.
	endpoints []api.Endpoint
	// create: a slice to create; changed: a slice to write.
	create, changed bool
}

// work returns the working copy of sl, made on first use.
func (s *reconcile) work(sl *api.EndpointSlice) *working {
	if w := s.slices[sl.Name]; w != nil {
		return w
	}
	w := &working{slice: sl, endpoints: sl.Endpoints}
	s.slices[sl.Name] = w
	return w
}

// change marks w to be written, its endpoints a copy from then on.
func (w *working) change() {
	if !w.changed && !w.create {
		w.endpoints = slices.Clone(w.endpoints)
	}
	w.changed = true
}

// eligible says whether a selected pod has an endpoint: ShouldPodBeInEndpoints
// and, unless the Service publishes not-ready addresses, a node that exists.
func (s *reconcile) eligible(p *api.Pod) bool {
	if !ShouldPodBeInEndpoints(p) {
		return false
	}
	if s.svc.Spec.PublishNotReadyAddresses {
		return true
	}
	ok, seen := s.nodes[p.Spec.NodeName]
	if !seen {
		ok = s.ctx.Txn().Node(p.Spec.NodeName) != nil
		s.nodes[p.Spec.NodeName] = ok
	}
	return ok
}

// desired is the endpoint the pod of that name should have, if any.
func (s *reconcile) desired(name string) (api.Endpoint, bool) {
	p := s.st.pods[name]
	if p == nil || !s.eligible(p) {
		return api.Endpoint{}, false
	}
	return PodToEndpoint(p, s.svc), true
}

// place brings the endpoints of the touched pods (by name) up to date in
// the slices, as reconcileByPortMapping does, and writes what changed.
func (s *reconcile) place(touched []string) error {
	holder := s.st.holder
	// 1. Update or take out the endpoints the slices hold.
	var pending []api.Endpoint
	for _, name := range touched {
		want, ok := s.desired(name)
		if h, held := holder[name]; held {
			if sl := s.named(h); sl != nil {
				w := s.work(sl)
				i := slices.IndexFunc(w.endpoints, func(e api.Endpoint) bool { return e.PodName == name })
				switch {
				case i < 0:
				case ok && w.endpoints[i] == want:
					continue
				case ok:
					w.change()
					w.endpoints[i] = want
					continue
				default:
					w.change()
					w.endpoints = slices.Delete(w.endpoints, i, i+1)
				}
			}
			delete(holder, name)
		}
		if ok {
			pending = append(pending, want)
		}
	}
	// 2. Fill the slices being written anyway, the fullest first. A slice
	// left empty is deleted, but for the one named after the Service.
	var updating []*working
	for _, w := range s.inOrder() {
		if w.changed && (len(w.endpoints) > 0 || w.slice.Name == s.svc.Name) {
			updating = append(updating, w)
		}
	}
	slices.SortStableFunc(updating, func(a, b *working) int { return len(b.endpoints) - len(a.endpoints) })
	for _, w := range updating {
		pending = fill(w, pending)
	}
	// 3. The rest go to the unchanged slice closest to full that takes
	// them all (getSliceToFill), or to new slices.
	for len(pending) > 0 {
		var target *working
		if len(pending) < MaxEndpointsPerSlice {
			var fits *api.EndpointSlice
			for _, sl := range s.existing {
				if w := s.slices[sl.Name]; w != nil && w.changed {
					continue
				}
				n := len(sl.Endpoints)
				if n+len(pending) <= MaxEndpointsPerSlice && (fits == nil || n > len(fits.Endpoints)) {
					fits = sl
				}
			}
			if fits != nil {
				target = s.work(fits)
			}
		}
		if target == nil {
			target = &working{create: true, slice: &api.EndpointSlice{ObjectMeta: api.ObjectMeta{GenerateName: s.svc.Name + "-",
				Namespace: s.svc.Namespace, OwnerReferences: []api.OwnerReference{api.NewControllerRef(s.svc, "v1")}},
				Service: s.svc.Name}}
			s.added = append(s.added, target)
		}
		pending = fill(target, pending)
	}
	return s.write()
}

// fill moves endpoints from pending into w while it has room, and returns
// the ones left.
func fill(w *working, pending []api.Endpoint) []api.Endpoint {
	n := min(len(pending), MaxEndpointsPerSlice-len(w.endpoints))
	if n <= 0 {
		return pending
	}
	w.change()
	w.endpoints = append(w.endpoints, pending[:n]...)
	return pending[n:]
}

// named is the existing slice of that name, or the one this sync creates
// under it.
func (s *reconcile) named(name string) *api.EndpointSlice {
	if w := s.slices[name]; w != nil {
		return w.slice
	}
	i, found := slices.BinarySearchFunc(s.existing, name, func(sl *api.EndpointSlice, name string) int { return strings.Compare(sl.Name, name) })
	if !found {
		return nil
	}
	return s.existing[i]
}

// inOrder lists the working slices by name, then the new ones.
func (s *reconcile) inOrder() []*working {
	var out []*working
	for _, name := range slices.Sorted(maps.Keys(s.slices)) {
		out = append(out, s.slices[name])
	}
	return append(out, s.added...)
}

// write stores the changed slices: each lists its endpoints by pod name.
func (s *reconcile) write() error {
	for _, w := range s.inOrder() {
		if !w.changed {
			continue
		}
		if len(w.endpoints) == 0 && w.slice.Name != s.svc.Name {
			if !w.create {
				s.ctx.Remove(w.slice)
			}
			continue
		}
		slices.SortFunc(w.endpoints, func(a, b api.Endpoint) int { return strings.Compare(a.PodName, b.PodName) })
		var n *api.EndpointSlice
		if w.create {
			n = w.slice
		} else {
			n = w.slice.DeepCopy()
		}
		n.Endpoints, n.Ports = w.endpoints, s.ports
		var err error
		if w.create {
			err = s.ctx.Create(n)
		} else {
			err = s.ctx.Update(n)
		}
		if err != nil {
			return err
		}
		for _, e := range n.Endpoints {
			s.st.holder[e.PodName] = n.Name
		}
	}
	return nil
}
