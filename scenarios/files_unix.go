//go:build unix

package scenarios

import "syscall"

// openNonblock opens files without blocking, so that a file that turns into
// a named pipe between the check and the open does not hang the read.
const openNonblock = syscall.O_NONBLOCK
