package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/urfave/cli/v2"
)

func TestCommandLineMistakesAreUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // the error names this
		hint string // the help the hint points to
	}{
		{"negative rate", []string{"publish", "--rate", "-1"}, "--rate", "publish"},
		{"zero partitions", []string{"publish", "--partitions", "0"}, "--partitions", "publish"},
		{"too many concurrent games", []string{"publish", "--concurrent", "16"}, "--concurrent", "publish"},
		{"malformed -X", []string{"publish", "-X", "linger.ms"}, "-X", "publish"},
		{"unreadable --config", []string{"last-pitch", "--config", "/nonexistent/client.properties"}, "--config", "last-pitch"},
		{"unknown flag", []string{"announce", "--bogus"}, "bogus", "announce"},
		{"bad duration", []string{"publish", "--duration", "soon"}, "duration", "publish"},
		{"unknown last-pitch output", []string{"last-pitch", "--output", "yaml"}, "--output", "last-pitch"},
		{"unknown announce output", []string{"announce", "--output", "xml"}, "--output", "announce"},
		{"bad log level", []string{"--log-level", "loud", "publish"}, "--log-level", ""},
		{"bad log format", []string{"--log-format", "xml", "publish"}, "--log-format", ""},
		{"unknown command", []string{"pitchz"}, "pitchz", ""},
		{"unknown top-level flag", []string{"--bogus", "publish"}, "bogus", ""},
		{"bad listen address", []string{"broker", "--listen", "nowhere"}, "--listen", "broker"},
		{"listen port out of range", []string{"broker", "--listen", "127.0.0.1:70000"}, "--listen", "broker"},
		{"bad registry address", []string{"broker", "--schema-registry", "nowhere"}, "--schema-registry", "broker"},
		{"unknown user role", []string{"broker", "--user", "alice:pw:root"}, "admin, producer, consumer, client", "broker"},
		{"missing league file", []string{"publish", "--league", "/nonexistent.json"}, "--league", "publish"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(context.Background(), tc.args...)
			var usage *UsageError
			if !errors.As(r.err, &usage) {
				t.Fatalf("error %v, want a UsageError", r.err)
			}
			if msg := r.err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should name %q on one line", msg, tc.want)
			}
			wantHint := "Run 'pitchkafka --help' for usage."
			if tc.hint != "" {
				wantHint = fmt.Sprintf("Run 'pitchkafka %s --help' for usage.", tc.hint)
			}
			if usage.Hint() != wantHint {
				t.Errorf("hint %q, want %q", usage.Hint(), wantHint)
			}
			if strings.Contains(r.stderr.String()+r.stdout.String(), "goroutine ") {
				t.Errorf("printed a stack trace")
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out := mustRun(t, "version").stdout.String()
	for _, want := range []string{"pitchkafka test", "librdkafka 2.", "go1."} {
		if !strings.Contains(out, want) {
			t.Errorf("version output %q lacks %q", out, want)
		}
	}
}

func TestConfigComesFromTheFlagTheEnvironmentOrTheHomeDirectory(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	write := func(path, content string) string {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// A property librdkafka rejects shows which file was read.
	write(filepath.Join(home, ".config", "pitchkafka", "client.properties"), "from.home=1\n")
	env := write(filepath.Join(home, "env.properties"), "from.env=1\n")
	flag := write(filepath.Join(home, "flag.properties"), "from.flag=1\n")
	tests := []struct {
		name, env string
		args      []string
		want      string
	}{
		{"home directory", "", nil, "from.home"},
		{"environment", env, nil, "from.env"},
		{"flag wins", env, []string{"--config", flag}, "from.flag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PITCHKAFKA_CONFIG", tc.env)
			args := append([]string{"last-pitch", "--brokers", "127.0.0.1:1", "--timeout", "1s", "--once"}, tc.args...)
			err := mustFail(t, args...)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not come from %s", err, tc.want)
			}
		})
	}
}

func TestBashCompletionCompletesCommandsAndFlags(t *testing.T) {
	bin := testkit.Binary(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script := fmt.Sprintf(`source <(%[1]q completion bash)
COMP_WORDS=(%[1]q la); COMP_CWORD=1; _pitchkafka; echo "${COMPREPLY[*]}"
COMP_WORDS=(%[1]q last-pitch --fr); COMP_CWORD=2; _pitchkafka; echo "${COMPREPLY[*]}"`, bin)
	out, err := exec.Command("bash", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "last-pitch\n--from-beginning" {
		t.Errorf("completions %q", got)
	}
}

func TestXListPrintsLibrdkafkasProperties(t *testing.T) {
	out := mustRun(t, "publish", "-X", "list").stdout.String()
	for _, want := range []string{"bootstrap.servers", "linger.ms", "enable.idempotence", "security.protocol"} {
		if !strings.Contains(out, want) {
			t.Errorf("-X list does not mention %s", want)
		}
	}
}

func TestCPUProfileIsWrittenForPprof(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	mustRun(t, "--cpuprofile", path, "publish", "--dry-run", "--rate", "0", "--count", "20000", "--seed", "1")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b { // pprof writes gzipped protocol buffers
		t.Fatalf("%d bytes, not a gzipped profile", len(data))
	}
	r := runCLI(context.Background(), "--cpuprofile", filepath.Join(t.TempDir(), "missing", "cpu.prof"), "version")
	var usage *UsageError
	if !errors.As(r.err, &usage) || !strings.Contains(r.err.Error(), "--cpuprofile") {
		t.Fatalf("an unwritable profile gave %v, want a usage error naming --cpuprofile", r.err)
	}
}

// TestEveryHelpGivesEachDefaultOnce: a flag whose default is a sentence
// ("random", "only new pitches") says so once, not followed by the zero
// value urfave/cli would print (default: 0, default: false).
func TestEveryHelpGivesEachDefaultOnce(t *testing.T) {
	app := New("test", io.Discard, io.Discard)
	for _, cmd := range append([]string{""}, commandNames(app.Commands)...) {
		args := []string{"--help"}
		if cmd != "" {
			args = []string{cmd, "--help"}
		}
		out := mustRun(t, args...).stdout.String()
		for _, line := range strings.Split(out, "\n") {
			if strings.Count(line, "(default:") > 1 {
				t.Errorf("pitchkafka %s --help: %q gives its default twice", cmd, strings.TrimSpace(line))
			}
		}
	}
}

// commandNames are the names of the commands, subcommands too.
func commandNames(cmds []*cli.Command) []string {
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	return names
}
