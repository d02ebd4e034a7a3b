//go:build !unix

package scenarios

// openNonblock is 0 where opening a named pipe for reading cannot block
// the way it does on Unix.
const openNonblock = 0
