package scenarios

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"stsim/sim/api"
	"stsim/sim/workload"
)

func TestBundledScenariosLoad(t *testing.T) {
	infos := List()
	if len(infos) < 2 {
		t.Fatalf("List: %d scenarios", len(infos))
	}
	files, _ := filepath.Glob("*.yaml")
	if len(files) != len(infos) {
		t.Errorf("%d files, %d listed", len(files), len(infos))
	}
	for i, info := range infos {
		if i > 0 && infos[i-1].Name >= info.Name {
			t.Errorf("List is not sorted by name: %s before %s", infos[i-1].Name, info.Name)
		}
		if info.File != "builtin/"+info.Name+".yaml" || info.Description == "" {
			t.Errorf("info %+v: want file builtin/NAME.yaml and a description", info)
		}
		sc, err := Builtin(info.Name)
		if err != nil {
			t.Errorf("Builtin(%s): %v", info.Name, err)
			continue
		}
		if len(sc.Ignored) != 0 {
			t.Errorf("%s ignores %q", info.Name, sc.Ignored)
		}
		// The same file loads from disk, with the same content.
		disk, err := Load(info.Name + ".yaml")
		if err != nil {
			t.Errorf("Load: %v", err)
			continue
		}
		if len(disk.Steps) != len(sc.Steps) || len(disk.Manifests) != len(sc.Manifests) {
			t.Errorf("%s differs on disk", info.Name)
		}
	}
	if _, err := Builtin("no-such"); err == nil || !strings.Contains(err.Error(), DefaultName) {
		t.Errorf("Builtin(no-such): %v", err)
	}
}

// TestDefaultScenario checks that the default scenario is the seed's example:
// its published manifests, with a data volume added by a patch.
func TestDefaultScenario(t *testing.T) {
	sc, err := Builtin(DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"manifests/myapp-sts.yaml: StatefulSet myapp-sts patched by the scenario: spec.volumeClaimTemplates"}; !slices.Equal(sc.Notes, want) {
		t.Errorf("notes %q", sc.Notes)
	}
	set := sc.Workload.Object.(*api.StatefulSet)
	if set.Name != "myapp-sts" || set.Spec.ServiceName != "myapp-svc-headless" || *set.Spec.Replicas != 2 ||
		len(set.Spec.VolumeClaimTemplates) != 1 || set.Spec.VolumeClaimTemplates[0].Name != "data" {
		t.Errorf("workload %+v", set.Spec)
	}
	if len(sc.Nodes) != 1 || sc.Steps[0].Action.ActionName() != "apply" || sc.Steps[0].Index != 0 {
		t.Errorf("nodes %v, first step %+v", sc.Nodes, sc.Steps[0])
	}
	var actions []string
	for _, s := range sc.Steps {
		actions = append(actions, s.Action.ActionName())
	}
	want := []string{"apply", "waitFor", "write", "write", "deletePod", "waitFor", "read", "resolve",
		"scale", "waitFor", "scale", "waitFor", "expect", "expect"}
	if !slices.Equal(actions, want) {
		t.Errorf("actions %v", actions)
	}
	_, extra, _ := variant(sc, workload.Deployment)
	if len(extra) != 1 || extra[0].Meta().Name != "data-myapp-sts" {
		t.Errorf("extra %v", extra)
	}
}
