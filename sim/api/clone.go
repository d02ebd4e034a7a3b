package api

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// CloneManifest returns a deep copy of a manifest object (its apiVersion,
// kind, user metadata and spec; not the fields the API server sets), so one
// loaded manifest can be applied in several runs.
func CloneManifest(o Object) Object {
	b, err := json.Marshal(o)
	if err != nil {
		panic(fmt.Sprintf("api: clone %s: %v", o.GetKind(), err))
	}
	n := reflect.New(reflect.TypeOf(o).Elem()).Interface().(Object)
	if err := json.Unmarshal(b, n); err != nil {
		panic(fmt.Sprintf("api: clone %s: %v", o.GetKind(), err))
	}
	return n
}
