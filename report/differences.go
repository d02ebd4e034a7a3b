package report

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Aspects compared between the rule sets, in the order of the Differences.
const (
	AspectPodNames         = "pod names"
	AspectReplacement      = "replacement of deleted pod"
	AspectStorage          = "storage per pod"
	AspectData             = "data after replacement"
	AspectDNS              = "DNS"
	AspectClaimsLeft       = "claims left at the end"
	AspectCreationOrder    = "creation order"
	AspectDeletionOrder    = "deletion order"
	AspectWritesLost       = "writes lost"
	AspectOtherSlotReads   = "reads of another slot's data"
	AspectFewestReady      = "fewest ready after rollout"
	AspectBelowDesired     = "time below desired ready"
	AspectSlotDowntime     = "slot downtime"
	AspectTimeToScale      = "time to scale"
	AspectPeakPods         = "peak pods"
	AspectDuplicateSeconds = "duplicate identity seconds"
	AspectWriters          = "writers of one volume at once"
	AspectFailedOps        = "failed operations"
)

// Difference is one aspect compared between the two rule sets: the value
// under each (a structure of lists and numbers, per aspect) and the same
// value shortened to a line of text for people.
type Difference struct {
	// Aspect is one of the Aspect constants.
	Aspect string `json:"aspect"`
	// Same is set when both rule sets gave the same value.
	Same bool `json:"same"`
	// StatefulSet and Deployment are the values under each rule set.
	StatefulSet any `json:"statefulset"`
	Deployment  any `json:"deployment"`
	// Text is each value as the text report shows it.
	Text Sides `json:"text"`
}

// Sides is a text for each rule set.
type Sides struct {
	StatefulSet string `json:"statefulset"`
	Deployment  string `json:"deployment"`
}

// aspect computes one compared value of a run and its text.
type aspect struct {
	name  string
	value func(*Run) (any, string)
}

// aspects lists every aspect in order.
var aspects = []aspect{
	{AspectPodNames, podNames},
	{AspectReplacement, replacements},
	{AspectStorage, storage},
	{AspectData, data},
	{AspectDNS, dnsAnswers},
	{AspectClaimsLeft, claimsLeft},
	{AspectCreationOrder, func(r *Run) (any, string) { return r.Measures.Created, orderText(r.Measures.Created) }},
	{AspectDeletionOrder, func(r *Run) (any, string) { return r.Measures.Deleted, orderText(r.Measures.Deleted) }},
	{AspectWritesLost, func(r *Run) (any, string) {
		return r.Measures.WritesLost, countText(r.Measures.WritesLost, len(r.Writes) > 0, "no writes")
	}},
	{AspectOtherSlotReads, func(r *Run) (any, string) {
		return r.Measures.ReadsOfOtherSlots, countText(r.Measures.ReadsOfOtherSlots, len(r.Reads) > 0, "no reads")
	}},
	{AspectFailedOps, failedOps},
	{AspectFewestReady, fewestReady},
	{AspectBelowDesired, func(r *Run) (any, string) {
		return r.Availability.BelowDesiredSeconds, optSecondsText(r.Availability.BelowDesiredSeconds, notFullyReady(r))
	}},
	{AspectSlotDowntime, slotDowntime},
	{AspectTimeToScale, timeToScale},
	{AspectPeakPods, func(r *Run) (any, string) { return r.Availability.MaxPods, strconv.Itoa(r.Availability.MaxPods) }},
	{AspectDuplicateSeconds, func(r *Run) (any, string) {
		s := r.Availability.DuplicateIdentitySeconds
		return s, FormatSeconds(s)
	}},
	{AspectWriters, func(r *Run) (any, string) {
		n := r.Availability.MaxConcurrentWriters
		return n, strconv.Itoa(n)
	}},
}

