// Package disks is the storage behind volumes: the cloud disk of each
// PersistentVolume and the node directory of each emptyDir, holding the
// key/value records the simulated application writes. A disk lives until
// its volume is reclaimed (PersistentVolume) or its pod leaves the node
// (emptyDir).
package disks

import "time"

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

// ForEmptyDir names the directory of a pod's emptyDir volume.
func ForEmptyDir(podUID, volume string) string { return "emptydir/" + podUID + "/" + volume }

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

// Delete wipes a disk.
func (d *Disks) Delete(disk string) { delete(d.data, disk) }
