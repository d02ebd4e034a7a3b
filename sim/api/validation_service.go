package api

import "fmt"

// This file holds the validation of Services (ValidateService and
// ValidateServiceUpdate in pkg/apis/core/validation/validation.go, and the
// node port allocator of pkg/registry/core/service).

// The default --service-node-port-range of kube-apiserver.
const (
	NodePortMin = 30000
	NodePortMax = 32767
)

// servicePortValue prints a core.ServicePort with %#v, as the duplicate
// (protocol, port) check reports it.
func servicePortValue(protocol string, port int32) rawValue {
	return rawValue(fmt.Sprintf(`core.ServicePort{Name:"", Protocol:%q, AppProtocol:(*string)(nil), Port:%d, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`, protocol, port))
}

// ValidateService checks a Service as its create does. The node port
// allocator runs first (Store.BeginCreate, before validation): a node
// port outside the range fails the create alone. Then ValidateService for
// the simulated fields: a DNS-1035 label name, ports (required unless
// headless; named when several; valid, unique, with a target port), the
// selector's labels, the session affinity, the cluster IP and the type.
func ValidateService(s *Service) error {
	if s.Spec.Type == "NodePort" || s.Spec.Type == "LoadBalancer" {
		for i, p := range s.Spec.Ports {
			if p.NodePort != 0 && (p.NodePort < NodePortMin || p.NodePort > NodePortMax) {
				return invalid("Service", s.Name, []FieldError{{fmt.Sprintf("spec.ports[%d].nodePort", i), errInvalid, p.NodePort,
					fmt.Sprintf("provided port is not in the valid range. The range of valid ports is %d-%d", NodePortMin, NodePortMax)}})
			}
		}
	}
	errs := validateObjectMeta(&s.ObjectMeta, true, nameIsDNS1035Label)
	sp := &s.Spec
	headless := sp.ClusterIP == ClusterIPNone
	if len(sp.Ports) == 0 && !headless && sp.Type != "ExternalName" {
		errs = append(errs, FieldError{Path: "spec.ports", Type: errRequired})
	}
	switch sp.Type {
	case "LoadBalancer", "NodePort":
		if headless {
			errs = append(errs, FieldError{"spec.clusterIPs[0]", errInvalid, ClusterIPNone, fmt.Sprintf("may not be set to 'None' for %s services", sp.Type)})
		}
	case "ExternalName":
		// stsim has no externalName field (nor clusterIPs): ExternalName
		// Services are not checked further.
		if sp.ClusterIP != "" {
			errs = append(errs, FieldError{Path: "spec.clusterIPs", Type: errForbidden, Detail: "may not be set for ExternalName services"})
		}
	}
	names := map[string]bool{}
	for i, p := range sp.Ports {
		pp := fmt.Sprintf("spec.ports[%d]", i)
		// validateServicePort.
		if len(sp.Ports) > 1 && p.Name == "" {
			errs = append(errs, FieldError{Path: pp + ".name", Type: errRequired})
		} else if p.Name != "" {
			errs = append(errs, each(pp+".name", p.Name, isDNS1123Label(p.Name))...)
			if names[p.Name] {
				errs = append(errs, FieldError{Path: pp + ".name", Type: errDuplicate, Value: p.Name})
			}
			names[p.Name] = true
		}
		errs = append(errs, each(pp+".port", p.Port, isValidPortNum(int(p.Port)))...)
		errs = append(errs, validateProtocol(pp+".protocol", p.Protocol)...)
		errs = append(errs, validatePortNumOrName(pp+".targetPort", p.TargetPort)...)
	}
	if sp.Selector != nil {
		errs = append(errs, validateLabels("spec.selector", sp.Selector)...)
	}
	switch sp.SessionAffinity {
	case "ClientIP", "None":
	case "":
		errs = append(errs, FieldError{Path: "spec.sessionAffinity", Type: errRequired})
	default:
		errs = append(errs, FieldError{"spec.sessionAffinity", errUnsupported, sp.SessionAffinity, `supported values: "ClientIP", "None"`})
	}
	if sp.Type != "ExternalName" && sp.ClusterIP != "" && sp.ClusterIP != ClusterIPNone {
		// ValidateServiceClusterIPsRelatedFields (clusterIPs is [clusterIP]).
		errs = append(errs, isValidIP("spec.clusterIPs[0]", sp.ClusterIP)...)
	}
	switch sp.Type {
	case "ClusterIP", "ExternalName", "LoadBalancer", "NodePort":
	case "":
		errs = append(errs, FieldError{Path: "spec.type", Type: errRequired})
	default:
		errs = append(errs, FieldError{"spec.type", errUnsupported, sp.Type, `supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`})
	}
	if sp.Type == "ClusterIP" {
		for i, p := range sp.Ports {
			if p.NodePort != 0 {
				errs = append(errs, FieldError{Path: fmt.Sprintf("spec.ports[%d].nodePort", i), Type: errForbidden, Detail: "may not be used when `type` is 'ClusterIP'"})
			}
		}
	}
	nodePorts := map[string]bool{}
	for i, p := range sp.Ports {
		if p.NodePort == 0 {
			continue
		}
		key := fmt.Sprintf("%s/%d", p.Protocol, p.NodePort)
		if nodePorts[key] {
			errs = append(errs, FieldError{Path: fmt.Sprintf("spec.ports[%d].nodePort", i), Type: errDuplicate, Value: p.NodePort})
		}
		nodePorts[key] = true
	}
	ports := map[string]bool{}
	for i, p := range sp.Ports {
		key := fmt.Sprintf("%s/%d", p.Protocol, p.Port)
		if ports[key] {
			errs = append(errs, FieldError{Path: fmt.Sprintf("spec.ports[%d]", i), Type: errDuplicate, Value: servicePortValue(p.Protocol, p.Port)})
		}
		ports[key] = true
	}
	return invalid("Service", s.Name, errs)
}

// ValidateServiceUpdate follows the Service update: PrepareForUpdate keeps
// the allocated cluster IP when the update leaves it out
// (patchAllocatedValues), then validateUpgradeDowngradeClusterIPs refuses a
// changed one ("may not change once set", unless both are headless or
// either is an ExternalName Service), then ValidateService.
func ValidateServiceUpdate(s, old *Service) error {
	if s.Spec.ClusterIP == "" && s.Spec.Type != "ExternalName" && old.Spec.Type != "ExternalName" {
		s.Spec.ClusterIP = old.Spec.ClusterIP
	}
	var errs []FieldError
	bothHeadless := s.Spec.ClusterIP == ClusterIPNone && old.Spec.ClusterIP == ClusterIPNone
	if s.Spec.Type != "ExternalName" && old.Spec.Type != "ExternalName" && !bothHeadless {
		if old.Spec.ClusterIP != "" && s.Spec.ClusterIP != "" && s.Spec.ClusterIP != old.Spec.ClusterIP {
			errs = append(errs, FieldError{"spec.clusterIPs[0]", errInvalid, []string{s.Spec.ClusterIP}, "may not change once set"})
		}
	}
	if err := ValidateService(s); err != nil {
		errs = append(errs, err.(*InvalidError).Errors...)
	}
	return invalid("Service", s.Name, errs)
}
