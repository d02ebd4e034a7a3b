package apiserver

import (
	"maps"

	"stsim/sim/api"
)

// Namespaced reports whether objects of a kind live in a namespace.
func Namespaced(kind string) bool {
	switch kind {
	case api.KindNode, api.KindPersistentVolume, api.KindStorageClass:
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
	case *api.StorageClass:
		return api.ValidateStorageClass(o)
	case *api.Pod:
		api.SetDefaultsPodSpec(&o.Spec)
		return api.ValidatePod(o)
	}
	return nil
}

// admitUpdate defaults and validates an update of old to obj as the update
// handler does: a workload may change only the fields its update strategy
// allows (ValidateStatefulSetUpdate, ValidateDeploymentUpdate).
func admitUpdate(obj, old api.Object) error {
	switch o := obj.(type) {
	case *api.StatefulSet:
		api.SetDefaultsStatefulSet(o)
		return api.ValidateStatefulSetUpdate(o, old.(*api.StatefulSet))
	case *api.Deployment:
		api.SetDefaultsDeployment(o)
		return api.ValidateDeploymentUpdate(o, old.(*api.Deployment))
	case *api.Pod:
		// A pod's labels are checked again when they change (the kubelet's
		// status writes leave them alone).
		if !maps.Equal(o.Labels, old.Meta().Labels) {
			return api.ValidatePod(o)
		}
	}
	return nil
}
