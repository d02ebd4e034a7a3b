package apiserver_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

// write runs fn in one committed transaction at time now.
func write(t *testing.T, s *store.Store, srv *apiserver.Server, now time.Duration, fn func(*apiserver.Client) error) {
	t.Helper()
	tx := s.Write()
	defer tx.Abort()
	require.NoError(t, fn(srv.Client(tx, now)))
	tx.Commit()
}

func ptr[T any](v T) *T { return &v }

func newPod(name, generateName, node string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, GenerateName: generateName},
		Spec: api.PodSpec{NodeName: node, Containers: []api.Container{{Name: "c", Image: "app:1"}}}}
}

// TestCreateWithGenerateName follows the apiserver's create path
// (BeforeCreate with names.SimpleNameGenerator; docs/rules.md A6): a
// generateName gets 5 random characters, the object gets the default
// namespace, a UID, its creation time, generation 1 and phase Pending.
func TestCreateWithGenerateName(t *testing.T) {
	s, srv := store.New(), apiserver.New(rand.New(rand.NewPCG(1, 1)))
	var p *api.Pod
	write(t, s, srv, 7*time.Second, func(c *apiserver.Client) error {
		p = newPod("", "web-5d8f7c9b4-", "")
		return c.Create(p)
	})
	assert.Regexp(t, `^web-5d8f7c9b4-[bcdfghjklmnpqrstvwxz2456789]{5}$`, p.Name)
	assert.Equal(t, api.DefaultNamespace, p.Namespace)
	assert.NotEmpty(t, p.UID)
	assert.Equal(t, 7*time.Second, p.CreationTimestamp)
	assert.Equal(t, int64(1), p.Generation)
	assert.Equal(t, api.PodPending, p.Status.Phase)
	assert.Same(t, p, s.Read().Pod("default/"+p.Name))

	tx := s.Write()
	defer tx.Abort()
	err := srv.Client(tx, 0).Create(newPod(p.Name, "", ""))
	assert.ErrorIs(t, err, apiserver.ErrAlreadyExists)
}

// TestGracefulPodDeletion follows the pod strategy's CheckGracefulDelete
// (pkg/registry/core/pod/strategy.go; docs/rules.md K4, H8): a scheduled pod
// gets a deletionTimestamp and its grace period (terminationGracePeriodSeconds,
// default 30) and stays; an unscheduled pod, or a deletion with grace
// period 0 (force), removes the object at once; a second delete with a
// longer grace period changes nothing.
func TestGracefulPodDeletion(t *testing.T) {
	s, srv := store.New(), apiserver.New(rand.New(rand.NewPCG(1, 1)))
	write(t, s, srv, 0, func(c *apiserver.Client) error {
		for _, p := range []*api.Pod{newPod("bound", "", "node-1"), newPod("pending", "", ""), newPod("forced", "", "node-1")} {
			if err := c.Create(p); err != nil {
				return err
			}
		}
		short := newPod("short", "", "node-1")
		short.Spec.TerminationGracePeriodSeconds = ptr(int64(5))
		return c.Create(short)
	})
	write(t, s, srv, 10*time.Second, func(c *apiserver.Client) error {
		for _, name := range []string{"bound", "pending", "short"} {
			if err := c.Delete(api.KindPod, "default/"+name, apiserver.DeleteOptions{}); err != nil {
				return err
			}
		}
		return c.Delete(api.KindPod, "default/forced", apiserver.DeleteOptions{GracePeriodSeconds: ptr(int64(0))})
	})
	tx := s.Read()
	bound := tx.Pod("default/bound")
	require.NotNil(t, bound)
	require.True(t, bound.Terminating())
	assert.Equal(t, 10*time.Second, *bound.DeletionTimestamp)
	assert.Equal(t, int64(30), *bound.DeletionGracePeriodSeconds)
	assert.Equal(t, int64(5), *tx.Pod("default/short").DeletionGracePeriodSeconds)
	assert.Nil(t, tx.Pod("default/pending"), "an unscheduled pod goes at once")
	assert.Nil(t, tx.Pod("default/forced"), "grace period 0 removes the object")

	rv := bound.ResourceVersion
	write(t, s, srv, 12*time.Second, func(c *apiserver.Client) error {
		return c.Delete(api.KindPod, "default/bound", apiserver.DeleteOptions{GracePeriodSeconds: ptr(int64(60))})
	})
	assert.Equal(t, rv, s.Read().Pod("default/bound").ResourceVersion, "a longer grace period is ignored")
}

