package scenarios

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"stsim/limits"
	"stsim/sim/api"
)

// This file reads spec.cluster, spec.timing and spec.images, and holds the
// value types of the language that take more than one shape.

type rawCluster struct {
	Nodes *rawNodes `yaml:"nodes"`
}

type rawNode struct {
	Name     string            `yaml:"name"`
	Zone     string            `yaml:"zone"`
	Labels   map[string]string `yaml:"labels"`
	Capacity *rawCapacity      `yaml:"capacity"`
}

type rawCapacity struct {
	CPU    *yaml.Node `yaml:"cpu"`
	Memory *yaml.Node `yaml:"memory"`
	Pods   *int       `yaml:"pods"`
}

type rawTiming struct {
	ContainerStart *duration  `yaml:"containerStart"`
	Ready          *readyTime `yaml:"ready"`
	Shutdown       *duration  `yaml:"shutdown"`
}

type rawImage struct {
	Start     *duration  `yaml:"start"`
	Ready     *readyTime `yaml:"ready"`
	Shutdown  *duration  `yaml:"shutdown"`
	CrashLoop bool       `yaml:"crashLoop"`
}

func (l *loader) nodes(c *rawCluster) error {
	if c == nil || c.Nodes == nil {
		l.sc.Nodes = []Node{newNode("node-1", "", nil, DefaultNodePods)}
		return nil
	}
	if n := c.Nodes.count; n != nil {
		if *n < 1 || *n > l.sc.Limits.Nodes {
			return l.errorAt("spec.cluster.nodes", "want 1 to %s (stsim's cap; --max-nodes raises it), got %d", limits.Count(l.sc.Limits.Nodes, "node"), *n)
		}
		for i := range *n {
			l.sc.Nodes = append(l.sc.Nodes, newNode(fmt.Sprintf("node-%d", i+1), "", nil, DefaultNodePods))
		}
		return nil
	}
	if len(c.Nodes.list) == 0 {
		return l.errorAt("spec.cluster.nodes", "want a node count or a non-empty list of nodes")
	}
	if n := len(c.Nodes.list); n > l.sc.Limits.Nodes {
		return l.errorAt(fmt.Sprintf("spec.cluster.nodes[%d]", l.sc.Limits.Nodes), "want at most %s (stsim's cap; --max-nodes raises it), got %d", limits.Count(l.sc.Limits.Nodes, "node"), n)
	}
	names := map[string]bool{}
	for i, rn := range c.Nodes.list {
		path := fmt.Sprintf("spec.cluster.nodes[%d]", i)
		name := rn.Name
		if name == "" {
			name = fmt.Sprintf("node-%d", i+1)
		}
		if !api.IsDNS1123Label(name) {
			return l.errorAt(path+".name", "want a DNS-1123 label, got %q", name)
		}
		if names[name] {
			return l.errorAt(path+".name", "node %s is listed twice", name)
		}
		names[name] = true
		pods := DefaultNodePods
		var milliCPU, memory int64
		if cp := rn.Capacity; cp != nil {
			var err error
			if milliCPU, err = l.quantity(cp.CPU, path+".capacity.cpu", "2 or 500m", 1000); err != nil {
				return err
			}
			if memory, err = l.quantity(cp.Memory, path+".capacity.memory", "8Gi or 512Mi", 1); err != nil {
				return err
			}
			if cp.Pods != nil {
				if *cp.Pods < 1 {
					return l.errorAt(path+".capacity.pods", "want at least 1, got %d", *cp.Pods)
				}
				pods = *cp.Pods
			}
		}
		node := newNode(name, rn.Zone, rn.Labels, pods)
		node.MilliCPU, node.Memory = milliCPU, memory
		l.sc.Nodes = append(l.sc.Nodes, node)
	}
	return nil
}

// quantity reads a node capacity (a Kubernetes quantity) scaled to
// thousandths (cpu) or units (memory), rounded up; absent is 0.
func (l *loader) quantity(n *yaml.Node, path, example string, scale int64) (int64, error) {
	if n == nil {
		return 0, nil
	}
	bad := l.d.errorf(n, path, "want a quantity such as %s, got %s", example, describe(n))
	if n.Kind != yaml.ScalarNode {
		return 0, bad
	}
	v, err := api.ParseQuantity(n.Value)
	if err != nil {
		return 0, bad
	}
	var out int64
	if scale == 1000 {
		out = api.MilliValue(n.Value)
	} else {
		out = api.Value(n.Value)
	}
	if v.Sign() <= 0 || out <= 0 {
		return 0, l.d.errorf(n, path, "want more than 0, got %s", describe(n))
	}
	return out, nil
}

// newNode builds a Node carrying the usual hostname and zone labels unless
// the scenario sets them itself.
func newNode(name, zone string, labels map[string]string, pods int) Node {
	l := maps.Clone(labels)
	if l == nil {
		l = map[string]string{}
	}
	if _, ok := l[api.LabelHostname]; !ok {
		l[api.LabelHostname] = name
	}
	if _, ok := l[api.LabelZone]; !ok && zone != "" {
		l[api.LabelZone] = zone
	}
	return Node{Name: name, Zone: zone, Labels: l, Pods: pods}
}

