package api

import "fmt"

// supportedAccessModes is what ValidatePersistentVolume(ClaimSpec) accepts.
var supportedAccessModes = `supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`

// validateAccessModes checks the access modes of a claim or volume spec at
// path: at least one, each known, and ReadWriteOncePod alone.
func validateAccessModes(path string, modes []string) []FieldError {
	var errs []FieldError
	if len(modes) == 0 {
		return []FieldError{{Path: path, Type: "Required value", Detail: "at least 1 access mode is required"}}
	}
	for i, m := range modes {
		switch m {
		case ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod:
		default:
			errs = append(errs, FieldError{fmt.Sprintf("%s[%d]", path, i), "Unsupported value", m, supportedAccessModes})
		}
	}
	if HasAccessMode(modes, ReadWriteOncePod) && len(modes) > 1 {
		errs = append(errs, FieldError{Path: path, Type: "Forbidden", Detail: "may not use ReadWriteOncePod with other access modes"})
	}
	return errs
}

// validateClaimSpec is ValidatePersistentVolumeClaimSpec for the simulated
// fields: access modes and a storage request.
func validateClaimSpec(path string, s PersistentVolumeClaimSpec) []FieldError {
	errs := validateAccessModes(path+".accessModes", s.AccessModes)
	if _, ok := s.Resources.Requests["storage"]; !ok {
		errs = append(errs, FieldError{Path: path + ".resources[storage]", Type: "Required value", Detail: ""})
	}
	return errs
}

// ValidatePersistentVolume follows ValidatePersistentVolume /
// ValidatePersistentVolumeSpec (pkg/apis/core/validation/validation.go) for
// the simulated fields: a DNS-subdomain name, access modes, a storage
// capacity, a known reclaim policy, exactly one volume source, node
// affinity for a local volume, and the node affinity's terms.
func ValidatePersistentVolume(v *PersistentVolume) error {
	errs := validateSubdomainName("metadata.name", v.Name)
	sp := &v.Spec
	if len(sp.AccessModes) == 0 {
		errs = append(errs, FieldError{Path: "spec.accessModes", Type: "Required value", Detail: ""})
	} else {
		errs = append(errs, validateAccessModes("spec.accessModes", sp.AccessModes)...)
	}
	if len(sp.Capacity) == 0 {
		errs = append(errs, FieldError{Path: "spec.capacity", Type: "Required value", Detail: ""})
	} else if _, ok := sp.Capacity["storage"]; !ok || len(sp.Capacity) > 1 {
		errs = append(errs, FieldError{"spec.capacity", "Unsupported value", sp.Capacity, `supported values: "storage"`})
	}
	switch p := sp.PersistentVolumeReclaimPolicy; p {
	case "", RetainPolicy, DeletePolicy, RecyclePolicy:
	default:
		errs = append(errs, FieldError{"spec.persistentVolumeReclaimPolicy", "Unsupported value", p, `supported values: "Delete", "Recycle", "Retain"`})
	}
	sources := 0
	for _, src := range []struct {
		name string
		set  bool
	}{{"hostPath", sp.HostPath != nil}, {"nfs", sp.NFS != nil}, {"local", sp.Local != nil}, {"csi", sp.CSI != nil}} {
		if !src.set {
			continue
		}
		if sources > 0 {
			errs = append(errs, FieldError{Path: "spec." + src.name, Type: "Forbidden", Detail: "may not specify more than 1 volume type"})
			continue
		}
		sources++
		switch src.name {
		case "hostPath":
			if sp.HostPath.Path == "" {
				errs = append(errs, FieldError{Path: "spec.hostPath.path", Type: "Required value", Detail: ""})
			}
		case "nfs":
			if sp.NFS.Server == "" {
				errs = append(errs, FieldError{Path: "spec.nfs.server", Type: "Required value", Detail: ""})
			}
			if sp.NFS.Path == "" {
				errs = append(errs, FieldError{Path: "spec.nfs.path", Type: "Required value", Detail: ""})
			}
		case "local":
			if sp.Local.Path == "" {
				errs = append(errs, FieldError{Path: "spec.local.path", Type: "Required value", Detail: ""})
			}
			if sp.NodeAffinity == nil {
				errs = append(errs, FieldError{Path: "spec.nodeAffinity", Type: "Required value", Detail: "Local volume requires node affinity"})
			}
		case "csi":
			if sp.CSI.Driver == "" {
				errs = append(errs, FieldError{Path: "spec.csi.driver", Type: "Required value", Detail: ""})
			}
			if sp.CSI.VolumeHandle == "" {
				errs = append(errs, FieldError{Path: "spec.csi.volumeHandle", Type: "Required value", Detail: ""})
			}
		}
	}
	if sources == 0 {
		errs = append(errs, FieldError{Path: "spec", Type: "Required value", Detail: "must specify a volume type"})
	}
	if a := sp.NodeAffinity; a != nil {
		errs = append(errs, validateNodeSelector("spec.nodeAffinity.required", a.Required)...)
	}
	return invalid("PersistentVolume", v.Name, errs)
}

