package statefulset_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/history"
	"stsim/sim/replay"
	"stsim/sim/simtest"
)

// This file pins, with whole scenarios, the StatefulSet rules of
// docs/rules.md about scaling to zero, deleting the set, DNS and the
// stored maxUnavailable.

// runKeep replays a scenario under the StatefulSet rules with the
// invariants checked, and also returns the engine, to read the objects
// the history does not record (Services, the set's spec).
func runKeep(t *testing.T, text string) (*history.Run, *sim.Engine) {
	t.Helper()
	var eng *sim.Engine
	run, err := replay.RunWith(simtest.Load(t, text, nil), "statefulset", func(e *sim.Engine) {
		simtest.Check(t, e)
		eng = e
	})
	require.NoError(t, err)
	return run, eng
}

// lookups lists the recorded DNS answers of one name.
func lookups(run *history.Run, name string) []history.Lookup {
	var out []history.Lookup
	for _, l := range run.Lookups {
		if l.Name == name {
			out = append(out, l)
		}
	}
	return out
}

// withImages adds spec.images to a scenario.
func withImages(text, images string) string {
	return strings.Replace(text, "  timing:", "  images: "+images+"\n  timing:", 1)
}

// TestScaleToZero follows R-SCALE-5 (ValidateStatefulSetSpec allows
// replicas 0; processCondemned): scaling to 0 deletes every pod, highest
// ordinal first, one after the other under OrderedReady; the status says
// 0 replicas; the claims stay (Retain) and a scale back up reuses them.
func TestScaleToZero(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 0}, volume: data, key: k, value: kept}
  - scale: {replicas: 0}
  - waitFor: {gone: all}
  - expect: {pods: 0, pvcs: [data-web-0, data-web-1, data-web-2], status: {replicas: 0, readyReplicas: 0}}
  - scale: {replicas: 2}
  - waitFor: {rolledOut: true}
  - expect: {podNames: [web-0, web-1], read: {target: {ordinal: 0}, volume: data, key: k, value: kept}}
`
	run := simtest.Run(t, scenario(set{replicas: 3}, steps), "statefulset")
	expectationsOK(t, run)
	assert.Equal(t, []string{"web-2", "web-1", "web-0"}, deletionOrder(run))
	for _, pair := range [][2]string{{"web-2", "web-1"}, {"web-1", "web-0"}} {
		first, next := rows(run, pair[0])[0], rows(run, pair[1])[0]
		require.NotNil(t, first.Gone)
		assert.GreaterOrEqual(t, deref(next.Deleted), *first.Gone, "%s deleted before %s was gone", pair[1], pair[0])
	}
	assert.Len(t, run.Claims, 3, "no claim is made again")
}

// TestDeletingTheSetKeepsItsServiceAndRetainedClaims follows R-DEL-3 (the
// garbage collector deletes only the set's dependents: pods and
// ControllerRevisions; the headless Service is the user's, and claims
// under whenDeleted Retain have no owner): once the set and its pods are
// gone, the Service "web" and every claim are still there.
func TestDeletingTheSetKeepsItsServiceAndRetainedClaims(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - deleteWorkload: {}
    after: 5s
  - waitFor: {gone: all}
  - expect: {pods: 0, pvcs: [data-web-0, data-web-1]}
  - resolve: {name: web}
`
	run, eng := runKeep(t, scenario(set{replicas: 2}, steps))
	expectationsOK(t, run)
	tx := eng.View()
	assert.Nil(t, tx.StatefulSet("default/web"), "the set is gone")
	assert.NotNil(t, tx.Service("default/web"), "the headless Service stays")
	assert.Len(t, tx.Claims(), 2, "the claims stay")
	for _, r := range run.Revisions {
		assert.NotNil(t, r.Gone, "revision %s goes with the set", r.Name)
	}
	l := lookups(run, "web")
	require.Len(t, l, 1)
	assert.True(t, l[0].NXDomain, "the Service is there, with no endpoint")
}

