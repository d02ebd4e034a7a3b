package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
)

// fieldErrors lists the messages of an InvalidError (nil for no error).
func fieldErrors(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var inv *api.InvalidError
	require.ErrorAs(t, err, &inv)
	var out []string
	for _, e := range inv.Errors {
		out = append(out, e.Error())
	}
	return out
}

func service(mutate func(*api.Service)) *api.Service {
	s := &api.Service{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{
		Selector: map[string]string{"app": "web"}, Ports: []api.ServicePort{{Name: "http", Port: 80}}}}
	if mutate != nil {
		mutate(s)
	}
	api.SetDefaultsService(s)
	return s
}

func claim(mutate func(*api.PersistentVolumeClaim)) *api.PersistentVolumeClaim {
	c := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data", Namespace: "default"}, Spec: api.PersistentVolumeClaimSpec{
		AccessModes: []string{api.ReadWriteOnce}, Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}
	if mutate != nil {
		mutate(c)
	}
	api.SetDefaultsPersistentVolumeClaim(c)
	return c
}

// TestFieldErrorFormat follows field.Error.ErrorBody and
// ErrorList.ToAggregate (staging/src/k8s.io/apimachinery/pkg/util/
// validation/field/errors.go, docs/rules.md API-16): Required, Forbidden
// and Too long errors print no value, other types print it (a string
// quoted, a number plain), ": detail" only when there is one, and an
// aggregate prints a repeated message once.
func TestFieldErrorFormat(t *testing.T) {
	for want, e := range map[string]api.FieldError{
		`a.b: Not found: "x"`:                             {Path: "a.b", Type: "Not found", Value: "x"},
		`a.b: Duplicate value: "x"`:                       {Path: "a.b", Type: "Duplicate value", Value: "x"},
		`a.b: Duplicate value: 30080`:                     {Path: "a.b", Type: "Duplicate value", Value: int32(30080)},
		`a.b: Too long: must have at most 262144 bytes`:   {Path: "a.b", Type: "Too long", Value: "ignored", Detail: "must have at most 262144 bytes"},
		`a.b: Required value`:                             {Path: "a.b", Type: "Required value"},
		`a.b: Forbidden: cannot be set`:                   {Path: "a.b", Type: "Forbidden", Detail: "cannot be set"},
		`a.b: Invalid value: null: x`:                     {Path: "a.b", Type: "Invalid value", Detail: "x"},
		`a.b: Invalid value: []string{"10.96.0.9"}: x`:    {Path: "a.b", Type: "Invalid value", Value: []string{"10.96.0.9"}, Detail: "x"},
		`a.b: Unsupported value: "Raw": supported values`: {Path: "a.b", Type: "Unsupported value", Value: "Raw", Detail: "supported values"},
	} {
		assert.Equal(t, want, e.Error())
	}
	err := &api.InvalidError{Kind: "Pod", Name: "p", Errors: []api.FieldError{
		{Path: "a", Type: "Required value"}, {Path: "a", Type: "Required value"}, {Path: "b", Type: "Required value"}}}
	assert.Equal(t, `Pod "p" is invalid: [a: Required value, b: Required value]`, err.Error())
}

// TestQuantityParsing follows resource.ParseQuantity, parseQuantityString
// and quantitySuffixer.interpret (staging/src/k8s.io/apimachinery/pkg/api/
// resource/quantity.go and suffix.go, docs/rules.md API-17): the scanner
// is permissive (a suffix alone, a lone dot or sign is 0), an unknown
// suffix letter breaks the regular expression while a known letter in an
// unknown combination is a suffix error, values round up to nanos, the
// exponent is an int32, and there is no limit on the number of digits.
func TestQuantityParsing(t *testing.T) {
	for in, want := range map[string]string{
		"1Zi":   "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
		"lots":  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
		"1.2.3": "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
		"1 Gi":  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
		"":      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
		"1kk":   "unable to parse quantity's suffix",
		"1e":    "unable to parse quantity's suffix",
		"1ki":   "unable to parse quantity's suffix",
	} {
		_, err := api.ParseQuantity(in)
		assert.EqualError(t, err, want, in)
	}
	for in, milli := range map[string]int64{
		"Mi": 0, ".": 0, "-": 0, "5.": 5000, " 1 ": 1000, "0.0000000001": 1, "-0.0000000001": -1,
		"1e4294967296":                  1000, // the exponent is truncated to an int32: 1e0
		"99999999999999999999999999999": 1<<63 - 1,
	} {
		_, err := api.ParseQuantity(in)
		require.NoError(t, err, in)
		assert.Equal(t, milli, api.MilliValue(in), in)
	}
	assert.Equal(t, int64(-2), api.Value("-1.5"), "Value rounds away from zero")
}

// TestQuantityCanonicalForm follows Quantity.CanonicalizeBytes and
// AsCanonicalBytes (docs/rules.md API-17): the API server prints quantities
// in messages in canonical form: the largest suffix of the format that keeps
// the mantissa whole, DecimalSI for a BinarySI value under 1024 or not
// whole; DecimalSI past E prints no suffix, as upstream does.
func TestQuantityCanonicalForm(t *testing.T) {
	for in, want := range map[string]string{
		"1.5": "1500m", "1000": "1k", "1e3": "1e3", "1500m": "1500m", "0.1m": "100u", ".5": "500m",
		"2048Mi": "2Gi", "1536Mi": "1536Mi", "1.5Gi": "1536Mi", "1.5Ki": "1536", "0.5Ki": "512", "1025Ki": "1025Ki",
		"-1Gi": "-1Gi", "-1024Mi": "-1Gi", "0": "0", "0Gi": "0", "Mi": "0", "12e6": "12e6", "1e-3": "1e-3",
		"1E": "1E", "1000E": "1", "0.0000000001": "1n", "10": "10", "100k": "100k", "123456789": "123456789",
		"lots": "lots",
	} {
		assert.Equal(t, want, api.CanonicalQuantity(in), in)
	}
}

