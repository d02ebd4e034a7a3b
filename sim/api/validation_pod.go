package api

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// This file holds the validation of pods and pod templates
// (ValidatePodTemplateSpec, ValidatePodSpec and what they call in
// pkg/apis/core/validation/validation.go) for the simulated fields.

// validatePodTemplateSpec is ValidatePodTemplateSpec at spec.template: the
// template's labels and annotations (at spec.template.labels, as upstream
// words the path), then the pod spec. claims are extra volume names a
// container may mount: a StatefulSet's claim templates.
func validatePodTemplateSpec(t *PodTemplateSpec, claims []string) []FieldError {
	errs := validateLabels("spec.template.labels", t.Labels)
	errs = append(errs, validateAnnotations("spec.template.annotations", t.Annotations)...)
	return append(errs, validatePodSpec("spec.template.spec", &t.Spec, claims, "")...)
}

// ValidatePod checks a new pod (ValidatePodCreate): its metadata (a DNS
// subdomain name) and its spec.
func ValidatePod(p *Pod) error {
	errs := validateObjectMeta(&p.ObjectMeta, true, nameIsDNSSubdomain)
	errs = append(errs, validatePodSpec("spec", &p.Spec, nil, p.Name)...)
	for i, c := range p.Spec.Containers {
		// validateContainerOnlyForPod.
		if len(c.Image) != len(strings.TrimSpace(c.Image)) {
			errs = append(errs, FieldError{fmt.Sprintf("spec.containers[%d].image", i), errInvalid, c.Image, "must not have leading or trailing whitespace"})
		}
	}
	return invalid("Pod", p.Name, errs)
}

// validatePodSpec is ValidatePodSpec for the simulated fields, in
// upstream's order. podName is the pod's name, "" for a template.
func validatePodSpec(prefix string, s *PodSpec, claims []string, podName string) []FieldError {
	var errs []FieldError
	if s.TerminationGracePeriodSeconds == nil {
		errs = append(errs, FieldError{Path: prefix + ".terminationGracePeriodSeconds", Type: errRequired})
	}
	vols, verrs := validateVolumes(prefix+".volumes", s.Volumes, podName)
	errs = append(errs, verrs...)
	for _, c := range claims {
		vols[c] = true
	}
	errs = append(errs, validateContainers(prefix+".containers", s.Containers, vols)...)
	errs = append(errs, validateEnum(prefix+".restartPolicy", s.RestartPolicy, "Always", "OnFailure", "Never")...)
	errs = append(errs, validateEnum(prefix+".dnsPolicy", s.DNSPolicy, "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")...)
	errs = append(errs, validateLabels(prefix+".nodeSelector", s.NodeSelector)...)
	if s.DNSPolicy == "None" {
		// validatePodDNSConfig: stsim has no dnsConfig field, so it is
		// always missing.
		errs = append(errs, FieldError{Path: prefix + ".dnsConfig", Type: errRequired, Detail: "must provide `dnsConfig` when `dnsPolicy` is None"})
	}
	if s.NodeName != "" {
		errs = append(errs, each(prefix+".nodeName", s.NodeName, isDNS1123Subdomain(s.NodeName))...)
	}
	if s.Hostname != "" {
		errs = append(errs, each(prefix+".hostname", s.Hostname, isDNS1123Label(s.Hostname))...)
	}
	if s.Subdomain != "" {
		errs = append(errs, each(prefix+".subdomain", s.Subdomain, isDNS1123Label(s.Subdomain))...)
	}
	return append(errs, validateTolerations(prefix+".tolerations", s.Tolerations)...)
}

