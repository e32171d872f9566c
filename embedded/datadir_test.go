package embedded_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

func startBrokerOn(dir string, log zerolog.Logger) (*embedded.Broker, error) {
	return embedded.StartBroker(embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: 1, DataDir: dir, Log: log})
}

// mustMountTmpfs mounts a small tmpfs on a fresh directory (options as
// mount(8) takes them), or skips the test where mounting is not allowed.
func mustMountTmpfs(tb testing.TB, flags uintptr, data string) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, data); err != nil {
		tb.Skipf("cannot mount a tmpfs here (%v): run as root with CAP_SYS_ADMIN to test this", err)
	}
	tb.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

func TestASecondBrokerOnTheSameDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := startBrokerOn(dir, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	_, err = startBrokerOn(dir, zerolog.Nop())
	var dd *embedded.DataDirError
	if !errors.Is(err, embedded.ErrDataDirInUse) || !errors.As(err, &dd) {
		first.Close()
		t.Fatalf("second broker: %v, want embedded.ErrDataDirInUse", err)
	}
	if dd.HolderPID != os.Getpid() {
		t.Errorf("holder pid %d, want %d (this process)", dd.HolderPID, os.Getpid())
	}
	first.Close()
	// Once the first has stopped, the directory is free again.
	again, err := startBrokerOn(dir, zerolog.Nop())
	if err != nil {
		t.Fatalf("after the first broker stopped: %v", err)
	}
	again.Close()
}

func TestAnUnwritableDataDirIsRefusedAtStart(t *testing.T) {
	aFile := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		dir  func(t *testing.T) string
	}{
		{"a file in its place", func(*testing.T) string { return aFile }},
		{"below a file", func(*testing.T) string { return filepath.Join(aFile, "data") }},
		{"a read-only file system", func(t *testing.T) string {
			if os.Geteuid() != 0 { // permissions stop everyone but root
				dir := t.TempDir()
				os.Chmod(dir, 0o555)
				t.Cleanup(func() { os.Chmod(dir, 0o755) })
				return dir
			}
			return mustMountTmpfs(t, syscall.MS_RDONLY, "size=64k")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := startBrokerOn(tc.dir(t), zerolog.Nop())
			if err == nil {
				b.Close()
				t.Fatal("the broker started, want embedded.ErrDataDirNotWritable")
			}
			if !errors.Is(err, embedded.ErrDataDirNotWritable) {
				t.Fatalf("got %v, want embedded.ErrDataDirNotWritable", err)
			}
		})
	}
}

func TestAFullDataDirIsNamedInTheBrokersLog(t *testing.T) {
	dir := mustMountTmpfs(t, 0, "size=256k")
	logs := &testkit.Buffer{}
	b, err := startBrokerOn(dir, zerolog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	topic := "fill"
	testkit.CreateTopic(t, b.Bootstrap(), topic, 1, nil)
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": b.Bootstrap(), "acks": "all",
		"message.timeout.ms": 20000, "log_level": 3})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	value := bytes.Repeat([]byte("x"), 16<<10)
	const n = 40 // 640 KB into 256 KB
	for range n {
		if err := p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Value: value}, nil); err != nil {
			t.Fatal(err)
		}
	}
	failed := 0
	deadline := time.After(60 * time.Second)
	for settled := 0; settled < n; {
		select {
		case ev := <-p.Events():
			if m, ok := ev.(*kafka.Message); ok {
				settled++
				if m.TopicPartition.Error != nil {
					failed++
				}
			}
		case <-deadline:
			t.Fatalf("only %d of %d delivery reports in 60s", settled, n)
		}
	}
	if failed == 0 {
		t.Fatalf("every record was acknowledged into a 256 KB file system; the broker log:\n%s", logs)
	}
	if got := strings.Count(logs.String(), "disk is full"); got != 1 {
		t.Fatalf("the broker named the full disk %d times, want once; its log:\n%s", got, logs)
	}
}