// TestValidateResourceRequirements follows validateResourceRequirements,
// validateContainerResourceName and ValidateResourceQuantityValue
// (pkg/apis/core/validation/validation.go, docs/rules.md API-18): a
// resource name must be a standard container resource or a domain-prefixed
// (extended) one; a request may not exceed its limit, for any resource; an
// extended resource needs a limit equal to its request, in whole units;
// values print in canonical form.
func TestValidateResourceRequirements(t *testing.T) {
	const p = "spec.template.spec.containers[0].resources"
	for _, tc := range []struct {
		name string
		r    api.ResourceRequirements
		want []string
	}{
		{"valid", api.ResourceRequirements{Requests: map[string]string{"cpu": "500m", "memory": "1Gi", "ephemeral-storage": "1Gi"},
			Limits: map[string]string{"cpu": "1", "memory": "1Gi", "example.com/gpu": "1"}}, nil},
		{"any resource over its limit", api.ResourceRequirements{Requests: map[string]string{"ephemeral-storage": "2Gi"}, Limits: map[string]string{"ephemeral-storage": "1024Mi"}},
			[]string{p + `.requests: Invalid value: "2Gi": must be less than or equal to ephemeral-storage limit of 1Gi`}},
		{"canonical values", api.ResourceRequirements{Requests: map[string]string{"cpu": "1.5"}, Limits: map[string]string{"cpu": "1000m"}},
			[]string{p + `.requests: Invalid value: "1500m": must be less than or equal to cpu limit of 1`}},
		{"negative", api.ResourceRequirements{Limits: map[string]string{"memory": "-0.5Gi"}},
			[]string{p + `.limits[memory]: Invalid value: "-512Mi": must be greater than or equal to 0`}},
		{"unknown name", api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}},
			[]string{p + `.requests[storage]: Invalid value: "storage": must be a standard resource for containers`}},
		{"not a qualified name", api.ResourceRequirements{Requests: map[string]string{"gpu!": "1"}},
			[]string{p + `.requests[gpu!]: Invalid value: "gpu!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`}},
		{"extended below its limit", api.ResourceRequirements{Requests: map[string]string{"example.com/gpu": "1"}, Limits: map[string]string{"example.com/gpu": "2"}},
			[]string{p + `.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2`}},
		{"hugepages alone", api.ResourceRequirements{Limits: map[string]string{"hugepages-2Mi": "2Mi"}},
			[]string{p + `: Forbidden: HugePages require cpu or memory`}},
	} {
		d := deployment(func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].Resources = tc.r })
		assert.Equal(t, tc.want, fieldErrors(t, api.ValidateDeployment(d)), tc.name)
	}
}

// TestNamesPerKind follows the ValidateNameFunc of each kind (docs/rules.md
// API-19): a StatefulSet name is a DNS-1123 label (ValidateStatefulSetName),
// a Service name a DNS-1035 label (ValidateServiceName), a Deployment,
// claim, volume and class name a DNS-1123 subdomain; a generateName is
// checked with a trailing dash masked (maskTrailingDash).
func TestNamesPerKind(t *testing.T) {
	const rfc1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
	assert.Equal(t, []string{`metadata.name: Invalid value: "1web": ` + rfc1035},
		fieldErrors(t, api.ValidateService(service(func(s *api.Service) { s.Name = "1web" }))))
	assert.Equal(t, []string{`metadata.name: Invalid value: "web.v1": ` + rfc1035},
		fieldErrors(t, api.ValidateService(service(func(s *api.Service) { s.Name = "web.v1" }))))
	assert.Empty(t, fieldErrors(t, api.ValidateDeployment(deployment(func(d *api.Deployment) { d.Name = "web.v1" }))), "a subdomain")
	assert.Empty(t, fieldErrors(t, api.ValidatePersistentVolumeClaim(claim(func(c *api.PersistentVolumeClaim) { c.Name = "data.web-0" }))))
	assert.Equal(t, []string{`metadata.name: Invalid value: "web.v1": must not contain dots`},
		fieldErrors(t, api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Name = "web.v1" }))))
	long := strings.Repeat("a", 254)
	assert.Equal(t, []string{`metadata.name: Invalid value: "` + long + `": must be no more than 253 characters`},
		fieldErrors(t, api.ValidateDeployment(deployment(func(d *api.Deployment) { d.Name = long }))))
	assert.Empty(t, fieldErrors(t, api.ValidateDeployment(deployment(func(d *api.Deployment) { d.GenerateName = "web-" }))), "a trailing dash is masked")
	assert.Equal(t, []string{`metadata.name: Required value: name or generateName is required`},
		fieldErrors(t, api.ValidatePersistentVolumeClaim(claim(func(c *api.PersistentVolumeClaim) { c.Name = "" }))))
}

