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

// TestBundledLessons: the library has at least 14 teaching scenarios, one
// for each topic the project promises, and each description starts with
// its lesson in two sentences, which `stsim list` shows.
func TestBundledLessons(t *testing.T) {
	infos := List()
	if len(infos) < 14 {
		t.Errorf("%d bundled scenarios, want at least 14", len(infos))
	}
	topics := map[string]string{
		"seed-published":        "the seed's example as published: no volumes",
		"seed-myapp":            "the seed's example with per-pod volumes",
		"db-primary-dns":        "primary and replicas addressed by DNS name, with roles",
		"fault-crash-vs-delete": "crash vs delete",
		"sts-scale":             "scale down and up (Retain)",
		"sts-retention-delete":  "scale down and up (whenScaled Delete)",
		"sts-rolling-update":    "rolling update",
		"sts-partition-canary":  "partitioned canary",
		"sts-forced-rollback":   "forced rollback",
		"node-crash":            "node crash",
		"node-partition":        "node partition",
		"rwo-claim-two-nodes":   "Multi-Attach with a shared ReadWriteOnce claim",
		"deploy-recreate":       "Recreate vs RollingUpdate",
		"sts-orphan-adopt":      "deleting the set: cascade vs orphan",
		"sts-start-ordinal":     "start ordinal",
	}
	for name, topic := range topics {
		if !slices.ContainsFunc(infos, func(in Info) bool { return in.Name == name }) {
			t.Errorf("no bundled scenario %s (%s)", name, topic)
		}
	}
	for _, in := range infos {
		lesson := in.Lesson()
		if strings.Count(lesson, ". ") != 1 || !strings.HasSuffix(lesson, ".") || lesson == strings.Join(strings.Fields(in.Description), " ") {
			t.Errorf("%s: the description does not start with a lesson of two sentences followed by more: %q", in.Name, lesson)
		}
	}
}
