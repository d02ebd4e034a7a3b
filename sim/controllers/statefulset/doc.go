// Package statefulset is the StatefulSet controller, following
// pkg/controller/statefulset of Kubernetes v1.37: stable pod names
// "<set>-<ordinal>", claims "<template>-<set>-<ordinal>" created before
// their pod, OrderedReady creation in ascending and deletion in descending
// ordinal order (or Parallel), ControllerRevisions for templates, the
// RollingUpdate strategy with partition and maxUnavailable, OnDelete, and
// status. Identity helpers live in identity.go; revisions in revisions.go.
package statefulset