// differences compares two analysed runs, one row per aspect in a fixed order.
func differences(sts, dep *Run) []Difference {
	out := make([]Difference, 0, len(aspects))
	for _, a := range aspects {
		sv, st := a.value(sts)
		dv, dt := a.value(dep)
		out = append(out, Difference{Aspect: a.name, Same: reflect.DeepEqual(sv, dv), StatefulSet: sv, Deployment: dv,
			Text: Sides{StatefulSet: st, Deployment: dt}})
	}
	return out
}

// maxListed is how many items a difference text names before "… and N more".
const maxListed = 4

// SlotNames are the names of the pods that held one slot, oldest first.
type SlotNames struct {
	Slot  int      `json:"slot"`
	Names []string `json:"names"`
}

// PodNames is the pod names aspect: the names per slot and whether a
// replaced pod kept its name ("stable"), got a new one ("new name per
// pod") or no pod was replaced ("never replaced").
type PodNames struct {
	Slots   []SlotNames `json:"slots"`
	Summary string      `json:"summary"`
}

func podNames(run *Run) (any, string) {
	v := PodNames{Slots: []SlotNames{}, Summary: "never replaced"}
	if len(run.Identities) == 0 {
		return v, "no pods"
	}
	var slots []string
	replaced, stable := false, true
	for _, id := range run.Identities {
		names := slices.Compact(slices.Clone(id.Names))
		v.Slots = append(v.Slots, SlotNames{Slot: id.Slot, Names: clone(id.Names)})
		slots = append(slots, chain(names))
		if len(id.Names) > 1 {
			replaced = true
			stable = stable && id.StableName != nil && *id.StableName
		}
	}
	switch {
	case replaced && stable:
		v.Summary = "stable"
	case replaced:
		v.Summary = "new name per pod"
	}
	return v, joinLimit(slots, ", ", maxListed) + " (" + v.Summary + ")"
}

// chain joins names with arrows, eliding the middle of long chains.
func chain(names []string) string {
	if len(names) > 3 {
		return fmt.Sprintf("%s → … → %s (%d pods)", names[0], names[len(names)-1], len(names))
	}
	return strings.Join(names, " → ")
}

// Replacement is one pod that took the slot of an earlier one: whether it
// kept the name, how long after the old pod's deletion it was created
// (0: at once) and whether the old pod was gone by then.
type Replacement struct {
	Old          string   `json:"old"`
	New          string   `json:"new"`
	SameName     bool     `json:"sameName"`
	AfterDelete  *float64 `json:"afterDelete"`
	OldGoneFirst *bool    `json:"oldGoneFirst"`
}

func replacements(run *Run) (any, string) {
	out := []Replacement{}
	var items []string
	for i, p := range run.Pods {
		if p.Replaced == nil {
			continue
		}
		rp := replacement(run.Pods[:i], p)
		out = append(out, rp)
		items = append(items, rp.text())
	}
	if len(items) == 0 {
		return out, "no pod was replaced"
	}
	return out, joinLimit(items, "; ", 3)
}

// replacement describes how p replaced the pod named p.Replaced, looked up
// among the pods created before it.
func replacement(before []*Pod, p *Pod) Replacement {
	var old *Pod
	for _, q := range before {
		if q.Name == *p.Replaced && (old == nil || q.Slot == p.Slot) {
			old = q
		}
	}
	r := Replacement{Old: *p.Replaced, New: p.Name, SameName: *p.Replaced == p.Name}
	if old != nil && old.Deleted != nil {
		d := max(roundMillis(p.Created-*old.Deleted), 0)
		r.AfterDelete = &d
	}
	if old != nil {
		gone := old.Gone != nil && *old.Gone <= p.Created
		r.OldGoneFirst = &gone
	}
	return r
}

