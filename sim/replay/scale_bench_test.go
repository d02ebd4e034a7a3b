package replay_test

import (
	"flag"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"stsim/sim"
	"stsim/sim/replay"
	"stsim/sim/simtest"
	"stsim/sim/workload"
)

// huge adds the 150,000-replica cases (Kubernetes' scalability limit) to
// the scale benchmarks: go test ./sim/replay -run '^$' -bench Rollout
// -benchtime 1x -stsim.huge. They take a minute or more each.
var huge = flag.Bool("stsim.huge", false, "also run the 150,000-replica scale benchmarks")

// scaleScenario is the scale check's shape (docs/performance.md): a
// workload of n replicas on one node per 100 pods, images that start in
// 1s and are ready 1s later, applied and waited for, then, with rollout,
// set to a new image and waited for again. A StatefulSet is Parallel with
// a claim per pod.
func scaleScenario(kind string, n int, rollout bool) string {
	workload := fmt.Sprintf(`      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: %d
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: "web:1"}]}
`, n)
	if kind == "statefulset" {
		workload = fmt.Sprintf(`      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        serviceName: web
        replicas: %d
        podManagementPolicy: Parallel
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: "web:1", volumeMounts: [{name: data, mountPath: /data}]}]}
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`, n)
	}
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true, timeout: 1000h}\n"
	if rollout {
		steps += "  - setImage: {image: \"web:2\"}\n  - waitFor: {rolledOut: true, timeout: 1000h}\n"
	}
	steps += fmt.Sprintf("  - expect: {pods: %d, ready: %d}\n", n, n)
	return fmt.Sprintf(`apiVersion: stsim/v1
kind: Scenario
metadata: {name: bench}
spec:
  rules: [%s]
  cluster: {nodes: %d}
  images:
    "web:1": {start: 1s, ready: 1s, shutdown: 1s}
    "web:2": {start: 1s, ready: 1s, shutdown: 1s}
  manifests:
  - inline:
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
  - inline:
%s  steps:
%s`, kind, max(3, (n+99)/100), strings.TrimRight(workload, "\n")+"\n", steps)
}

// benchScale runs the scenario of kind, n and rollout b.N times and
// reports, per pod of the workload, the time, allocations, reconciles and
// store writes of one run.
func benchScale(b *testing.B, kind string, rollout bool) {
	sizes := []int{1000, 10000}
	if *huge {
		sizes = append(sizes, 150000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			sc := simtest.Load(b, scaleScenario(kind, n, rollout), nil)
			var eng *sim.Engine
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				run, err := replay.RunWith(sc, workload.Rules(kind), func(e *sim.Engine) { eng = e })
				if err != nil {
					b.Fatal(err)
				}
				for _, e := range run.Expectations {
					if !e.OK {
						b.Fatalf("not rolled out: %+v %+v", run.Expectations, run.Findings)
					}
				}
			}
			runtime.ReadMemStats(&after)
			pods := float64(n * b.N)
			st := eng.Stats()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/pods, "ns/pod")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/pods, "allocs/pod")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/pods, "B/pod")
			b.ReportMetric(float64(st.TotalReconciles())/float64(n), "reconciles/pod")
			b.ReportMetric(float64(st.Writes)/float64(n), "writes/pod")
		})
	}
}

// BenchmarkStatefulSetScaleUp creates a Parallel StatefulSet (a claim and
// volume per pod) until it is rolled out.
func BenchmarkStatefulSetScaleUp(b *testing.B) { benchScale(b, "statefulset", false) }

// BenchmarkStatefulSetRollout creates a Parallel StatefulSet and rolls it
// to a new image.
func BenchmarkStatefulSetRollout(b *testing.B) { benchScale(b, "statefulset", true) }

// BenchmarkDeploymentRollout creates a Deployment and rolls it to a new
// image.
func BenchmarkDeploymentRollout(b *testing.B) { benchScale(b, "deployment", true) }
