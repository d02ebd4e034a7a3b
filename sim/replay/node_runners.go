package replay

import (
	"errors"
	"fmt"

	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
)

func init() {
	register(runNodeFail)
	register(runNodeRecover)
	register(runDeleteNode)
	register(runTaintNode)
}

// runNodeFail makes a node crash or lose its network: its kubelet stops
// renewing its Lease, and a crash stops its containers. What follows is
// the node lifecycle, taint eviction and pod garbage collection
// controllers' doing. A node that failed already is a finding.
func runNodeFail(r *replay, st scenarios.Step, a *scenarios.NodeFail) error {
	return r.write(st, func(ctx *sim.Context) error {
		if err := r.kube.FailNode(ctx, a.Node, a.Mode); err != nil {
			r.finding(st, "nodeFail: %v", err)
			return nil
		}
		// The kubelet no longer reports unmounts: the attach/detach
		// controller detaches from this node only by force.
		r.attach.KubeletDown(ctx, a.Node)
		return nil
	})
}

// runNodeRecover brings a failed node back; a node that has not failed is
// a finding.
func runNodeRecover(r *replay, st scenarios.Step, a *scenarios.NodeRecover) error {
	return r.write(st, func(ctx *sim.Context) error {
		if err := r.kube.RecoverNode(ctx, a.Node); err != nil {
			r.finding(st, "nodeRecover: %v", err)
			return nil
		}
		r.attach.KubeletUp(ctx, a.Node)
		return nil
	})
}

// runDeleteNode deletes the Node object, as kubectl delete node does.
func runDeleteNode(r *replay, st scenarios.Step, a *scenarios.DeleteNode) error {
	return r.write(st, func(ctx *sim.Context) error {
		err := ctx.Delete(api.KindNode, "/"+a.Node, apiserver.DeleteOptions{})
		if errors.Is(err, apiserver.ErrNotFound) {
			r.finding(st, "deleteNode: node %s does not exist", a.Node)
			return nil
		}
		return err
	})
}

// runTaintNode adds a taint, as kubectl taint nodes NODE KEY=VALUE:EFFECT
// does: a taint of the same key and effect is kept, and the step is a
// finding (kubectl refuses without --overwrite).
func runTaintNode(r *replay, st scenarios.Step, a *scenarios.TaintNode) error {
	return r.write(st, func(ctx *sim.Context) error {
		n := ctx.Txn().Node(a.Node)
		if n == nil {
			r.finding(st, "taintNode: node %s does not exist", a.Node)
			return nil
		}
		if n.HasTaint(a.Key, a.Effect) {
			r.finding(st, "taintNode: %s", fmt.Sprintf("node %s already has %s taint(s) with same effect(s) and --overwrite is false", a.Node, a.Key))
			return nil
		}
		nn := n.DeepCopy()
		nn.Spec.Taints = append(nn.Spec.Taints, api.Taint{Key: a.Key, Value: a.Value, Effect: a.Effect})
		return ctx.Update(nn)
	})
}
