// Package statefulset is the StatefulSet controller, following
// pkg/controller/statefulset of Kubernetes v1.37: stable pod names
// "<set>-<ordinal>", claims "<template>-<set>-<ordinal>" created before
// their pod, OrderedReady creation in ascending and deletion in descending
// ordinal order (or Parallel), ControllerRevisions for templates, the
// RollingUpdate strategy with partition and maxUnavailable, OnDelete, the
// claim retention policy, and status.
//
// The files split as upstream's do:
//
//   - controller.go (stateful_set.go): the controller, woken by its set and
//     its pods; Reconcile is syncStatefulSet.
//   - control.go (stateful_set_control.go): the decisions of one sync,
//     which pods to create, repair and delete, in which order.
//   - pod_control.go (stateful_pod_control.go): the effects, through an
//     object manager a test can replace with one that fails after N calls,
//     and the events they record.
//   - status.go: the status, computed by pure functions.
//   - revisions.go (history): ControllerRevisions and their truncation.
//   - identity.go (stateful_set_utils.go): pure identity helpers with their
//     inverses.
package statefulset
