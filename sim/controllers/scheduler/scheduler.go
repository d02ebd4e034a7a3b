// Package scheduler binds pending pods to nodes. It is a stand-in for
// kube-scheduler with the filter plugins that matter here, run for each node
// in kube-scheduler's order, the first failure deciding: NodeUnschedulable
// (a cordoned node), TaintToleration (a NoSchedule or NoExecute taint the
// pod does not tolerate; this is also how a not-ready or unreachable node is
// kept out, by the taints the node lifecycle controller adds),
// NodeAffinity (the pod's nodeSelector), NodeResourcesFit (the pods
// capacity, and cpu and memory requests against what the node has left)
// and VolumeZone (the zone of every bound zonal volume the pod mounts).
// Among the nodes left it prefers the fewest untolerated PreferNoSchedule
// taints (TaintToleration's score), then the node running the fewest pods,
// then the first by name, so placement is deterministic and spreads pods
// out. In a cluster of 100 nodes or more it stops, as kube-scheduler does,
// once it has found numFeasibleNodesToFind feasible nodes, each search
// starting where the last one stopped. A pod no node fits stays Pending
// with a FailedScheduling event that counts the reasons as
// kube-scheduler's FitError does.
package scheduler

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/store"
)

// Controller schedules pods.
type Controller struct {
	// usage holds, by node name, the non-terminal pods bound to the node
	// and their requests, kept up to date from pod changes as the
	// scheduler's cache is.
	usage map[string]*nodeUsage
	// unschedulable holds the keys of pods no node fitted, in the order
	// they failed: they are tried again when a pod leaves a node or a node
	// changes (the scheduling queue's unschedulable pods).
	unschedulable []string
	// waiting is the set of keys in unschedulable (a list lookup made
	// many unschedulable pods quadratic).
	waiting map[string]bool
	// nodes lists the nodes by name with their usage, as of nodeWrites
	// writes to the node table (the scheduler's snapshot, taken again
	// when a node changed rather than for every pod).
	nodes      []candidate
	nodeWrites uint64
	// nextStart is where the next pod's search for feasible nodes starts
	// (nextStartNodeIndex).
	nextStart int
	// roomy counts the listed nodes with room for one more pod.
	roomy int
}

// nodeUsage is what the pods bound to a node take of it, and, for a node
// in the list, how many pods it takes.
type nodeUsage struct {
	pods      int
	requested resources
	listed    bool
	capacity  int
}

// hasRoom says whether a listed node takes one more pod.
func (u *nodeUsage) hasRoom() bool { return u.listed && u.pods+1 <= u.capacity }

// candidate is a node and its usage, with what the filters read of the
// node most often kept beside them: a search of hundreds of nodes for
// each pod reads these rather than every node object.
type candidate struct {
	node  *api.Node
	usage *nodeUsage
	// plain: the node is schedulable and has no taints.
	plain bool
	// capacity is the node's cpu and memory.
	capacity resources
}

// resources is a cpu and memory amount.
type resources struct{ milliCPU, memory int64 }

// New returns the scheduler.
func New() *Controller {
	return &Controller{usage: map[string]*nodeUsage{}, waiting: map[string]bool{}}
}

// usageOf returns the usage of a node, created empty.
func (c *Controller) usageOf(node string) *nodeUsage {
	u := c.usage[node]
	if u == nil {
		u = &nodeUsage{}
		c.usage[node] = u
	}
	return u
}

// wait puts a pod no node fits among the unschedulable ones, once.
func (c *Controller) wait(key string) {
	if !c.waiting[key] {
		c.waiting[key] = true
		c.unschedulable = append(c.unschedulable, key)
	}
}

// retry hands back the unschedulable pods to try again.
func (c *Controller) retry() []string {
	keys := c.unschedulable
	c.unschedulable = nil
	clear(c.waiting)
	return keys
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "default-scheduler" }

// counts: the scheduler's cache holds bound pods that are not terminal
// (its informer leaves out Succeeded and Failed pods).
func counts(p *api.Pod) bool { return p != nil && p.Spec.NodeName != "" && !p.IsTerminal() }

func (c *Controller) account(p *api.Pod, sign int) {
	cpu, mem := api.PodRequests(p)
	u := c.usageOf(p.Spec.NodeName)
	if u.hasRoom() {
		c.roomy--
	}
	u.pods += sign
	if u.hasRoom() {
		c.roomy++
	}
	u.requested.milliCPU += int64(sign) * cpu
	u.requested.memory += int64(sign) * mem
}