// TestOrphanDeleteKeepsClaimsOfWhenDeletedDelete follows R-PVC-R9 and
// R-DEL-2 (the garbage collector's orphanDependents removes the deleted
// owner's references from its dependents): a set with whenDeleted Delete
// deleted with cascade orphan leaves its pods running and its claims in
// place, without the reference to the set that would have deleted them.
func TestOrphanDeleteKeepsClaimsOfWhenDeletedDelete(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - expect: {pvcs: [data-web-0, data-web-1]}
  - deleteWorkload: {cascade: orphan}
    after: 5s
  - expect: {pvcs: [data-web-0, data-web-1]}
    after: 1m
`
	extra := "        persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}\n"
	run, eng := runKeep(t, scenario(set{replicas: 2, extra: extra}, steps))
	expectationsOK(t, run)
	assert.Nil(t, eng.View().StatefulSet("default/web"))
	require.Len(t, run.Claims, 2)
	for _, c := range run.Claims {
		assert.Nil(t, c.Gone, c.Name)
		assert.Empty(t, c.OwnerReferences, "%s no longer references the set", c.Name)
	}
	for _, p := range run.Pods {
		assert.Nil(t, p.Deleted, p.Name)
	}

	// The same set deleted with cascade background takes its claims along.
	background := strings.Replace(scenario(set{replicas: 2, extra: extra}, steps), "cascade: orphan", "cascade: background", 1)
	background = strings.Replace(background, "  - expect: {pvcs: [data-web-0, data-web-1]}\n    after: 1m\n", "  - waitFor: {gone: all}\n", 1)
	run = simtest.Run(t, background, "statefulset")
	for _, c := range run.Claims {
		assert.NotNil(t, c.Gone, "%s goes with the set when it is not orphaned", c.Name)
	}
}

// TestPodDNSNames follows R-DNS-2 (the StatefulSet docs' "Stable Network
// ID": <pod>.<serviceName>.<namespace>.svc.cluster.local; the headless
// Service's domain <serviceName>.<namespace>.svc.cluster.local): each pod's
// full name answers its own IP, the Service's name answers every ready
// pod, and its SRV records name the pods.
func TestPodDNSNames(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - resolve: {name: web-0.web.default.svc.cluster.local}
  - resolve: {name: web-1.web.default.svc.cluster.local}
  - resolve: {name: web.default.svc.cluster.local}
  - resolve: {name: _http._tcp.web.default.svc.cluster.local, type: SRV}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	ips := map[string]string{}
	for _, p := range run.Pods {
		ips[p.Name] = p.IP
	}
	for _, pod := range []string{"web-0", "web-1"} {
		name := pod + ".web.default.svc.cluster.local"
		l := lookups(run, name)
		require.Len(t, l, 1, name)
		assert.Equal(t, name, l[0].FQDN)
		assert.Equal(t, []string{ips[pod]}, l[0].Answers, name)
		assert.Equal(t, []string{pod}, l[0].Pods, name)
	}
	svc := lookups(run, "web.default.svc.cluster.local")
	require.Len(t, svc, 1)
	assert.ElementsMatch(t, []string{ips["web-0"], ips["web-1"]}, svc[0].Answers)
	srv := lookups(run, "_http._tcp.web.default.svc.cluster.local")
	require.Len(t, srv, 1)
	var targets []string
	for _, a := range srv[0].Answers {
		f := strings.Fields(a)
		targets = append(targets, f[len(f)-1])
	}
	assert.ElementsMatch(t, []string{"web-0.web.default.svc.cluster.local", "web-1.web.default.svc.cluster.local"}, targets)
}

// TestPodNameResolvesOnlyWhileReady follows R-DNS-3 and R-DNS-4
// (ShouldPodBeInEndpoints and podToEndpoint in
// staging/src/k8s.io/endpointslice: ready = publishNotReadyAddresses ||
// (Ready && not terminating); DNS answers ready endpoints only): a pod that
// never gets Ready, and a Ready pod once it is terminating, have no record
// by default; with publishNotReadyAddresses both resolve as soon as the
// pod has an IP, until it is gone. The replacement's name resolves to its
// new IP once it is Ready.
func TestPodNameResolvesOnlyWhileReady(t *testing.T) {
	for _, publish := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "publishNotReadyAddresses"}[publish], func(t *testing.T) {
			publishing := func(text string) string {
				if publish {
					text = strings.Replace(text, "spec: {clusterIP: None,", "spec: {clusterIP: None, publishNotReadyAddresses: true,", 1)
				}
				return text
			}
			// A pod that never gets Ready.
			steps := `  - apply: {}
  - resolve: {name: web-0.web}
    after: 20s
`
			text := withImages(scenario(set{replicas: 1, image: "broken:1"}, steps), `{"broken:1": {ready: never}}`)
			run := simtest.Run(t, publishing(text), "statefulset")
			require.Len(t, run.Pods, 1)
			require.Nil(t, run.Pods[0].Ready)
			l := lookups(run, "web-0.web")
			require.Len(t, l, 1)
			if publish {
				assert.Equal(t, []string{run.Pods[0].IP}, l[0].Answers, "published before Ready")
			} else {
				assert.True(t, l[0].NXDomain, "no record before Ready")
			}

			// A Ready pod that is terminating, then its replacement.
			steps = `  - apply: {}
  - waitFor: {rolledOut: true}
  - resolve: {name: web-0.web}
  - deletePod: {target: {pod: web-0}}
  - resolve: {name: web-0.web}
    after: 1s
  - waitFor: {podReady: {pod: web-0}}
  - resolve: {name: web-0.web}
`
			text = strings.Replace(scenario(set{replicas: 1}, steps), "shutdown: 1s", "shutdown: 5s", 1)
			run = simtest.Run(t, publishing(text), "statefulset")
			inc := rows(run, "web-0")
			require.Len(t, inc, 2)
			l = lookups(run, "web-0.web")
			require.Len(t, l, 3)
			assert.Equal(t, []string{inc[0].IP}, l[0].Answers, "Ready: resolves")
			if publish {
				assert.Equal(t, []string{inc[0].IP}, l[1].Answers, "published while terminating")
			} else {
				assert.True(t, l[1].NXDomain, "terminating: no record")
			}
			assert.Equal(t, []string{inc[1].IP}, l[2].Answers, "the replacement's IP")
		})
	}
}

// TestReplacementWaitsForTheOldObjectUnderEitherPolicy follows R-NODE-1
// (processReplica creates a pod only when isCreated is false, so a
// terminating pod object blocks its own replacement; docs "Force Delete
// StatefulSet Pods"): under both policies the pod that replaces a deleted
// one is created only once the old object is gone, after its whole
// termination, and never while it exists.
func TestReplacementWaitsForTheOldObjectUnderEitherPolicy(t *testing.T) {
	for _, p := range policies {
		t.Run(p, func(t *testing.T) {
			steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - deletePod: {target: {pod: web-1}}
  - waitFor: {podReady: {pod: web-1}}
`
			run := simtest.Run(t, strings.Replace(scenario(set{replicas: 3, extra: policy(p)}, steps), "shutdown: 1s", "shutdown: 10s", 1), "statefulset")
			inc := rows(run, "web-1")
			require.Len(t, inc, 2)
			old, repl := inc[0], inc[1]
			require.NotNil(t, old.Deleted)
			require.NotNil(t, old.Gone)
			assert.Equal(t, 10*time.Second, *old.Gone-*old.Deleted, "the old pod takes its whole shutdown")
			assert.GreaterOrEqual(t, repl.Created, *old.Gone, "the replacement waits for the old object")
		})
	}
}

