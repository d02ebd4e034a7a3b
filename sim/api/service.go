package api

import (
	"slices"
	"strings"
	"time"
)

// Service is a core/v1 Service.
type Service struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       ServiceSpec `yaml:"spec" json:"spec"`
}

// ClusterIPNone marks a headless Service.
const ClusterIPNone = "None"

// ServiceSpec is a Service's selector, ports and addressing.
type ServiceSpec struct {
	Type                     string            `yaml:"type,omitempty" json:"type,omitempty"`
	ClusterIP                string            `yaml:"clusterIP,omitempty" json:"clusterIP,omitempty"`
	Selector                 map[string]string `yaml:"selector,omitempty" json:"selector,omitempty"`
	Ports                    []ServicePort     `yaml:"ports,omitempty" json:"ports,omitempty"`
	PublishNotReadyAddresses bool              `yaml:"publishNotReadyAddresses,omitempty" json:"publishNotReadyAddresses,omitempty"`
	SessionAffinity          string            `yaml:"sessionAffinity,omitempty" json:"sessionAffinity,omitempty"`
}

// ServicePort is one port of a Service.
type ServicePort struct {
	Name       string      `yaml:"name,omitempty" json:"name,omitempty"`
	Protocol   string      `yaml:"protocol,omitempty" json:"protocol,omitempty"`
	Port       int32       `yaml:"port" json:"port"`
	TargetPort IntOrString `yaml:"targetPort,omitempty" json:"targetPort,omitempty"`
	// NodePort is validated (its range, unique per protocol, none for a
	// ClusterIP Service) but not simulated: nothing listens on nodes, and
	// the report lists it as not simulated.
	NodePort int32 `yaml:"nodePort,omitempty" json:"nodePort,omitempty" stsim:"validated"`
}

// GetKind implements Object.
func (*Service) GetKind() string { return KindService }

// Meta implements Object.
func (s *Service) Meta() *ObjectMeta { return &s.ObjectMeta }

// Headless reports clusterIP: None.
func (s *Service) Headless() bool { return s.Spec.ClusterIP == ClusterIPNone }

// EndpointSlice is the discovery.k8s.io/v1 view of a Service's pods; stsim
// keeps one slice per Service, named after it.
type EndpointSlice struct {
	ObjectMeta
	Service   string
	Endpoints []Endpoint
	Ports     []EndpointPort
}

// EndpointsOf lists the endpoints of a Service's slices by pod name, and
// their ports (every slice of a Service has the same); ok is false when
// there is no slice.
func EndpointsOf(all []*EndpointSlice) (endpoints []Endpoint, ports []EndpointPort, ok bool) {
	switch len(all) {
	case 0:
		return nil, nil, false
	case 1:
		return all[0].Endpoints, all[0].Ports, true
	}
	for _, s := range all {
		endpoints = append(endpoints, s.Endpoints...)
	}
	slices.SortFunc(endpoints, func(a, b Endpoint) int { return strings.Compare(a.PodName, b.PodName) })
	return endpoints, all[0].Ports, true
}

// Endpoint is one pod address with the conditions of podToEndpoint.
type Endpoint struct {
	IP          string
	Hostname    string
	PodName     string
	NodeName    string
	Ready       bool
	Serving     bool
	Terminating bool
}

// EndpointPort is a named target port.
type EndpointPort struct {
	Name     string
	Port     int32
	Protocol string
}

// GetKind implements Object.
func (*EndpointSlice) GetKind() string { return KindEndpointSlice }

// Meta implements Object.
func (e *EndpointSlice) Meta() *ObjectMeta { return &e.ObjectMeta }

// Event is a core/v1 Event, as `kubectl get events` lists it.
type Event struct {
	Time    time.Duration
	Type    string // Normal or Warning
	Kind    string // of the involved object
	Name    string // of the involved object
	Reason  string
	Message string
}
