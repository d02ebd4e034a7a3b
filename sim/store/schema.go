// Package store is the simulator's object store: one go-memdb table per kind
// with the indexes the controllers look objects up by, typed queries, and a
// change list per committed transaction that the engine turns into controller
// work (the way informers feed workqueues).
//
// Writes follow one pattern: open a transaction with Write, put or remove
// objects, Commit (which returns the changes) or Abort. Objects in the store
// are never changed in place: Put takes a fresh object.
package store

import (
	"fmt"

	"github.com/hashicorp/go-memdb"

	"stsim/sim/api"
)

// Table names, one per kind.
const (
	TablePods                   = "pods"
	TablePersistentVolumeClaims = "persistentvolumeclaims"
	TablePersistentVolumes      = "persistentvolumes"
	TableStorageClasses         = "storageclasses"
	TableServices               = "services"
	TableEndpointSlices         = "endpointslices"
	TableNodes                  = "nodes"
	TableStatefulSets           = "statefulsets"
	TableDeployments            = "deployments"
	TableReplicaSets            = "replicasets"
	TableControllerRevisions    = "controllerrevisions"
	TableVolumeAttachments      = "volumeattachments"
)

// Index names.
const (
	// IndexID is namespace/name, unique in a table.
	IndexID = "id"
	// IndexOwner holds every ownerReference UID: dependents of an owner.
	IndexOwner = "owner"
	// IndexNode is a pod's spec.nodeName: the pods a kubelet runs.
	IndexNode = "node"
	// IndexClaim is namespace/claimName of each claim a pod mounts: pvc
	// protection and volume attachment ask which pods use a claim.
	IndexClaim = "claim"
	// IndexService is the Service an EndpointSlice belongs to.
	IndexService = "service"
	// IndexPhase is a PersistentVolume's phase: binding looks only at the
	// Available ones.
	IndexPhase = "phase"
	// IndexClaimRef is the namespace/name of the claim a PersistentVolume's
	// claimRef names, or "-" for none: binding a claim looks only at the
	// volumes it may take, not at every volume.
	IndexClaimRef = "claimref"
	// IndexVolume is the PersistentVolume a VolumeAttachment attaches.
	IndexVolume = "volume"
	// IndexOrphan is the namespace of a pod that has no controller, and
	// holds no other pod: a controller looks for pods it may adopt among
	// the few orphans rather than among every pod with its label.
	IndexOrphan = "orphan"
)

// kindTables maps a kind to its table.
var kindTables = map[string]string{
	api.KindPod:                   TablePods,
	api.KindPersistentVolumeClaim: TablePersistentVolumeClaims,
	api.KindPersistentVolume:      TablePersistentVolumes,
	api.KindStorageClass:          TableStorageClasses,
	api.KindService:               TableServices,
	api.KindEndpointSlice:         TableEndpointSlices,
	api.KindNode:                  TableNodes,
	api.KindStatefulSet:           TableStatefulSets,
	api.KindDeployment:            TableDeployments,
	api.KindReplicaSet:            TableReplicaSets,
	api.KindControllerRevision:    TableControllerRevisions,
	api.KindVolumeAttachment:      TableVolumeAttachments,
}

// TableOf returns the table that stores a kind.
func TableOf(kind string) string {
	t, ok := kindTables[kind]
	if !ok {
		panic(fmt.Sprintf("store: no table for kind %q", kind))
	}
	return t
}

func schema() *memdb.DBSchema {
	tables := []*memdb.TableSchema{
		podsTable(), claimsTable(), volumesTable(), storageClassesTable(), servicesTable(), endpointSlicesTable(),
		nodesTable(), statefulSetsTable(), deploymentsTable(), replicaSetsTable(), controllerRevisionsTable(),
		volumeAttachmentsTable(),
	}
	s := &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{}}
	for _, t := range tables {
		s.Tables[t.Name] = t
	}
	return s
}

// claimsTable indexes claims by owner: the garbage collector deletes a
// claim whose owning pod or StatefulSet is gone.
func claimsTable() *memdb.TableSchema { return objectTable(TablePersistentVolumeClaims, ownerIndex()) }

// volumesTable indexes PersistentVolumes by phase and by the claim they
// name: binding looks at the volumes a claim may take only.
func volumesTable() *memdb.TableSchema {
	return objectTable(TablePersistentVolumes,
		&memdb.IndexSchema{Name: IndexPhase, AllowMissing: true, Indexer: single(func(o api.Object) string {
			return o.(*api.PersistentVolume).Status.Phase
		})},
		&memdb.IndexSchema{Name: IndexClaimRef, Indexer: single(func(o api.Object) string {
			if r := o.(*api.PersistentVolume).Spec.ClaimRef; r != nil {
				return r.Namespace + "/" + r.Name
			}
			return NoClaim
		})},
	)
}

// NoClaim is the IndexClaimRef value of a volume whose claimRef is empty.
const NoClaim = "-"

// volumeAttachmentsTable indexes attachments by volume and by node: the
// attach/detach controller asks where a volume is attached, and the
// kubelet whether it is attached to its node.
func volumeAttachmentsTable() *memdb.TableSchema {
	return objectTable(TableVolumeAttachments,
		&memdb.IndexSchema{Name: IndexVolume, Indexer: single(func(o api.Object) string {
			return o.(*api.VolumeAttachment).Spec.PersistentVolumeName
		})},
		&memdb.IndexSchema{Name: IndexNode, Indexer: single(func(o api.Object) string {
			return o.(*api.VolumeAttachment).Spec.NodeName
		})},
	)
}

