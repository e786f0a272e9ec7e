//go:build unix

package live

import (
	"os/exec"
	"syscall"
)

// killGroup makes cmd the leader of a process group of its own and
// makes canceling it kill the whole group, so that the children of a
// shell command (a sleep, a pipeline) stop with it.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
