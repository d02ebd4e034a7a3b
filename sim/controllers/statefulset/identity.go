package statefulset

import (
	"math"
	"strconv"
	"strings"

	"stsim/sim/api"
)

// PodName is "<set>-<ordinal>" (getPodName).
func PodName(setName string, ordinal int) string {
	return setName + "-" + strconv.Itoa(ordinal)
}

// ClaimName is "<template>-<set>-<ordinal>" (getPersistentVolumeClaimName).
func ClaimName(templateName, setName string, ordinal int) string {
	return templateName + "-" + setName + "-" + strconv.Itoa(ordinal)
}

// isClaimName reports whether name is ClaimName(template, set, ordinal)
// without building that string: every sync checks every pod's volumes.
func isClaimName(name, template, set string, ordinal int) bool {
	var buf [20]byte
	ord := strconv.AppendInt(buf[:0], int64(ordinal), 10)
	t, s := len(template), len(set)
	return len(name) == t+s+len(ord)+2 && name[:t] == template && name[t] == '-' &&
		name[t+1:t+1+s] == set && name[t+1+s] == '-' && name[t+2+s:] == string(ord)
}

// ParentAndOrdinal is the inverse of PodName: the parent name and ordinal,
// or ("", -1) when the name does not parse. It matches upstream's regex
// "(.*)-([0-9]+)$" (getParentNameAndOrdinal) without a regex: the parent is
// everything before the last "-", which must be followed by digits only.
func ParentAndOrdinal(podName string) (string, int) {
	i := strings.LastIndexByte(podName, '-')
	digits := podName[i+1:]
	if i < 0 || digits == "" {
		return "", -1
	}
	// The digits and their value in one pass; strconv.ParseInt's int32
	// range is the bound.
	n := 0
	for j := 0; j < len(digits); j++ {
		c := digits[j]
		if c < '0' || c > '9' {
			return "", -1
		}
		n = n*10 + int(c-'0')
		if n > math.MaxInt32 {
			return "", -1
		}
	}
	return podName[:i], n
}

// Ordinal is the ordinal of a pod's name, -1 if it does not parse (getOrdinal).
func Ordinal(p *api.Pod) int {
	_, o := ParentAndOrdinal(p.Name)
	return o
}

// isMemberOf reports whether the pod's name parses to the set's name.
func isMemberOf(set *api.StatefulSet, p *api.Pod) bool {
	parent, _ := ParentAndOrdinal(p.Name)
	return parent == set.Name
}

// startOrdinal is spec.ordinals.start, or 0 (getStartOrdinal).
func startOrdinal(set *api.StatefulSet) int {
	if set.Spec.Ordinals != nil {
		return int(set.Spec.Ordinals.Start)
	}
	return 0
}

// endOrdinal is the last ordinal in range (getEndOrdinal).
func endOrdinal(set *api.StatefulSet) int {
	return startOrdinal(set) + int(*set.Spec.Replicas) - 1
}

// inRange reports whether an ordinal is in [start, end] (podInOrdinalRange).
func inRange(set *api.StatefulSet, ordinal int) bool {
	return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set)
}

// identityMatches reports whether a pod carries its identity: a name that
// parses to the set and an ordinal, the set's namespace and the pod-name
// label (identityMatches). Upstream checks neither the pod-index label nor
// the hostname and subdomain, which are immutable once the pod exists.
func identityMatches(set *api.StatefulSet, p *api.Pod) bool {
	parent, ordinal := ParentAndOrdinal(p.Name)
	return ordinal >= 0 && set.Name == parent && p.Namespace == set.Namespace &&
		p.Labels[api.StatefulSetPodNameLabel] == p.Name
}

// initIdentity sets the identity of a new pod: the identity labels, and the
// hostname and subdomain, which only a create may set (initIdentity).
func initIdentity(set *api.StatefulSet, p *api.Pod) {
	updateIdentity(set, p)
	p.Spec.Hostname = p.Name
	p.Spec.Subdomain = set.Spec.ServiceName
}

