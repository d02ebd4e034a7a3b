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
// reference to ownerUID and the ones that carry the selector's first label
// (upstream lists the namespace; the label index narrows it).
func PodCandidates(tx *store.Txn, ownerUID string, selector *api.LabelSelector) []*api.Pod {
	pods := tx.PodsOwnedBy(ownerUID)
	if pairs := api.LabelPairs(selector.MatchLabels); len(pairs) > 0 {
		pods = append(pods, tx.PodsWithLabel(pairs[0])...)
	} else {
		pods = append(pods, tx.Pods()...)
	}
	slices.SortFunc(pods, func(a, b *api.Pod) int { return strings.Compare(a.Key(), b.Key()) })
	return slices.CompactFunc(pods, func(a, b *api.Pod) bool { return a.UID == b.UID })
}
