package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
)

// TestLookupRendering checks how the DNS look-ups section shows each kind
// of answer (N6, NET-2): records with their TTL and pods; NXDOMAIN and
// NODATA with the negative-caching TTL; a name outside the cluster domain
// as outside the simulation, without a TTL, and in JSON with
// "outside": true (left out otherwise).
func TestLookupRendering(t *testing.T) {
	run := stsFixture()
	run.Lookups = []history.Lookup{
		{Time: sec(31), Name: "web-1.web", Type: "A", FQDN: "web-1.web.default.svc.cluster.local", Answers: []string{"10.244.1.3"}, Pods: []string{"web-1"}, TTL: 30},
		{Time: sec(32), Name: "web-9.web", Type: "A", FQDN: "web-9.web.default.svc.cluster.local", NXDomain: true, TTL: 30},
		{Time: sec(33), Name: "default.svc.cluster.local.", Type: "A", FQDN: "default.svc.cluster.local", TTL: 30},
		{Time: sec(34), Name: "example.com", Type: "A", FQDN: "example.com", Outside: true},
	}
	r := Build(fixtureHeader, []*history.Run{run})
	var text bytes.Buffer
	require.NoError(t, Render(&text, "text", []*Report{r}, Options{Width: 120}))
	for _, line := range []string{
		"31.0s  web-1.web                   A     30   web-1 (10.244.1.3)",
		"32.0s  web-9.web                   A     30   NXDOMAIN",
		"33.0s  default.svc.cluster.local.  A     30   no answer",
		"34.0s  example.com                 A     -    " + OutsideText,
	} {
		assert.Contains(t, text.String(), line)
	}

	var js bytes.Buffer
	require.NoError(t, Render(&js, "json", []*Report{r}, Options{}))
	var doc struct {
		Runs []struct {
			Lookups []map[string]any `json:"lookups"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	require.Len(t, doc.Runs[0].Lookups, 4)
	// Every key is there; the TTL of a name outside the cluster domain is
	// not simulated: null.
	for i, l := range doc.Runs[0].Lookups {
		assert.Equal(t, i == 3, l["outside"], "lookup %d: outside", i)
		assert.Equal(t, i == 3, l["ttl"] == nil, "lookup %d: ttl %v", i, l["ttl"])
	}
}