// Keys keeps the per-node load and wakes pods that need a node.
func (c *Controller) Keys(_ *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindPod:
		var oldP, newP *api.Pod
		if ch.Old != nil {
			oldP = ch.Old.(*api.Pod)
		}
		if ch.New != nil {
			newP = ch.New.(*api.Pod)
		}
		if counts(oldP) {
			c.account(oldP, -1)
			if !counts(newP) {
				return c.retry() // room on a node, and maybe a volume freed
			}
		}
		if counts(newP) {
			c.account(newP, +1)
		}
		if newP != nil && newP.Spec.NodeName == "" && !newP.Terminating() {
			return []string{newP.Key()}
		}
	case api.KindNode:
		// A node added or changed (its taints, readiness or capacity) may
		// fit a pod that waits (the queueing hints of the filter plugins).
		if ch.New != nil {
			return c.retry()
		}
	}
	return nil
}

// Filter failure reasons, as the plugins word them.
const (
	reasonUnschedulable = "node(s) were unschedulable"
	reasonSelector      = "node(s) didn't match Pod's node affinity/selector"
	reasonTooManyPods   = "Too many pods"
	reasonCPU           = "Insufficient cpu"
	reasonMemory        = "Insufficient memory"
	reasonVolumeZone    = "node(s) had volume node affinity conflict"
)

// The reasons of the verdicts with one fixed reason, shared (verdicts are
// read only): a pod no node fits is checked against every node.
var (
	onlyUnschedulable    = []string{reasonUnschedulable}
	onlySelector         = []string{reasonSelector}
	onlyVolumeZone       = []string{reasonVolumeZone}
	onlyTooManyPods      = []string{reasonTooManyPods}
	onlyReadWriteOncePod = []string{reasonReadWriteOncePod}
	onlyPVNotExist       = []string{reasonPVNotExist}
	onlyNodeConflict     = []string{reasonNodeConflict}
	onlyBindConflict     = []string{reasonBindConflict}
)

// verdict is one node's filter result: why it does not fit (none: it fits)
// and whether preemption could help (framework.Unschedulable) or not
// (UnschedulableAndUnresolvable).
type verdict struct {
	reasons    []string
	unresolved bool
}

// filter runs the filter plugins on one node in kube-scheduler's order and
// stops at the first that fails (RunFilterPlugins). req is the pod's
// requests (api.PodRequests, computed once per pod as the scheduler's
// PreFilter state is, not once per node).
func (c *Controller) filter(p *api.Pod, req resources, cand candidate, zone string) verdict {
	n := cand.node
	if !cand.plain {
		// NodeUnschedulable: a cordoned node, unless the pod tolerates
		// node.kubernetes.io/unschedulable:NoSchedule.
		if n.Spec.Unschedulable && !api.TolerationsTolerateTaint(p.Spec.Tolerations, api.Taint{Key: api.TaintNodeUnschedulable, Effect: api.TaintNoSchedule}) {
			return verdict{reasons: onlyUnschedulable, unresolved: true}
		}
		// TaintToleration: the first NoSchedule or NoExecute taint the pod
		// does not tolerate (DoNotScheduleTaintsFilterFunc).
		if t, ok := api.FindMatchingUntoleratedTaint(n.Spec.Taints, p.Spec.Tolerations, func(t api.Taint) bool {
			return t.Effect == api.TaintNoSchedule || t.Effect == api.TaintNoExecute
		}); ok {
			return verdict{reasons: []string{fmt.Sprintf("node(s) had untolerated taint {%s: %s}", t.Key, t.Value)}, unresolved: true}
		}
	}
	// NodeAffinity: the nodeSelector.
	if len(p.Spec.NodeSelector) > 0 && !matches(p.Spec.NodeSelector, n.Labels) {
		return verdict{reasons: onlySelector, unresolved: true}
	}
	// NodeResourcesFit (fitsRequest): every shortage is a reason.
	cpu, mem := req.milliCPU, req.memory
	used := cand.usage.requested
	tooMany := cand.usage.pods+1 > cand.usage.capacity
	cpuShort := cpu > 0 && cand.capacity.milliCPU > 0 && cpu > cand.capacity.milliCPU-used.milliCPU
	memShort := mem > 0 && cand.capacity.memory > 0 && mem > cand.capacity.memory-used.memory
	if tooMany && !cpuShort && !memShort {
		return verdict{reasons: onlyTooManyPods}
	}
	if tooMany || cpuShort || memShort {
		var short []string
		for _, r := range []struct {
			short  bool
			reason string
		}{{tooMany, reasonTooManyPods}, {cpuShort, reasonCPU}, {memShort, reasonMemory}} {
			if r.short {
				short = append(short, r.reason)
			}
		}
		return verdict{reasons: short}
	}
	// VolumeZone.
	if zone != "" && n.Labels[api.LabelZone] != zone {
		return verdict{reasons: onlyVolumeZone, unresolved: true}
	}
	return verdict{}
}

