package statefulset

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/naming"
)

// revisionData is the revision's patch: the template with "$patch":
// "replace" (getPatch): only spec.template is versioned.
func revisionData(set *api.StatefulSet) string {
	t := set.Spec.Template
	b, err := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{
		"$patch": "replace", "metadata": t.ObjectMeta, "spec": t.Spec}}})
	if err != nil {
		panic(err) // the template is plain data
	}
	return string(b)
}

// revisions finds or creates the update revision and finds the current one
// (getStatefulSetRevisions). It returns the set's revisions sorted by
// revision number and the collision count to store in status.
func (c *setControl) revisions() ([]*api.ControllerRevision, *int32, error) {
	set := c.set
	revs, err := c.adoptRevisions()
	if err != nil {
		return nil, set.Status.CollisionCount, err
	}
	slices.SortStableFunc(revs, func(a, b *api.ControllerRevision) int { return int(a.Revision - b.Revision) })
	// A local copy of status.collisionCount, 0 when unset: it is hashed
	// and written back to status even when no collision happened
	// (getStatefulSetRevisions, updateStatefulSet).
	count := int32(0)
	if set.Status.CollisionCount != nil {
		count = *set.Status.CollisionCount
	}
	collision := &count
	next := int64(1)
	if len(revs) > 0 {
		next = revs[len(revs)-1].Revision + 1
	}
	if c.st.data == "" {
		c.st.data = revisionData(set)
	}
	data := c.st.data
	var equal []*api.ControllerRevision
	for _, r := range revs {
		if r.Data == data {
			equal = append(equal, r)
		}
	}
	switch {
	case len(equal) > 0 && equal[len(equal)-1] == revs[len(revs)-1]:
		c.update = equal[len(equal)-1]
	case len(equal) > 0:
		// A rollback to an older template: the old revision object is reused
		// and gets the next revision number (R-REV-3).
		n := equal[len(equal)-1].DeepCopy()
		n.Revision = next
		if err := c.objects.UpdateRevision(n); err != nil {
			return nil, collision, err
		}
		c.update = n
		revs = c.objects.Revisions(set)
		slices.SortStableFunc(revs, func(a, b *api.ControllerRevision) int { return int(a.Revision - b.Revision) })
	default:
		// newRevision: the template's labels plus the hash label, the set's
		// annotations and a controller reference. The hash label keeps the
		// hash of the collision count the sync started with; only the name
		// changes on a collision (NewControllerRevision,
		// CreateControllerRevision).
		hash := naming.ControllerRevisionHash([]byte(data), collision)
		r := &api.ControllerRevision{
			ObjectMeta: api.ObjectMeta{
				Namespace:       set.Namespace,
				Labels:          map[string]string{},
				OwnerReferences: []api.OwnerReference{setRef(set)},
			},
			Data: data, Revision: next, Template: set.Spec.Template.DeepCopy(),
		}
		for k, v := range set.Spec.Template.Labels {
			r.Labels[k] = v
		}
		r.Labels[api.ControllerHashLabel] = hash
		if len(set.Annotations) > 0 {
			r.Annotations = map[string]string{}
			for k, v := range set.Annotations {
				r.Annotations[k] = v
			}
		}
		for {
			r.Name = naming.ControllerRevisionName(set.Name, naming.ControllerRevisionHash([]byte(data), collision))
			cr := r.DeepCopy()
			err := c.objects.CreateRevision(cr)
			if errors.Is(err, apiserver.ErrAlreadyExists) {
				// CreateControllerRevision: a revision of that name with the
				// same data is the one wanted; another one is a collision,
				// counted and retried under a new name.
				if existing := c.objects.Revision(set.Namespace + "/" + r.Name); existing != nil && existing.Data == data {
					c.update = existing
					break
				}
				n := *collision + 1
				collision = &n
				continue
			}
			if err != nil {
				return nil, collision, err
			}
			c.update = cr
			revs = append(revs, cr)
			break
		}
	}
	c.current = c.update
	for _, r := range revs {
		if r.Name == set.Status.CurrentRevision {
			c.current = r
		}
	}
	return revs, collision, nil
}

// truncateHistory deletes the oldest revisions that no pod of the sync and
// neither the current nor the update revision uses, keeping
// revisionHistoryLimit of them (truncateHistory).
//
// The API server does not check that a StatefulSet's revisionHistoryLimit
// is not negative (ValidateStatefulSetSpec has no such check; the
// Deployment's and the DaemonSet's have), and upstream's truncateHistory
// then slices past its history and deletes a nil revision: the
// controller panics on every sync of the set, after the pods and the
// status were written. stsim returns that as the sync's error instead, so
// the set goes on as upstream's does between crashes, and the report shows
// the error.
func (c *setControl) truncateHistory(revs []*api.ControllerRevision) error {
	limit := int(*c.set.Spec.RevisionHistoryLimit)
	if limit < 0 {
		return fmt.Errorf("truncateHistory: spec.revisionHistoryLimit is %d: the API server accepts a negative limit for a StatefulSet, and kube-controller-manager panics here on every sync of the set", limit)
	}
	var history []*api.ControllerRevision
	for _, r := range revs {
		if r.Name != c.current.Name && r.Name != c.update.Name && c.st.revisions[r.Name] == 0 {
			history = append(history, r)
		}
	}
	for i := 0; i < len(history)-limit; i++ {
		_ = c.objects.DeleteRevision(history[i])
	}
	return nil
}

// adoptRevisions lists the set's revisions after adopting the orphans
// among them (adoptOrphanRevisions, AdoptControllerRevision).
func (c *setControl) adoptRevisions() ([]*api.ControllerRevision, error) {
	var out []*api.ControllerRevision
	for _, r := range c.objects.Revisions(c.set) {
		if r.ControllerRef() == nil {
			n := r.DeepCopy()
			n.OwnerReferences = append(n.OwnerReferences, setRef(c.set))
			if err := c.objects.UpdateRevision(n); err != nil {
				return nil, err
			}
			r = n
		}
		out = append(out, r)
	}
	return out, nil
}