// TestValidateLabelsAndAnnotations follows ValidateLabels, ValidateLabelName
// (content.IsLabelKey), IsValidLabelValue and ValidateAnnotations
// (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation,
// .../pkg/api/validation/objectmeta.go, docs/rules.md API-20): keys are
// qualified names, values at most 63 bytes of the label alphabet, on every
// object, on pod templates (at spec.template.labels), node selectors and
// claim templates; annotation keys are qualified names once lower-cased,
// and keys and values together at most 256 KiB.
func TestValidateLabelsAndAnnotations(t *testing.T) {
	const valueRegex = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	long := strings.Repeat("a", 64)
	for _, tc := range []struct {
		name   string
		mutate func(*api.Deployment)
		want   []string
	}{
		{"value too long", func(d *api.Deployment) { d.Labels = map[string]string{"team": long} },
			[]string{`metadata.labels: Invalid value: "` + long + `": must be no more than 63 bytes`}},
		{"key name too long", func(d *api.Deployment) { d.Labels = map[string]string{long: "x"} },
			[]string{`metadata.labels: Invalid value: "` + long + `": name part must be no more than 63 bytes`}},
		{"empty prefix", func(d *api.Deployment) { d.Labels = map[string]string{"/team": "x"} },
			[]string{`metadata.labels: Invalid value: "/team": prefix part must be non-empty`}},
		{"template value", func(d *api.Deployment) { d.Spec.Template.Labels["tier"] = "front end" },
			[]string{`spec.template.labels: Invalid value: "front end": ` + valueRegex}},
		{"node selector", func(d *api.Deployment) { d.Spec.Template.Spec.NodeSelector = map[string]string{"disk": "_ssd"} },
			[]string{`spec.template.spec.nodeSelector: Invalid value: "_ssd": ` + valueRegex}},
		{"annotation key", func(d *api.Deployment) { d.Annotations = map[string]string{"a b": "x"} },
			[]string{`metadata.annotations: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`}},
		{"annotation key with capitals", func(d *api.Deployment) { d.Annotations = map[string]string{"Example.COM/Note": "x"} }, nil},
		{"template annotations at the limit", func(d *api.Deployment) {
			d.Spec.Template.Annotations = map[string]string{"k": strings.Repeat("v", 256<<10-1)}
		}, nil},
		{"template annotations over the limit", func(d *api.Deployment) {
			d.Spec.Template.Annotations = map[string]string{"k": strings.Repeat("v", 256<<10)}
		}, []string{`spec.template.annotations: Too long: must have at most 262144 bytes`}},
		{"ephemeral claim template label", func(d *api.Deployment) {
			d.Spec.Template.Spec.Volumes = []api.Volume{{Name: "scratch", Ephemeral: &api.EphemeralVolumeSource{VolumeClaimTemplate: &api.PersistentVolumeClaimTemplate{
				ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "-x"}},
				Spec:       claim(nil).Spec}}}}
		}, []string{`spec.template.spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.labels: Invalid value: "-x": ` + valueRegex}},
	} {
		assert.Equal(t, tc.want, fieldErrors(t, api.ValidateDeployment(deployment(tc.mutate))), tc.name)
	}
	// A Service's selector is a label map too.
	assert.Equal(t, []string{`spec.selector: Invalid value: "web app": ` + valueRegex},
		fieldErrors(t, api.ValidateService(service(func(s *api.Service) { s.Spec.Selector = map[string]string{"app": "web app"} }))))
}

// TestValidateFinalizersAndOwnerReferences follows ValidateFinalizers,
// validateKubeFinalizerName and validateOwnerReference (docs/rules.md
// API-20).
func TestValidateFinalizersAndOwnerReferences(t *testing.T) {
	assert.Empty(t, fieldErrors(t, api.ValidatePersistentVolumeClaim(claim(func(c *api.PersistentVolumeClaim) {
		c.Finalizers = []string{"kubernetes.io/pvc-protection", "example.com/backup", "foregroundDeletion"}
	}))))
	assert.Equal(t, []string{
		`metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion", "cleanup"}: finalizer orphan and foregroundDeletion cannot be both set`,
		`metadata.finalizers[2]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified`,
	}, fieldErrors(t, api.ValidatePersistentVolumeClaim(claim(func(c *api.PersistentVolumeClaim) {
		c.Finalizers = []string{"orphan", "foregroundDeletion", "cleanup"}
	}))))
	assert.Equal(t, []string{
		`metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty`,
		`metadata.ownerReferences.uid: Invalid value: "": must not be empty`,
	}, fieldErrors(t, api.ValidatePersistentVolumeClaim(claim(func(c *api.PersistentVolumeClaim) {
		c.OwnerReferences = []api.OwnerReference{{APIVersion: "apps/", Kind: "StatefulSet", Name: "web"}}
	}))))
}

