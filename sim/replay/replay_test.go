package replay_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/scenarios"
	"stsim/sim/simtest"
	"stsim/sim/workload"
)

const web = `apiVersion: stsim/v1
kind: Scenario
metadata: {name: web}
spec:
  rules: [RULES]
  cluster: {nodes: 2}
  manifests:
  - inline:
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
  - inline:
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        serviceName: web
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
  steps:
STEPS`

func scenario(rules, steps string) string {
	return strings.Replace(strings.Replace(web, "RULES", rules, 1), "STEPS", steps, 1)
}

// TestRolledOutIsKubectlRolloutStatus follows kubectl's
// statefulSetStatusViewer (kubectl/pkg/polymorphichelpers/rollout_status.go):
// with the rollingUpdate block the API server defaults, a StatefulSet is
// rolled out when readyReplicas and updatedReplicas reach spec.replicas.
// updatedReplicas leaves out a terminating pod, so a rolledOut wait right
// after a pod deletion lasts until the replacement is Ready, while right
// after a scale-down (readyReplicas still counts the terminating pods) it
// holds at once. OnDelete makes kubectl give up, and the wait ends with a
// finding quoting it.
func TestRolledOutIsKubectlRolloutStatus(t *testing.T) {
	run := simtest.Run(t, scenario("statefulset", `  - apply: {}
  - waitFor: {rolledOut: true}
  - deletePod: {target: {ordinal: 1}}
  - waitFor: {rolledOut: true}
  - expect: {podNames: [web-0, web-1, web-2], ready: 3}
  - scale: {replicas: 1}
  - waitFor: {rolledOut: true}
  - expect: {terminating: [web-2]}
  - patch: {spec: {updateStrategy: {type: OnDelete, rollingUpdate: null}}}
  - waitFor: {rolledOut: true}
`), "statefulset")
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	require.Len(t, run.Expectations, 3)
	var deleted time.Duration
	for _, p := range run.Pods {
		if p.Name == "web-1" && p.Deleted != nil {
			deleted = *p.Deleted
			break
		}
	}
	require.NotZero(t, deleted)
	assert.Greater(t, run.Expectations[0].Time, deleted, "the deleted pod's replacement was waited for")
	require.Len(t, run.Findings, 1)
	assert.Contains(t, run.Findings[0].Message, "waitFor rolledOut: kubectl rollout status: rollout status is only available for RollingUpdate strategy type")
	assert.Equal(t, run.Expectations[2].Time, run.Findings[0].Time, "kubectl gives up at once")
}

// TestRolledOutGivesUpPastTheProgressDeadline follows kubectl's
// deploymentStatusViewer: once Progressing is ProgressDeadlineExceeded,
// kubectl rollout status fails, so the wait ends there with a finding.
func TestRolledOutGivesUpPastTheProgressDeadline(t *testing.T) {
	text := strings.Replace(scenario("deployment", `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "broken"}
  - waitFor: {rolledOut: true, timeout: 30m}
`), "  cluster: {nodes: 2}\n", "  cluster: {nodes: 2}\n  images: {broken: {ready: never}}\n", 1)
	run := simtest.Run(t, text, "deployment")
	require.Len(t, run.Findings, 1)
	assert.Contains(t, run.Findings[0].Message, `kubectl rollout status: deployment "web" exceeded its progress deadline`)
	assert.Less(t, run.Findings[0].Time, 15*time.Minute, "not the 30m timeout")
}

// TestDeploymentSlotIsTheLowestFreeSlot follows the slots of docs/scenarios.md: under
// Deployment rules a new pod takes the lowest slot no live pod holds, so a
// replacement takes the slot of the pod it replaces and {ordinal: N}
// targets it.
func TestDeploymentSlotIsTheLowestFreeSlot(t *testing.T) {
	run := simtest.Run(t, scenario("deployment", `  - apply: {}
  - waitFor: {rolledOut: true}
  - deletePod: {target: {ordinal: 1}}
  - waitFor: {ready: 3}
`), "deployment")
	require.Len(t, run.Pods, 4)
	deleted, repl := run.Pods[1], run.Pods[3]
	require.NotNil(t, deleted.Deleted)
	assert.Equal(t, 1, deleted.Slot)
	assert.Equal(t, 1, repl.Slot)
	assert.Equal(t, deleted.Name, repl.Replaced)
	assert.NotEqual(t, deleted.Name, repl.Name)
	assert.Equal(t, *deleted.Deleted, repl.Created, "the ReplicaSet replaces a terminating pod at once")
}

