//go:build !linux

package commands

import "syscall"

// memberProcAttr puts a member in a process group of its own, so that a
// Ctrl-C at the terminal reaches the demo alone, which then stops each
// member once.
func memberProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
