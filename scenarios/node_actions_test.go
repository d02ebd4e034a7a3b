package scenarios

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNodeActions reads the node actions: nodeFail (crash by default),
// nodeRecover, deleteNode and taintNode, each naming a node of
// spec.cluster.nodes.
func TestNodeActions(t *testing.T) {
	sc := mustParse(t, map[string]string{"m.yaml": webSet, "s.yaml": scenarioWith(`  cluster: {nodes: 2}
  steps:
  - apply: {}
  - nodeFail: {node: node-2}
  - nodeFail: {node: node-1, mode: partition}
  - nodeRecover: {node: node-1}
  - deleteNode: {node: node-2}
  - taintNode: {node: node-1, key: node.kubernetes.io/out-of-service, value: nodeshutdown, effect: NoExecute}
  - taintNode: {node: node-1, key: spot, effect: PreferNoSchedule}
`)})
	var got []Action
	for _, st := range sc.Steps[1:] {
		got = append(got, st.Action)
	}
	want := []Action{
		&NodeFail{Node: "node-2", Mode: NodeCrash},
		&NodeFail{Node: "node-1", Mode: NodePartition},
		&NodeRecover{Node: "node-1"},
		&DeleteNode{Node: "node-2"},
		&TaintNode{Node: "node-1", Key: "node.kubernetes.io/out-of-service", Value: "nodeshutdown", Effect: "NoExecute"},
		&TaintNode{Node: "node-1", Key: "spot", Effect: "PreferNoSchedule"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}