// validateVolumes is ValidateVolumes: each volume named by a DNS-1123
// label, once, with a valid source. It returns the names of the volumes
// without errors, which containers may mount. A volume whose source stsim
// does not simulate (configMap, secret…) is decoded without one, so the
// "must specify a volume type" check is left out.
func validateVolumes(path string, vols []Volume, podName string) (map[string]bool, []FieldError) {
	var errs []FieldError
	names := map[string]bool{}
	for i, v := range vols {
		p := fmt.Sprintf("%s[%d]", path, i)
		el := validateVolumeSource(p, v, podName)
		if v.Name == "" {
			el = append(el, FieldError{Path: p + ".name", Type: errRequired})
		} else {
			el = append(el, each(p+".name", v.Name, isDNS1123Label(v.Name))...)
		}
		if names[v.Name] {
			el = append(el, FieldError{Path: p + ".name", Type: errDuplicate, Value: v.Name})
		}
		if len(el) == 0 {
			names[v.Name] = true
		}
		errs = append(errs, el...)
	}
	return names, errs
}

// validateVolumeSource is validateVolumeSource for the simulated sources.
func validateVolumeSource(p string, v Volume, podName string) []FieldError {
	var errs []FieldError
	n := 0
	more := func(name string) bool {
		if n > 0 {
			errs = append(errs, FieldError{Path: p + "." + name, Type: errForbidden, Detail: "may not specify more than 1 volume type"})
			return true
		}
		n++
		return false
	}
	if e := v.EmptyDir; e != nil {
		n++
		if e.SizeLimit != "" {
			q, perr := parseQuantityAt(p+".emptyDir.sizeLimit", e.SizeLimit)
			errs = append(errs, perr...)
			if perr == nil && q.Sign() < 0 {
				errs = append(errs, FieldError{Path: p + ".emptyDir.sizeLimit", Type: errForbidden, Detail: "SizeLimit field must be a valid resource quantity"})
			}
		}
	}
	if h := v.HostPath; h != nil && !more("hostPath") {
		errs = append(errs, validateHostPath(p+".hostPath", h)...)
	}
	if c := v.PersistentVolumeClaim; c != nil && !more("persistentVolumeClaim") && c.ClaimName == "" {
		errs = append(errs, FieldError{Path: p + ".persistentVolumeClaim.claimName", Type: errRequired})
	}
	if e := v.Ephemeral; e != nil && !more("ephemeral") {
		if e.VolumeClaimTemplate == nil {
			errs = append(errs, FieldError{Path: p + ".ephemeral.volumeClaimTemplate", Type: errRequired})
		} else {
			errs = append(errs, validateClaimTemplate(p+".ephemeral.volumeClaimTemplate", e.VolumeClaimTemplate)...)
			if podName != "" && v.Name != "" {
				claim := EphemeralClaimName(podName, v.Name)
				for _, msg := range isDNS1123Subdomain(claim) {
					errs = append(errs, FieldError{p + ".name", errInvalid, v.Name, fmt.Sprintf("PVC name %q: %v", claim, msg)})
				}
			}
		}
	}
	return errs
}

// validateHostPath is validateHostPathVolumeSource: a path without "..",
// and a known type.
func validateHostPath(p string, h *HostPathVolumeSource) []FieldError {
	if h.Path == "" {
		return []FieldError{{Path: p + ".path", Type: errRequired}}
	}
	errs := validatePathNoBacksteps(p+".path", h.Path)
	switch h.Type {
	case "", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice":
	default:
		errs = append(errs, FieldError{p + ".type", errUnsupported, h.Type, `supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"`})
	}
	return errs
}

// validatePathNoBacksteps: no ".." element.
func validatePathNoBacksteps(p, target string) []FieldError {
	if slices.Contains(strings.Split(strings.ReplaceAll(target, "\\", "/"), "/"), "..") {
		return []FieldError{{p, errInvalid, target, "must not contain '..'"}}
	}
	return nil
}

// validateClaimTemplate is ValidatePersistentVolumeClaimTemplate: the
// template's labels and annotations, no other metadata
// (validateFieldAllowList, "cannot be set"), and the claim spec.
func validateClaimTemplate(p string, t *PersistentVolumeClaimTemplate) []FieldError {
	errs := validateAnnotations(p+".metadata.annotations", t.Annotations)
	errs = append(errs, validateLabels(p+".metadata.labels", t.Labels)...)
	m := t.ObjectMeta
	for _, f := range []struct {
		name string
		set  bool
	}{{"name", m.Name != ""}, {"generateName", m.GenerateName != ""}, {"namespace", m.Namespace != ""},
		{"ownerReferences", len(m.OwnerReferences) > 0}, {"finalizers", len(m.Finalizers) > 0}} {
		if f.set {
			errs = append(errs, FieldError{Path: p + ".metadata." + f.name, Type: errForbidden, Detail: "cannot be set"})
		}
	}
	return append(errs, validateClaimSpec(p+".spec", t.Spec)...)
}

