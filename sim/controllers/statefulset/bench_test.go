package statefulset_test

import (
	"fmt"
	"testing"

	"stsim/sim"

	"stsim/sim/replay"
	"stsim/sim/simtest"
)

// scaleUpScenario is a Parallel StatefulSet of n replicas with a claim per
// pod, on enough nodes to hold them, applied and waited for.
func scaleUpScenario(n int) string {
	return fmt.Sprintf(`apiVersion: stsim/v1
kind: Scenario
metadata: {name: bench}
spec:
  rules: [statefulset]
  cluster: {nodes: %d}
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
        replicas: %d
        podManagementPolicy: Parallel
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  steps:
  - apply: {}
  - waitFor: {rolledOut: true, timeout: 1h}
  - expect: {pods: %d}
`, n/100+1, n, n)
}

// BenchmarkStatefulSetScaleUp creates a Parallel StatefulSet of 100, 1,000
// and 10,000 replicas (each with its claim and volume) until it is rolled
// out, and reports the time, allocations and reconciles per run.
func BenchmarkStatefulSetScaleUp(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			sc := simtest.Load(b, scaleUpScenario(n), nil)
			b.ReportAllocs()
			var eng *sim.Engine
			for b.Loop() {
				run, err := replay.RunWith(sc, "statefulset", func(e *sim.Engine) { eng = e })
				if err != nil {
					b.Fatal(err)
				}
				if len(run.Expectations) != 1 || !run.Expectations[0].OK {
					b.Fatalf("not rolled out: %+v %+v", run.Expectations, run.Findings)
				}
			}
			b.ReportMetric(float64(eng.Reconciles), "reconciles/op")
		})
	}
}