func (r Replacement) text() string {
	notes := []string{"new name"}
	if r.SameName {
		notes[0] = "same name"
	}
	if r.AfterDelete != nil {
		if *r.AfterDelete > 0 {
			notes = append(notes, FormatSeconds(*r.AfterDelete)+" after delete")
		} else {
			notes = append(notes, "at once")
		}
	}
	if r.OldGoneFirst != nil {
		if *r.OldGoneFirst {
			notes = append(notes, "old pod gone first")
		} else {
			notes = append(notes, "old pod still there")
		}
	}
	return fmt.Sprintf("%s → %s (%s)", r.Old, r.New, strings.Join(notes, ", "))
}

// ClaimUse is a claim and the slots whose pods used it.
type ClaimUse struct {
	Claim string `json:"claim"`
	Slots []int  `json:"slots"`
}

// Storage is the storage aspect: which slots used each claim, and the
// slots whose pods got a new volume when replaced.
type Storage struct {
	Claims       []ClaimUse `json:"claims"`
	NewVolumeFor []int      `json:"newVolumeFor"`
	OwnClaimEach bool       `json:"ownClaimEach"`
	SharedByAll  bool       `json:"sharedByAll"`
}

func storage(run *Run) (any, string) {
	v := Storage{Claims: []ClaimUse{}, NewVolumeFor: []int{}}
	for _, id := range run.Identities {
		for _, c := range id.Claims {
			i := slices.IndexFunc(v.Claims, func(u ClaimUse) bool { return u.Claim == c })
			if i < 0 {
				v.Claims = append(v.Claims, ClaimUse{Claim: c})
				i = len(v.Claims) - 1
			}
			if !slices.Contains(v.Claims[i].Slots, id.Slot) {
				v.Claims[i].Slots = append(v.Claims[i].Slots, id.Slot)
			}
		}
	}
	if len(v.Claims) == 0 {
		return v, "no claims (nothing outlives a pod)"
	}
	var names []string
	v.OwnClaimEach = true
	for _, u := range v.Claims {
		names = append(names, u.Claim)
		v.OwnClaimEach = v.OwnClaimEach && len(u.Slots) == 1
	}
	if v.OwnClaimEach {
		s := "own claim per pod: " + joinLimit(names, ", ", maxListed)
		var lost []string
		for _, id := range run.Identities {
			if len(id.Claims) > 0 && id.StableStorage != nil && !*id.StableStorage {
				v.NewVolumeFor = append(v.NewVolumeFor, id.Slot)
				lost = append(lost, strconv.Itoa(id.Slot))
			}
		}
		if len(lost) > 0 {
			s += " (new volume for slot " + strings.Join(lost, ", ") + ")"
		}
		return v, s
	}
	if len(v.Claims) == 1 && len(v.Claims[0].Slots) == len(run.Identities) {
		v.SharedByAll = true
		return v, "one claim shared by all pods: " + names[0]
	}
	var items []string
	for _, u := range v.Claims {
		items = append(items, fmt.Sprintf("%s (slots %s)", u.Claim, joinInts(u.Slots)))
	}
	return v, joinLimit(items, "; ", maxListed)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// DataRead is what one read returned and who wrote it.
type DataRead struct {
	Pod string `json:"pod"`
	Key string `json:"key"`
	// Value and WrittenBy are null when nothing was found (WrittenBy
	// also when no pod wrote it).
	Value     *string `json:"value"`
	Found     bool    `json:"found"`
	WrittenBy *string `json:"writtenBy"`
}

func data(run *Run) (any, string) {
	out := []DataRead{}
	if len(run.Reads) == 0 {
		return out, "no reads"
	}
	items := make([]string, len(run.Reads))
	for i, rd := range run.Reads {
		out = append(out, DataRead{Pod: rd.Pod, Key: rd.Key, Value: rd.Value, Found: rd.Found, WrittenBy: rd.WrittenBy})
		items[i] = rd.Pod + " read " + readResult(rd)
	}
	return out, joinLimit(items, "; ", maxListed)
}

// readResult is `key "value" (written by pod)` or `key: missing`.
func readResult(rd Read) string {
	if !rd.Found {
		return rd.Key + ": missing"
	}
	s := fmt.Sprintf("%s=%q", rd.Key, deref(rd.Value))
	if rd.WrittenBy != nil {
		s += " (written by " + *rd.WrittenBy + ")"
	}
	return s
}

// OutsideText is what the report says of a name outside the cluster
// domain: cluster DNS forwards it, and stsim does not simulate what
// answers it.
const OutsideText = "outside the simulation (not a cluster name; forwarded upstream)"

// Answer is one address a look-up returned and the pod behind it (null
// for a ClusterIP or an address no workload pod had).
type Answer struct {
	Address string  `json:"address"`
	Pod     *string `json:"pod"`
}

// DNSLookup is what one look-up answered.
type DNSLookup struct {
	Name     string   `json:"name"`
	NXDomain bool     `json:"nxdomain"`
	Outside  bool     `json:"outside"`
	Answers  []Answer `json:"answers"`
}

// DNS is the DNS aspect: the look-ups, or with none the per-pod records
// the pods had (hostname.subdomain).
type DNS struct {
	Lookups []DNSLookup `json:"lookups"`
	Records []string    `json:"records"`
}

func dnsAnswers(run *Run) (any, string) {
	v := DNS{Lookups: []DNSLookup{}, Records: []string{}}
	if len(run.Lookups) == 0 {
		for _, p := range run.Pods {
			if p.Subdomain == nil {
				continue
			}
			if r := hostname(p) + "." + *p.Subdomain; !slices.Contains(v.Records, r) {
				v.Records = append(v.Records, r)
			}
		}
		if len(v.Records) == 0 {
			return v, "no look-ups; no per-pod records"
		}
		return v, "no look-ups; per-pod records " + joinLimit(v.Records, ", ", maxListed)
	}
	items := make([]string, len(run.Lookups))
	for i, l := range run.Lookups {
		d := DNSLookup{Name: l.Name, NXDomain: l.NXDomain, Outside: l.Outside, Answers: []Answer{}}
		pods := answerPods(run, l)
		for j, a := range l.Answers {
			d.Answers = append(d.Answers, Answer{Address: a, Pod: optString(pods[j])})
		}
		v.Lookups = append(v.Lookups, d)
		items[i] = l.Name + " → " + lookupResult(run, l, false)
	}
	return v, joinLimit(items, "; ", maxListed)
}

// lookupResult is "outside the simulation", NXDOMAIN, "no answer" or the
// answers, each named by the pod that has the address (with the address
// too when withIP is set).
func lookupResult(run *Run, l Lookup, withIP bool) string {
	if l.Outside {
		return OutsideText
	}
	if l.NXDomain {
		return "NXDOMAIN"
	}
	if len(l.Answers) == 0 {
		return "no answer"
	}
	pods := answerPods(run, l)
	items := make([]string, len(l.Answers))
	for i, a := range l.Answers {
		switch {
		case pods[i] == "":
			items[i] = a
		case withIP:
			items[i] = pods[i] + " (" + a + ")"
		default:
			items[i] = pods[i]
		}
	}
	return strings.Join(items, ", ")
}

// answerPods names, for each answer of a look-up, the pod it points at: from
// the look-up's own Pods when they pair with the answers, else the workload
// pod that had that IP at the time; "" when unknown.
func answerPods(run *Run, l Lookup) []string {
	if len(l.Pods) == len(l.Answers) {
		return convertAll(l.Pods, deref)
	}
	out := make([]string, len(l.Answers))
	for i, a := range l.Answers {
		for _, p := range run.Pods {
			if deref(p.IP) == a && p.Created <= l.Time && (p.Gone == nil || *p.Gone > l.Time) {
				out[i] = p.Name
			}
		}
	}
	return out
}

func claimsLeft(run *Run) (any, string) {
	left := []string{}
	for _, c := range run.Claims {
		if c.Gone == nil {
			left = append(left, c.Name)
		}
	}
	if len(left) == 0 {
		return left, "none"
	}
	return left, joinLimit(left, ", ", maxListed)
}

// orderText says in what order something happened to pods: one at a time,
// all together, or in batches, with the times.
func orderText(batches []Batch) string {
	switch {
	case len(batches) == 0:
		return "none"
	case len(batches) == 1 && len(batches[0].Pods) == 1:
		return batches[0].Pods[0] + " at " + formatTime(batches[0].Time)
	case len(batches) == 1:
		return fmt.Sprintf("all %d together at %s: %s", len(batches[0].Pods), formatTime(batches[0].Time), joinLimit(batches[0].Pods, ", ", maxListed))
	}
	single := true
	items := make([]string, len(batches))
	for i, b := range batches {
		single = single && len(b.Pods) == 1
		items[i] = formatTime(b.Time) + " " + joinLimit(b.Pods, " + ", 2)
	}
	if single {
		return "one at a time: " + joinLimit(items, ", ", maxListed)
	}
	return fmt.Sprintf("in %d batches: %s", len(batches), joinLimit(items, ", ", maxListed))
}

// countText is a count, or what is missing when there was nothing to count.
func countText(n int, applies bool, otherwise string) string {
	if !applies {
		return "n/a (" + otherwise + ")"
	}
	return strconv.Itoa(n)
}

// optSecondsText is a duration, or n/a with the reason.
func optSecondsText(s *float64, reason string) string {
	if s == nil {
		return "n/a (" + reason + ")"
	}
	return FormatSeconds(*s)
}

// notFullyReady says why the measures after the first full rollout do not
// apply: the most Ready pods the run reached.
func notFullyReady(r *Run) string {
	return fmt.Sprintf("never all desired pods Ready; at most %d", r.Availability.MaxReady)
}

// FewestReady is the fewest Ready pods after the first full rollout and
// for how long in all.
type FewestReady struct {
	Ready   *int     `json:"ready"`
	Seconds *float64 `json:"seconds"`
}

func fewestReady(r *Run) (any, string) {
	a := r.Availability
	v := FewestReady{Ready: a.MinReady, Seconds: a.MinReadySeconds}
	if a.MinReady == nil {
		return v, "n/a (" + notFullyReady(r) + ")"
	}
	return v, fmt.Sprintf("%d for %s", *a.MinReady, FormatSeconds(*a.MinReadySeconds))
}

// SlotDowntime is how long one slot had no Ready pod, and its longest
// outage.
type SlotDowntime struct {
	Slot     int      `json:"slot"`
	Downtime *float64 `json:"downtime"`
	Recovery *float64 `json:"recovery"`
}

func slotDowntime(r *Run) (any, string) {
	v := []SlotDowntime{}
	var items []string
	ready := false
	for _, id := range r.Identities {
		v = append(v, SlotDowntime{Slot: id.Slot, Downtime: id.Downtime, Recovery: id.Recovery})
		ready = ready || id.Downtime != nil
		if id.Downtime != nil && *id.Downtime > 0 {
			items = append(items, fmt.Sprintf("slot %d: %s", id.Slot, FormatSeconds(*id.Downtime)))
		}
	}
	switch {
	case !ready:
		return v, "n/a (no pod was ever Ready)"
	case len(items) == 0:
		return v, "none"
	}
	return v, joinLimit(items, ", ", maxListed)
}

func timeToScale(r *Run) (any, string) {
	s := r.Availability.Scalings
	if len(s) == 0 {
		return s, "n/a (replicas not changed)"
	}
	items := make([]string, len(s))
	for i, sc := range s {
		took := "never done"
		if sc.Took != nil {
			took = FormatSeconds(*sc.Took)
		}
		items[i] = fmt.Sprintf("%d→%d at %s: %s", sc.From, sc.To, formatTime(sc.Time), took)
	}
	return s, joinLimit(items, ", ", maxListed)
}
