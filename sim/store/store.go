package store

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/go-memdb"

	"stsim/sim/api"
)

// Store holds every simulated object.
//
// go-memdb indexes records, and each record holds the object as it is
// now. A write that leaves every index value of an object as it was (a
// status write, most writes) puts the new object in the object's record
// and leaves go-memdb alone; any other write inserts a new record. So a
// read transaction is a view of the objects as they are, not a snapshot:
// it is valid until the next write, and a read after that panics.
type Store struct {
	db *memdb.MemDB
	rv uint64
	// latest holds the record of each object, by table and key: by-key
	// reads (every Put's, and most controllers' look-ups) are map
	// look-ups instead of go-memdb reads, which in a write transaction
	// clone the index's radix transaction and drop its cache of copied
	// nodes, so that the next write copies its whole path again. There is
	// one write transaction at a time, and a read transaction is valid
	// only while there is none, so the map is what both see.
	latest map[tableKey]*record
	// indexes lists, by table, the indexes besides the id, by name: a
	// write that changes none of their values changes no index.
	indexes map[string][]*memdb.IndexSchema
	// seq counts the writes; a read transaction remembers it.
	seq uint64
	// writing is set while a write transaction is open.
	writing bool
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

// record is what go-memdb stores: an object, as it is now.
type record struct{ obj api.Object }

// objectOf is the object of a record (go-memdb hands indexers records).
func objectOf(raw any) api.Object { return raw.(*record).obj }

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
	s := &Store{db: db.Snapshot(), latest: map[tableKey]*record{}, indexes: map[string][]*memdb.IndexSchema{},
		writes: map[string]uint64{}, uids: map[string]tableKey{}}
	for name, t := range db.DBSchema().Tables {
		for _, ix := range slices.Sorted(maps.Keys(t.Indexes)) {
			if ix != IndexID {
				s.indexes[name] = append(s.indexes[name], t.Indexes[ix])
			}
		}
	}
	return s
}

