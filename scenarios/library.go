package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"stsim/limits"
)

// DefaultName is the bundled scenario `stsim` runs without arguments: the
// seed's myapp example.
const DefaultName = "seed-myapp"

// builtinDir prefixes the file names of bundled scenarios in positions and
// Scenario.File.
const builtinDir = "builtin"

//go:embed *.yaml manifests/*.yaml
var library embed.FS

// Info describes one bundled scenario.
type Info struct {
	// Name is metadata.name.
	Name string
	// Description is metadata.description.
	Description string
	// File is "builtin/FILE.yaml".
	File string
}

// Lesson is the first two sentences of the description, which state a
// bundled scenario's lesson (TestBundledLessons); the whole description
// when it has fewer.
func (in Info) Lesson() string {
	s := strings.Join(strings.Fields(in.Description), " ")
	end := 0
	for range 2 {
		i := strings.Index(s[end:], ". ")
		if i < 0 {
			return s
		}
		end += i + 2
	}
	return s[:end-1]
}

// List lists the bundled scenarios by name. It reads only their metadata;
// Builtin loads one fully.
func List() []Info {
	files, _ := fs.Glob(library, "*.yaml")
	var out []Info
	for _, f := range files {
		data, err := library.ReadFile(f)
		if err != nil {
			continue
		}
		var doc struct {
			Metadata struct {
				Name        string `yaml:"name"`
				Description string `yaml:"description"`
			} `yaml:"metadata"`
		}
		if yaml.Unmarshal(data, &doc) != nil || doc.Metadata.Name == "" {
			continue
		}
		out = append(out, Info{Name: doc.Metadata.Name, Description: doc.Metadata.Description, File: path.Join(builtinDir, f)})
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Builtin loads the bundled scenario with this metadata.name; its manifests
// come from the embedded library too. A bundled scenario's file is named
// after it (TestBundledScenariosLoad), so only that file is read.
func Builtin(name string) (*Scenario, error) { return BuiltinWith(name, limits.Limits{}) }

// BuiltinWith is Builtin with caps other than the defaults.
func BuiltinWith(name string, lim limits.Limits) (*Scenario, error) {
	file := name + ".yaml"
	if data, err := library.ReadFile(file); err == nil && !strings.ContainsAny(name, "/\\") {
		return parse(path.Join(builtinDir, file), data, readBuiltin, Options{Limits: lim})
	}
	var names []string
	for _, info := range List() {
		names = append(names, info.Name)
	}
	return nil, fmt.Errorf("no bundled scenario %q; `stsim list` shows them: %s", name, strings.Join(names, ", "))
}

// readBuiltin reads a manifest of the embedded library by its "builtin/..."
// name.
func readBuiltin(name string) ([]byte, error) {
	rel, ok := strings.CutPrefix(path.Clean(strings.ReplaceAll(name, "\\", "/")), builtinDir+"/")
	if !ok {
		return nil, fmt.Errorf("%s is outside the bundled library", name)
	}
	return library.ReadFile(rel)
}
