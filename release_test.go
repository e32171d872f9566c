package main

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTheReleaseBinaryRunsAlone builds the release binary with
// scripts/release.sh and runs demo with it on a machine with nothing else:
// in a directory that holds the binary alone, as its root (a chroot) where
// the test may make one, else with an empty environment. No Go, no libc,
// no librdkafka: it is one static executable.
func TestTheReleaseBinaryRunsAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the release build takes a minute")
	}
	if _, err := exec.LookPath("musl-gcc"); err != nil {
		t.Skip("musl-gcc not found (apt-get install musl-tools): the release build cannot be made here")
	}
	root := t.TempDir()
	bin := filepath.Join(root, "pitchkafka")
	build := exec.Command("bash", "scripts/release.sh")
	build.Env = append(os.Environ(), "OUT="+bin, "VERSION=v9.9.9-test")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release.sh: %v\n%s", err, out)
	}
	assertStatic(t, bin)

	run := func(args ...string) (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "/pitchkafka", args...)
		cmd.Env = []string{} // no PATH, no GOROOT, no HOME
		cmd.Dir = "/"
		if chrootable() {
			cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		} else {
			cmd.Path, cmd.Dir = bin, root
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	out, _, err := run("version")
	if err != nil || !strings.HasPrefix(out, "pitchkafka v9.9.9-test\nlibrdkafka 2.") {
		t.Fatalf("version: %v\n%s", err, out)
	}
	out, logs, err := run("demo", "--duration", "5s", "--rate", "100", "--web", "", "--listen", "127.0.0.1:0")
	// Which announcer the group gives the partitions to is the group's
	// business: either narrating shows the binary at work.
	narrated := regexp.MustCompile(`(?m)^announce-\d \| \[`).MatchString(out)
	if err != nil || !narrated || !strings.Contains(out, "last-pitch | PITCHER") {
		t.Fatalf("demo --duration 5s, alone (chroot %v): %v\nstdout (its end):\n%s\nstderr (its end):\n%s", chrootable(), err, tail(out, 3000), tail(logs, 3000))
	}
	t.Logf("the release binary ran the demo alone (chroot %v)", chrootable())
}

// assertStatic fails unless the binary asks for no dynamic loader and no
// shared library.
func assertStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the release binary asks for a dynamic loader: it is not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("the release binary needs shared libraries %v", libs)
	}
}

// chrootable reports whether the test may run a process in a chroot.
func chrootable() bool {
	return os.Geteuid() == 0 && exec.Command("chroot", "/", "true").Run() == nil
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	return s[max(0, len(s)-n):]
}