// TestValidateWorkloadSelector follows ValidateLabelSelector (values
// checked, since AllowInvalidLabelValueInSelector is false) and the
// selector part of ValidateDeploymentSpec and ValidateStatefulSetSpec
// (docs/rules.md API-21): a selector LabelSelectorAsSelector refuses adds
// "invalid label selector" (a StatefulSet: no detail) and the template is
// then not checked; a missing selector selects nothing, so the template
// never matches; a selector prints as its gogo String.
func TestValidateWorkloadSelector(t *testing.T) {
	assert.Equal(t, []string{
		`spec.selector.matchExpressions[0].values: Forbidden: may not be specified when ` + "`operator`" + ` is 'Exists' or 'DoesNotExist'`,
		`spec.selector.matchExpressions[0].values[0]: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
		`spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:Exists,Values:[a b],},},}: invalid label selector`,
	}, fieldErrors(t, api.ValidateDeployment(deployment(func(d *api.Deployment) {
		d.Spec.Selector.MatchExpressions = []api.LabelSelectorRequirement{{Key: "tier", Operator: "Exists", Values: []string{"a b"}}}
		d.Spec.Template.Spec.Containers = nil // not checked
	}))))
	assert.Equal(t, []string{
		`spec.selector.matchExpressions[0].values: Required value: must be specified when ` + "`operator`" + ` is 'In' or 'NotIn'`,
		`spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[],},},}`,
	}, fieldErrors(t, api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) {
		s.Spec.Selector.MatchExpressions = []api.LabelSelectorRequirement{{Key: "tier", Operator: "In"}}
	}))))
	assert.Equal(t, []string{`spec.selector: Required value`,
		`spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: ` + "`selector` does not match template `labels`"},
		fieldErrors(t, api.ValidateDeployment(deployment(func(d *api.Deployment) { d.Spec.Selector = nil }))))
	assert.Equal(t, []string{`spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: empty selector is invalid for statefulset`},
		fieldErrors(t, api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Spec.Selector = &api.LabelSelector{} }))))
}

// TestValidateContainerPorts follows validateContainerPorts,
// IsValidPortName and checkHostPortConflicts (docs/rules.md API-22).
func TestValidateContainerPorts(t *testing.T) {
	const p = "spec.template.spec.containers[0].ports"
	for _, tc := range []struct {
		name  string
		ports []api.ContainerPort
		want  []string
	}{
		{"valid", []api.ContainerPort{{Name: "http", ContainerPort: 80, HostPort: 8080}, {Name: "dns", ContainerPort: 53, Protocol: "UDP"}}, nil},
		{"range", []api.ContainerPort{{ContainerPort: 65536, HostPort: -1}}, []string{
			p + "[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive",
			p + "[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive"}},
		{"missing", []api.ContainerPort{{Name: "http"}}, []string{p + "[0].containerPort: Required value"}},
		{"protocol", []api.ContainerPort{{ContainerPort: 80, Protocol: "tcp"}}, []string{p + `[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"`}},
		{"duplicate name", []api.ContainerPort{{Name: "http", ContainerPort: 80}, {Name: "http", ContainerPort: 81}}, []string{p + `[1].name: Duplicate value: "http"`}},
		{"name", []api.ContainerPort{{Name: "-8080-", ContainerPort: 80}}, []string{
			p + `[0].name: Invalid value: "-8080-": must contain at least one letter (a-z)`,
			p + `[0].name: Invalid value: "-8080-": must not begin or end with a hyphen`}},
		{"host port twice", []api.ContainerPort{{ContainerPort: 80, HostPort: 80}, {ContainerPort: 81, HostPort: 80}}, []string{
			`spec.template.spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//80"`}},
		{"host port per protocol", []api.ContainerPort{{ContainerPort: 53, HostPort: 53}, {ContainerPort: 53, HostPort: 53, Protocol: "UDP"}}, nil},
	} {
		d := deployment(func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].Ports = tc.ports })
		api.SetDefaultsDeployment(d)
		assert.Equal(t, tc.want, fieldErrors(t, api.ValidateDeployment(d)), tc.name)
	}
}