// validateContainers is validateContainers: at least one container; for
// each validateContainerCommon, a unique name and its probes; then no two
// containers on one host port.
func validateContainers(path string, cs []Container, vols map[string]bool) []FieldError {
	if len(cs) == 0 {
		return []FieldError{{Path: path, Type: errRequired}}
	}
	var errs []FieldError
	names := map[string]bool{}
	for i, c := range cs {
		p := fmt.Sprintf("%s[%d]", path, i)
		errs = append(errs, validateContainerCommon(p, &c, vols)...)
		if names[c.Name] {
			errs = append(errs, FieldError{Path: p + ".name", Type: errDuplicate, Value: c.Name})
		}
		names[c.Name] = true
		errs = append(errs, validateProbe(p+".livenessProbe", c.LivenessProbe, true)...)
		errs = append(errs, validateProbe(p+".readinessProbe", c.ReadinessProbe, false)...)
		errs = append(errs, validateProbe(p+".startupProbe", c.StartupProbe, true)...)
	}
	// checkHostPortConflicts: protocol/hostIP/port, unique across containers.
	seen := map[string]bool{}
	for i, c := range cs {
		for j, port := range c.Ports {
			if port.HostPort == 0 {
				continue
			}
			key := fmt.Sprintf("%s/%s/%d", port.Protocol, "", port.HostPort)
			if seen[key] {
				errs = append(errs, FieldError{Path: fmt.Sprintf("%s[%d].ports[%d].hostPort", path, i, j), Type: errDuplicate, Value: key})
			}
			seen[key] = true
		}
	}
	return errs
}

// validateContainerCommon is validateContainerCommon for the simulated
// fields: name, image, ports, volume mounts, pull policy and resources.
func validateContainerCommon(p string, c *Container, vols map[string]bool) []FieldError {
	var errs []FieldError
	if c.Name == "" {
		errs = append(errs, FieldError{Path: p + ".name", Type: errRequired})
	} else {
		errs = append(errs, each(p+".name", c.Name, isDNS1123Label(c.Name))...)
	}
	if c.Image == "" {
		errs = append(errs, FieldError{Path: p + ".image", Type: errRequired})
	}
	errs = append(errs, validateContainerPorts(p+".ports", c.Ports)...)
	errs = append(errs, validateVolumeMounts(p+".volumeMounts", c.VolumeMounts, vols)...)
	errs = append(errs, validateEnum(p+".imagePullPolicy", c.ImagePullPolicy, "Always", "IfNotPresent", "Never")...)
	return append(errs, validateResources(p+".resources", c.Resources)...)
}

// validateContainerPorts is validateContainerPorts: a valid and unique
// name (an IANA service name), a container port and a host port in
// 1-65535, and a known protocol.
func validateContainerPorts(path string, ports []ContainerPort) []FieldError {
	var errs []FieldError
	names := map[string]bool{}
	for i, port := range ports {
		p := fmt.Sprintf("%s[%d]", path, i)
		if port.Name != "" {
			if msgs := isValidPortName(port.Name); len(msgs) > 0 {
				errs = append(errs, each(p+".name", port.Name, msgs)...)
			} else if names[port.Name] {
				errs = append(errs, FieldError{Path: p + ".name", Type: errDuplicate, Value: port.Name})
			} else {
				names[port.Name] = true
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, FieldError{Path: p + ".containerPort", Type: errRequired})
		} else {
			errs = append(errs, each(p+".containerPort", port.ContainerPort, isValidPortNum(int(port.ContainerPort)))...)
		}
		if port.HostPort != 0 {
			errs = append(errs, each(p+".hostPort", port.HostPort, isValidPortNum(int(port.HostPort)))...)
		}
		errs = append(errs, validateProtocol(p+".protocol", port.Protocol)...)
	}
	return errs
}

