package api

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
)

// This file holds the validation of claims, volumes and storage classes
// (ValidatePersistentVolumeClaim, ValidatePersistentVolume and their
// helpers in pkg/apis/core/validation/validation.go; ValidateStorageClass
// in pkg/apis/storage/validation/validation.go).

// supportedAccessModes is sets.List(supportedAccessModes).
var supportedAccessModes = `supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`

// validateAccessModes checks the access modes at path, as
// ValidatePersistentVolumeClaimSpec and ValidatePersistentVolumeSpec do:
// each known (reported at the list, not the item), and ReadWriteOncePod
// alone. The "at least one" check differs between the two and is the
// caller's.
func validateAccessModes(path string, modes []string) []FieldError {
	var errs []FieldError
	rwop, other := false, false
	for _, m := range modes {
		switch m {
		case ReadWriteOncePod:
			rwop = true
		case ReadWriteOnce, ReadOnlyMany, ReadWriteMany:
			other = true
		default:
			errs = append(errs, FieldError{path, errUnsupported, m, supportedAccessModes})
		}
	}
	if rwop && other {
		errs = append(errs, FieldError{Path: path, Type: errForbidden, Detail: "may not use ReadWriteOncePod with other access modes"})
	}
	return errs
}

// validateClaimSpec is ValidatePersistentVolumeClaimSpec for the simulated
// fields: at least one known access mode, the selector, a positive storage
// request, a class name and a volume mode.
func validateClaimSpec(p string, s PersistentVolumeClaimSpec) []FieldError {
	var errs []FieldError
	if len(s.AccessModes) == 0 {
		errs = append(errs, FieldError{Path: p + ".accessModes", Type: errRequired, Detail: "at least 1 access mode is required"})
	}
	errs = append(errs, validateLabelSelector(p+".selector", s.Selector)...)
	errs = append(errs, validateAccessModes(p+".accessModes", s.AccessModes)...)
	// A quantity that does not parse fails the decoding upstream.
	for _, name := range slices.Sorted(maps.Keys(s.Resources.Limits)) {
		_, perr := parseQuantityAt(fmt.Sprintf("%s.resources.limits[%s]", p, name), s.Resources.Limits[name])
		errs = append(errs, perr...)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Resources.Requests)) {
		if name != ResourceStorage {
			_, perr := parseQuantityAt(fmt.Sprintf("%s.resources.requests[%s]", p, name), s.Resources.Requests[name])
			errs = append(errs, perr...)
		}
	}
	storagePath := p + ".resources[storage]"
	if v, ok := s.Resources.Requests[ResourceStorage]; !ok {
		errs = append(errs, FieldError{Path: storagePath, Type: errRequired})
	} else if q, perr := parseQuantityAt(storagePath, v); perr != nil {
		errs = append(errs, perr...)
	} else if q.Sign() <= 0 {
		errs = append(errs, FieldError{storagePath, errInvalid, q.String(), isNotPositiveErrorMsg})
	}
	if c := s.StorageClassName; c != nil && *c != "" {
		errs = append(errs, each(p+".storageClassName", *c, isDNS1123Subdomain(*c))...)
	}
	errs = append(errs, validateVolumeMode(p+".volumeMode", s.VolumeMode)...)
	return errs
}

// validateVolumeMode: Block or Filesystem (sets.List(supportedVolumeModes)).
func validateVolumeMode(p, m string) []FieldError {
	if m != "" && m != "Block" && m != "Filesystem" {
		return []FieldError{{p, errUnsupported, m, `supported values: "Block", "Filesystem"`}}
	}
	return nil
}

// ValidatePersistentVolumeClaim checks a claim's metadata (a DNS subdomain
// name) and spec (ValidatePersistentVolumeClaim).
func ValidatePersistentVolumeClaim(c *PersistentVolumeClaim) error {
	errs := validateObjectMeta(&c.ObjectMeta, true, nameIsDNSSubdomain)
	errs = append(errs, validateClaimSpec("spec", c.Spec)...)
	return invalid("PersistentVolumeClaim", c.Name, errs)
}

// ValidatePersistentVolumeClaimUpdate follows
// ValidatePersistentVolumeClaimUpdate: the claim is valid, and its spec is
// immutable but for the volumeName (set once), a storageClassName set
// where there was none, and the storage request of a bound claim. The API
// server adds a go-cmp diff of the two specs after the message's first
// line; stsim leaves it out. The volumeMode is immutable too (reported at
// "volumeMode", as upstream does).
func ValidatePersistentVolumeClaimUpdate(c, old *PersistentVolumeClaim) error {
	errs := validateObjectMeta(&c.ObjectMeta, true, nameIsDNSSubdomain)
	errs = append(errs, validateClaimSpec("spec", c.Spec)...)
	n, o := c.DeepCopy().Spec, old.DeepCopy().Spec
	if old.Spec.VolumeName == "" {
		o.VolumeName = n.VolumeName
	}
	if n.StorageClassName != nil && o.StorageClassName == nil {
		// validateStorageClassUpgradeFromNil (no beta annotation in stsim).
		n.StorageClassName = nil
	}
	if c.Status.Phase == ClaimBound && n.Resources.Requests != nil {
		n.Resources.Requests[ResourceStorage] = old.Spec.Resources.Requests[ResourceStorage]
	}
	if !semanticEqual(n, o) {
		errs = append(errs, FieldError{Path: "spec", Type: errForbidden, Detail: "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"})
	}
	if c.Spec.VolumeMode != old.Spec.VolumeMode {
		errs = append(errs, FieldError{"volumeMode", errInvalid, c.Spec.VolumeMode, fieldImmutableMsg})
	}
	return invalid("PersistentVolumeClaim", c.Name, errs)
}