// updateIdentity writes the namespace and the identity labels pod-name and
// pod-index (updateIdentity).
func updateIdentity(set *api.StatefulSet, p *api.Pod) {
	p.Namespace = set.Namespace
	if p.Labels == nil {
		p.Labels = map[string]string{}
	}
	p.Labels[api.StatefulSetPodNameLabel] = p.Name
	_, ordinal := ParentAndOrdinal(p.Name)
	p.Labels[api.PodIndexLabel] = strconv.Itoa(ordinal)
}

// setStorage points the pod's volumes at the ordinal's claims, replacing
// template volumes of the same name (updateStorage).
func setStorage(set *api.StatefulSet, p *api.Pod) {
	_, ordinal := ParentAndOrdinal(p.Name)
	var vols []api.Volume
	claimed := map[string]bool{}
	for _, t := range set.ClaimTemplates() {
		claimed[t.Name] = true
		vols = append(vols, api.Volume{Name: t.Name, PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: ClaimName(t.Name, set.Name, ordinal)}})
	}
	for _, v := range p.Spec.Volumes {
		if !claimed[v.Name] {
			vols = append(vols, v)
		}
	}
	p.Spec.Volumes = vols
}

// storageMatches reports whether each claim template has its volume
// (storageMatches).
func storageMatches(set *api.StatefulSet, p *api.Pod) bool {
	_, ordinal := ParentAndOrdinal(p.Name)
	for _, t := range set.ClaimTemplates() {
		found := false
		for _, v := range p.Spec.Volumes {
			if v.Name == t.Name && v.PersistentVolumeClaim != nil && isClaimName(v.PersistentVolumeClaim.ClaimName, t.Name, set.Name, ordinal) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// claimsFor builds the claims of a pod from the templates
// (getPersistentVolumeClaims): labels are the template's plus the
// selector's matchLabels.
func claimsFor(set *api.StatefulSet, p *api.Pod) []*api.PersistentVolumeClaim {
	_, ordinal := ParentAndOrdinal(p.Name)
	var out []*api.PersistentVolumeClaim
	for _, t := range set.ClaimTemplates() {
		c := t.DeepCopy()
		c.TypeMeta = api.TypeMeta{APIVersion: "v1", Kind: api.KindPersistentVolumeClaim}
		c.Name = ClaimName(t.Name, set.Name, ordinal)
		c.Namespace = set.Namespace
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		for k, v := range set.Spec.Selector.MatchLabels {
			c.Labels[k] = v
		}
		out = append(out, c)
	}
	return out
}

// claimKeys are the store keys of the pod's claims.
func claimKeys(set *api.StatefulSet, p *api.Pod) []string {
	_, ordinal := ParentAndOrdinal(p.Name)
	templates := set.ClaimTemplates()
	keys := make([]string, len(templates))
	for i, t := range templates {
		keys[i] = set.Namespace + "/" + ClaimName(t.Name, set.Name, ordinal)
	}
	return keys
}

// newVersionedPod builds the pod for an ordinal at the revision
// newVersionedStatefulSetPod picks: the current revision below the
// partition, else the update revision.
func newVersionedPod(set *api.StatefulSet, current, update *api.ControllerRevision, ordinal int) *api.Pod {
	rev := update
	if ru := set.Spec.UpdateStrategy.RollingUpdate; set.Spec.UpdateStrategy.Type == api.RollingUpdateStrategy {
		start := startOrdinal(set)
		if ru != nil && ru.Partition != nil && ordinal-start < int(*ru.Partition) {
			rev = current
		} else if ru == nil && ordinal-start < int(set.Status.CurrentReplicas) {
			rev = current
		}
	}
	t := rev.Template.DeepCopy()
	p := &api.Pod{
		TypeMeta:   api.TypeMeta{APIVersion: "v1", Kind: api.KindPod},
		ObjectMeta: t.ObjectMeta,
		Spec:       t.Spec,
	}
	p.Name = PodName(set.Name, ordinal)
	p.GenerateName = ""
	p.Namespace = set.Namespace
	p.OwnerReferences = []api.OwnerReference{setRef(set)}
	initIdentity(set, p)
	setStorage(set, p)
	p.Labels[api.ControllerRevisionHashLabel] = rev.Name
	return p
}
