package apiserver

import (
	"maps"

	"stsim/sim/api"
)

// Namespaced reports whether objects of a kind live in a namespace.
func Namespaced(kind string) bool {
	switch kind {
	case api.KindNode, api.KindPersistentVolume, api.KindStorageClass, api.KindVolumeAttachment:
		return false
	}
	return true
}

// Admit defaults and validates a new object as the API server's create
// handler does: a namespaced object without a namespace gets "default" and
// a cluster-scoped one loses its namespace (rest.BeforeCreate), then the
// kind's defaulting runs (the SetDefaults_* functions), then its validation.
// It changes obj in place and stores nothing. Create calls it on every new
// object; the scenario loader calls it on each manifest, as
// `kubectl apply --dry-run=server` would, to report errors at load time.
// Defaulting lives here and nowhere else.
func Admit(obj api.Object) error {
	m := obj.Meta()
	switch {
	case !Namespaced(obj.GetKind()):
		m.Namespace = ""
	case m.Namespace == "":
		m.Namespace = api.DefaultNamespace
	}
	switch o := obj.(type) {
	case *api.StatefulSet:
		api.SetDefaultsStatefulSet(o)
		return api.ValidateStatefulSet(o)
	case *api.Deployment:
		api.SetDefaultsDeployment(o)
		return api.ValidateDeployment(o)
	case *api.Service:
		api.SetDefaultsService(o)
		return api.ValidateService(o)
	case *api.PersistentVolumeClaim:
		api.SetDefaultsPersistentVolumeClaim(o)
		return api.ValidatePersistentVolumeClaim(o)
	case *api.PersistentVolume:
		api.SetDefaultsPersistentVolume(o)
		return api.ValidatePersistentVolume(o)
	case *api.StorageClass:
		api.SetDefaultsStorageClass(o)
		return api.ValidateStorageClass(o)
	case *api.Pod:
		api.SetDefaultsPodSpec(&o.Spec)
		api.SetDefaultsPodResources(o)
		DefaultTolerationSeconds(o)
		return api.ValidatePod(o)
	}
	return nil
}

// admitUpdate defaults and validates an update of old to obj as the update
// handler does: a workload may change only the fields its update strategy
// allows (ValidateStatefulSetUpdate, ValidateDeploymentUpdate), a Service
// keeps its cluster IP and a claim its spec (ValidateServiceUpdate,
// ValidatePersistentVolumeClaimUpdate).
func admitUpdate(obj, old api.Object) error {
	switch o := obj.(type) {
	case *api.StatefulSet:
		api.SetDefaultsStatefulSet(o)
		return api.ValidateStatefulSetUpdate(o, old.(*api.StatefulSet))
	case *api.Deployment:
		api.SetDefaultsDeployment(o)
		return api.ValidateDeploymentUpdate(o, old.(*api.Deployment))
	case *api.Service:
		api.SetDefaultsService(o)
		return api.ValidateServiceUpdate(o, old.(*api.Service))
	case *api.PersistentVolumeClaim:
		return api.ValidatePersistentVolumeClaimUpdate(o, old.(*api.PersistentVolumeClaim))
	case *api.Pod:
		// A pod's labels are checked again when they change (the kubelet's
		// status writes leave them alone).
		if !maps.Equal(o.Labels, old.Meta().Labels) {
			return api.ValidatePod(o)
		}
	}
	return nil
}

// DefaultNotReadyTolerationSeconds and DefaultUnreachableTolerationSeconds
// are the kube-apiserver flags --default-not-ready-toleration-seconds and
// --default-unreachable-toleration-seconds.
const (
	DefaultNotReadyTolerationSeconds    = 300
	DefaultUnreachableTolerationSeconds = 300
)

// DefaultTolerationSeconds is the DefaultTolerationSeconds admission
// plugin (plugin/pkg/admission/defaulttolerationseconds, Admit): a pod that
// does not already tolerate node.kubernetes.io/not-ready:NoExecute, or
// node.kubernetes.io/unreachable:NoExecute, gets a toleration of it
// (operator Exists) for 300 seconds, appended after its own. A toleration
// with an empty key or an empty effect counts as tolerating them.
func DefaultTolerationSeconds(p *api.Pod) {
	notReady, unreachable := false, false
	for _, t := range p.Spec.Tolerations {
		noExecute := t.Effect == api.TaintNoExecute || t.Effect == ""
		notReady = notReady || (t.Key == api.TaintNodeNotReady || t.Key == "") && noExecute
		unreachable = unreachable || (t.Key == api.TaintNodeUnreachable || t.Key == "") && noExecute
	}
	seconds := func(s int64) *int64 { return &s }
	if !notReady {
		p.Spec.Tolerations = append(p.Spec.Tolerations, api.Toleration{Key: api.TaintNodeNotReady, Operator: api.TolerationOpExists,
			Effect: api.TaintNoExecute, TolerationSeconds: seconds(DefaultNotReadyTolerationSeconds)})
	}
	if !unreachable {
		p.Spec.Tolerations = append(p.Spec.Tolerations, api.Toleration{Key: api.TaintNodeUnreachable, Operator: api.TolerationOpExists,
			Effect: api.TaintNoExecute, TolerationSeconds: seconds(DefaultUnreachableTolerationSeconds)})
	}
}