// TestWaitForTimeoutIsAFinding follows docs/scenarios.md: a waitFor that times out
// does not stop the run; it is a finding that says what the rollout is
// stuck on.
func TestWaitForTimeoutIsAFinding(t *testing.T) {
	run := simtest.Run(t, scenario("statefulset", `  - apply: {}
  - waitFor: {ready: 5, timeout: 30s}
  - expect: {pods: 3}
`), "statefulset")
	require.Len(t, run.Findings, 1)
	assert.Contains(t, run.Findings[0].Message, "waitFor timed out after 30s: StatefulSet web wants 3 replicas")
	assert.Equal(t, 30*time.Second, run.Findings[0].Time)
	require.Len(t, run.Expectations, 1)
	assert.True(t, run.Expectations[0].OK)
}

// TestRejectedUpdateIsRecorded follows ValidateStatefulSetUpdate: a change
// to serviceName is refused by the API server; the run records the
// rejection with the apiserver's message and goes on.
func TestRejectedUpdateIsRecorded(t *testing.T) {
	run := simtest.Run(t, scenario("statefulset", `  - apply: {}
  - waitFor: {rolledOut: true}
  - apply:
      inline:
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: other
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
  - expect: {pods: 3}
`), "statefulset")
	require.Len(t, run.Rejections, 1)
	assert.Contains(t, run.Rejections[0].Message, `StatefulSet.apps "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than`)
	assert.Equal(t, 2, run.Rejections[0].Step)
	assert.True(t, run.Expectations[0].OK)
}

// TestSchedulerSpreadsPods follows the stand-in scheduler: a pod goes to
// the Ready node with the fewest pods, ties broken by name.
func TestSchedulerSpreadsPods(t *testing.T) {
	run := simtest.Run(t, scenario("statefulset", "  - apply: {}\n  - waitFor: {rolledOut: true}\n"), "statefulset")
	var nodes []string
	for _, p := range run.Pods {
		nodes = append(nodes, p.Node)
	}
	assert.Equal(t, []string{"node-1", "node-2", "node-1"}, nodes)
}

// TestUnschedulablePodStaysPending follows the scheduler's NodeAffinity
// filter for nodeSelector: with no matching node the pod stays Pending
// with a FailedScheduling event, and OrderedReady creates nothing more.
func TestUnschedulablePodStaysPending(t *testing.T) {
	text := strings.Replace(scenario("statefulset", "  - apply: {}\n  - waitFor: {rolledOut: true, timeout: 1m}\n"),
		`spec: {containers: [{name: nginx, image: "nginx:1.27"}]}`,
		`spec: {nodeSelector: {disktype: ssd}, containers: [{name: nginx, image: "nginx:1.27"}]}`, 1)
	run := simtest.Run(t, text, "statefulset")
	require.Len(t, run.Pods, 1)
	assert.Equal(t, "", run.Pods[0].Node)
	assert.Equal(t, "Pending", run.Pods[0].Phase)
	var reasons []string
	for _, e := range run.Events {
		if e.Name == "web-0" {
			reasons = append(reasons, e.Reason)
		}
	}
	assert.Contains(t, reasons, "FailedScheduling")
	require.Len(t, run.Findings, 1)
	assert.Contains(t, run.Findings[0].Message, "web-0 (Pending, Unschedulable, unscheduled)")
}

// TestBundledScenariosKeepInvariants runs every bundled scenario under each
// of its rule sets with the invariants checked after every change (objects
// never changed in place, OrderedReady order, claims of their own ordinal),
// and requires their expectations to hold.
func TestBundledScenariosKeepInvariants(t *testing.T) {
	for _, info := range scenarios.List() {
		sc, err := scenarios.Builtin(info.Name)
		require.NoError(t, err, info.Name)
		for _, rules := range sc.Rules {
			t.Run(info.Name+"/"+string(rules), func(t *testing.T) {
				run := simtest.RunScenario(t, sc, rules)
				for _, e := range run.Expectations {
					assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
				}
				assert.Empty(t, run.Findings)
			})
		}
	}
}

