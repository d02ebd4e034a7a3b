// Package disks is the storage behind volumes: the cloud disk of each
// PersistentVolume, the node directory of each emptyDir and each hostPath,
// holding the key/value records the simulated application writes. A disk
// lives until its volume is reclaimed (PersistentVolume) or its pod object
// is gone (emptyDir, named by the pod's UID, so a container restarted in
// place finds it again); a hostPath directory lives with its node.
package disks

import (
	"strings"
	"time"
)

// Record is one value on a disk and who wrote it.
type Record struct {
	Value  string
	Writer string
	Time   time.Duration
}

// Disks holds every disk by name.
type Disks struct {
	data map[string]map[string]Record
}

// New returns an empty set of disks.
func New() *Disks { return &Disks{data: map[string]map[string]Record{}} }

// ForVolume names the disk of a PersistentVolume.
func ForVolume(pv string) string { return "pv/" + pv }

// ForEmptyDir names the directory of a pod's emptyDir volume: one per pod
// UID and volume, as the kubelet's /var/lib/kubelet/pods/<uid>/volumes.
func ForEmptyDir(podUID, volume string) string { return "emptydir/" + podUID + "/" + volume }

// ForHostPath names a hostPath directory: each node has its own.
func ForHostPath(node, path string) string { return "hostpath/" + node + ":" + path }

// DeleteHostPath wipes a hostPath directory on every node.
func (d *Disks) DeleteHostPath(path string) {
	for name := range d.data {
		if strings.HasPrefix(name, "hostpath/") && strings.HasSuffix(name, ":"+path) {
			delete(d.data, name)
		}
	}
}

// Write stores a record.
func (d *Disks) Write(disk, key string, r Record) {
	if d.data[disk] == nil {
		d.data[disk] = map[string]Record{}
	}
	d.data[disk][key] = r
}

// Read returns a record and whether it exists.
func (d *Disks) Read(disk, key string) (Record, bool) {
	r, ok := d.data[disk][key]
	return r, ok
}

// Records counts the records on a disk (0 once it is wiped).
func (d *Disks) Records(disk string) int { return len(d.data[disk]) }

// Delete wipes a disk.
func (d *Disks) Delete(disk string) { delete(d.data, disk) }
