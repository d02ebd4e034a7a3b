package store

import (
	"slices"
	"strings"

	"stsim/sim/api"
)

// Pod returns the pod with key namespace/name, or nil.
func (t *Txn) Pod(key string) *api.Pod { return byKey[*api.Pod](t, TablePods, key) }

// Pods lists every pod by namespace/name.
func (t *Txn) Pods() []*api.Pod { return list[*api.Pod](t, TablePods, IndexID) }

// PodsOwnedBy lists the pods with an ownerReference to uid.
func (t *Txn) PodsOwnedBy(uid string) []*api.Pod {
	return list[*api.Pod](t, TablePods, IndexOwner, uid)
}

// OrphanPods lists the pods of a namespace that have no controller.
func (t *Txn) OrphanPods(namespace string) []*api.Pod {
	return list[*api.Pod](t, TablePods, IndexOrphan, namespace)
}

// PodsOnNode lists the pods bound to a node.
func (t *Txn) PodsOnNode(node string) []*api.Pod {
	return list[*api.Pod](t, TablePods, IndexNode, node)
}

// PodsUsingClaim lists the pods that mount namespace/claim.
func (t *Txn) PodsUsingClaim(key string) []*api.Pod {
	return list[*api.Pod](t, TablePods, IndexClaim, key)
}

// Claim returns the PersistentVolumeClaim namespace/name, or nil.
func (t *Txn) Claim(key string) *api.PersistentVolumeClaim {
	return byKey[*api.PersistentVolumeClaim](t, TablePersistentVolumeClaims, key)
}

// Claims lists every claim.
func (t *Txn) Claims() []*api.PersistentVolumeClaim {
	return list[*api.PersistentVolumeClaim](t, TablePersistentVolumeClaims, IndexID)
}

// ClaimsOwnedBy lists the claims with an ownerReference to uid.
func (t *Txn) ClaimsOwnedBy(uid string) []*api.PersistentVolumeClaim {
	return list[*api.PersistentVolumeClaim](t, TablePersistentVolumeClaims, IndexOwner, uid)
}

// Volume returns the PersistentVolume with that name, or nil.
func (t *Txn) Volume(name string) *api.PersistentVolume {
	return byKey[*api.PersistentVolume](t, TablePersistentVolumes, "/"+name)
}

// VolumesInPhase lists the PersistentVolumes in a phase, such as Available.
func (t *Txn) VolumesInPhase(phase string) []*api.PersistentVolume {
	return list[*api.PersistentVolume](t, TablePersistentVolumes, IndexPhase, phase)
}

