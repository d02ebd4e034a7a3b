package store_test

import (
	"fmt"
	"testing"

	"stsim/sim/api"
	"stsim/sim/store"
)

// BenchmarkStatefulSetPodWrites makes the store writes that bring up one
// Parallel StatefulSet pod with a claim, as the controllers make them (a
// copy of the stored object, changed, then Put), for 10,000 pods in
// transactions of one instant each: the pod and its claim, the volume,
// binding volume and claim, the attachment, the pod's binding and its
// kubelet's four status writes. It is the floor under the cost of a
// 10,000-pod StatefulSet: the store alone, with no controller deciding
// anything (docs/performance.md).
//
//	go test ./sim/store -run '^$' -bench StatefulSetPodWrites -benchtime 3x
func BenchmarkStatefulSetPodWrites(b *testing.B) {
	const replicas = 10000
	type names struct{ pod, podKey, claim, claimKey, volume, attachment, node, podUID, claimUID, volumeUID, attachmentUID string }
	var n [replicas]names
	for i := range n {
		n[i] = names{pod: fmt.Sprintf("web-%d", i), podKey: fmt.Sprintf("default/web-%d", i), claim: fmt.Sprintf("data-web-%d", i),
			claimKey: fmt.Sprintf("default/data-web-%d", i), volume: fmt.Sprintf("pvc-%d", i), attachment: fmt.Sprintf("csi-%d", i),
			node: fmt.Sprintf("node-%d", i%100), podUID: fmt.Sprintf("pod-%d", i), claimUID: fmt.Sprintf("claim-%d", i),
			volumeUID: fmt.Sprintf("pv-%d", i), attachmentUID: fmt.Sprintf("va-%d", i)}
	}
	b.ReportAllocs()
	for b.Loop() {
		s := store.New()
		set := &api.StatefulSet{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default", UID: "set-uid"}}
		ref := []api.OwnerReference{api.NewControllerRef(set, "apps/v1")}
		writes := 0
		put := func(tx *store.Txn, o api.Object) {
			tx.Put(o)
			writes++
		}
		// The instants of a Parallel create: every pod and claim, then each
		// later step for every pod.
		steps := []func(tx *store.Txn, i int){
			func(tx *store.Txn, i int) {
				put(tx, &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: n[i].claim, Namespace: "default",
					UID: n[i].claimUID, Labels: map[string]string{"app": "web"}, OwnerReferences: ref},
					Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"},
						Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}})
				put(tx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: n[i].pod, Namespace: "default",
					UID: n[i].podUID, Labels: map[string]string{"app": "web"}, OwnerReferences: ref},
					Spec: api.PodSpec{Containers: []api.Container{{Name: "web", Image: "web:1"}},
						Volumes: []api.Volume{{Name: "data", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: n[i].claim}}}}})
			},
			func(tx *store.Txn, i int) {
				put(tx, &api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: n[i].volume, UID: n[i].volumeUID},
					Spec:   api.PersistentVolumeSpec{Capacity: map[string]string{"storage": "1Gi"}, AccessModes: []string{"ReadWriteOnce"}},
					Status: api.PersistentVolumeStatus{Phase: "Available"}})
			},
			func(tx *store.Txn, i int) {
				pv := tx.Volume(n[i].volume).DeepCopy()
				pv.Spec.ClaimRef = &api.ObjectReference{Kind: api.KindPersistentVolumeClaim, Namespace: "default", Name: n[i].claim}
				pv.Status.Phase = "Bound"
				put(tx, pv)
				cl := tx.Claim(n[i].claimKey).DeepCopy()
				cl.Spec.VolumeName = pv.Name
				put(tx, cl)
			},
			func(tx *store.Txn, i int) {
				p := tx.Pod(n[i].podKey).DeepCopy()
				p.Spec.NodeName = n[i].node
				put(tx, p)
				put(tx, &api.VolumeAttachment{ObjectMeta: api.ObjectMeta{Name: n[i].attachment, UID: n[i].attachmentUID},
					Spec: api.VolumeAttachmentSpec{Attacher: "csi", NodeName: p.Spec.NodeName, PersistentVolumeName: n[i].volume}})
			},
		}
		for _, phase := range []string{"Pending", "Running", "Running", "Running"} {
			steps = append(steps, func(tx *store.Txn, i int) {
				p := tx.Pod(n[i].podKey).DeepCopy()
				p.Status.Phase = phase
				p.Status.Ready = !p.Status.Ready
				put(tx, p)
			})
		}
		for _, step := range steps {
			tx := s.Write()
			for i := range replicas {
				step(tx, i)
			}
			tx.Commit()
		}
		b.ReportMetric(float64(writes)/replicas, "writes/pod")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/replicas, "ns/pod")
}
