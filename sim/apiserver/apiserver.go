// Package apiserver is the simulated API server: the only way objects are
// written. It admits new objects (defaulting and validation, admission.go),
// names them (generateName with the apiserver's 5-character suffix), gives
// UIDs from the run's seeded source, stamps creation and deletion times,
// bumps metadata.generation on spec changes, validates workload updates,
// runs graceful pod deletion and finalizers, and hands every event
// (`kubectl get events`) to its watchers.
package apiserver

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"time"

	"stsim/limits"
	"stsim/sim/api"
	"stsim/sim/naming"
	"stsim/sim/store"
)

// PVCProtectionFinalizer keeps a claim while a pod uses it, and
// PVProtectionFinalizer a volume while it is bound (the
// StorageObjectInUseProtection admission plugin adds them on create).
const (
	PVCProtectionFinalizer = "kubernetes.io/pvc-protection"
	PVProtectionFinalizer  = "kubernetes.io/pv-protection"
)

// DefaultStorageClass is the DefaultStorageClass admission plugin's choice
// (GetDefaultClass in k8s.io/component-helpers/storage/volume): among the
// classes marked default, the newest, then the first by name; nil if none.
// The PV controller's assignDefaultStorageClass makes the same choice.
func DefaultStorageClass(tx *store.Txn) *api.StorageClass {
	var def *api.StorageClass
	for _, sc := range tx.StorageClasses() {
		if sc.IsDefault() && (def == nil || sc.CreationTimestamp > def.CreationTimestamp) {
			def = sc
		}
	}
	return def
}

// ErrNotFound and ErrAlreadyExists are the apiserver's 404 and 409 answers.
var (
	ErrNotFound      = errors.New("not found")
	ErrAlreadyExists = errors.New("already exists")
)

// Server holds the state the API server keeps across requests.
type Server struct {
	rng *rand.Rand
	// clusterIPs counts the ClusterIPs handed out from 10.96.0.0/16.
	clusterIPs int
	// attachments counts the VolumeAttachments created (their UIDs).
	attachments int
	watchers    []func(api.Event)
	// podLimit and eventLimit cap the pods created and the events
	// recorded (0: no cap), pods and events count them, and exceeded is
	// set once one passed its cap.
	podLimit, pods     int
	eventLimit, events int
	exceeded           error
}

// New returns a server drawing names and UIDs from rng.
func New(rng *rand.Rand) *Server { return &Server{rng: rng} }

// WatchEvents registers a function that sees every event as it is
// recorded; the server keeps none itself.
func (s *Server) WatchEvents(f func(api.Event)) { s.watchers = append(s.watchers, f) }

// Limit caps the pods created and the events recorded. A pod create past
// the cap fails with a *limits.Error, and an event past it is dropped;
// Exceeded then returns that error, and the run must stop (a controller
// would retry the create for ever).
func (s *Server) Limit(l limits.Limits) { s.podLimit, s.eventLimit = l.Pods, l.Events }

// Exceeded is the error of the first create that passed a cap, or nil.
func (s *Server) Exceeded() error { return s.exceeded }

// Client issues requests at one instant inside one store transaction.
type Client struct {
	s   *Server
	tx  *store.Txn
	now time.Duration
}

// Client returns a client writing through tx at time now.
func (s *Server) Client(tx *store.Txn, now time.Duration) *Client {
	return &Client{s: s, tx: tx, now: now}
}

// Txn is the transaction the client writes through; reads on it see the
// client's own writes.
func (c *Client) Txn() *store.Txn { return c.tx }

// Now is the instant of the requests.
func (c *Client) Now() time.Duration { return c.now }

// Rand is the run's seeded random source.
func (c *Client) Rand() *rand.Rand { return c.s.rng }

// Event records an event about obj.
func (c *Client) Event(obj api.Object, typ, reason, format string, args ...any) {
	if c.s.eventLimit > 0 {
		if c.s.events >= c.s.eventLimit {
			if c.s.exceeded == nil {
				c.s.exceeded = &limits.Error{What: fmt.Sprintf("at %v the run records more than %s", c.now, limits.Count(c.s.eventLimit, "event")), Flag: "max-events"}
			}
			return
		}
		c.s.events++
	}
	e := api.Event{Time: c.now, Type: typ, Kind: obj.GetKind(), Name: obj.Meta().Name, Reason: reason, Message: fmt.Sprintf(format, args...)}
	for _, w := range c.s.watchers {
		w(e)
	}
}

func (c *Client) existing(obj api.Object) api.Object {
	return c.tx.ByUID(obj.GetKind(), obj.Meta().UID)
}