// validateProtocol: TCP, UDP or SCTP (supportedPortProtocols).
func validateProtocol(p, proto string) []FieldError {
	switch proto {
	case "TCP", "UDP", "SCTP":
		return nil
	case "":
		return []FieldError{{Path: p, Type: errRequired}}
	}
	return []FieldError{{p, errUnsupported, proto, `supported values: "SCTP", "TCP", "UDP"`}}
}

// validateVolumeMounts is ValidateVolumeMounts: each mount names a volume
// of the pod (or, in a StatefulSet, a claim template) and a path no other
// mount of the container uses.
func validateVolumeMounts(path string, mounts []VolumeMount, vols map[string]bool) []FieldError {
	var errs []FieldError
	paths := map[string]bool{}
	for i, m := range mounts {
		p := fmt.Sprintf("%s[%d]", path, i)
		if m.Name == "" {
			errs = append(errs, FieldError{Path: p + ".name", Type: errRequired})
		}
		if !vols[m.Name] {
			errs = append(errs, FieldError{Path: p + ".name", Type: errNotFound, Value: m.Name})
		}
		if m.MountPath == "" {
			errs = append(errs, FieldError{Path: p + ".mountPath", Type: errRequired})
		}
		if paths[m.MountPath] {
			errs = append(errs, FieldError{p + ".mountPath", errInvalid, m.MountPath, "must be unique"})
		}
		paths[m.MountPath] = true
	}
	return errs
}

// validateProbe is validateProbe (with validateLivenessProbe and
// validateStartupProbe's successThreshold of 1): one handler, and timings
// that are not negative. A httpGet path and scheme left out stand for
// SetDefaults_HTTPGetAction's "/" and HTTP.
func validateProbe(p string, pr *Probe, successOne bool) []FieldError {
	if pr == nil {
		return nil
	}
	var errs []FieldError
	n := 0
	handler := func(name string, set bool, check func() []FieldError) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, FieldError{Path: p + "." + name, Type: errForbidden, Detail: "may not specify more than 1 handler type"})
			return
		}
		n++
		errs = append(errs, check()...)
	}
	handler("exec", pr.Exec != nil, func() []FieldError {
		if len(pr.Exec.Command) == 0 {
			return []FieldError{{Path: p + ".exec.command", Type: errRequired}}
		}
		return nil
	})
	handler("httpGet", pr.HTTPGet != nil, func() []FieldError {
		errs := validatePortNumOrName(p+".httpGet.port", pr.HTTPGet.Port)
		if s := pr.HTTPGet.Scheme; s != "" && s != "HTTP" && s != "HTTPS" {
			errs = append(errs, FieldError{p + ".httpGet.scheme", errUnsupported, s, `supported values: "HTTP", "HTTPS"`})
		}
		return errs
	})
	handler("tcpSocket", pr.TCPSocket != nil, func() []FieldError {
		return validatePortNumOrName(p+".tcpSocket.port", pr.TCPSocket.Port)
	})
	handler("grpc", pr.GRPC != nil, func() []FieldError {
		return each(p+".grpc.port", int(pr.GRPC.Port), isValidPortNum(int(pr.GRPC.Port)))
	})
	if n == 0 {
		errs = append(errs, FieldError{Path: p, Type: errRequired, Detail: "must specify a handler type"})
	}
	for _, f := range []struct {
		name string
		v    int32
	}{{"initialDelaySeconds", pr.InitialDelaySeconds}, {"timeoutSeconds", pr.TimeoutSeconds}, {"periodSeconds", pr.PeriodSeconds},
		{"successThreshold", pr.SuccessThreshold}, {"failureThreshold", pr.FailureThreshold}} {
		errs = append(errs, validateNonNegative(p+"."+f.name, int64(f.v))...)
	}
	if successOne && pr.SuccessThreshold != 1 {
		errs = append(errs, FieldError{p + ".successThreshold", errInvalid, pr.SuccessThreshold, "must be 1"})
	}
	return errs
}