// TestValidateVolumesAndMounts follows ValidateVolumes,
// validateVolumeSource and ValidateVolumeMounts (docs/rules.md API-23): a
// mount names a volume without errors (Not found otherwise); in a
// StatefulSet it may name a claim template (ValidatePodTemplateSpecForStatefulSet,
// v1.34); volume names are unique DNS-1123 labels; a mount path is
// required and unique in the container.
func TestValidateVolumesAndMounts(t *testing.T) {
	mounts := func(ms ...api.VolumeMount) func(*api.Deployment) {
		return func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].VolumeMounts = ms }
	}
	const c = "spec.template.spec.containers[0].volumeMounts"
	assert.Equal(t, []string{c + `[0].name: Not found: "x"`},
		fieldErrors(t, api.ValidateDeployment(deployment(mounts(api.VolumeMount{Name: "x", MountPath: "/x"})))))
	assert.Equal(t, []string{c + `[0].name: Required value`, c + `[0].name: Not found: ""`, c + `[0].mountPath: Required value`},
		fieldErrors(t, api.ValidateDeployment(deployment(mounts(api.VolumeMount{})))))
	withVolumes := func(vols []api.Volume, ms ...api.VolumeMount) *api.Deployment {
		return deployment(func(d *api.Deployment) {
			d.Spec.Template.Spec.Volumes = vols
			d.Spec.Template.Spec.Containers[0].VolumeMounts = ms
		})
	}
	empty := &api.EmptyDirVolumeSource{}
	assert.Equal(t, []string{`spec.template.spec.volumes[1].name: Duplicate value: "cache"`},
		fieldErrors(t, api.ValidateDeployment(withVolumes([]api.Volume{{Name: "cache", EmptyDir: empty}, {Name: "cache", EmptyDir: empty}},
			api.VolumeMount{Name: "cache", MountPath: "/cache"}))), "the first volume of the name may be mounted")
	assert.Equal(t, []string{c + `[1].mountPath: Invalid value: "/data": must be unique`},
		fieldErrors(t, api.ValidateDeployment(withVolumes([]api.Volume{{Name: "a", EmptyDir: empty}, {Name: "b", EmptyDir: empty}},
			api.VolumeMount{Name: "a", MountPath: "/data"}, api.VolumeMount{Name: "b", MountPath: "/data"}))))
	assert.Equal(t, []string{
		`spec.template.spec.volumes[0].name: Invalid value: "Logs": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
		c + `[0].name: Not found: "Logs"`,
	}, fieldErrors(t, api.ValidateDeployment(withVolumes([]api.Volume{{Name: "Logs", EmptyDir: empty}}, api.VolumeMount{Name: "Logs", MountPath: "/logs"}))),
		"a volume with errors cannot be mounted")
	assert.Equal(t, []string{
		`spec.template.spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type`,
		`spec.template.spec.volumes[1].persistentVolumeClaim.claimName: Required value`,
		`spec.template.spec.volumes[2].hostPath.path: Invalid value: "/a/../b": must not contain '..'`,
		`spec.template.spec.volumes[3].ephemeral.volumeClaimTemplate.metadata.name: Forbidden: cannot be set`,
		`spec.template.spec.volumes[3].ephemeral.volumeClaimTemplate.spec.accessModes: Required value: at least 1 access mode is required`,
		`spec.template.spec.volumes[4].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity`,
	}, fieldErrors(t, api.ValidateDeployment(withVolumes([]api.Volume{
		{Name: "a", EmptyDir: empty, HostPath: &api.HostPathVolumeSource{Path: "/a"}},
		{Name: "b", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{}},
		{Name: "c", HostPath: &api.HostPathVolumeSource{Path: "/a/../b"}},
		{Name: "d", Ephemeral: &api.EphemeralVolumeSource{VolumeClaimTemplate: &api.PersistentVolumeClaimTemplate{
			ObjectMeta: api.ObjectMeta{Name: "d"}, Spec: api.PersistentVolumeClaimSpec{Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}}},
		{Name: "e", EmptyDir: &api.EmptyDirVolumeSource{SizeLimit: "-1Mi"}},
	}))))

	// A StatefulSet's containers may mount its claim templates.
	sts := statefulSet(func(s *api.StatefulSet) {
		s.Spec.Template.Spec.Containers[0].VolumeMounts = []api.VolumeMount{{Name: "data", MountPath: "/data"}}
	})
	assert.NoError(t, api.ValidateStatefulSet(sts))
	sts = statefulSet(func(s *api.StatefulSet) {
		s.Spec.Template.Spec.Containers[0].VolumeMounts = []api.VolumeMount{{Name: "logs", MountPath: "/logs"}}
	})
	assert.Equal(t, []string{c + `[0].name: Not found: "logs"`}, fieldErrors(t, api.ValidateStatefulSet(sts)))
	// Two claim templates of one name are not refused: the claims and
	// volumes are keyed by name (volumesToAddForTemplates; PR #60635, which
	// would have refused them, was closed unmerged).
	sts = statefulSet(func(s *api.StatefulSet) {
		s.Spec.VolumeClaimTemplates = append(s.Spec.VolumeClaimTemplates, s.Spec.VolumeClaimTemplates[0])
	})
	assert.NoError(t, api.ValidateStatefulSet(sts))
}

// TestValidateContainersAndProbes follows validateContainers,
// validateContainerCommon, validatePullPolicy, validateProbe,
// validateLivenessProbe and validateHandler (docs/rules.md API-24).
func TestValidateContainersAndProbes(t *testing.T) {
	const c = "spec.template.spec.containers"
	exec := &api.ExecAction{Command: []string{"true"}}
	for _, tc := range []struct {
		name   string
		mutate func(*api.Container)
		want   []string
	}{
		{"name", func(c *api.Container) { c.Name = "web_1" }, []string{c + `[0].name: Invalid value: "web_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
		{"no image", func(c *api.Container) { c.Image = "" }, []string{c + `[0].image: Required value`}},
		{"pull policy", func(c *api.Container) { c.ImagePullPolicy = "Sometimes" }, []string{c + `[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`}},
		{"no handler", func(c *api.Container) { c.ReadinessProbe = &api.Probe{PeriodSeconds: 5} }, []string{c + `[0].readinessProbe: Required value: must specify a handler type`}},
		{"two handlers", func(c *api.Container) {
			c.LivenessProbe = &api.Probe{Exec: exec, GRPC: &api.GRPCAction{Port: 9000}, SuccessThreshold: 1}
		}, []string{c + `[0].livenessProbe.grpc: Forbidden: may not specify more than 1 handler type`}},
		{"liveness success threshold", func(c *api.Container) { c.LivenessProbe = &api.Probe{Exec: exec, SuccessThreshold: 3} },
			[]string{c + `[0].livenessProbe.successThreshold: Invalid value: 3: must be 1`}},
		{"readiness success threshold", func(c *api.Container) { c.ReadinessProbe = &api.Probe{Exec: exec, SuccessThreshold: 3} }, nil},
		{"negative timing", func(c *api.Container) {
			c.StartupProbe = &api.Probe{Exec: exec, SuccessThreshold: 1, InitialDelaySeconds: -1}
		},
			[]string{c + `[0].startupProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0`}},
		{"probe port name", func(c *api.Container) {
			c.ReadinessProbe = &api.Probe{TCPSocket: &api.TCPSocketAction{Port: api.IntOrString{IsString: true, StrVal: "HTTP"}}, SuccessThreshold: 1}
		}, []string{c + `[0].readinessProbe.tcpSocket.port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
			c + `[0].readinessProbe.tcpSocket.port: Invalid value: "HTTP": must contain at least one letter (a-z)`}},
		{"exec without command", func(c *api.Container) { c.ReadinessProbe = &api.Probe{Exec: &api.ExecAction{}, SuccessThreshold: 1} },
			[]string{c + `[0].readinessProbe.exec.command: Required value`}},
		{"scheme", func(c *api.Container) {
			c.ReadinessProbe = &api.Probe{HTTPGet: &api.HTTPGetAction{Port: api.IntOrString{IntVal: 80}, Scheme: "FTP"}, SuccessThreshold: 1}
		}, []string{c + `[0].readinessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`}},
	} {
		d := deployment(func(d *api.Deployment) { tc.mutate(&d.Spec.Template.Spec.Containers[0]) })
		assert.Equal(t, tc.want, fieldErrors(t, api.ValidateDeployment(d)), tc.name)
	}
	d := deployment(func(d *api.Deployment) {
		d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, d.Spec.Template.Spec.Containers[0])
	})
	assert.Equal(t, []string{c + `[1].name: Duplicate value: "c"`}, fieldErrors(t, api.ValidateDeployment(d)))
	d = deployment(func(d *api.Deployment) { d.Spec.Template.Spec.Containers = nil })
	assert.Equal(t, []string{c + `: Required value`}, fieldErrors(t, api.ValidateDeployment(d)))
}

// TestValidatePodSpecPolicies follows ValidatePodSpec, validateRestartPolicy,
// validateDNSPolicy, validatePodDNSConfig and ValidateTolerations
// (docs/rules.md API-24): a workload's template must also restart Always
// (ValidatePodTemplateSpecForReplicaSet).
func TestValidatePodSpecPolicies(t *testing.T) {
	const s = "spec.template.spec"
	for _, tc := range []struct {
		name   string
		mutate func(*api.PodSpec)
		want   []string
	}{
		{"restart policy", func(p *api.PodSpec) { p.RestartPolicy = "Sometimes" }, []string{
			s + `.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`,
			s + `.restartPolicy: Unsupported value: "Sometimes": supported values: "Always"`}},
		{"dns policy", func(p *api.PodSpec) { p.DNSPolicy = "Cluster" }, []string{
			s + `.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"`}},
		{"dns policy None", func(p *api.PodSpec) { p.DNSPolicy = "None" }, []string{
			s + ".dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"}},
		{"node name", func(p *api.PodSpec) { p.NodeName = "Node_1" }, []string{
			s + `.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
		{"subdomain", func(p *api.PodSpec) { p.Subdomain = "web.svc" }, []string{s + `.subdomain: Invalid value: "web.svc": must not contain dots`}},
		{"toleration value", func(p *api.PodSpec) { p.Tolerations = []api.Toleration{{Key: "k", Value: strings.Repeat("v", 64)}} }, []string{
			s + `.tolerations[0].operator: Invalid value: "` + strings.Repeat("v", 64) + `": must be no more than 63 bytes`}},
		{"toleration effect", func(p *api.PodSpec) { p.Tolerations = []api.Toleration{{Key: "k", Effect: "NoEvict"}} }, []string{
			s + `.tolerations[0].effect: Unsupported value: "NoEvict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`}},
	} {
		assert.Equal(t, tc.want, fieldErrors(t, api.ValidateDeployment(deployment(func(d *api.Deployment) { tc.mutate(&d.Spec.Template.Spec) }))), tc.name)
	}
}

// TestValidateClaimSpec follows ValidatePersistentVolumeClaimSpec and, for
// a StatefulSet's claim templates, ValidateVolumeClaimTemplates (v1.34, PR
// #132212; docs/rules.md API-25): at least one access mode, each known
// (reported at the list), ReadWriteOncePod alone, a positive storage
// request, a class name that is a subdomain, a known volume mode.
func TestValidateClaimSpec(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*api.PersistentVolumeClaim)
		want   []string
	}{
		{"no access mode", func(c *api.PersistentVolumeClaim) { c.Spec.AccessModes = nil }, []string{`spec.accessModes: Required value: at least 1 access mode is required`}},
		{"unknown access mode", func(c *api.PersistentVolumeClaim) { c.Spec.AccessModes = []string{"ReadWriteOnce", "RWO"} },
			[]string{`spec.accessModes: Unsupported value: "RWO": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`}},
		{"no storage request", func(c *api.PersistentVolumeClaim) { c.Spec.Resources = api.ResourceRequirements{} }, []string{`spec.resources[storage]: Required value`}},
		{"zero storage", func(c *api.PersistentVolumeClaim) { c.Spec.Resources.Requests["storage"] = "0Gi" }, []string{`spec.resources[storage]: Invalid value: "0": must be greater than zero`}},
		{"storage not a quantity", func(c *api.PersistentVolumeClaim) { c.Spec.Resources.Requests["storage"] = "1 GB" },
			[]string{`spec.resources[storage]: Invalid value: "1 GB": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`}},
		{"class", func(c *api.PersistentVolumeClaim) { class := "Fast"; c.Spec.StorageClassName = &class },
			[]string{`spec.storageClassName: Invalid value: "Fast": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
		{"empty class", func(c *api.PersistentVolumeClaim) { class := ""; c.Spec.StorageClassName = &class }, nil},
		{"volume mode", func(c *api.PersistentVolumeClaim) { c.Spec.VolumeMode = "Raw" }, []string{`spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"`}},
	} {
		assert.Equal(t, tc.want, fieldErrors(t, api.ValidatePersistentVolumeClaim(claim(tc.mutate))), tc.name)
	}
	err := api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Spec.VolumeClaimTemplates[0].Spec.AccessModes = nil }))
	assert.Equal(t, []string{`spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required`}, fieldErrors(t, err))
}

// TestValidatePersistentVolumeSpec follows ValidatePersistentVolumeSpec,
// validateBasicResource and ValidatePositiveQuantityValue (docs/rules.md
// API-25): a capacity of storage only, each quantity positive (a negative
// one is also "not a valid resource quantity", printed as its Value); a
// missing capacity is both required and not the supported list.
func TestValidatePersistentVolumeSpec(t *testing.T) {
	pv := func(edit func(*api.PersistentVolume)) *api.PersistentVolume {
		v := &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: "pv-1"}, Spec: api.PersistentVolumeSpec{
			Capacity: map[string]string{"storage": "1Gi"}, AccessModes: []string{api.ReadWriteOnce}, HostPath: &api.HostPathVolumeSource{Path: "/d"}}}
		edit(v)
		api.SetDefaultsPersistentVolume(v)
		return v
	}
	assert.Equal(t, []string{
		`spec.capacity[storage]: Invalid value: -512: must be a valid resource quantity`,
		`spec.capacity[storage]: Invalid value: "-512": must be greater than zero`,
	}, fieldErrors(t, api.ValidatePersistentVolume(pv(func(v *api.PersistentVolume) { v.Spec.Capacity["storage"] = "-0.5Ki" }))))
	assert.Equal(t, []string{`spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"`,
		`spec: Required value: must specify a volume type`},
		fieldErrors(t, api.ValidatePersistentVolume(pv(func(v *api.PersistentVolume) { v.Spec.Capacity, v.Spec.HostPath = nil, nil })))[1:])
	assert.Equal(t, []string{`spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'`},
		fieldErrors(t, api.ValidatePersistentVolume(pv(func(v *api.PersistentVolume) {
			v.Spec.HostPath.Path, v.Spec.PersistentVolumeReclaimPolicy = "/", api.RecyclePolicy
		}))))
	assert.Equal(t, []string{`spec.nfs.path: Invalid value: "exports": must be an absolute path`},
		fieldErrors(t, api.ValidatePersistentVolume(pv(func(v *api.PersistentVolume) {
			v.Spec.HostPath, v.Spec.NFS = nil, &api.NFSVolumeSource{Server: "nfs", Path: "exports"}
		}))))
	assert.Equal(t, []string{`spec.csi.driver: Required value`,
		`spec.csi.driver: Invalid value: "": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
		fieldErrors(t, api.ValidatePersistentVolume(pv(func(v *api.PersistentVolume) {
			v.Spec.HostPath, v.Spec.CSI = nil, &api.CSIPersistentVolumeSource{VolumeHandle: "h"}
		}))))
}

// TestValidateService follows ValidateService and validateServicePort
// (pkg/apis/core/validation/validation.go) and the node port allocator
// (pkg/registry/core/service/portallocator; docs/rules.md API-26).
func TestValidateService(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*api.Service)
		want   []string
	}{
		{"valid", nil, nil},
		{"headless without ports", func(s *api.Service) { s.Spec.ClusterIP, s.Spec.Ports = api.ClusterIPNone, nil }, nil},
		{"no ports", func(s *api.Service) { s.Spec.Ports = nil }, []string{`spec.ports: Required value`}},
		{"port", func(s *api.Service) {
			s.Spec.Ports[0].Port = 65536
			s.Spec.Ports[0].TargetPort = api.IntOrString{IntVal: 80}
		}, []string{
			`spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive`}},
		{"target port", func(s *api.Service) { s.Spec.Ports[0].TargetPort = api.IntOrString{IntVal: 70000} }, []string{
			`spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive`}},
		{"target port name", func(s *api.Service) { s.Spec.Ports[0].TargetPort = api.IntOrString{IsString: true, StrVal: "web"} }, nil},
		{"port name", func(s *api.Service) { s.Spec.Ports[0].Name = "HTTP" }, []string{
			`spec.ports[0].name: Invalid value: "HTTP": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
		{"unnamed ports", func(s *api.Service) {
			s.Spec.Ports = []api.ServicePort{{Name: "http", Port: 80}, {Port: 443}}
		}, []string{`spec.ports[1].name: Required value`}},
		{"node port range", func(s *api.Service) {
			s.Name = "Web" // not reported: the allocator fails first
			s.Spec.Type, s.Spec.Ports[0].NodePort = "NodePort", 32768
		}, []string{`spec.ports[0].nodePort: Invalid value: 32768: provided port is not in the valid range. The range of valid ports is 30000-32767`}},
		{"node port", func(s *api.Service) { s.Spec.Type, s.Spec.Ports[0].NodePort = "NodePort", 30080 }, nil},
		{"node port on ClusterIP", func(s *api.Service) { s.Spec.Ports[0].NodePort = 30080 }, []string{
			"spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"}},
		{"headless LoadBalancer", func(s *api.Service) { s.Spec.Type, s.Spec.ClusterIP = "LoadBalancer", api.ClusterIPNone }, []string{
			`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`}},
		{"cluster IP", func(s *api.Service) { s.Spec.ClusterIP = "10.96.0" }, []string{
			`spec.clusterIPs[0]: Invalid value: "10.96.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`}},
		{"cluster IP with leading zeros", func(s *api.Service) { s.Spec.ClusterIP = "10.096.0.1" }, nil},
		{"same port and protocol", func(s *api.Service) {
			s.Spec.Ports = []api.ServicePort{{Name: "a", Port: 53}, {Name: "b", Port: 53}, {Name: "c", Port: 53, Protocol: "UDP"}}
		}, []string{`spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:53, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`}},
	} {
		assert.Equal(t, tc.want, fieldErrors(t, api.ValidateService(service(tc.mutate))), tc.name)
	}
}