// storageClassesTable is looked up by name only.
func storageClassesTable() *memdb.TableSchema { return objectTable(TableStorageClasses) }

// servicesTable is looked up by name only (Services are few).
func servicesTable() *memdb.TableSchema { return objectTable(TableServices) }

// endpointSlicesTable indexes slices by their Service, which DNS asks for.
func endpointSlicesTable() *memdb.TableSchema {
	return objectTable(TableEndpointSlices, &memdb.IndexSchema{Name: IndexService, Indexer: single(func(o api.Object) string {
		e := o.(*api.EndpointSlice)
		return e.Namespace + "/" + e.Service
	})})
}

// nodesTable is looked up by name only.
func nodesTable() *memdb.TableSchema { return objectTable(TableNodes) }

// statefulSetsTable is looked up by name only.
func statefulSetsTable() *memdb.TableSchema { return objectTable(TableStatefulSets) }

// deploymentsTable is looked up by name only.
func deploymentsTable() *memdb.TableSchema { return objectTable(TableDeployments) }

// replicaSetsTable indexes ReplicaSets by owner: a Deployment's ReplicaSets.
func replicaSetsTable() *memdb.TableSchema { return objectTable(TableReplicaSets, ownerIndex()) }

// controllerRevisionsTable indexes revisions by owner: a StatefulSet's history.
func controllerRevisionsTable() *memdb.TableSchema {
	return objectTable(TableControllerRevisions, ownerIndex())
}

// objectTable is a table with the id index every kind has, plus extra.
// Objects are found by UID through the store's map of UIDs to keys.
func objectTable(name string, extra ...*memdb.IndexSchema) *memdb.TableSchema {
	t := &memdb.TableSchema{Name: name, Indexes: map[string]*memdb.IndexSchema{
		IndexID: {Name: IndexID, Unique: true, Indexer: keyIndex{}},
	}}
	for _, ix := range extra {
		t.Indexes[ix.Name] = ix
	}
	return t
}

// podsTable indexes pods by owner, node, mounted claims and, for orphans,
// namespace. Controllers that select pods by label keep the pods they
// select from the changes they see.
func podsTable() *memdb.TableSchema {
	return objectTable(TablePods,
		ownerIndex(),
		&memdb.IndexSchema{Name: IndexOrphan, AllowMissing: true, Indexer: single(func(o api.Object) string {
			if p := o.(*api.Pod); p.ControllerRef() == nil {
				return p.Namespace
			}
			return ""
		})},
		&memdb.IndexSchema{Name: IndexNode, AllowMissing: true, Indexer: single(func(o api.Object) string { return o.(*api.Pod).Spec.NodeName })},
		&memdb.IndexSchema{Name: IndexClaim, AllowMissing: true, Indexer: multi(func(o api.Object) []string {
			p := o.(*api.Pod)
			var out []string
			for _, c := range p.ClaimNames() {
				out = append(out, p.Namespace+"/"+c)
			}
			return out
		})},
	)
}

func ownerIndex() *memdb.IndexSchema {
	return &memdb.IndexSchema{Name: IndexOwner, AllowMissing: true, Indexer: multi(func(o api.Object) []string {
		var out []string
		for _, r := range o.Meta().OwnerReferences {
			out = append(out, r.UID)
		}
		return out
	})}
}

// single indexes an object by one string; "" means not indexed.
type single func(api.Object) string

func (f single) FromObject(raw any) (bool, []byte, error) {
	o := objectOf(raw)
	v := f(o)
	if v == "" {
		return false, nil, nil
	}
	return true, indexValue(v, o.Meta()), nil
}

func (f single) FromArgs(args ...any) ([]byte, error) { return argBytes(args) }

// indexValue is v and a NUL, with room after it for the NUL-terminated
// namespace/name that go-memdb appends to the value of a non-unique
// index, so that the append does not copy it again.
func indexValue(v string, m *api.ObjectMeta) []byte {
	b := make([]byte, 0, len(v)+len(m.Namespace)+len(m.Name)+3)
	return append(append(b, v...), 0)
}

// keyIndex indexes an object by its namespace/name (IndexID).
type keyIndex struct{}

func (keyIndex) FromObject(raw any) (bool, []byte, error) {
	m := objectOf(raw).Meta()
	b := make([]byte, 0, len(m.Namespace)+len(m.Name)+2)
	return true, append(append(append(append(b, m.Namespace...), '/'), m.Name...), 0), nil
}

func (keyIndex) FromArgs(args ...any) ([]byte, error) { return argBytes(args) }

// multi indexes an object by several strings.
type multi func(api.Object) []string

func (f multi) FromObject(raw any) (bool, [][]byte, error) {
	o := objectOf(raw)
	vs := f(o)
	if len(vs) == 0 {
		return false, nil, nil
	}
	m := o.Meta()
	out := make([][]byte, len(vs))
	for i, v := range vs {
		out[i] = indexValue(v, m)
	}
	return true, out, nil
}

func (f multi) FromArgs(args ...any) ([]byte, error) { return argBytes(args) }

func argBytes(args []any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("store: want one index argument, got %d", len(args))
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("store: index argument %v is not a string", args[0])
	}
	return []byte(s + "\x00"), nil
}
