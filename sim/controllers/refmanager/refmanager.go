// Package refmanager is the controllers' claim on the objects they manage
// (ControllerRefManager in pkg/controller/controller_ref_manager.go): a
// controller adopts orphans that match its selector, releases objects it
// controls that stopped matching, and leaves alone what another controller
// controls.
package refmanager

import (
	"slices"

	"stsim/sim/api"
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