// TestValidateServiceUpdate follows the Service strategy's PrepareForUpdate
// (patchAllocatedValues keeps the allocated cluster IP when the update
// leaves it out) and validateUpgradeDowngradeClusterIPs (docs/rules.md
// API-27): the cluster IP may not change, headless or not.
func TestValidateServiceUpdate(t *testing.T) {
	old := service(func(s *api.Service) { s.Spec.ClusterIP = "10.96.0.9" })
	assert.NoError(t, api.ValidateServiceUpdate(service(nil), old), "an update without a cluster IP keeps the allocated one")
	assert.Equal(t, []string{`spec.clusterIPs[0]: Invalid value: []string{"None"}: may not change once set`},
		fieldErrors(t, api.ValidateServiceUpdate(service(func(s *api.Service) { s.Spec.ClusterIP = api.ClusterIPNone }), old)))
	headless := service(func(s *api.Service) { s.Spec.ClusterIP = api.ClusterIPNone })
	assert.Equal(t, []string{`spec.clusterIPs[0]: Invalid value: []string{"10.96.0.10"}: may not change once set`},
		fieldErrors(t, api.ValidateServiceUpdate(service(func(s *api.Service) { s.Spec.ClusterIP = "10.96.0.10" }), headless)))
	assert.NoError(t, api.ValidateServiceUpdate(service(func(s *api.Service) {
		s.Spec.ClusterIP, s.Spec.Ports[0].Port = api.ClusterIPNone, 8080
	}), headless), "ports may change")
}

