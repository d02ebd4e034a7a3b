// Package api holds the typed objects stsim simulates: the fields of core/v1
// (Pod, PersistentVolumeClaim, PersistentVolume, Service, Node, Event,
// EndpointSlice), storage.k8s.io/v1 (StorageClass) and apps/v1 (StatefulSet,
// Deployment, ReplicaSet, ControllerRevision) that the controllers read or
// write, with upstream defaulting (SetDefaults_*) and apiserver-like
// validation whose messages carry kubectl's field paths.
//
// Field names and YAML keys follow the Kubernetes API, so real manifests decode
// into these types. Times are virtual: a time.Duration since the scenario
// started. Objects handed to the store are never changed afterwards; a writer
// copies an object (the Clone methods) before changing it.
package api
