package api

import (
	"fmt"
	"reflect"
	"testing"
)

// TestDeepCopySharesNothing fills every field of every stored kind (by
// reflection, so a field added later is covered) and checks that
// DeepCopyObject returns an equal object that shares no pointer, slice or
// map with the original.
func TestDeepCopySharesNothing(t *testing.T) {
	for _, o := range []Object{&Pod{}, &PersistentVolumeClaim{}, &PersistentVolume{}, &StorageClass{}, &Service{},
		&EndpointSlice{}, &Node{}, &StatefulSet{}, &Deployment{}, &ReplicaSet{}, &ControllerRevision{}, &VolumeAttachment{}} {
		t.Run(o.GetKind(), func(t *testing.T) {
			fill(reflect.ValueOf(o).Elem(), 0)
			c := o.DeepCopyObject()
			if !reflect.DeepEqual(o, c) {
				t.Fatalf("copy differs from the original:\n%+v\n%+v", o, c)
			}
			if path := shared(reflect.ValueOf(o).Elem(), reflect.ValueOf(c).Elem(), o.GetKind()); path != "" {
				t.Errorf("%s is shared between the original and the copy", path)
			}
		})
	}
}

// fill sets every field under v to a non-zero value, with one element in
// each slice and map.
func fill(v reflect.Value, depth int) {
	if depth > 12 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), depth+1)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Interface:
		v.Set(reflect.ValueOf("x"))
	}
}

// shared returns the path of the first pointer, slice or map that a and b
// share, or "".
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shared(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
				return p
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for it := a.MapRange(); it.Next(); {
			if p := shared(it.Value(), b.MapIndex(it.Key()), path+"["+fmt.Sprint(it.Key())+"]"); p != "" {
				return p
			}
		}
	}
	return ""
}
