package replay

import (
	"fmt"
	"reflect"

	"stsim/scenarios"
)

// runner runs one step whose action has a given type.
type runner func(r *replay, st scenarios.Step) error

// runners maps each action type to its runner; register fills it from the
// files that implement the actions.
var runners = map[reflect.Type]runner{}

// register makes run the runner of the action type A.
func register[A scenarios.Action](run func(r *replay, st scenarios.Step, a A) error) {
	runners[reflect.TypeFor[A]()] = func(r *replay, st scenarios.Step) error { return run(r, st, st.Action.(A)) }
}

// runStep runs a step at the current time with its action's runner.
func runStep(r *replay, st scenarios.Step) error {
	run, ok := runners[reflect.TypeOf(st.Action)]
	if !ok {
		return fmt.Errorf("%s: no runner for action %s", st, st.Action.ActionName())
	}
	return run(r, st)
}

// checker evaluates one check of an expect step; it records an
// Expectation.
type checker func(r *replay, st scenarios.Step, c scenarios.Check) error

// checkers maps each check type to its checker.
var checkers = map[reflect.Type]checker{}

// registerCheck makes check the checker of the check type C.
func registerCheck[C scenarios.Check](check func(r *replay, st scenarios.Step, c C) error) {
	checkers[reflect.TypeFor[C]()] = func(r *replay, st scenarios.Step, c scenarios.Check) error { return check(r, st, c.(C)) }
}
