package refmanager

import (
	"iter"
	"reflect"
	"slices"

	"stsim/sim/api"
	"stsim/sim/store"
)

// PodIndex holds the pods that controllers of one kind control, by the
// controller's UID, kept from the pod changes the controller's Keys sees
// (upstream's informers keep such an index by controller UID). A sync
// claims its owner's pods from it: listing every pod of a 100,000-pod
// ReplicaSet and matching each against the selector on every sync made
// the cost grow with the square of the size. With each pod it keeps a
// summary S of what the controller reads of it, worked out once per pod
// object: a sync that reads every pod reads the index, not the pods.
type PodIndex[S any] struct {
	kind      string
	summarize func(*api.Pod) S
	owners    map[string]*ownedPods[S]
}

// ownedPods are the pods whose controller reference names one owner, in
// the order they came (a removed pod's place goes to the last one), each
// with what the last claim found about it.
type ownedPods[S any] struct {
	pods []ownedPod[S]
	at   map[string]int // pod key → position in pods
	// selector is the owner's selector the match flags were computed for.
	selector *api.LabelSelector
}

// ownedPod is a pod and, as the claim that last looked at it found,
// whether it is considered and matches the selector, and its summary; a
// changed pod is another object and is looked at again.
type ownedPod[S any] struct {
	pod                        *api.Pod
	checked, considered, match bool
	summed                     bool
	sum                        S
}

// summary is the pod's summary, worked out at the first call.
func (ix *PodIndex[S]) summary(o *ownedPod[S]) *S {
	if !o.summed {
		o.sum, o.summed = ix.summarize(o.pod), true
	}
	return &o.sum
}

// NewPodIndex returns an empty index of the pods controlled by kind that
// keeps summarize's summary of each.
func NewPodIndex[S any](kind string, summarize func(*api.Pod) S) *PodIndex[S] {
	return &PodIndex[S]{kind: kind, summarize: summarize, owners: map[string]*ownedPods[S]{}}
}

// Observe records a change; the controller's Keys calls it for every
// change it sees, before the change wakes anything.
func (ix *PodIndex[S]) Observe(c store.Change) {
	if c.Kind != api.KindPod {
		return
	}
	oldUID, newUID := "", ""
	if o, ok := c.Old.(*api.Pod); ok {
		oldUID = ix.controller(o)
	}
	n, _ := c.New.(*api.Pod)
	if n != nil {
		newUID = ix.controller(n)
	}
	if oldUID != "" && oldUID == newUID {
		if set := ix.owners[newUID]; set != nil {
			if i, ok := set.at[n.Key()]; ok {
				set.pods[i] = ownedPod[S]{pod: n}
				return
			}
		}
	}
	if oldUID != "" {
		ix.remove(oldUID, c.Old.Meta().Key())
	}
	if newUID != "" {
		set := ix.owners[newUID]
		if set == nil {
			set = &ownedPods[S]{at: map[string]int{}}
			ix.owners[newUID] = set
		}
		if i, ok := set.at[n.Key()]; ok {
			set.pods[i] = ownedPod[S]{pod: n}
			return
		}
		set.at[n.Key()] = len(set.pods)
		set.pods = append(set.pods, ownedPod[S]{pod: n})
	}
}

// controller is the UID of p's controller of the index's kind, or "".
func (ix *PodIndex[S]) controller(p *api.Pod) string {
	if r := p.ControllerRef(); r != nil && r.Kind == ix.kind {
		return r.UID
	}
	return ""
}

func (ix *PodIndex[S]) remove(uid, key string) {
	set := ix.owners[uid]
	if set == nil {
		return
	}
	i, ok := set.at[key]
	if !ok {
		return
	}
	last := len(set.pods) - 1
	if i != last {
		set.pods[i] = set.pods[last]
		set.at[set.pods[i].pod.Key()] = i
	}
	set.pods[last] = ownedPod[S]{}
	set.pods = set.pods[:last]
	delete(set.at, key)
	if len(set.pods) == 0 {
		delete(ix.owners, uid)
	}
}

