package kubelet

import (
	"fmt"
	"strings"
	"time"

	"stsim/sim/api"
	"stsim/sim/disks"
)

// disk names the disk behind a running pod's volume, from what the pod
// mounted when it was set up.
func (c *Controller) disk(p *api.Pod, volume string) (string, error) {
	m, err := c.mount(p, volume)
	return m.Disk, err
}

// mount is what a running pod mounted for a volume when it was set up.
func (c *Controller) mount(p *api.Pod, volume string) (Mount, error) {
	if err := c.reachable(p); err != nil {
		return Mount{}, err
	}
	if p.Status.Phase != api.PodRunning {
		return Mount{}, fmt.Errorf("pod %s is not running (phase %s)", p.Name, p.Status.Phase)
	}
	var st *podState
	if n := c.nodes[p.Spec.NodeName]; n != nil {
		st = n.pods[p.UID]
	}
	if st != nil {
		for _, m := range st.mounts {
			if m.Volume == volume {
				return m, nil
			}
		}
	}
	var names []string
	for _, v := range p.Spec.Volumes {
		if v.Name == volume {
			return Mount{}, fmt.Errorf("pod %s: volume %s is not a claim, an ephemeral volume, an emptyDir or a hostPath", p.Name, volume)
		}
		names = append(names, v.Name)
	}
	return Mount{}, fmt.Errorf("pod %s has no volume %q (it has: %s)", p.Name, volume, strings.Join(names, ", "))
}

// Write is the application in pod p writing key=value to a volume; it
// returns the disk written. The containers must be running, and the volume
// not mounted read-only: a readOnly volumeMount, a claim volume marked
// readOnly, or a volume the CSI driver published read-only refuses the
// write as the kernel does (EROFS).
func (c *Controller) Write(p *api.Pod, volume, key, value string, now time.Duration) (string, error) {
	m, err := c.mount(p, volume)
	if err != nil {
		return "", err
	}
	if m.ReadOnly != "" {
		return "", fmt.Errorf("pod %s cannot write to volume %s: read-only file system (%s)", p.Name, volume, m.ReadOnly)
	}
	c.disks.Write(m.Disk, key, disks.Record{Value: value, Writer: p.Name, Time: now})
	return m.Disk, nil
}

// Read is the application in pod p reading key from a volume: the disk
// read, the record and whether it was found.
func (c *Controller) Read(p *api.Pod, volume, key string) (string, disks.Record, bool, error) {
	d, err := c.disk(p, volume)
	if err != nil {
		return "", disks.Record{}, false, err
	}
	r, ok := c.disks.Read(d, key)
	return d, r, ok, nil
}