// TestStoredMaxUnavailableIsKeptAndHonoured follows R-UPD-10 for v1.37,
// where MaxUnavailableStatefulSet is on (SetDefaults_StatefulSet;
// updateStatefulSetAfterInvariantEstablished): a stored maxUnavailable
// survives later writes of the set (the API server drops it only while the
// gate is off) and the controller honours it, replacing two pods at a
// time. The gate-off half of the rule (the legacy one-at-a-time path) is
// not modelled.
func TestStoredMaxUnavailableIsKeptAndHonoured(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - scale: {replicas: 4}
  - waitFor: {rolledOut: true}
  - setImage: {image: "nginx:1.28"}
    after: 5s
  - waitFor: {rolledOut: true}
`
	run, eng := runKeep(t, scenario(set{replicas: 2, extra: "        updateStrategy: {rollingUpdate: {maxUnavailable: 2}}\n"}, steps))
	s := eng.View().StatefulSet("default/web")
	require.NotNil(t, s)
	require.NotNil(t, s.Spec.UpdateStrategy.RollingUpdate)
	require.NotNil(t, s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable)
	assert.Equal(t, "2", s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable.String())
	deleted := map[string]time.Duration{}
	for _, p := range run.Pods {
		if p.Deleted != nil {
			deleted[p.Name] = *p.Deleted
		}
	}
	require.Len(t, deleted, 4)
	assert.Equal(t, deleted["web-3"], deleted["web-2"], "two at a time")
	assert.Equal(t, deleted["web-1"], deleted["web-0"])
}