// TestValidatePersistentVolumeClaimUpdate follows
// ValidatePersistentVolumeClaimUpdate (docs/rules.md API-27): the spec is
// immutable except the volumeName (once), a class set where there was
// none and a bound claim's storage request; the volumeMode is reported at
// "volumeMode" too. Quantities compare by value.
func TestValidatePersistentVolumeClaimUpdate(t *testing.T) {
	const immutable = "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
	old := claim(nil)
	for _, tc := range []struct {
		name   string
		mutate func(*api.PersistentVolumeClaim)
		want   []string
	}{
		{"volumeName once", func(c *api.PersistentVolumeClaim) { c.Spec.VolumeName = "pv-1" }, nil},
		{"class from nil", func(c *api.PersistentVolumeClaim) { class := "fast"; c.Spec.StorageClassName = &class }, nil},
		{"same size", func(c *api.PersistentVolumeClaim) { c.Spec.Resources.Requests["storage"] = "1024Mi" }, nil},
		{"access modes", func(c *api.PersistentVolumeClaim) { c.Spec.AccessModes = []string{api.ReadWriteMany} }, []string{immutable}},
		{"size while pending", func(c *api.PersistentVolumeClaim) { c.Spec.Resources.Requests["storage"] = "2Gi" }, []string{immutable}},
		{"size when bound", func(c *api.PersistentVolumeClaim) {
			c.Spec.Resources.Requests["storage"] = "2Gi"
			c.Status.Phase = api.ClaimBound
		}, nil},
		{"volume mode", func(c *api.PersistentVolumeClaim) { c.Spec.VolumeMode = "Block" }, []string{immutable, `volumeMode: Invalid value: "Block": field is immutable`}},
	} {
		c := old.DeepCopy()
		tc.mutate(c)
		assert.Equal(t, tc.want, fieldErrors(t, api.ValidatePersistentVolumeClaimUpdate(c, old)), tc.name)
	}
	bound := claim(func(c *api.PersistentVolumeClaim) { c.Spec.VolumeName = "pv-1" })
	c := bound.DeepCopy()
	c.Spec.VolumeName = "pv-2"
	assert.Equal(t, []string{immutable}, fieldErrors(t, api.ValidatePersistentVolumeClaimUpdate(c, bound)), "volumeName is set once")
}