// Txn is a read or write transaction with typed queries.
type Txn struct {
	s     *Store
	tx    *memdb.Txn
	write bool
	// seq is the store's write count when a read transaction opened.
	seq     uint64
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

// undoEntry is latest's record for k before a write, and the object the
// record held.
type undoEntry struct {
	k   tableKey
	rec *record
	obj api.Object
}

// Read opens a read-only transaction: a view of the committed objects,
// valid until the next write. It panics while a write transaction is
// open: read through that.
func (s *Store) Read() *Txn {
	if s.writing {
		panic("store: read transaction opened during a write transaction")
	}
	return &Txn{s: s, tx: s.db.Txn(false), seq: s.seq}
}

// Write opens the write transaction. The caller must Commit or Abort it.
func (s *Store) Write() *Txn {
	if s.writing {
		panic("store: a write transaction is open already")
	}
	s.writing = true
	return &Txn{s: s, tx: s.db.Txn(true), write: true}
}

// valid panics when a read transaction is used after a write.
func (t *Txn) valid() {
	if !t.write && t.seq != t.s.seq {
		panic("store: read transaction used after a write")
	}
}

// Commit makes the writes visible to new transactions and returns the
// changes not yet taken, in write order.
func (t *Txn) Commit() []Change {
	t.tx.Commit()
	t.undo, t.committed = nil, true
	t.s.writing = false
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
	if t.committed || !t.write {
		return
	}
	if t.flushed {
		panic("store: abort of a transaction that flushed its writes")
	}
	t.tx.Abort()
	for i := len(t.undo) - 1; i >= 0; i-- {
		u := t.undo[i]
		if u.rec == nil {
			delete(t.s.latest, u.k)
		} else {
			u.rec.obj = u.obj
			t.s.latest[u.k] = u.rec
		}
	}
	t.undo = nil
	t.committed = true
	t.s.writing = false
}

// wrote counts a write, and flushes the go-memdb transaction every
// flushAfter writes.
func (t *Txn) wrote() {
	t.s.seq++
	t.unflushed++
	if t.unflushed >= flushAfter {
		t.tx.Commit()
		t.tx = t.s.db.Txn(true)
		t.unflushed, t.flushed = 0, true
		t.undo = nil // it cannot be aborted now: let the old objects go
	}
}

// remember notes what k held before a write, for Abort.
func (t *Txn) remember(k tableKey, rec *record) {
	var obj api.Object
	if rec != nil {
		obj = rec.obj
	}
	t.undo = append(t.undo, undoEntry{k, rec, obj})
}

// sameIndexValues reports whether a and b, objects of a table with the
// same key, have the same values in each of its other indexes.
func (t *Txn) sameIndexValues(table string, a, b api.Object) bool {
	for _, ix := range t.s.indexes[table] {
		switch f := ix.Indexer.(type) {
		case single:
			if f(a) != f(b) {
				return false
			}
		case multi:
			if !slices.Equal(f(a), f(b)) {
				return false
			}
		default:
			panic(fmt.Sprintf("store: index %s of %s: unknown indexer %T", ix.Name, table, ix.Indexer))
		}
	}
	return true
}

// Put inserts or replaces obj, which must be a fresh object the caller no
// longer changes. It stamps the next resourceVersion. A Put of an object
// equal to the stored one is still recorded; callers skip no-op writes.
func (t *Txn) Put(obj api.Object) {
	if !t.write {
		panic("store: put in a read transaction")
	}
	table := TableOf(obj.GetKind())
	k := tableKey{table, obj.Meta().Key()}
	rec := t.s.latest[k]
	var old api.Object
	if rec != nil {
		old = rec.obj
	}
	if old == obj {
		panic(fmt.Sprintf("store: %s %s put without a copy (objects are never changed in place)", obj.GetKind(), k.key))
	}
	t.s.rv++
	t.s.writes[table]++
	obj.Meta().ResourceVersion = t.s.rv
	t.remember(k, rec)
	if rec != nil && t.sameIndexValues(table, old, obj) {
		rec.obj = obj
	} else {
		rec = &record{obj}
		if err := t.tx.Insert(table, rec); err != nil {
			panic(fmt.Sprintf("store: insert %s %s: %v", obj.GetKind(), k.key, err))
		}
		t.s.latest[k] = rec
	}
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
	if !t.write {
		panic("store: remove in a read transaction")
	}
	table := TableOf(obj.GetKind())
	k := tableKey{table, obj.Meta().Key()}
	rec := t.s.latest[k]
	if rec == nil {
		return
	}
	t.s.writes[table]++
	if err := t.tx.Delete(table, rec); err != nil {
		panic(fmt.Sprintf("store: delete %s %s: %v", obj.GetKind(), k.key, err))
	}
	t.remember(k, rec)
	delete(t.s.latest, k)
	t.changes = append(t.changes, Change{Kind: obj.GetKind(), Old: rec.obj})
	t.wrote()
}

// get is the object of table with namespace/name key, or nil. The map
// of records holds the objects as they are, which is what a write
// transaction and a (still valid) read transaction both see.
func (t *Txn) get(table, key string) api.Object {
	t.valid()
	if rec := t.s.latest[tableKey{table, key}]; rec != nil {
		return rec.obj
	}
	return nil
}

// list returns every object of a table matching index=arg, in index order
// (which for equal index values is the id order: namespace/name).
func list[T api.Object](t *Txn, table, index string, args ...any) []T {
	t.valid()
	it, err := t.tx.Get(table, index, args...)
	if err != nil {
		panic(fmt.Sprintf("store: %s by %s: %v", table, index, err))
	}
	var out []T
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, objectOf(raw).(T))
	}
	return out
}

// byKey is get for a table whose objects are Ts.
func byKey[T api.Object](t *Txn, table, key string) T {
	o, _ := t.get(table, key).(T)
	return o
}
