package commands

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

func TestABrokerRefusesADataDirItCannotOwn(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	dir := t.TempDir()
	first := testkit.StartBrokerProcess(t, "--listen", testkit.FreeAddr(t), "--data-dir", dir)
	aFile := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, dir, want string
	}{
		{"in use by another broker", dir,
			fmt.Sprintf("--data-dir %s is in use by another pitchkafka broker (pid %d): stop that broker, or give this one another --data-dir",
				dir, first.Cmd.Process.Pid)},
		{"a file", aFile, "--data-dir " + aFile + " is not writable ("},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(testkit.Binary(t), "--log-format", "json", "broker", "--listen", testkit.FreeAddr(t), "--data-dir", tc.dir)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("second broker: %v, want exit status 1; output:\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("output:\n%s\nwant one line containing %q", out, tc.want)
			}
		})
	}
	first.Stop(t)
}