// Summaries yields the pods whose controller reference names uid, with
// their summaries, in no particular (but a repeatable) order.
func (ix *PodIndex[S]) Summaries(uid string) iter.Seq2[*api.Pod, *S] {
	return func(yield func(*api.Pod, *S) bool) {
		if set := ix.owners[uid]; set != nil {
			for i := range set.pods {
				if !yield(set.pods[i].pod, ix.summary(&set.pods[i])) {
					return
				}
			}
		}
	}
}

// Claimed yields, with their summaries, the pods uid controls that the
// last ClaimPods for uid returned, in its order: the pods it kept, not
// those it adopted. It holds until a pod of uid changes.
func (ix *PodIndex[S]) Claimed(uid string) iter.Seq2[*api.Pod, *S] {
	return func(yield func(*api.Pod, *S) bool) {
		if set := ix.owners[uid]; set != nil {
			for i := range set.pods {
				if o := &set.pods[i]; o.checked && o.considered && o.match && !yield(o.pod, ix.summary(o)) {
					return
				}
			}
		}
	}
}

// ClaimPods is Claim over the pods owner controls and the orphans of its
// namespace (the only pods it may keep, release or adopt), among those
// consider admits (FilterActivePods before claimPods upstream; the others
// are neither kept nor released nor adopted): the pods it controls that
// match selector are kept, the ones that stopped matching released through
// update, matching orphans adopted. Whether an owned pod is considered and
// matches is worked out once per pod object (and again if the selector
// changed), so a sync costs little for the pods that did not change. The
// pods come back in no particular (but a repeatable) order, owned before
// adopted; upstream's come in its cache's order.
func (ix *PodIndex[S]) ClaimPods(tx *store.Txn, owner api.Object, apiVersion string, selector *api.LabelSelector,
	consider func(*api.Pod) bool, update func(*api.Pod) error) ([]*api.Pod, error) {
	m := owner.Meta()
	var out []*api.Pod
	if set := ix.owners[m.UID]; set != nil {
		if !reflect.DeepEqual(set.selector, selector) {
			for i := range set.pods {
				set.pods[i].checked = false
			}
			set.selector = selector.DeepCopy()
		}
		out = make([]*api.Pod, 0, len(set.pods))
		for i := range set.pods {
			o := &set.pods[i]
			if !o.checked {
				o.considered = consider(o.pod)
				o.match = selector.Matches(o.pod.Labels)
				o.checked = true
			}
			switch {
			case !o.considered:
			case o.match:
				out = append(out, o.pod)
			case m.Terminating():
				// Ours but not matching: an owner being deleted does not release.
			default:
				n := o.pod.DeepCopy()
				n.OwnerReferences = slices.DeleteFunc(n.OwnerReferences, func(r api.OwnerReference) bool { return r.UID == m.UID })
				if err := update(n); err != nil {
					return out, err
				}
			}
		}
	}
	// The orphans: the adoption half of Claim.
	var orphans []*api.Pod
	for _, p := range tx.OrphanPods(m.Namespace) {
		if consider(p) {
			orphans = append(orphans, p)
		}
	}
	adopted, err := Claim(owner, apiVersion, selector, orphans, nil, update)
	return append(out, adopted...), err
}

// Controlled counts the pods owner controls that match selector and whose
// summary count admits (FilterClaimedPods upstream), among the pods as
// they are in the index. It reads the summaries and the matches the last
// claim found under the same selector: a sync after the first costs a
// pass over the index, not a look at every pod.
func (ix *PodIndex[S]) Controlled(owner api.Object, selector *api.LabelSelector, count func(*S) bool) int {
	n := 0
	if set := ix.owners[owner.Meta().UID]; set != nil {
		claimed := reflect.DeepEqual(set.selector, selector)
		for i := range set.pods {
			o := &set.pods[i]
			switch {
			case !count(ix.summary(o)):
			case claimed && o.checked:
				if o.match {
					n++
				}
			case selector.Matches(o.pod.Labels):
				n++
			}
		}
	}
	return n
}
