// Package review runs the standard fault timelines against a user's own
// workload (`stsim review MANIFEST...`) and says, fault by fault and rule
// set by rule set, what happened to its identity, its data and its
// availability.
//
// How the pieces fit:
//
//	rv, err := review.Run(files, review.Options{Seed: 1}) // read files, run every fault
//	doc := rv.Document()                                 // the matrix, findings, ignored
//	report.RenderDocument(w, "text", doc, opts)          // or report.RenderJSON(w, rv)
//
// Run reads the manifests once through a probe scenario (generate.go):
// the manifests as they are, an apply and a wait for the rollout, under
// each rule set, which checks them as `stsim run` would (file:line:col
// errors) and tells where slot 0 runs and when the rollout ends. Each
// fault of Faults (faults.go) is then a generated stsim/v1 scenario of its
// own, run under one rule set by the replay engine: write a record per
// pod, apply the fault, wait for the workload, write again and read the
// records back. analyze.go turns each run's report (report.Build:
// identities, availability, measures) into a Row of the matrix, and
// findings.go into sentences.
package review