// TestStatefulSetServiceNameAndTemplate follows ValidateStatefulSetSpec as
// of v1.34 (PRs #130233 and #131790; docs/rules.md API-28): the serviceName
// of a new set is a DNS-1123 label (it becomes the pods' subdomain), the
// pod template is validated as a Deployment's; an update tolerates a stored
// invalid serviceName and a stored invalid template
// (AllowInvalidServiceName, SkipValidatePodTemplateSpec).
func TestStatefulSetServiceNameAndTemplate(t *testing.T) {
	assert.Equal(t, []string{`spec.serviceName: Invalid value: "web.internal": must not contain dots`},
		fieldErrors(t, api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Spec.ServiceName = "web.internal" }))))
	assert.NoError(t, api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Spec.ServiceName = "" })), "serviceName is optional")
	assert.Equal(t, []string{`spec.template.spec.containers[0].image: Required value`},
		fieldErrors(t, api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Spec.Template.Spec.Containers[0].Image = "" }))))

	old := statefulSet(func(s *api.StatefulSet) {
		s.Spec.ServiceName = "web.internal"
		s.Spec.Template.Spec.Containers[0].Image = ""
		s.Spec.VolumeClaimTemplates[0].Spec.AccessModes = nil
	})
	update := old.DeepCopy()
	update.Spec.Replicas = ptr(int32(5))
	assert.NoError(t, api.ValidateStatefulSetUpdate(update, old))
	valid := statefulSet(nil)
	update = valid.DeepCopy()
	update.Spec.Template.Spec.Containers[0].Image = ""
	assert.Equal(t, []string{`spec.template.spec.containers[0].image: Required value`}, fieldErrors(t, api.ValidateStatefulSetUpdate(update, valid)),
		"a valid stored template keeps the check")
}