// ValidatePersistentVolume follows ValidatePersistentVolume /
// ValidatePersistentVolumeSpec (pkg/apis/core/validation/validation.go) for
// the simulated fields: a DNS-subdomain name, access modes, a positive
// storage capacity and nothing else, a known reclaim policy, node
// affinity, exactly one volume source (a local one with node affinity), a
// class name and a volume mode.
func ValidatePersistentVolume(v *PersistentVolume) error {
	errs := validateObjectMeta(&v.ObjectMeta, false, nameIsDNSSubdomain)
	sp := &v.Spec
	if len(sp.AccessModes) == 0 {
		errs = append(errs, FieldError{Path: "spec.accessModes", Type: errRequired})
	}
	errs = append(errs, validateAccessModes("spec.accessModes", sp.AccessModes)...)
	if len(sp.Capacity) == 0 {
		errs = append(errs, FieldError{Path: "spec.capacity", Type: errRequired})
	}
	if _, ok := sp.Capacity[ResourceStorage]; !ok || len(sp.Capacity) > 1 {
		errs = append(errs, FieldError{"spec.capacity", errUnsupported, resourceListValue(sp.Capacity), `supported values: "storage"`})
	}
	for _, name := range slices.Sorted(maps.Keys(sp.Capacity)) {
		p := fmt.Sprintf("spec.capacity[%s]", name)
		q, perr := parseQuantityAt(p, sp.Capacity[name])
		if perr != nil {
			errs = append(errs, perr...)
			continue
		}
		// validateBasicResource, then ValidatePositiveQuantityValue.
		if n := q.scaled(0); n < 0 {
			errs = append(errs, FieldError{p, errInvalid, n, "must be a valid resource quantity"})
		}
		if q.Sign() <= 0 {
			errs = append(errs, FieldError{p, errInvalid, q.String(), isNotPositiveErrorMsg})
		}
	}
	switch pol := sp.PersistentVolumeReclaimPolicy; pol {
	case "", RetainPolicy, DeletePolicy, RecyclePolicy:
	default:
		errs = append(errs, FieldError{"spec.persistentVolumeReclaimPolicy", errUnsupported, pol, `supported values: "Delete", "Recycle", "Retain"`})
	}
	if a := sp.NodeAffinity; a != nil {
		if a.Required == nil {
			errs = append(errs, FieldError{Path: "spec.nodeAffinity.required", Type: errRequired, Detail: "must specify required node constraints"})
		} else {
			errs = append(errs, validateNodeSelector("spec.nodeAffinity.required", a.Required)...)
		}
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
			errs = append(errs, FieldError{Path: "spec." + src.name, Type: errForbidden, Detail: "may not specify more than 1 volume type"})
			continue
		}
		sources++
		switch src.name {
		case "hostPath":
			errs = append(errs, validateHostPath("spec.hostPath", sp.HostPath)...)
		case "nfs":
			if sp.NFS.Server == "" {
				errs = append(errs, FieldError{Path: "spec.nfs.server", Type: errRequired})
			}
			if sp.NFS.Path == "" {
				errs = append(errs, FieldError{Path: "spec.nfs.path", Type: errRequired})
			}
			if !path.IsAbs(sp.NFS.Path) {
				errs = append(errs, FieldError{"spec.nfs.path", errInvalid, sp.NFS.Path, "must be an absolute path"})
			}
		case "local":
			if sp.Local.Path == "" {
				errs = append(errs, FieldError{Path: "spec.local.path", Type: errRequired})
			} else {
				errs = append(errs, validatePathNoBacksteps("spec.local.path", sp.Local.Path)...)
			}
			if sp.NodeAffinity == nil {
				errs = append(errs, FieldError{Path: "spec.nodeAffinity", Type: errRequired, Detail: "Local volume requires node affinity"})
			}
		case "csi":
			errs = append(errs, validateCSIDriverName("spec.csi.driver", sp.CSI.Driver)...)
			if sp.CSI.VolumeHandle == "" {
				errs = append(errs, FieldError{Path: "spec.csi.volumeHandle", Type: errRequired})
			}
		}
	}
	if sources == 0 {
		errs = append(errs, FieldError{Path: "spec", Type: errRequired, Detail: "must specify a volume type"})
	}
	if sp.HostPath != nil && path.Clean(sp.HostPath.Path) == "/" && sp.PersistentVolumeReclaimPolicy == RecyclePolicy {
		errs = append(errs, FieldError{Path: "spec.persistentVolumeReclaimPolicy", Type: errForbidden, Detail: "may not be 'recycle' for a hostPath mount of '/'"})
	}
	if c := sp.StorageClassName; c != "" {
		errs = append(errs, each("spec.storageClassName", c, isDNS1123Subdomain(c))...)
	}
	errs = append(errs, validateVolumeMode("spec.volumeMode", sp.VolumeMode)...)
	return invalid("PersistentVolume", v.Name, errs)
}