// Create stores a new object: it resolves generateName, admits the object
// (Admit), sets its UID, creation time and generation, and adds admission
// finalizers. obj must be fresh; on success it is the stored object.
func (c *Client) Create(obj api.Object) error {
	m := obj.Meta()
	if Namespaced(obj.GetKind()) && m.Namespace == "" {
		m.Namespace = api.DefaultNamespace
	}
	if m.Name == "" && m.GenerateName != "" {
		// SimpleNameGenerator: the base is cut to 58 characters and 5 random
		// characters from the apiserver alphabet are appended
		// (k8s.io/apiserver/pkg/storage/names GenerateName). A clash is
		// retried, as the create would fail with AlreadyExists and be retried.
		for {
			m.Name = naming.GenerateName(c.s.rng, m.GenerateName)
			if c.tx.Get(obj.GetKind(), m.Key()) == nil {
				break
			}
		}
	}
	if m.Name == "" {
		return fmt.Errorf("%s: metadata.name: Required value: name or generateName is required", obj.GetKind())
	}
	if err := Admit(obj); err != nil {
		return err
	}
	if c.tx.Get(obj.GetKind(), m.Key()) != nil {
		return fmt.Errorf("%s %q %w", obj.GetKind(), m.Name, ErrAlreadyExists)
	}
	if obj.GetKind() == api.KindPod && c.s.podLimit > 0 {
		if c.s.pods >= c.s.podLimit {
			if c.s.exceeded == nil {
				c.s.exceeded = &limits.Error{What: fmt.Sprintf("at %v the run creates more than %s", c.now, limits.Count(c.s.podLimit, "pod")), Flag: "max-pods"}
			}
			return c.s.exceeded
		}
		c.s.pods++
	}
	if obj.GetKind() == api.KindVolumeAttachment {
		// The attach/detach controller's objects are internal to stsim's
		// storage model: their UIDs come from a counter, not from the
		// seeded source, so attaching a volume does not renumber the UIDs
		// of every object created after it.
		c.s.attachments++
		m.UID = fmt.Sprintf("00000000-0000-4000-8000-%012x", c.s.attachments)
	} else {
		m.UID = naming.UID(c.s.rng)
	}
	m.CreationTimestamp = c.now
	m.Generation = 1
	m.DeletionTimestamp = nil
	if svc, ok := obj.(*api.Service); ok && svc.Spec.ClusterIP == "" {
		c.s.clusterIPs++ // the Service IP allocator; 10.96.0.1 is the kubernetes Service
		svc.Spec.ClusterIP = fmt.Sprintf("10.96.%d.%d", (c.s.clusterIPs+1)/256, (c.s.clusterIPs+1)%256)
	}
	if p, ok := obj.(*api.Pod); ok && p.Status.Phase == "" {
		p.Status.Phase = api.PodPending // the pod strategy's PrepareForCreate
	}
	if obj.GetKind() == api.KindPersistentVolumeClaim && !slices.Contains(m.Finalizers, PVCProtectionFinalizer) {
		m.Finalizers = append(m.Finalizers, PVCProtectionFinalizer)
	}
	if obj.GetKind() == api.KindPersistentVolume && !slices.Contains(m.Finalizers, PVProtectionFinalizer) {
		m.Finalizers = append(m.Finalizers, PVProtectionFinalizer)
	}
	if cl, ok := obj.(*api.PersistentVolumeClaim); ok && cl.Spec.StorageClassName == nil {
		if def := DefaultStorageClass(c.tx); def != nil {
			cl.Spec.StorageClassName = &def.Name
		}
	}
	c.tx.Put(obj)
	return nil
}

// Update replaces a stored object with obj (a changed clone of it). The
// generation is bumped when the spec changed; a workload update is validated
// as the apiserver's update strategy does. An update that drops the last
// finalizer of an object being deleted removes it.
func (c *Client) Update(obj api.Object) error {
	old := c.existing(obj)
	if old == nil {
		return fmt.Errorf("%s %q %w", obj.GetKind(), obj.Meta().Name, ErrNotFound)
	}
	if err := admitUpdate(obj, old); err != nil {
		return err
	}
	m := keepMeta(obj, old)
	if specChanged(obj, old) {
		m.Generation++
	}
	if m.DeletionTimestamp != nil && len(m.Finalizers) == 0 && obj.GetKind() != api.KindPod {
		c.tx.Remove(obj)
		return nil
	}
	c.tx.Put(obj)
	return nil
}