// TestChangesDroppedUnderTheOtherRulesAreConversions: a patch or an apply
// that sets StatefulSet-only fields runs under Deployment rules with those
// fields dropped, as the scenario's conversion drops them, and the run's
// conversions name each one with its step; under StatefulSet rules nothing
// is dropped.
func TestChangesDroppedUnderTheOtherRulesAreConversions(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - patch: {spec: {updateStrategy: {rollingUpdate: {partition: 1}}}}
  - apply:
      inline: {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: web}, spec: {serviceName: web, replicas: 3, podManagementPolicy: Parallel, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: nginx, image: "nginx:1.27"}]}}}}
`
	run := simtest.Run(t, scenario("deployment", steps), "deployment")
	assert.Empty(t, run.Findings)
	require.Len(t, run.Conversions, 4)
	assert.Equal(t, "step 2 (patch, test.yaml:27:5): spec.updateStrategy dropped (a Deployment has no such field)", run.Conversions[2])
	assert.Equal(t, "step 3 (apply, test.yaml:28:5): spec.podManagementPolicy dropped (Parallel)", run.Conversions[3])

	run = simtest.Run(t, scenario("statefulset", steps), "statefulset")
	assert.Empty(t, run.Conversions)
}

// TestCrashKeepsWhatDeletionLoses follows K2 and K5 (a restart is in
// place: same pod, UID, IP and emptyDir) against K4/E1 (a deleted pod is
// gone with its emptyDir; the replacement is a new pod): under both rule
// sets a crash keeps the pod and the record on its emptyDir; a deletion
// loses the record.
func TestCrashKeepsWhatDeletionLoses(t *testing.T) {
	text := `apiVersion: stsim/v1
kind: Scenario
metadata: {name: t}
spec:
  manifests:
  - inline:
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {clusterIP: None, selector: {app: web}}
  - inline:
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        serviceName: web
        replicas: 1
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: app, image: "app:1", volumeMounts: [{name: scratch, mountPath: /tmp}]}]
            volumes: [{name: scratch, emptyDir: {}}]
  steps:
  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 0}, volume: scratch, key: k, value: v}
  - crash: {target: {ordinal: 0}}
  - waitFor: {ready: 1}
  - expect: {read: {target: {ordinal: 0}, volume: scratch, key: k, value: v}}
  - deletePod: {target: {ordinal: 0}}
  - waitFor: {podReady: {ordinal: 0}}
  - expect: {read: {target: {ordinal: 0}, volume: scratch, key: k, missing: true}}
`
	for _, rules := range []string{"statefulset", "deployment"} {
		run := simtest.Run(t, text, workload.Rules(rules))
		for _, e := range run.Expectations {
			assert.True(t, e.OK, "%s %s: want %s, got %s", rules, e.Check, e.Want, e.Got)
		}
		require.Len(t, run.Pods, 2, rules)
		assert.Equal(t, int32(1), run.Pods[0].Restarts, "%s: the crash restarted the first pod in place", rules)
		assert.Zero(t, run.Pods[1].Restarts, rules)
	}
}

// TestVolumesShowWhatReclaimDid follows S4 (reclaimVolume in
// pkg/controller/volume/persistentvolume/pv_controller.go): once its claim
// is gone, a Retain volume stays Released with its data and a Delete one
// goes with its disk; the run records each volume's fate and what is left
// on it.
func TestVolumesShowWhatReclaimDid(t *testing.T) {
	sc, err := scenarios.Builtin("storage-reclaim")
	require.NoError(t, err)
	for _, rules := range []workload.Rules{"statefulset", "deployment"} {
		run := simtest.RunScenario(t, sc, rules)
		byPolicy := map[string][]string{}
		for _, v := range run.Volumes {
			byPolicy[v.ReclaimPolicy] = append(byPolicy[v.ReclaimPolicy], fmt.Sprintf("%s/%d", v.Phase, v.Records))
		}
		assert.Equal(t, []string{"Released/1", "Bound/0"}, byPolicy["Retain"], rules)
		assert.Equal(t, []string{"Gone/0", "Bound/0"}, byPolicy["Delete"], rules)
	}
}
