// Package workload holds what differs between running one workload under
// StatefulSet rules and under Deployment rules: the names of the rule sets
// (Rules) and, behind the Workload interface with one implementation per
// kind, every question the replay, the slot tracker and the history
// recorder ask of the workload (its replicas and template, whether it is
// rolled out and what it is stuck on, which pods and revisions it owns, its
// status, the fixed slot of a pod). Nothing outside this package switches on
// the workload's kind.
package workload

import (
	"fmt"
	"slices"
	"strings"

	"stsim/sim/api"
)

// Rules names a rule set: the controller a workload runs under.
type Rules string

// The rule sets, in report order.
const (
	StatefulSet Rules = "statefulset"
	Deployment  Rules = "deployment"
)

// AllRules lists every rule set in report order.
var AllRules = []Rules{StatefulSet, Deployment}

// ParseRules reads one rule set name.
func ParseRules(s string) (Rules, error) {
	r := Rules(s)
	if !slices.Contains(AllRules, r) {
		return "", fmt.Errorf("unknown rule set %q; want %s or %s", s, StatefulSet, Deployment)
	}
	return r, nil
}

// ParseRulesList reads a comma-separated list of rule sets, such as the
// --rules flag "statefulset,deployment".
func ParseRulesList(s string) ([]Rules, error) {
	var out []Rules
	for _, part := range strings.Split(s, ",") {
		r, err := ParseRules(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, r) {
			return nil, fmt.Errorf("rule set %s given twice", r)
		}
		out = append(out, r)
	}
	return out, nil
}

// Kind is the workload kind the rule set runs: StatefulSet or Deployment.
func (r Rules) Kind() string {
	if r == StatefulSet {
		return api.KindStatefulSet
	}
	return api.KindDeployment
}

// Title names the rule set for people: "StatefulSet rules".
func (r Rules) Title() string {
	switch r {
	case StatefulSet:
		return "StatefulSet rules"
	case Deployment:
		return "Deployment rules"
	}
	return string(r) + " rules"
}

// RulesOf is the rule set under which obj runs as written: StatefulSet for a
// StatefulSet, Deployment for a Deployment, "" for any other kind.
func RulesOf(obj api.Object) Rules {
	switch obj.GetKind() {
	case api.KindStatefulSet:
		return StatefulSet
	case api.KindDeployment:
		return Deployment
	}
	return ""
}
