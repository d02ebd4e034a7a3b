// Package scenarios reads stsim/v1 scenarios: the YAML language of
// docs/scenarios.md that names a workload's Kubernetes manifests, the cluster it runs
// on and the steps (apply, waitFor, deletePod, scale, write, read, resolve,
// expect) replayed on the simulator's virtual clock.
//
// The pieces, in the order a scenario goes through them:
//
//   - decode.go decodes yaml.v3 nodes into typed structs by their yaml tags,
//     strictly: every error names file:line:col and a field path such as
//     spec.template.spec.containers[0].image (type Error). Unknown keys are
//     errors in a scenario ("did you mean" the nearest known key, suggest.go)
//     and "not simulated" notes in a manifest.
//   - files.go (Load, LoadWith, LoadReader) reads scenario and manifest
//     files: regular files only, at most Options.MaxFileSize bytes, and
//     manifest files below the scenario file's folder unless
//     Options.AllowOutside.
//   - load.go (Parse) checks the scenario document, applies the
//     language's defaults and builds a Scenario; spec.go reads the cluster,
//     timing and images, and steps.go turns spec.steps into Steps.
//   - manifests.go reads spec.manifests (files, inline objects, JSON merge
//     patches, List documents), decodes the Kubernetes kinds stsim simulates,
//     applies the api package's defaulting and validation, and finds the
//     workload and its namespace.
//   - convert.go (Convert) turns the workload into the other rule set's kind:
//     a StatefulSet into a Deployment (volumeClaimTemplates become a shared
//     claim, an emptyDir or an ephemeral volume, as spec.deployment.volumes
//     says) or a Deployment into a StatefulSet (claims of its pod volumes
//     become volumeClaimTemplates; a headless Service is found or
//     generated), with a note per change.
//   - manifest_input.go serves `stsim review`: reading files, parsing a
//     generated scenario over files already read (ParseWith), and telling
//     manifests from scenarios (IsManifest, IsScenario).
//   - library.go embeds the bundled scenarios (List, Builtin, DefaultName).
//
// Nothing a scenario says is silently dropped: a part of the language that the
// simulator does not model yet is a load error saying so, and a manifest field
// or kind it does not model is listed in Scenario.Ignored.
package scenarios