// validatePortNumOrName is ValidatePortNumOrName: a number in 1-65535 or
// an IANA service name.
func validatePortNumOrName(p string, v IntOrString) []FieldError {
	if v.IsString {
		return each(p, v.StrVal, isValidPortName(v.StrVal))
	}
	return each(p, int(v.IntVal), isValidPortNum(int(v.IntVal)))
}

// validateTolerations follows ValidateTolerations: a key is a qualified
// name; an empty key needs Exists; Exists takes no value and Equal a label
// value (reported at .operator, messages joined by ";", as upstream does);
// tolerationSeconds goes only with NoExecute; the effect is one of the
// three or empty.
func validateTolerations(path string, ts []Toleration) []FieldError {
	var errs []FieldError
	for i, t := range ts {
		p := fmt.Sprintf("%s[%d]", path, i)
		if t.Key != "" {
			errs = append(errs, each(p+".key", t.Key, isQualifiedName(t.Key))...)
		}
		if t.Key == "" && t.Operator != TolerationOpExists {
			errs = append(errs, FieldError{p + ".operator", errInvalid, t.Operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""})
		}
		if t.TolerationSeconds != nil && t.Effect != TaintNoExecute {
			errs = append(errs, FieldError{p + ".effect", errInvalid, t.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"})
		}
		switch t.Operator {
		case "", TolerationOpEqual:
			if msgs := isValidLabelValue(t.Value); len(msgs) > 0 {
				errs = append(errs, FieldError{p + ".operator", errInvalid, t.Value, strings.Join(msgs, ";")})
			}
		case TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, FieldError{p + ".operator", errInvalid, t.Value, "value must be empty when `operator` is 'Exists'"})
			}
		default:
			errs = append(errs, FieldError{p + ".operator", errUnsupported, t.Operator, `supported values: "Equal", "Exists"`})
		}
		switch t.Effect {
		case "", TaintNoSchedule, TaintPreferNoSchedule, TaintNoExecute:
		default:
			errs = append(errs, FieldError{p + ".effect", errUnsupported, t.Effect, `supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`})
		}
	}
	return errs
}

// semanticEqual is apiequality.Semantic.DeepEqual for stsim's types: nil
// and empty slices and maps are equal, and so are two quantities of one
// value (the strings of ResourceRequirements and capacities compare as
// quantities when both parse).
func semanticEqual(a, b any) bool {
	return semanticValues(reflect.ValueOf(a), reflect.ValueOf(b), false)
}

func semanticValues(a, b reflect.Value, quantities bool) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return semanticValues(a.Elem(), b.Elem(), quantities)
	case reflect.Struct:
		for i := range a.NumField() {
			q := a.Type().Field(i).Type == reflect.TypeFor[map[string]string]() &&
				(a.Type() == reflect.TypeFor[ResourceRequirements]() || a.Type().Field(i).Name == "Capacity")
			if !semanticValues(a.Field(i), b.Field(i), q) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !semanticValues(a.Index(i), b.Index(i), false) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() || !semanticValues(a.MapIndex(k), bv, quantities) {
				return false
			}
		}
		return true
	case reflect.String:
		if quantities && a.String() != b.String() {
			qa, errA := ParseQuantityValue(a.String())
			qb, errB := ParseQuantityValue(b.String())
			if errA == nil && errB == nil {
				return qa.Cmp(qb) == 0
			}
		}
		return a.String() == b.String()
	}
	switch a.Kind() {
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	return a.CanInterface() && b.CanInterface() && reflect.DeepEqual(a.Interface(), b.Interface())
}

// validateEnum checks a required field with a fixed set of values, as the
// API server words it: "Required value" when empty, else "Unsupported
// value" listing the supported values in the order given (upstream's
// order for the field).
func validateEnum(path, v string, supported ...string) []FieldError {
	switch {
	case v == "":
		return []FieldError{{Path: path, Type: errRequired}}
	case slices.Contains(supported, v):
		return nil
	}
	quoted := make([]string, len(supported))
	for i, s := range supported {
		quoted[i] = strconv.Quote(s)
	}
	return []FieldError{{path, errUnsupported, v, "supported values: " + strings.Join(quoted, ", ")}}
}
