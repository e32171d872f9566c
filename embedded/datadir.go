package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/rs/zerolog"
)

// ErrDataDirInUse means another broker holds the data directory's lock.
var ErrDataDirInUse = errors.New("data directory in use by another broker")

// ErrDataDirNotWritable means the broker cannot create files in its data
// directory (read-only file system, permissions, or a file in its place).
var ErrDataDirNotWritable = errors.New("data directory not writable")

// DataDirError says why the broker cannot use its data directory. It
// wraps ErrDataDirInUse or ErrDataDirNotWritable.
type DataDirError struct {
	Dir string
	// HolderPID is the process holding the lock, when it is known.
	HolderPID int
	Kind      error
	Cause     error
}

func (e *DataDirError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.Dir, e.Kind)
	if e.HolderPID > 0 {
		msg += fmt.Sprintf(" (pid %d)", e.HolderPID)
	}
	if e.Cause != nil {
		msg += fmt.Sprintf(": %v", e.Cause)
	}
	return msg
}

// Unwrap returns the kind of failure and its cause.
func (e *DataDirError) Unwrap() []error { return []error{e.Kind, e.Cause} }

// lockFileName is the file in the data directory a running broker holds
// an exclusive flock on; it records the holder's process id.
const lockFileName = "pitchkafka.lock"

// dataDirLock is a held lock on a data directory.
type dataDirLock struct{ f *os.File }

// lockDataDir creates dir if needed, checks it is writable and takes its
// lock, so that two brokers never share one directory. It returns a
// *DataDirError when another process holds the lock or dir is not
// writable.
func lockDataDir(dir string) (*dataDirLock, error) {
	notWritable := func(err error) error {
		return &DataDirError{Dir: dir, Kind: ErrDataDirNotWritable, Cause: unwrapPathError(err)}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, notWritable(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, notWritable(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := readLockPID(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &DataDirError{Dir: dir, HolderPID: pid, Kind: ErrDataDirInUse}
		}
		return nil, notWritable(err)
	}
	if err := probeWritable(dir); err != nil {
		f.Close()
		return nil, notWritable(err)
	}
	if err := writeLockPID(f); err != nil {
		f.Close()
		return nil, notWritable(err)
	}
	return &dataDirLock{f: f}, nil
}

// probeWritable creates, writes, syncs and removes a file in dir: the
// same operations the broker's persistence needs.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".pitchkafka-probe-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write([]byte("probe")); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeLockPID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

func readLockPID(f *os.File) int {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		return 0
	}
	return pid
}

// unlock releases the lock; the file stays, empty of meaning once its
// flock is gone.
func (l *dataDirLock) unlock() {
	if l == nil {
		return
	}
	l.f.Truncate(0)
	l.f.Close()
}

// unwrapPathError drops the path from an *os.PathError, which the
// DataDirError already names.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s %s: %w", pe.Op, filepath.Base(pe.Path), pe.Err)
	}
	return err
}

// storageFaults watches the broker's own warnings for failed writes to
// its data directory and names the cause once per kind, at error level,
// since the clients only hear "unknown server error".
type storageFaults struct {
	mu     sync.Mutex // the broker logs from several goroutines
	log    zerolog.Logger
	dir    string
	warned map[syscall.Errno]bool
}

// diskErrnos are the write failures worth a plain explanation.
var diskErrnos = map[string]syscall.Errno{
	syscall.ENOSPC.Error(): syscall.ENOSPC,
	syscall.EDQUOT.Error(): syscall.EDQUOT,
	syscall.EROFS.Error():  syscall.EROFS,
	syscall.EIO.Error():    syscall.EIO,
}

// observe looks at one formatted broker log line.
func (s *storageFaults) observe(msg string) {
	if s.dir == "" || !strings.HasPrefix(msg, "persist") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for text, errno := range diskErrnos {
		if !strings.Contains(msg, text) || s.warned[errno] {
			continue
		}
		s.warned[errno] = true
		s.log.Error().Str("data_dir", s.dir).Str("cause", text).
			Msg(storageAdvice(errno))
	}
}

func storageAdvice(errno syscall.Errno) string {
	switch errno {
	case syscall.ENOSPC, syscall.EDQUOT:
		return "the data directory's disk is full: the broker cannot store records or commits, and clients see \"unknown server error\"; free space, then restart the broker"
	case syscall.EROFS:
		return "the data directory became read-only: the broker cannot store records or commits; remount it writable, then restart the broker"
	}
	return "the data directory's disk failed a write: the broker cannot store records or commits; check the disk, then restart the broker"
}
