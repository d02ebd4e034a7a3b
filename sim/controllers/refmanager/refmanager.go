// Package refmanager is the controllers' claim on the objects they manage
// (ControllerRefManager in pkg/controller/controller_ref_manager.go): a
// controller adopts orphans that match its selector, releases objects it
// controls that stopped matching, and leaves alone what another controller
// controls.
package refmanager

import (
	"slices"
	"strings"

	"stsim/sim/api"
	"stsim/sim/store"
)

// Claim sorts candidates for owner (whose controller references carry
// apiVersion): it returns the ones owner controls and that match selector
// and filter, after adopting the orphans among them and releasing, through
// update, the ones owner controls that no longer match. An owner being
// deleted neither adopts nor releases, and a candidate being deleted is not
// adopted (ClaimObject).
func Claim[T api.Object](owner api.Object, apiVersion string, selector *api.LabelSelector, candidates []T,
	filter func(T) bool, update func(T) error) ([]T, error) {
	m := owner.Meta()
	var out []T
	for _, c := range candidates {
		matches := selector.Matches(c.Meta().Labels) && (filter == nil || filter(c))
		ref := c.Meta().ControllerRef()
		switch {
		case ref != nil && ref.UID != m.UID:
			// Another controller's.
		case ref != nil && matches:
			out = append(out, c)
		case ref != nil && m.Terminating():
			// Ours but not matching: an owner being deleted does not release.
		case ref != nil:
			n := c.DeepCopyObject().(T)
			n.Meta().OwnerReferences = slices.DeleteFunc(n.Meta().OwnerReferences, func(r api.OwnerReference) bool { return r.UID == m.UID })
			if err := update(n); err != nil {
				return out, err
			}
		case matches && !m.Terminating() && !c.Meta().Terminating():
			n := c.DeepCopyObject().(T)
			n.Meta().OwnerReferences = append(n.Meta().OwnerReferences, api.NewControllerRef(owner, apiVersion))
			if err := update(n); err != nil {
				return out, err
			}
			out = append(out, n)
		}
	}
	return out, nil
}

// PodCandidates lists, by key, the pods an owner may claim: the ones with a
// reference to ownerUID, which it may keep or release, and the orphans of
// its namespace, which it may adopt if its selector matches them. Upstream
// lists the namespace and lets ClaimPods skip the pods another controller
// controls; listing only these two gives Claim the same pods to decide on.
func PodCandidates(tx *store.Txn, namespace, ownerUID string) []*api.Pod {
	return mergeByKey(tx.PodsOwnedBy(ownerUID), tx.OrphanPods(namespace))
}

// byKey orders pods by key (namespace/name), compared in parts so that no
// string is built.
func byKey(a, b *api.Pod) int {
	if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// mergeByKey is the union of two pod lists in key order, each pod once.
// The store's indexes list pods in key order already, so this is a linear
// merge; a list that is not in order is sorted first (sorting on every
// reconcile made a 100,000-pod ReplicaSet take minutes).
func mergeByKey(a, b []*api.Pod) []*api.Pod {
	for _, l := range [][]*api.Pod{a, b} {
		if !slices.IsSortedFunc(l, byKey) {
			slices.SortFunc(l, byKey)
		}
	}
	out := make([]*api.Pod, 0, max(len(a), len(b)))
	for len(a) > 0 || len(b) > 0 {
		var next *api.Pod
		switch {
		case len(b) == 0 || len(a) > 0 && byKey(a[0], b[0]) <= 0:
			next, a = a[0], a[1:]
		default:
			next, b = b[0], b[1:]
		}
		if n := len(out); n > 0 && out[n-1].UID == next.UID {
			continue
		}
		out = append(out, next)
	}
	return out
}
