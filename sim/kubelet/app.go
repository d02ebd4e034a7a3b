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
	if p.Status.Phase != api.PodRunning {
		return "", fmt.Errorf("pod %s is not running (phase %s)", p.Name, p.Status.Phase)
	}
	var st *podState
	if n := c.nodes[p.Spec.NodeName]; n != nil {
		st = n.pods[p.UID]
	}
	if st != nil {
		for _, m := range st.mounts {
			if m.Volume == volume {
				return m.Disk, nil
			}
		}
	}
	var names []string
	for _, v := range p.Spec.Volumes {
		if v.Name == volume {
			return "", fmt.Errorf("pod %s: volume %s is not a claim or an emptyDir", p.Name, volume)
		}
		names = append(names, v.Name)
	}
	return "", fmt.Errorf("pod %s has no volume %q (it has: %s)", p.Name, volume, strings.Join(names, ", "))
}

// Write is the application in pod p writing key=value to a volume; it
// returns the disk written. The containers must be running.
func (c *Controller) Write(p *api.Pod, volume, key, value string, now time.Duration) (string, error) {
	d, err := c.disk(p, volume)
	if err != nil {
		return "", err
	}
	c.disks.Write(d, key, disks.Record{Value: value, Writer: p.Name, Time: now})
	return d, nil
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
