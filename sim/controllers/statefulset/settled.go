package statefulset

import "stsim/sim/api"

// settledPods remembers, for one set, the pod objects a sync found needing
// nothing from processReplica: created, not terminal, (under OrderedReady)
// Running, Ready and available, with identity, storage and claims that
// match. A later sync skips them, which gives the same result as checking
// them again (a sync of a set with thousands of replicas visits every one
// of them, as upstream's does, and most need nothing), as long as nothing
// the checks read has changed:
//   - the pod: objects are never changed in place, so a changed pod is
//     another object;
//   - the set's spec (its generation) and its UID;
//   - any claim (the count of claim writes);
//   - the time, which only turns an unavailable pod available
//     (minReadySeconds), never the other way.
type settledPods struct {
	generation  int64
	uid         string
	claimWrites uint64
	pods        map[*api.Pod]bool
}

// settledFor returns the set's memory of settled pods, emptied when what
// the checks read may have changed, or when it holds many more pods than
// the set has replicas (old objects of replaced pods).
func (c *Controller) settledFor(set *api.StatefulSet, claimWrites uint64) *settledPods {
	s := c.settled[set.Key()]
	if s == nil || s.generation != set.Generation || s.uid != set.UID || s.claimWrites != claimWrites ||
		len(s.pods) > 4*int(*set.Spec.Replicas)+16 {
		s = &settledPods{generation: set.Generation, uid: set.UID, claimWrites: claimWrites, pods: map[*api.Pod]bool{}}
		c.settled[set.Key()] = s
	}
	return s
}

// has says whether p was found settled; a nil memory has nothing.
func (s *settledPods) has(p *api.Pod) bool { return s != nil && s.pods[p] }

// add remembers p as settled; a nil memory forgets it.
func (s *settledPods) add(p *api.Pod) {
	if s != nil {
		s.pods[p] = true
	}
}
