package scenarios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"gopkg.in/yaml.v3"
)

// This file holds what `stsim review` needs to read a user's own manifests
// and run generated scenarios on them: reading files as Load does,
// parsing a scenario whose manifest files are already read, and telling a
// manifest file from a scenario file.

// ReadFile reads a scenario or manifest file as LoadWith does: a regular
// file of at most opt.MaxFileSize bytes, told to opt.OnRead.
func ReadFile(path string, opt Options) ([]byte, error) {
	data, fi, err := readRegular(path, opt.maxSize())
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if opt.OnRead != nil {
		opt.OnRead(path, fi)
	}
	return data, nil
}

// ReadAll reads at most opt.MaxFileSize bytes from r (standard input);
// name names it in the error.
func ReadAll(name string, r io.Reader, opt Options) ([]byte, error) {
	data, err := readCapped(r, opt.maxSize())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
}

// ParseWith is Parse with options: a manifest entry {file: F} is read with
// readFile (given F joined to name's directory), from anywhere when
// opt.AllowOutside, and the scenario is checked against opt.Limits.
func ParseWith(name string, data []byte, readFile func(string) ([]byte, error), opt Options) (*Scenario, error) {
	return parse(name, data, readFile, opt)
}

// IsScenario reports whether data's first document says it is a stsim/v1
// scenario (its apiVersion is stsim/v1).
func IsScenario(data []byte) bool {
	docs, err := parseDocuments("", data)
	if err != nil {
		return false
	}
	d := newDecoder("", true)
	for _, doc := range docs {
		n, err := d.resolve(doc, "")
		if err != nil || isNull(n) {
			continue
		}
		v := d.lookup(n, "apiVersion")
		return v != nil && v.Kind == yaml.ScalarNode && v.Value == APIVersion
	}
	return false
}

// IsManifest reports whether data holds Kubernetes manifests rather than a
// scenario: its first document is a mapping with a kind, and neither its
// apiVersion nor its kind is the scenario's. Text that is not YAML is
// not a manifest (loading it as a scenario says what is wrong).
func IsManifest(data []byte) bool {
	docs, err := parseDocuments("", data)
	if err != nil {
		return false
	}
	d := newDecoder("", true)
	for _, doc := range docs {
		n, err := d.resolve(doc, "")
		if err != nil || isNull(n) {
			continue
		}
		if n.Kind != yaml.MappingNode {
			return false
		}
		kind, version := d.lookup(n, "kind"), d.lookup(n, "apiVersion")
		if kind == nil || kind.Kind != yaml.ScalarNode || kind.Value == "" || kind.Value == KindName {
			return false
		}
		return version == nil || version.Kind != yaml.ScalarNode || version.Value != APIVersion
	}
	return false
}
