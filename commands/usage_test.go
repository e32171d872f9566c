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

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
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
		{"a property librdkafka has not", []string{"publish", "-X", "foo.bar=1"}, "-X list", "publish"},
		{"a misspelt property", []string{"publish", "-X", "linger.mss=5"}, "did you mean linger.ms?", "publish"},
		{"a bad value, named as typed", []string{"publish", "-X", "linger.ms=abc"}, `property "linger.ms"`, "publish"},
		{"a misspelt flag", []string{"publish", "--rat", "10"}, "did you mean --rate?", "publish"},
		{"a misspelt command", []string{"publsh"}, "did you mean publish?", ""},
		{"a duration without its unit", []string{"publish", "--duration", "10"}, "e.g. 10s", "publish"},
		{"a count that is no number", []string{"publish", "--count", "many"}, "whole number", "publish"},
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
	const unset = "(unset)" // no PITCHKAFKA_CONFIG at all
	tests := []struct {
		name, env string
		args      []string
		want      string
	}{
		{"home directory", unset, nil, "from.home"},
		{"an empty environment variable names no file", "", nil, "from.home"},
		{"environment", env, nil, "from.env"},
		{"flag wins", env, []string{"--config", flag}, "from.flag"},
		{"an empty flag reads no file", unset, []string{"--config", ""}, "no broker at 127.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PITCHKAFKA_CONFIG", tc.env)
			if tc.env == unset {
				os.Unsetenv("PITCHKAFKA_CONFIG") // t.Setenv puts it back after
			}
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

// A bad property in --config is named with its file and line, as typed.
func TestABadPropertyInTheConfigFileIsNamedWithItsLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "client.properties")
	if err := os.WriteFile(path, []byte("# mine\nacks=all\n\nlinger.ms=soon\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := mustFail(t, "publish", "--config", path)
	var usage *UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), path+":4") || !strings.Contains(err.Error(), "linger.ms=soon") ||
		strings.Contains(err.Error(), "queue.buffering") {
		t.Errorf("error %v, want a usage error naming %s:4 and linger.ms=soon", err, path)
	}
}

// The client.properties Confluent Cloud hands out, for a Java client, works
// as it comes: its JAAS line is read as the SASL login, and the Schema
// Registry's settings as the registry's, credentials and all.
func TestAJavaClientPropertiesFileWorksAsItComes(t *testing.T) {
	b := testkit.StartBrokerWith(t, embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: 1, Log: zerolog.Nop(),
		Users: []embedded.BrokerUser{{Name: "ABCDEFGH12345678", Password: "cflt+secret/x=", Role: embedded.RoleClient}}})
	reg, err := embedded.StartRegistry(embedded.RegistryServerOptions{Listen: "127.0.0.1:0", BasicAuth: "SRKEY:sr+secret", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	file := "# Required connection configs for Kafka producer, consumer, and admin\n" +
		"bootstrap.servers=" + b.Bootstrap() + "\n" +
		"security.protocol=SASL_PLAINTEXT\n" + // Confluent Cloud's is SASL_SSL; the embedded broker here speaks no TLS
		"sasl.mechanisms=PLAIN\n" +
		"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='ABCDEFGH12345678' password='cflt+secret/x=';\n" +
		"client.dns.lookup=use_all_dns_ips\nsession.timeout.ms=45000\nacks=all\n" +
		"schema.registry.url=" + reg.URL() + "\n" +
		"basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=SRKEY:sr+secret\n"
	path := filepath.Join(t.TempDir(), "client.properties")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	pub := mustRun(t, "publish", "--config", path, "--format", "avro", "--rate", "0", "--count", "50", "--seed", "2")
	if !strings.Contains(pub.stderr.String(), `"delivered":50`) {
		t.Fatalf("publish with Confluent Cloud's file did not deliver 50:\n%s", pub.stderr)
	}
	lp := mustRun(t, "last-pitch", "--config", path, "--from-beginning", "--once", "--output", "json")
	if len(decodeArray(t, lp.stdout.String())) == 0 {
		t.Fatal("last-pitch with Confluent Cloud's file read nothing")
	}
	for _, secret := range []string{"cflt+secret/x=", "sr+secret"} {
		if strings.Contains(pub.stderr.String()+lp.stderr.String(), secret) {
			t.Errorf("a secret of the file reached the logs")
		}
	}
}