// preferTolerations are the pod's tolerations that TaintToleration's Score
// looks at: those with the PreferNoSchedule effect, or none.
func preferTolerations(p *api.Pod) []api.Toleration {
	var tolerations []api.Toleration
	for _, t := range p.Spec.Tolerations {
		if t.Effect == "" || t.Effect == api.TaintPreferNoSchedule {
			tolerations = append(tolerations, t)
		}
	}
	return tolerations
}

// preferNoSchedule counts the node's PreferNoSchedule taints that the
// pod's preferTolerations do not tolerate (TaintToleration's Score: fewer
// is better).
func preferNoSchedule(tolerations []api.Toleration, n *api.Node) int {
	count := 0
	for _, t := range n.Spec.Taints {
		if t.Effect == api.TaintPreferNoSchedule && !api.TolerationsTolerateTaint(tolerations, t) {
			count++
		}
	}
	return count
}

// Reconcile binds one pod.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	p := tx.Pod(key)
	if p == nil || p.Spec.NodeName != "" || p.Terminating() {
		return nil
	}
	zone := ""
	for _, name := range p.ClaimNames() {
		if cl := tx.Claim(p.Namespace + "/" + name); cl != nil && cl.Spec.VolumeName != "" {
			if pv := tx.Volume(cl.Spec.VolumeName); pv != nil && pv.Labels[api.LabelZone] != "" {
				zone = pv.Labels[api.LabelZone]
			}
		}
	}
	if w := tx.Writes(store.TableNodes); c.nodes == nil || w != c.nodeWrites {
		c.listNodes(tx.Nodes(), w)
	}
	nodes := c.nodes
	if p.Status.Reason == "Unschedulable" && c.roomy == 0 && len(nodes) > 0 {
		// It failed before, and no node has room for one more pod: every
		// node's filters would fail again (NodeResourcesFit at the latest)
		// and the search would go round to where it started.
		c.wait(key)
		return nil
	}
	var req resources
	req.milliCPU, req.memory = api.PodRequests(p)
	vols := prepareVolumes(tx, p)
	tolerations := preferTolerations(p)
	// findNodesThatPassFilters: check the nodes from where the last pod's
	// search stopped, until numFeasibleNodesToFind of them fit.
	toFind := numFeasibleNodesToFind(len(nodes))
	var best *candidate
	bestTaints, found, checked := 0, 0, 0
	// The reasons each node gave, for the FailedScheduling event of a pod
	// that fails for the first time.
	var fit *fitCounts
	if p.Status.Reason != "Unschedulable" {
		fit = &fitCounts{}
	}
	for ; checked < len(nodes) && found < toFind; checked++ {
		cand := &nodes[(c.nextStart+checked)%len(nodes)]
		v := volumeFilter(vols, cand.node, c.filter(p, req, *cand, zone)) // volumes.go
		if len(v.reasons) > 0 {
			fit.add(v)
			continue
		}
		found++
		taints := 0
		if !cand.plain {
			taints = preferNoSchedule(tolerations, cand.node)
		}
		if best == nil || better(taints, cand, bestTaints, best) {
			best, bestTaints = cand, taints
		}
	}
	if len(nodes) > 0 {
		c.nextStart = (c.nextStart + checked) % len(nodes)
	}
	if best == nil {
		c.wait(key)
		if p.Status.Reason != "Unschedulable" {
			n := p.DeepCopy()
			n.Status.Reason = "Unschedulable"
			ctx.Event(p, "Warning", "FailedScheduling", "%s", fitError(len(nodes), fit))
			return ctx.Update(n)
		}
		return nil
	}
	n := p.DeepCopy()
	n.Spec.NodeName = best.node.Name
	n.Status.Reason = ""
	if err := ctx.Update(n); err != nil {
		return err
	}
	ctx.Event(p, "Normal", "Scheduled", "Successfully assigned %s/%s to %s", p.Namespace, p.Name, best.node.Name)
	return nil
}

