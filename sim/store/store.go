package store

import (
	"fmt"
	"slices"

	"github.com/hashicorp/go-memdb"

	"stsim/sim/api"
)

// Store holds every simulated object.
type Store struct {
	db *memdb.MemDB
	rv uint64
}

// Change is one object written or removed by a committed transaction. Old is
// nil for a created object, New nil for a removed one.
type Change struct {
	Kind string
	Old  api.Object
	New  api.Object
}

// Object returns New, or Old for a removal.
func (c Change) Object() api.Object {
	if c.New != nil {
		return c.New
	}
	return c.Old
}

// ControllerKeys is the namespace/name of the controller of kind that
// manages the changed object, before and after the change (each once): an
// informer's update handler wakes the old controller and the new one.
func (c Change) ControllerKeys(kind string) []string {
	var keys []string
	for _, o := range []api.Object{c.Old, c.New} {
		if o == nil {
			continue
		}
		if r := o.Meta().ControllerRef(); r != nil && r.Kind == kind {
			if k := o.Meta().Namespace + "/" + r.Name; !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// New returns an empty store.
func New() *Store {
	db, err := memdb.NewMemDB(schema())
	if err != nil {
		panic(fmt.Sprintf("store: bad schema: %v", err))
	}
	return &Store{db: db}
}

// Txn is a read or write transaction with typed queries.
type Txn struct {
	s       *Store
	tx      *memdb.Txn
	changes []Change
}

// Read opens a read-only transaction (a snapshot).
func (s *Store) Read() *Txn { return &Txn{s: s, tx: s.db.Txn(false)} }

// Write opens the write transaction. The caller must Commit or Abort it.
func (s *Store) Write() *Txn { return &Txn{s: s, tx: s.db.Txn(true)} }

// Commit makes the writes visible to new transactions and returns the
// changes not yet taken, in write order.
func (t *Txn) Commit() []Change {
	t.tx.Commit()
	return t.TakeChanges()
}

// TakeChanges returns the changes written since the last call (or since
// the transaction began), in write order, and forgets them. The writes stay
// in the transaction.
func (t *Txn) TakeChanges() []Change {
	c := t.changes
	t.changes = nil
	return c
}

// Abort drops the writes; harmless after Commit.
func (t *Txn) Abort() { t.tx.Abort() }

// Put inserts or replaces obj, which must be a fresh object the caller no
// longer changes. It stamps the next resourceVersion. A Put of an object
// equal to the stored one is still recorded; callers skip no-op writes.
func (t *Txn) Put(obj api.Object) {
	table := TableOf(obj.GetKind())
	old := t.get(table, obj.Meta().Key())
	if old == obj {
		panic(fmt.Sprintf("store: %s %s put without a copy (objects are never changed in place)", obj.GetKind(), obj.Meta().Key()))
	}
	t.s.rv++
	obj.Meta().ResourceVersion = t.s.rv
	if err := t.tx.Insert(table, obj); err != nil {
		panic(fmt.Sprintf("store: insert %s %s: %v", obj.GetKind(), obj.Meta().Key(), err))
	}
	t.changes = append(t.changes, Change{Kind: obj.GetKind(), Old: old, New: obj})
}

// Remove deletes the stored object with obj's kind and key, if any.
func (t *Txn) Remove(obj api.Object) {
	table := TableOf(obj.GetKind())
	old := t.get(table, obj.Meta().Key())
	if old == nil {
		return
	}
	if err := t.tx.Delete(table, old); err != nil {
		panic(fmt.Sprintf("store: delete %s %s: %v", obj.GetKind(), obj.Meta().Key(), err))
	}
	t.changes = append(t.changes, Change{Kind: obj.GetKind(), Old: old})
}

func (t *Txn) get(table, key string) api.Object {
	raw, err := t.tx.First(table, IndexID, key)
	if err != nil {
		panic(fmt.Sprintf("store: %s by id: %v", table, err))
	}
	if raw == nil {
		return nil
	}
	return raw.(api.Object)
}

// list returns every object of a table matching index=arg, in index order
// (which for equal index values is the id order: namespace/name).
func list[T api.Object](t *Txn, table, index string, args ...any) []T {
	it, err := t.tx.Get(table, index, args...)
	if err != nil {
		panic(fmt.Sprintf("store: %s by %s: %v", table, index, err))
	}
	var out []T
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, raw.(T))
	}
	return out
}

func first[T api.Object](t *Txn, table, index string, arg string) T {
	var zero T
	raw, err := t.tx.First(table, index, arg)
	if err != nil {
		panic(fmt.Sprintf("store: %s by %s: %v", table, index, err))
	}
	if raw == nil {
		return zero
	}
	return raw.(T)
}
