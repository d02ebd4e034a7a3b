package scenarios

import (
	"fmt"
	"strings"
)

// Source returns the YAML text of the bundled scenario with this name.
func Source(name string) ([]byte, error) {
	for _, info := range List() {
		if info.Name == name {
			return library.ReadFile(strings.TrimPrefix(info.File, builtinDir+"/"))
		}
	}
	return nil, fmt.Errorf("no bundled scenario %q (see stsim list)", name)
}
