package commands

import "syscall"

// memberProcAttr puts a member in a process group of its own, so that a
// Ctrl-C at the terminal reaches the demo alone, which then stops each
// member once; and has the kernel kill the member if the demo dies,
// however it dies, so that no announcer outlives it.
func memberProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
