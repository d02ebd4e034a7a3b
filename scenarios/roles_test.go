package scenarios

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRoles loads spec.roles and the targets that use them: roles sorted
// by name, the role of others holding every slot no other role names, a
// {role} target kept as written, and a {dns} target with its record type
// (A by default) on write and read only.
func TestRoles(t *testing.T) {
	sc := mustParse(t, map[string]string{"m.yaml": webSet, "s.yaml": scenarioWith(`  roles:
    replica: {others: true, readOnly: true}
    primary: {ordinals: [2, 0]}
  steps:
  - write: {target: {role: primary}, key: k, value: v}
  - read: {target: {dns: web-0.web}, key: k}
  - read: {target: {dns: _http._tcp.web, type: SRV}, key: k}
  - deletePod: {target: {role: replica}}
`)})
	want := []Role{{Name: "primary", Ordinals: []int{0, 2}}, {Name: "replica", Others: true, ReadOnly: true}}
	if diff := cmp.Diff(want, sc.Roles); diff != "" {
		t.Fatalf("roles (-want +got):\n%s", diff)
	}
	var holders []string
	for slot := range 4 {
		holders = append(holders, sc.RoleOf(slot).Name)
	}
	if want := []string{"primary", "replica", "primary", "replica"}; !slices.Equal(holders, want) {
		t.Errorf("RoleOf 0..3 = %v, want %v", holders, want)
	}
	var targets []string
	for _, st := range sc.Steps[1:] {
		switch a := st.Action.(type) {
		case *Write:
			targets = append(targets, a.Target.String())
		case *Read:
			targets = append(targets, a.Target.String()+" "+a.Target.DNSType)
		case *DeletePod:
			targets = append(targets, a.Target.String())
		}
	}
	want2 := []string{"{role: primary}", "{dns: web-0.web} A", "{dns: _http._tcp.web, type: SRV} SRV", "{role: replica}"}
	if !slices.Equal(targets, want2) {
		t.Errorf("targets %q, want %q", targets, want2)
	}
	if sc.Role("writer") != nil {
		t.Error("Role(writer) found")
	}
}

// TestLesson cuts a description after its second sentence.
func TestLesson(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"One. Two. Three.", "One. Two."},
		{"Pods 0.5s apart.\n  Then   more. Rest.", "Pods 0.5s apart. Then more."},
		{"Only one.", "Only one."},
		{"One. Two.", "One. Two."},
	} {
		if got := (Info{Description: c.in}).Lesson(); got != c.want {
			t.Errorf("Lesson(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