// TestGenerationAndFinalizers follows the apps strategies' PrepareForUpdate
// (metadata.generation is bumped on spec changes only) and the
// StorageObjectInUseProtection admission plugin with finalizer-aware
// deletion (docs/rules.md S5): a claim is created with the pvc-protection
// finalizer, a delete only marks it, and dropping the finalizer removes it.
func TestGenerationAndFinalizers(t *testing.T) {
	s, srv := store.New(), apiserver.New(rand.New(rand.NewPCG(1, 1)))
	d := &api.Deployment{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.DeploymentSpec{
		Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
			Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "app:1"}}}}}}
	api.SetDefaultsDeployment(d)
	write(t, s, srv, 0, func(c *apiserver.Client) error {
		if err := c.Create(d); err != nil {
			return err
		}
		return c.Create(&api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data"}, Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"},
			Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}})
	})
	write(t, s, srv, 1, func(c *apiserver.Client) error {
		n := c.Txn().Deployment("default/web").DeepCopy()
		n.Status.ReadyReplicas = 1
		return c.Update(n)
	})
	assert.Equal(t, int64(1), s.Read().Deployment("default/web").Generation, "a status change keeps the generation")
	write(t, s, srv, 2, func(c *apiserver.Client) error {
		n := c.Txn().Deployment("default/web").DeepCopy()
		n.Spec.Replicas = ptr(int32(3))
		return c.Update(n)
	})
	assert.Equal(t, int64(2), s.Read().Deployment("default/web").Generation, "a spec change bumps it")

	assert.Equal(t, []string{apiserver.PVCProtectionFinalizer}, s.Read().Claim("default/data").Finalizers)
	write(t, s, srv, 3, func(c *apiserver.Client) error {
		return c.Delete(api.KindPersistentVolumeClaim, "default/data", apiserver.DeleteOptions{})
	})
	cl := s.Read().Claim("default/data")
	require.NotNil(t, cl)
	assert.True(t, cl.Terminating())
	write(t, s, srv, 4, func(c *apiserver.Client) error {
		n := c.Txn().Claim("default/data").DeepCopy()
		n.Finalizers = nil
		return c.Update(n)
	})
	assert.Nil(t, s.Read().Claim("default/data"))
}

// TestUpdateStatus follows the status subresource (statefulSetStatusStrategy
// in pkg/registry/apps/statefulset/strategy.go): a status write keeps the
// stored spec and generation, so the spec's update validation (which an
// update of the whole object runs) has nothing to check.
func TestUpdateStatus(t *testing.T) {
	s, srv := store.New(), apiserver.New(rand.New(rand.NewPCG(1, 1)))
	set := &api.StatefulSet{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.StatefulSetSpec{ServiceName: "web",
		Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
			Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "app:1"}}}}}}
	api.SetDefaultsStatefulSet(set)
	write(t, s, srv, 0, func(c *apiserver.Client) error { return c.Create(set) })
	stored := s.Read().StatefulSet("default/web")
	write(t, s, srv, 1, func(c *apiserver.Client) error {
		n := c.Txn().StatefulSet("default/web").DeepCopy()
		n.Status.ReadyReplicas = 1
		n.Generation = 7
		return c.UpdateStatus(n)
	})
	got := s.Read().StatefulSet("default/web")
	assert.Equal(t, int32(1), got.Status.ReadyReplicas)
	assert.Equal(t, stored.UID, got.UID)
	assert.Equal(t, int64(1), got.Generation)

	tx := s.Write()
	defer tx.Abort()
	n := tx.StatefulSet("default/web").DeepCopy()
	n.Spec.ServiceName = "other"
	assert.Error(t, srv.Client(tx, 2).Update(n.DeepCopy()), "an update validates the spec: serviceName cannot change")
	require.NoError(t, srv.Client(tx, 2).UpdateStatus(n))
	assert.Equal(t, "web", tx.StatefulSet("default/web").Spec.ServiceName, "a status write keeps the stored spec")
}