func (l *loader) images(t *rawTiming, images map[string]rawImage) error {
	tm := ImageBehavior{Start: DefaultContainerStart, Ready: DefaultReady, Shutdown: DefaultShutdown}
	if t != nil {
		if t.ContainerStart != nil {
			tm.Start = time.Duration(*t.ContainerStart)
		}
		if t.Ready != nil {
			tm.Ready, tm.NeverReady = t.Ready.d, t.Ready.never
			l.sc.AppReadiness = l.sc.AppReadiness || tm.Ready > 0 || tm.NeverReady
		}
		if t.Shutdown != nil {
			tm.Shutdown = time.Duration(*t.Shutdown)
		}
	}
	l.sc.Timing = tm
	if len(images) == 0 {
		return nil
	}
	l.sc.Images = map[string]ImageBehavior{}
	for _, name := range slices.Sorted(maps.Keys(images)) {
		im, b := images[name], tm
		path := "spec.images[" + name + "]"
		if name == "" {
			return l.errorAt(path, "an image name must not be empty")
		}
		b.CrashLoop = im.CrashLoop
		if im.Start != nil {
			b.Start = time.Duration(*im.Start)
		}
		if im.Ready != nil {
			b.Ready, b.NeverReady = im.Ready.d, im.Ready.never
			l.sc.AppReadiness = l.sc.AppReadiness || b.Ready > 0 || b.NeverReady
		}
		if im.Shutdown != nil {
			b.Shutdown = time.Duration(*im.Shutdown)
		}
		l.sc.Images[name] = b
	}
	return nil
}

// duration is a scenario duration: "2s", "1m30s" or a number of seconds.
type duration time.Duration

// maxSeconds bounds durations (about 31 years of virtual time).
const maxSeconds = 1e9

func (v *duration) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	bad := d.errorf(n, path, "want a duration such as 10s or 1m30s, got %s", describe(n))
	if n.Kind != yaml.ScalarNode {
		return bad
	}
	tooLong := d.errorf(n, path, "out of range: a duration is at most 1e9 seconds (about 31 years), got %s", describe(n))
	negative := d.errorf(n, path, "must not be negative, got %s", describe(n))
	var x time.Duration
	switch tag := n.ShortTag(); {
	case tag == "!!int" || tag == "!!float" || tag == "!!str" && strings.Trim(n.Value, "0123456789.") == "":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange), math.IsNaN(f):
			return bad
		case f < 0:
			return negative
		case f > maxSeconds:
			return tooLong
		}
		x = time.Duration(f * float64(time.Second))
	case tag == "!!str":
		var err error
		x, err = time.ParseDuration(n.Value)
		switch {
		case err != nil && durationSyntax.MatchString(n.Value) && strings.HasPrefix(n.Value, "-"):
			return negative
		case err != nil && durationSyntax.MatchString(n.Value):
			// The syntax is right: the value does not fit in a time.Duration.
			return tooLong
		case err != nil:
			return bad
		case x > maxSeconds*time.Second:
			return tooLong
		}
	default:
		return bad
	}
	if x < 0 {
		return negative
	}
	*v = duration(x)
	return nil
}

// durationSyntax is Go's duration syntax (time.ParseDuration), whatever
// the size of the numbers.
var durationSyntax = regexp.MustCompile(`^[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$`)

// readyTime is a duration or the word never.
type readyTime struct {
	d     time.Duration
	never bool
}

func (v *readyTime) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind == yaml.ScalarNode && n.Value == "never" {
		*v = readyTime{never: true}
		return nil
	}
	var x duration
	if err := x.decodeYAML(d, n, path); err != nil {
		if e := err.(*Error); strings.HasPrefix(e.Msg, "want ") {
			e.Msg = "want a duration such as 3s or the word never, got " + describe(n)
		}
		return err
	}
	*v = readyTime{d: time.Duration(x)}
	return nil
}

// words is one word or a list of them.
type words []string

func (w *words) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind == yaml.ScalarNode {
		var s string
		if err := d.decodeScalar(n, reflect.ValueOf(&s).Elem(), path); err != nil {
			return err
		}
		*w = words{s}
		return nil
	}
	return d.decodeSlice(n, reflect.ValueOf((*[]string)(w)).Elem(), path)
}

// rawNodes is a node count or a list of nodes.
type rawNodes struct {
	count *int
	list  []rawNode
}

func (r *rawNodes) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind == yaml.ScalarNode {
		r.count = new(int)
		if err := d.decodeScalar(n, reflect.ValueOf(r.count).Elem(), path); err != nil {
			if e := err.(*Error); strings.HasPrefix(e.Msg, "want ") {
				e.Msg = "want a node count or a list of nodes, got " + describe(n)
			}
			return err
		}
		return nil
	}
	return d.decodeSlice(n, reflect.ValueOf(&r.list).Elem(), path)
}