// listNodes takes the node list as of w writes to the node table.
func (c *Controller) listNodes(nodes []*api.Node, w uint64) {
	for _, cand := range c.nodes {
		cand.usage.listed = false
	}
	c.nodes, c.nodeWrites, c.roomy = nil, w, 0
	// The listed nodes' usage is held in one array, in list order: a
	// search reads it node after node.
	listed := make([]nodeUsage, len(nodes))
	for i, n := range nodes {
		listed[i] = *c.usageOf(n.Name)
		u := &listed[i]
		c.usage[n.Name] = u
		u.listed, u.capacity = true, n.Status.Capacity.Pods
		if u.hasRoom() {
			c.roomy++
		}
		c.nodes = append(c.nodes, candidate{node: n, usage: u, plain: !n.Spec.Unschedulable && len(n.Spec.Taints) == 0,
			capacity: resources{n.Status.Capacity.MilliCPU, n.Status.Capacity.Memory}})
	}
}

// better says whether a feasible node with taints untolerated
// PreferNoSchedule taints scores above the best so far: fewer such taints,
// then fewer pods, then the first by name.
func better(taints int, cand *candidate, bestTaints int, best *candidate) bool {
	if taints != bestTaints {
		return taints < bestTaints
	}
	if cand.usage.pods != best.usage.pods {
		return cand.usage.pods < best.usage.pods
	}
	return cand.node.Name < best.node.Name
}

// Node sampling (pkg/scheduler/schedule_one.go): a cluster of at least
// minFeasibleNodesToFind nodes is searched only until this many feasible
// nodes are found, with percentageOfNodesToScore left at its default.
const (
	minFeasibleNodesToFind           = 100
	minFeasibleNodesPercentageToFind = 5
)

// numFeasibleNodesToFind is numFeasibleNodesToFind with the adaptive
// percentage: every node of a small cluster, and 50% less one point per
// 125 nodes (at least 5%, at least 100 nodes) of a large one.
func numFeasibleNodesToFind(all int) int {
	if all < minFeasibleNodesToFind {
		return all
	}
	percentage := max(50-all/125, minFeasibleNodesPercentageToFind)
	return max(all*percentage/100, minFeasibleNodesToFind)
}

// fitCounts counts the reasons the nodes gave (a few, looked up in a
// list), and how many of them preemption could help; a nil one counts
// nothing.
type fitCounts struct {
	reasons                  []reasonCount
	resolvable, unresolvable int
}

type reasonCount struct {
	reason string
	count  int
}

func (f *fitCounts) add(v verdict) {
	if f == nil {
		return
	}
	for _, r := range v.reasons {
		i := slices.IndexFunc(f.reasons, func(c reasonCount) bool { return c.reason == r })
		if i < 0 {
			i = len(f.reasons)
			f.reasons = append(f.reasons, reasonCount{reason: r})
		}
		f.reasons[i].count++
	}
	if v.unresolved {
		f.unresolvable++
	} else {
		f.resolvable++
	}
}

// fitError is FitError.Error with the message of the default preemption
// plugin that runs after it: each filter reason with the number of nodes
// that gave it, sorted; then, since every pod has the same priority,
// "No preemption victims found for incoming pod" for the nodes where
// preemption was tried and "Preemption is not helpful for scheduling" for
// the others.
func fitError(all int, fit *fitCounts) string {
	if all == 0 {
		return "no nodes available to schedule pods"
	}
	histogram := func(count map[string]int) string {
		var parts []string
		for _, r := range slices.Sorted(maps.Keys(count)) {
			parts = append(parts, fmt.Sprintf("%d %s", count[r], r))
		}
		slices.Sort(parts)
		return strings.Join(parts, ", ")
	}
	reasons := map[string]int{}
	for _, c := range fit.reasons {
		reasons[c.reason] = c.count
	}
	preemption := map[string]int{}
	if fit.unresolvable > 0 {
		preemption["Preemption is not helpful for scheduling"] = fit.unresolvable
	}
	if fit.resolvable > 0 {
		preemption["No preemption victims found for incoming pod"] = fit.resolvable
	}
	return fmt.Sprintf("0/%d nodes are available: %s. preemption: 0/%d nodes are available: %s.", all, histogram(reasons), all, histogram(preemption))
}

func matches(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}
