package replay

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
)

func init() {
	register(runSetImage)
	register(runPatch)
	register(runRolloutRestart)
	register(runRolloutUndo)
	register(runDeleteWorkload)
	register(runDeleteClaim)
	register(runPatchPod)
}

// Epoch is the wall-clock time of the scenario's 0s, for the timestamps
// kubectl writes into objects (kubectl.kubernetes.io/restartedAt).
var Epoch = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)

// RestartedAtAnnotation is the template annotation of `kubectl rollout
// restart`.
const RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt"

// changeWorkload updates the workload with what change makes of a copy of
// it, as a kubectl command that reads, changes and writes it back does. A
// workload that does not exist is a finding; a change the API server
// refuses is a rejection.
func (r *replay) changeWorkload(st scenarios.Step, change func(ctx *sim.Context, obj api.Object) (api.Object, error)) error {
	return r.write(st, func(ctx *sim.Context) error {
		cur := r.w.Get(ctx.Txn())
		if cur == nil {
			r.finding(st, "the workload %s %s does not exist", r.w.Kind(), r.w.Name())
			return nil
		}
		n, err := change(ctx, cur.DeepCopyObject())
		if err != nil || n == nil {
			return err
		}
		return ctx.Update(n)
	})
}

// runSetImage sets a container's image, as kubectl set image does.
func runSetImage(r *replay, st scenarios.Step, s *scenarios.SetImage) error {
	return r.changeWorkload(st, func(_ *sim.Context, obj api.Object) (api.Object, error) {
		cs := r.w.Template(obj).Spec.Containers
		for i := range cs {
			if s.Container == "" || cs[i].Name == s.Container {
				cs[i].Image = s.Image
				return obj, nil
			}
		}
		r.finding(st, "setImage: the pod template has no container %q", s.Container)
		return nil, nil
	})
}

// runPatch patches the workload, as kubectl patch does. Fields the
// workload's kind under these rules does not have are dropped, as the
// conversion drops them, and the run's conversions say so.
func runPatch(r *replay, st scenarios.Step, p *scenarios.Patch) error {
	return r.changeWorkload(st, func(_ *sim.Context, obj api.Object) (api.Object, error) {
		patched, ignored, err := p.Apply(obj)
		if err != nil {
			return nil, err
		}
		for _, f := range ignored {
			r.rec.Converted(fmt.Sprintf("%s: %s dropped (a %s has no such field)", st, f, r.w.Kind()))
		}
		return r.w.WithSpecOf(obj, patched), nil
	})
}

// runRolloutRestart stamps the pod template with the restart time, as
// kubectl rollout restart does (defaultObjectRestarter): it refuses a
// paused Deployment, and a second restart within the same second changes
// nothing.
func runRolloutRestart(r *replay, st scenarios.Step, _ *scenarios.RolloutRestart) error {
	return r.changeWorkload(st, func(ctx *sim.Context, obj api.Object) (api.Object, error) {
		if d, ok := obj.(*api.Deployment); ok && d.Spec.Paused {
			r.finding(st, "rolloutRestart: can't restart paused deployment (run rollout resume first)")
			return nil, nil
		}
		t := r.w.Template(obj)
		stamp := Epoch.Add(ctx.Now()).Format(time.RFC3339)
		if t.Annotations[RestartedAtAnnotation] == stamp {
			r.finding(st, "rolloutRestart: if restart has already been triggered within the past second, please wait before attempting to trigger another")
			return nil, nil
		}
		if t.Annotations == nil {
			t.Annotations = map[string]string{}
		}
		t.Annotations[RestartedAtAnnotation] = stamp
		return obj, nil
	})
}

// runRolloutUndo puts back the pod template of an earlier revision, as
// kubectl rollout undo does; a revision that cannot be found, or a template
// that already matches, is a finding.
func runRolloutUndo(r *replay, st scenarios.Step, u *scenarios.RolloutUndo) error {
	return r.changeWorkload(st, func(ctx *sim.Context, obj api.Object) (api.Object, error) {
		tmpl, n, err := r.w.RevisionTemplate(ctx.Txn(), obj, u.ToRevision)
		if err != nil {
			r.finding(st, "rolloutUndo: %v", err)
			return nil, nil
		}
		cur := r.w.Template(obj)
		withoutHash := cur.DeepCopy()
		delete(withoutHash.Labels, api.PodTemplateHashLabel)
		if reflect.DeepEqual(withoutHash, tmpl) {
			r.finding(st, "rolloutUndo: skipped rollback (current template already matches revision %d)", n)
			return nil, nil
		}
		*cur = tmpl
		return obj, nil
	})
}

// runDeleteWorkload deletes the workload with the cascade of kubectl
// delete --cascade.
func runDeleteWorkload(r *replay, st scenarios.Step, d *scenarios.DeleteWorkload) error {
	policy := map[string]string{scenarios.CascadeBackground: apiserver.PropagationBackground,
		scenarios.CascadeForeground: apiserver.PropagationForeground, scenarios.CascadeOrphan: apiserver.PropagationOrphan}[d.Cascade]
	return r.write(st, func(ctx *sim.Context) error {
		err := ctx.Delete(r.w.Kind(), r.w.Namespace()+"/"+r.w.Name(), apiserver.DeleteOptions{PropagationPolicy: policy})
		if errors.Is(err, apiserver.ErrNotFound) {
			r.finding(st, "the workload %s %s does not exist", r.w.Kind(), r.w.Name())
			return nil
		}
		return err
	})
}

// runDeleteClaim deletes claims, as kubectl delete pvc does: pvc-protection
// keeps a claim while a pod uses it.
func runDeleteClaim(r *replay, st scenarios.Step, d *scenarios.DeleteClaim) error {
	var names []string
	if d.Name != "" {
		names = []string{d.Name}
	} else {
		pods := r.targets(*d.Target, false)
		if len(pods) == 0 {
			r.finding(st, "deleteClaim: no pod matches %s", d.Target)
		}
		for _, p := range pods {
			for _, v := range p.Spec.Volumes {
				if v.Name == d.Volume && v.PersistentVolumeClaim != nil {
					names = append(names, v.PersistentVolumeClaim.ClaimName)
				}
			}
		}
	}
	return r.write(st, func(ctx *sim.Context) error {
		for _, name := range names {
			err := ctx.Delete(api.KindPersistentVolumeClaim, r.w.Namespace()+"/"+name, apiserver.DeleteOptions{})
			if errors.Is(err, apiserver.ErrNotFound) {
				r.finding(st, "deleteClaim: no claim %s", name)
				continue
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// runPatchPod sets or removes labels and annotations of the target pods.
func runPatchPod(r *replay, st scenarios.Step, pp *scenarios.PatchPod) error {
	pods := r.targets(pp.Target, false)
	if len(pods) == 0 {
		r.finding(st, "patchPod: no pod matches %s", pp.Target)
		return nil
	}
	return r.write(st, func(ctx *sim.Context) error {
		for _, p := range pods {
			n := p.DeepCopy()
			n.Labels = patchMap(n.Labels, pp.Labels)
			n.Annotations = patchMap(n.Annotations, pp.Annotations)
			if err := ctx.Update(n); err != nil {
				return fmt.Errorf("patchPod %s: %w", p.Name, err)
			}
		}
		return nil
	})
}

// patchMap sets each key with a value and removes each key without one.
func patchMap(m map[string]string, patch map[string]*string) map[string]string {
	if len(patch) == 0 {
		return m
	}
	if m == nil {
		m = map[string]string{}
	}
	for k, v := range patch {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = *v
		}
	}
	return m
}