// resourceListValue prints a core.ResourceList with %#v as field.ErrorBody
// does: core.ResourceList(nil) when there is none; the quantities of a
// non-empty list are structs with pointers, which stsim prints by their
// canonical strings.
func resourceListValue(l map[string]string) rawValue {
	if l == nil {
		return "core.ResourceList(nil)"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(l)) {
		parts = append(parts, fmt.Sprintf("%q:%s", k, CanonicalQuantity(l[k])))
	}
	return rawValue("core.ResourceList{" + strings.Join(parts, ", ") + "}")
}

// validateCSIDriverName is ValidateCSIDriverName: required, at most 63
// characters, a DNS subdomain once lower-cased.
func validateCSIDriverName(p, name string) []FieldError {
	var errs []FieldError
	if name == "" {
		errs = append(errs, FieldError{Path: p, Type: errRequired})
	}
	if len(name) > 63 {
		errs = append(errs, FieldError{Path: p, Type: errTooLong, Detail: "must have at most 63 bytes"})
	}
	return append(errs, each(p, name, isDNS1123Subdomain(strings.ToLower(name)))...)
}

// validateNodeSelector is ValidateNodeSelector: at least one term, each
// requirement with a known operator, the values it needs, a qualified key
// and label values.
func validateNodeSelector(p string, s *NodeSelector) []FieldError {
	if len(s.NodeSelectorTerms) == 0 {
		return []FieldError{{Path: p + ".nodeSelectorTerms", Type: errRequired, Detail: "must have at least one node selector term"}}
	}
	var errs []FieldError
	for i, t := range s.NodeSelectorTerms {
		for j, r := range t.MatchExpressions {
			rp := fmt.Sprintf("%s.nodeSelectorTerms[%d].matchExpressions[%d]", p, i, j)
			switch r.Operator {
			case NodeSelectorOpIn, NodeSelectorOpNotIn:
				if len(r.Values) == 0 {
					errs = append(errs, FieldError{Path: rp + ".values", Type: errRequired, Detail: "must be specified when `operator` is 'In' or 'NotIn'"})
				}
			case NodeSelectorOpExists, NodeSelectorOpDoesNotExist:
				if len(r.Values) > 0 {
					errs = append(errs, FieldError{Path: rp + ".values", Type: errForbidden, Detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"})
				}
			case NodeSelectorOpGt, NodeSelectorOpLt:
				if len(r.Values) != 1 {
					errs = append(errs, FieldError{Path: rp + ".values", Type: errRequired, Detail: "must be specified single value when `operator` is 'Lt' or 'Gt'"})
				}
			default:
				errs = append(errs, FieldError{rp + ".operator", errInvalid, r.Operator, "not a valid selector operator"})
			}
			errs = append(errs, each(rp+".key", r.Key, isQualifiedName(r.Key))...)
			for k, v := range r.Values {
				errs = append(errs, each(fmt.Sprintf("%s.values[%d]", rp, k), v, isValidLabelValue(v))...)
			}
		}
	}
	return errs
}

// ValidateStorageClass follows ValidateStorageClass: a DNS-subdomain name,
// a provisioner that is a qualified name once lower-cased, a reclaim policy
// of Delete or Retain and a known volume binding mode.
func ValidateStorageClass(s *StorageClass) error {
	errs := validateObjectMeta(&s.ObjectMeta, false, nameIsDNSSubdomain)
	if s.Provisioner == "" {
		errs = append(errs, FieldError{Path: "provisioner", Type: errRequired})
	} else {
		errs = append(errs, each("provisioner", s.Provisioner, isQualifiedName(strings.ToLower(s.Provisioner)))...)
	}
	if p := s.ReclaimPolicy; p != nil && *p != DeletePolicy && *p != RetainPolicy {
		errs = append(errs, FieldError{"reclaimPolicy", errUnsupported, *p, `supported values: "Delete", "Retain"`})
	}
	if m := s.VolumeBindingMode; m == nil {
		errs = append(errs, FieldError{Path: "volumeBindingMode", Type: errRequired})
	} else if *m != BindingImmediate && *m != BindingWaitForFirstConsumer {
		errs = append(errs, FieldError{"volumeBindingMode", errUnsupported, *m, `supported values: "Immediate", "WaitForFirstConsumer"`})
	}
	return invalid("StorageClass.storage.k8s.io", s.Name, errs)
}
