package replicaset

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSlowStartBatch follows slowStartBatch in
// pkg/controller/replicaset/replica_set.go (docs/rules.md E1): calls go in
// batches of 1, 2, 4, … up to the count; the batch in which a call fails
// is finished, and no later batch starts.
func TestSlowStartBatch(t *testing.T) {
	for _, tc := range []struct {
		count, failAt int
		calls         int
	}{
		{count: 10, failAt: -1, calls: 10},
		{count: 10, failAt: 0, calls: 1},
		{count: 10, failAt: 1, calls: 3},
		{count: 10, failAt: 3, calls: 7},
		{count: 10, failAt: 7, calls: 10},
		{count: 0, failAt: -1, calls: 0},
	} {
		t.Run(fmt.Sprintf("count=%d/fail=%d", tc.count, tc.failAt), func(t *testing.T) {
			calls := 0
			err := slowStartBatch(tc.count, SlowStartInitialBatchSize, func() error {
				calls++
				if calls-1 == tc.failAt {
					return errors.New("quota exceeded")
				}
				return nil
			})
			assert.Equal(t, tc.calls, calls)
			assert.Equal(t, tc.failAt >= 0, err != nil)
		})
	}
}
