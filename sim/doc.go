// Package sim is the simulation engine: a virtual clock, a timer queue
// ordered by (time, sequence), one seeded random source, the work queue that
// wakes controllers, and the single-goroutine run loop (Step, RunUntil).
//
// How one instant t is processed:
//
//  1. Every timer due at t fires, in sequence order: it wakes a controller
//     for a key (a kubelet transition, a requeue after minReadySeconds or
//     after a failed reconcile). A scenario action runs at t with Do once
//     the instant's timers have settled.
//  2. Every write of the instant goes through one store transaction. The
//     changes of each write go first to the observers (the slot tracker,
//     the history recorder), right after the write, then to every
//     controller's Keys, which enqueue (controller, key) items in a
//     de-duplicated FIFO, as informers feed workqueues.
//  3. The queue is drained at t: each item is one Reconcile, whose writes
//     may enqueue more. A reconcile that fails keeps the writes it made (as
//     API calls are not undone), is shown to the error observers and is
//     retried with backoff. More than MaxRounds reconciles in one instant
//     is a livelock and an internal error.
//  4. Timers scheduled at t by the above run before time moves on; then
//     the transaction is committed.
//
// Nothing here reads the wall clock or starts a goroutine.
package sim
