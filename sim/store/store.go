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
	// latest holds each object as the write transaction sees it, by table
	// and key: by-key reads in a write transaction (every Put's, and most
	// controllers' look-ups) are map look-ups instead of go-memdb reads,
	// which in a write transaction clone the index's radix transaction and
	// drop its cache of copied nodes, so that the next write copies its
	// whole path again. There is one write transaction at a time.
	latest map[tableKey]api.Object
	// writes counts the writes (puts and removals) of each table, aborted
	// ones included: a controller that caches what it found about objects
	// of a table sees from the count whether any of them may have changed.
	writes map[string]uint64
	// uids maps every UID ever stored to its object's table and key (an
	// object keeps both for life): ByUID looks the key up, in the
	// transaction's view, rather than keep a go-memdb index that every
	// write would update.
	uids map[string]tableKey
}

// tableKey is an object's table and namespace/name.
type tableKey struct{ table, key string }

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
	// A snapshot is a database of its own that does not track the watch
	// channels of the nodes a write copies (nothing here watches), which
	// every commit of the primary closes, walking the whole changed tree
	// once more than 8,192 nodes changed.
	return &Store{db: db.Snapshot(), latest: map[tableKey]api.Object{}, writes: map[string]uint64{}, uids: map[string]tableKey{}}
}

// Txn is a read or write transaction with typed queries.
type Txn struct {
	s       *Store
	tx      *memdb.Txn
	write   bool
	changes []Change
	// undo holds what latest held before each write of this transaction,
	// for Abort.
	undo []undoEntry
	// unflushed counts the writes since the go-memdb transaction began.
	unflushed int
	flushed   bool
	committed bool
}

// flushAfter is the number of writes after which a write transaction
// commits its go-memdb transaction and goes on in a new one. go-memdb
// copies the path of every index entry a write changes, but once per
// transaction: it remembers the copies, up to 8,192 per index, and a
// transaction that writes more than that (creating 10,000 pods in one
// instant) copies the same paths again and again. No one reads the
// store between the two go-memdb transactions, so this changes nothing
// but the cost; a transaction that flushed cannot be aborted.
const flushAfter = 1000

// undoEntry is latest's entry for k before a write.
type undoEntry struct {
	k   tableKey
	old api.Object
}

// Read opens a read-only transaction (a snapshot).
func (s *Store) Read() *Txn { return &Txn{s: s, tx: s.db.Txn(false)} }

// Write opens the write transaction. The caller must Commit or Abort it.
func (s *Store) Write() *Txn { return &Txn{s: s, tx: s.db.Txn(true), write: true} }

// Commit makes the writes visible to new transactions and returns the
// changes not yet taken, in write order.
func (t *Txn) Commit() []Change {
	t.tx.Commit()
	t.undo, t.committed = nil, true
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

// Abort drops the writes; harmless after Commit. A transaction that wrote
// more than flushAfter objects cannot be aborted (the engine never aborts).
func (t *Txn) Abort() {
	if t.committed {
		return
	}
	if t.flushed {
		panic("store: abort of a transaction that flushed its writes")
	}
	t.tx.Abort()
	for i := len(t.undo) - 1; i >= 0; i-- {
		u := t.undo[i]
		if u.old == nil {
			delete(t.s.latest, u.k)
		} else {
			t.s.latest[u.k] = u.old
		}
	}
	t.undo = nil
}

// wrote counts a write, and flushes the go-memdb transaction every
// flushAfter writes.
func (t *Txn) wrote() {
	t.unflushed++
	if t.unflushed >= flushAfter {
		t.tx.Commit()
		t.tx = t.s.db.Txn(true)
		t.unflushed, t.flushed = 0, true
		t.undo = nil // it cannot be aborted now: let the old objects go
	}
}

// remember records obj (nil: removed) as the latest of k.
func (t *Txn) remember(k tableKey, old, obj api.Object) {
	t.undo = append(t.undo, undoEntry{k, old})
	if obj == nil {
		delete(t.s.latest, k)
	} else {
		t.s.latest[k] = obj
	}
}

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
	t.s.writes[table]++
	obj.Meta().ResourceVersion = t.s.rv
	if err := t.tx.Insert(table, obj); err != nil {
		panic(fmt.Sprintf("store: insert %s %s: %v", obj.GetKind(), obj.Meta().Key(), err))
	}
	k := tableKey{table, obj.Meta().Key()}
	t.remember(k, old, obj)
	if uid := obj.Meta().UID; uid != "" {
		t.s.uids[uid] = k
	}
	t.changes = append(t.changes, Change{Kind: obj.GetKind(), Old: old, New: obj})
	t.wrote()
}

// Writes is the number of writes to a table so far (every transaction's,
// aborted ones included): while it stays the same, no object of the table
// changed.
func (t *Txn) Writes(table string) uint64 { return t.s.writes[table] }

// Remove deletes the stored object with obj's kind and key, if any.
func (t *Txn) Remove(obj api.Object) {
	table := TableOf(obj.GetKind())
	old := t.get(table, obj.Meta().Key())
	if old == nil {
		return
	}
	t.s.writes[table]++
	if err := t.tx.Delete(table, old); err != nil {
		panic(fmt.Sprintf("store: delete %s %s: %v", obj.GetKind(), obj.Meta().Key(), err))
	}
	t.remember(tableKey{table, old.Meta().Key()}, old, nil)
	t.changes = append(t.changes, Change{Kind: obj.GetKind(), Old: old})
	t.wrote()
}

func (t *Txn) get(table, key string) api.Object {
	if t.write {
		return t.s.latest[tableKey{table, key}]
	}
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
	if index == IndexID && t.write {
		if o, ok := t.s.latest[tableKey{table, arg}].(T); ok {
			return o
		}
		return zero
	}
	raw, err := t.tx.First(table, index, arg)
	if err != nil {
		panic(fmt.Sprintf("store: %s by %s: %v", table, index, err))
	}
	if raw == nil {
		return zero
	}
	return raw.(T)
}
