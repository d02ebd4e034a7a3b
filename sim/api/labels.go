package api

// Well-known labels and annotations that controllers put on objects and
// that the simulator reads back.
const (
	// LabelHostname and LabelZone are the node labels of the kubelet and
	// the cloud provider; zonal volumes carry the zone label too.
	LabelHostname = "kubernetes.io/hostname"
	LabelZone     = "topology.kubernetes.io/zone"

	// StatefulSetPodNameLabel and PodIndexLabel carry a StatefulSet pod's
	// name and ordinal (apps/v1 StatefulSetPodNameLabel, PodIndexLabel).
	StatefulSetPodNameLabel = "statefulset.kubernetes.io/pod-name"
	PodIndexLabel           = "apps.kubernetes.io/pod-index"
	// ControllerRevisionHashLabel names the ControllerRevision a
	// StatefulSet pod was created from (apps/v1 ControllerRevisionHashLabelKey).
	ControllerRevisionHashLabel = "controller-revision-hash"
	// ControllerHashLabel is the hash label of a ControllerRevision
	// (controller.kubernetes.io/hash, history.ControllerRevisionHashLabel).
	ControllerHashLabel = "controller.kubernetes.io/hash"

	// PodTemplateHashLabel ties a ReplicaSet and its pods to one Deployment
	// template (apps/v1 DefaultDeploymentUniqueLabelKey).
	PodTemplateHashLabel = "pod-template-hash"
	// DeploymentRevisionAnnotation numbers a Deployment's ReplicaSets
	// (deploymentutil.RevisionAnnotation).
	DeploymentRevisionAnnotation = "deployment.kubernetes.io/revision"
)