// UpdateStatus writes obj's status through the status subresource: the
// stored spec stays (the status strategies' PrepareForUpdate), so it is
// not validated again, and so does the generation.
func (c *Client) UpdateStatus(obj api.Object) error {
	old := c.existing(obj)
	if old == nil {
		return fmt.Errorf("%s %q %w", obj.GetKind(), obj.Meta().Name, ErrNotFound)
	}
	switch o := obj.(type) {
	case *api.StatefulSet:
		o.Spec = old.(*api.StatefulSet).Spec
	case *api.ReplicaSet:
		o.Spec = old.(*api.ReplicaSet).Spec
	default:
		return fmt.Errorf("%s has no status subresource here", obj.GetKind())
	}
	keepMeta(obj, old)
	c.tx.Put(obj)
	return nil
}

// keepMeta gives obj the metadata an update cannot change: the stored
// object's UID, creation and deletion times and generation.
func keepMeta(obj, old api.Object) *api.ObjectMeta {
	m, om := obj.Meta(), old.Meta()
	m.UID, m.CreationTimestamp, m.DeletionTimestamp, m.DeletionGracePeriodSeconds = om.UID, om.CreationTimestamp, om.DeletionTimestamp, om.DeletionGracePeriodSeconds
	m.Generation = om.Generation
	return m
}

func specChanged(obj, old api.Object) bool {
	switch o := obj.(type) {
	case *api.StatefulSet:
		return !reflect.DeepEqual(o.Spec, old.(*api.StatefulSet).Spec)
	case *api.Deployment:
		return !reflect.DeepEqual(o.Spec, old.(*api.Deployment).Spec)
	case *api.ReplicaSet:
		return !reflect.DeepEqual(o.Spec, old.(*api.ReplicaSet).Spec)
	}
	return false
}

// DeleteOptions are the options of a delete request.
type DeleteOptions struct {
	// GracePeriodSeconds overrides the pod's terminationGracePeriodSeconds;
	// 0 with a pod is a force deletion.
	GracePeriodSeconds *int64
	// PropagationPolicy says what happens to the object's dependents:
	// Background (the default), Foreground or Orphan.
	PropagationPolicy string
}

// Propagation policies and the finalizers that carry them to the garbage
// collector (metav1.DeletePropagation*, metav1.FinalizerOrphanDependents,
// metav1.FinalizerDeleteDependents).
const (
	PropagationBackground = "Background"
	PropagationForeground = "Foreground"
	PropagationOrphan     = "Orphan"
	FinalizerOrphan       = "orphan"
	FinalizerForeground   = "foregroundDeletion"
)

// Delete requests deletion of the object of kind with key namespace/name
// (or "/name" for cluster-scoped kinds). A scheduled pod gets a
// deletionTimestamp and stays until its kubelet confirms (graceful
// deletion); an unscheduled pod, or one deleted with grace period 0, goes at
// once. Another object deleted with the Orphan or Foreground policy gets
// that policy's finalizer; an object with finalizers gets a
// deletionTimestamp and stays until they are removed. Everything else is
// removed; the garbage collector then deletes its dependents.
func (c *Client) Delete(kind, key string, opt DeleteOptions) error {
	obj := c.tx.Get(kind, key)
	if obj == nil {
		return fmt.Errorf("%s %q %w", kind, key, ErrNotFound)
	}
	m := obj.Meta()
	if p, ok := obj.(*api.Pod); ok {
		grace := p.GracePeriodSeconds()
		if opt.GracePeriodSeconds != nil {
			grace = *opt.GracePeriodSeconds
		}
		if p.Spec.NodeName == "" || grace == 0 {
			c.tx.Remove(p)
			return nil
		}
		if m.DeletionTimestamp != nil && (m.DeletionGracePeriodSeconds == nil || *m.DeletionGracePeriodSeconds <= grace) {
			return nil // already terminating with a grace period no longer than this one
		}
		n := p.DeepCopy()
		now := c.now
		n.DeletionTimestamp, n.DeletionGracePeriodSeconds = &now, &grace
		c.tx.Put(n)
		return nil
	}
	if m.DeletionTimestamp != nil {
		return nil // being deleted already
	}
	finalizer := map[string]string{PropagationOrphan: FinalizerOrphan, PropagationForeground: FinalizerForeground}[opt.PropagationPolicy]
	if len(m.Finalizers) == 0 && finalizer == "" {
		c.tx.Remove(obj)
		return nil
	}
	// The garbage collector orphans or deletes the dependents first and
	// then removes its finalizer (BeforeDelete's deletion finalizers).
	n := obj.DeepCopyObject()
	now := c.now
	n.Meta().DeletionTimestamp = &now
	if finalizer != "" && !slices.Contains(n.Meta().Finalizers, finalizer) {
		n.Meta().Finalizers = append(n.Meta().Finalizers, finalizer)
	}
	c.tx.Put(n)
	return nil
}

// Remove takes an object out of the store for good: a kubelet confirming a
// pod's termination, or a controller cleaning up.
func (c *Client) Remove(obj api.Object) { c.tx.Remove(obj) }
