package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"stsim/cli"
)

// reviewGoldens are the reviews with golden output in testdata/golden,
// named review-NAME.FORMAT: the seed's manifests as published, the
// Kubernetes documentation's web StatefulSet as published (its claims ask
// for a StorageClass the cluster lacks), the same with that StorageClass
// given in a second file (and again with one ephemeral claim per pod
// under Deployment rules), and the documentation's nginx Deployment.
var reviewGoldens = []struct {
	name    string
	files   []string
	formats []string
	flags   []string
}{
	{"seed-myapp", []string{"scenarios/manifests/myapp-svc-headless.yaml", "scenarios/manifests/myapp-sts.yaml"}, []string{"text", "json", "markdown", "html"}, nil},
	{"k8s-docs-web", []string{"testdata/review/k8s-docs-web.yaml"}, []string{"text", "json"}, nil},
	{"k8s-docs-web-storage-class", []string{"testdata/review/k8s-docs-web.yaml", "testdata/review/my-storage-class.yaml"}, []string{"text", "json"}, nil},
	{"k8s-docs-web-ephemeral", []string{"testdata/review/k8s-docs-web.yaml", "testdata/review/my-storage-class.yaml"}, []string{"text"}, []string{"--deployment-volumes", "ephemeral"}},
	{"k8s-docs-nginx-deployment", []string{"testdata/review/k8s-docs-nginx-deployment.yaml"}, []string{"text", "json"}, nil},
}

// TestReviewGolden compares `stsim review` of each of reviewGoldens, run
// from the repository's root, with its golden file. After a deliberate
// change rewrite them with
//
//	go test ./cli -run TestReviewGolden -update
//
// and review the diff.
func TestReviewGolden(t *testing.T) {
	t.Setenv("COLUMNS", "")
	t.Setenv("NO_COLOR", "")
	t.Chdir("..")
	for _, g := range reviewGoldens {
		for _, format := range g.formats {
			file := filepath.Join("testdata", "golden", "review-"+g.name+"."+format)
			t.Run(filepath.Base(file), func(t *testing.T) {
				args := append(append([]string{"review", "-o", format}, g.flags...), g.files...)
				var stdout, stderr bytes.Buffer
				if status := cli.Main(args, &stdout, &stderr); status != cli.ExitOK || stderr.Len() > 0 {
					t.Fatalf("stsim %q: status %d\n%s", args, status, stderr.String())
				}
				if *update {
					if err := os.WriteFile(file, stdout.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (create it with: go test ./cli -run TestReviewGolden -update)", err)
				}
				if diff := cmp.Diff(string(want), stdout.String()); diff != "" {
					t.Errorf("stsim %q differs from %s (-want +got); if the change is intended, run go test ./cli -run TestReviewGolden -update and review the diff:\n%s", args, file, diff)
				}
			})
		}
	}
}