// VolumesForClaim lists, by name, the PersistentVolumes a claim may bind:
// those whose claimRef names namespace/name and those with no claimRef.
// Every other volume is bound to another claim, and binding skips it.
func (t *Txn) VolumesForClaim(namespace, name string) []*api.PersistentVolume {
	named := list[*api.PersistentVolume](t, TablePersistentVolumes, IndexClaimRef, namespace+"/"+name)
	free := list[*api.PersistentVolume](t, TablePersistentVolumes, IndexClaimRef, NoClaim)
	if len(named) == 0 {
		return free
	}
	out := append(named, free...)
	slices.SortFunc(out, func(a, b *api.PersistentVolume) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Volumes lists every PersistentVolume by name.
func (t *Txn) Volumes() []*api.PersistentVolume {
	return list[*api.PersistentVolume](t, TablePersistentVolumes, IndexID)
}

// VolumeAttachment returns the attachment with that name, or nil.
func (t *Txn) VolumeAttachment(name string) *api.VolumeAttachment {
	return byKey[*api.VolumeAttachment](t, TableVolumeAttachments, "/"+name)
}

// AttachmentsOfVolume lists the attachments of a PersistentVolume, by name.
func (t *Txn) AttachmentsOfVolume(pv string) []*api.VolumeAttachment {
	return list[*api.VolumeAttachment](t, TableVolumeAttachments, IndexVolume, pv)
}

// AttachmentsOnNode lists the attachments to a node, by name.
func (t *Txn) AttachmentsOnNode(node string) []*api.VolumeAttachment {
	return list[*api.VolumeAttachment](t, TableVolumeAttachments, IndexNode, node)
}

// StorageClass returns the class with that name, or nil.
func (t *Txn) StorageClass(name string) *api.StorageClass {
	return byKey[*api.StorageClass](t, TableStorageClasses, "/"+name)
}

// StorageClasses lists every StorageClass.
func (t *Txn) StorageClasses() []*api.StorageClass {
	return list[*api.StorageClass](t, TableStorageClasses, IndexID)
}

// Service returns the Service namespace/name, or nil.
func (t *Txn) Service(key string) *api.Service {
	return byKey[*api.Service](t, TableServices, key)
}

// Services lists every Service.
func (t *Txn) Services() []*api.Service { return list[*api.Service](t, TableServices, IndexID) }

// EndpointSlices lists the slices of Service namespace/name, by name.
func (t *Txn) EndpointSlices(serviceKey string) []*api.EndpointSlice {
	return list[*api.EndpointSlice](t, TableEndpointSlices, IndexService, serviceKey)
}

// Node returns the node with that name, or nil.
func (t *Txn) Node(name string) *api.Node { return byKey[*api.Node](t, TableNodes, "/"+name) }

// Nodes lists every node by name.
func (t *Txn) Nodes() []*api.Node { return list[*api.Node](t, TableNodes, IndexID) }

// StatefulSet returns the StatefulSet namespace/name, or nil.
func (t *Txn) StatefulSet(key string) *api.StatefulSet {
	return byKey[*api.StatefulSet](t, TableStatefulSets, key)
}

// StatefulSets lists every StatefulSet.
func (t *Txn) StatefulSets() []*api.StatefulSet {
	return list[*api.StatefulSet](t, TableStatefulSets, IndexID)
}

// Deployment returns the Deployment namespace/name, or nil.
func (t *Txn) Deployment(key string) *api.Deployment {
	return byKey[*api.Deployment](t, TableDeployments, key)
}

// Deployments lists every Deployment.
func (t *Txn) Deployments() []*api.Deployment {
	return list[*api.Deployment](t, TableDeployments, IndexID)
}

// ReplicaSet returns the ReplicaSet namespace/name, or nil.
func (t *Txn) ReplicaSet(key string) *api.ReplicaSet {
	return byKey[*api.ReplicaSet](t, TableReplicaSets, key)
}

// ReplicaSets lists every ReplicaSet (they are few: one per Deployment
// revision).
func (t *Txn) ReplicaSets() []*api.ReplicaSet {
	return list[*api.ReplicaSet](t, TableReplicaSets, IndexID)
}

// ReplicaSetsOwnedBy lists the ReplicaSets owned by uid.
func (t *Txn) ReplicaSetsOwnedBy(uid string) []*api.ReplicaSet {
	return list[*api.ReplicaSet](t, TableReplicaSets, IndexOwner, uid)
}

// ControllerRevision returns the revision namespace/name, or nil.
func (t *Txn) ControllerRevision(key string) *api.ControllerRevision {
	return byKey[*api.ControllerRevision](t, TableControllerRevisions, key)
}

// ControllerRevisions lists every ControllerRevision (they are few: a
// controller's history).
func (t *Txn) ControllerRevisions() []*api.ControllerRevision {
	return list[*api.ControllerRevision](t, TableControllerRevisions, IndexID)
}

// ControllerRevisionsOwnedBy lists the revisions owned by uid.
func (t *Txn) ControllerRevisionsOwnedBy(uid string) []*api.ControllerRevision {
	return list[*api.ControllerRevision](t, TableControllerRevisions, IndexOwner, uid)
}

// Get returns the object of a kind with key namespace/name ("/name" for
// cluster-scoped kinds), or nil.
func (t *Txn) Get(kind, key string) api.Object {
	if _, ok := kindTables[kind]; !ok {
		return nil
	}
	return t.get(TableOf(kind), key)
}

// ByUID returns the object of a kind with that UID, or nil.
func (t *Txn) ByUID(kind, uid string) api.Object {
	k, ok := t.s.uids[uid]
	if !ok || k.table != kindTables[kind] {
		return nil
	}
	if o := t.get(k.table, k.key); o != nil && o.Meta().UID == uid {
		return o
	}
	return nil
}

// Dependents lists the objects of a kind with an ownerReference to uid.
// Kinds without an owner index have none.
func (t *Txn) Dependents(kind, uid string) []api.Object {
	switch kind {
	case api.KindPod, api.KindPersistentVolumeClaim, api.KindReplicaSet, api.KindControllerRevision:
		return list[api.Object](t, TableOf(kind), IndexOwner, uid)
	}
	return nil
}