// validateNodeSelector is validateVolumeNodeAffinity / ValidateNodeSelector:
// a required selector with at least one term, each requirement with a
// known operator and the values it needs.
func validateNodeSelector(path string, s *NodeSelector) []FieldError {
	if s == nil {
		return []FieldError{{Path: path, Type: "Required value", Detail: "must specify required node constraints"}}
	}
	if len(s.NodeSelectorTerms) == 0 {
		return []FieldError{{Path: path + ".nodeSelectorTerms", Type: "Required value", Detail: "must have at least one node selector term"}}
	}
	var errs []FieldError
	for i, t := range s.NodeSelectorTerms {
		for j, r := range t.MatchExpressions {
			p := fmt.Sprintf("%s.nodeSelectorTerms[%d].matchExpressions[%d]", path, i, j)
			switch r.Operator {
			case NodeSelectorOpIn, NodeSelectorOpNotIn:
				if len(r.Values) == 0 {
					errs = append(errs, FieldError{Path: p + ".values", Type: "Required value", Detail: "must be specified when `operator` is 'In' or 'NotIn'"})
				}
			case NodeSelectorOpExists, NodeSelectorOpDoesNotExist:
				if len(r.Values) > 0 {
					errs = append(errs, FieldError{Path: p + ".values", Type: "Forbidden", Detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"})
				}
			case NodeSelectorOpGt, NodeSelectorOpLt:
				if len(r.Values) != 1 {
					errs = append(errs, FieldError{Path: p + ".values", Type: "Required value", Detail: "must be specified single value when `operator` is 'Lt' or 'Gt'"})
				}
			default:
				errs = append(errs, FieldError{p + ".operator", "Invalid value", r.Operator, "not a valid selector operator"})
			}
		}
	}
	return errs
}

// validateStorageClassPolicies is the part of ValidateStorageClass
// (pkg/apis/storage/validation/validation.go) after the provisioner: a
// reclaim policy of Delete or Retain, and a known volume binding mode.
func validateStorageClassPolicies(s *StorageClass) []FieldError {
	var errs []FieldError
	if p := s.ReclaimPolicy; p != nil && *p != DeletePolicy && *p != RetainPolicy {
		errs = append(errs, FieldError{"reclaimPolicy", "Unsupported value", *p, `supported values: "Delete", "Retain"`})
	}
	if m := s.VolumeBindingMode; m == nil {
		errs = append(errs, FieldError{Path: "volumeBindingMode", Type: "Required value", Detail: ""})
	} else if *m != BindingImmediate && *m != BindingWaitForFirstConsumer {
		errs = append(errs, FieldError{"volumeBindingMode", "Unsupported value", *m, `supported values: "Immediate", "WaitForFirstConsumer"`})
	}
	return errs
}

// validateVolumes checks the simulated pod volumes at path (ValidateVolumes):
// a generic ephemeral volume needs a claim template with a valid claim spec.
func validateVolumes(path string, vols []Volume) []FieldError {
	var errs []FieldError
	for i, v := range vols {
		p := fmt.Sprintf("%s[%d]", path, i)
		if v.Ephemeral == nil {
			continue
		}
		if v.Ephemeral.VolumeClaimTemplate == nil {
			errs = append(errs, FieldError{Path: p + ".ephemeral.volumeClaimTemplate", Type: "Required value", Detail: ""})
			continue
		}
		errs = append(errs, validateClaimSpec(p+".ephemeral.volumeClaimTemplate.spec", v.Ephemeral.VolumeClaimTemplate.Spec)...)
	}
	return errs
}
