//go:build !unix

package live

import "os/exec"

// killGroup does nothing where process groups are not available: only
// the shell itself is killed when a job is canceled.
func killGroup(cmd *exec.Cmd) {}
