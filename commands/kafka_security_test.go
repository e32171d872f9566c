package commands

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pitchkafka/pitchkafka/internal/testkit"
)

// TestOnASecuredKafkaEachCommandSaysWhatItMayNotDo runs the commands
// against Apache Kafka's SASL_SSL listener (SCRAM-SHA-512 over TLS) with
// ACLs on, as user pitchkafka granted one thing at a time: what it may do
// works, and what it may not is refused at once in one line that names the
// resource and says to ask for an ACL.
func TestOnASecuredKafkaEachCommandSaysWhatItMayNotDo(t *testing.T) {
	c := testkit.StartCluster(t, testkit.ClusterOptions{Secure: true})
	topic, group, scoresGroup := c.Name("pitches"), c.Name("announcers"), c.Name("scores")
	as := func(props []string, args ...string) []string {
		return append(append(args, "--brokers", c.Bootstrap, "--topic", topic, "--timeout", "10s"), props...)
	}
	user, guest := c.ClientProperties(t), c.GuestProperties(t)
	refused := func(err error, want ...string) {
		t.Helper()
		msg := err.Error()
		if strings.Contains(msg, "\n") {
			t.Errorf("the refusal takes more than one line:\n%s", msg)
		}
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("the refusal %q does not say %q", msg, w)
			}
		}
	}

	refused(mustFail(t, as(guest, "publish", "--count", "10")...), "not authorized", topic, "ACL")
	refused(mustFail(t, as(user, "last-pitch", "--once")...), "not authorized", topic, "ACL")

	c.ACL(t, "--add", "--allow-principal", "User:pitchkafka", "--operation", "Create", "--operation", "Write",
		"--operation", "Describe", "--operation", "Read", "--topic", topic)
	pub := mustRun(t, as(user, "publish", "--rate", "0", "--count", "300", "--seed", "8")...)
	if !strings.Contains(pub.stderr.String(), `"delivered":300`) {
		t.Fatalf("publish over SASL_SSL did not deliver 300:\n%s", pub.stderr)
	}
	lp := mustRun(t, as(user, "last-pitch", "--from-beginning", "--once", "--output", "json")...)
	if n := len(decodeArray(t, lp.stdout.String())); n == 0 {
		t.Fatal("last-pitch over SASL_SSL read no pitcher")
	}
	refused(mustFail(t, as(guest, "last-pitch", "--once")...), "not authorized", topic)

	refused(mustFail(t, as(user, "announce", "--group", group, "--from-beginning", "--once")...),
		"not authorized to use group "+group, "ACL")
	c.ACL(t, "--add", "--allow-principal", "User:pitchkafka", "--operation", "Read", "--operation", "Describe", "--group", group)
	ann := mustRun(t, as(user, "announce", "--group", group, "--from-beginning", "--once", "--output", "json")...)
	if n := len(parseAnnounced(t, ann.stdout.String())); n != 300 {
		t.Fatalf("announce over SASL_SSL printed %d pitches, want 300", n)
	}

	games := c.Name("games")
	c.ACL(t, "--add", "--allow-principal", "User:pitchkafka", "--operation", "All", "--topic", games, "--group", scoresGroup)
	refused(mustFail(t, as(user, "scores", "--group", scoresGroup, "--to", games, "--instance", "a")...),
		"not authorized to use transactional id pitchkafka-scores-"+scoresGroup+"-a", "ACL")

	wrong := slicesReplace(user, "sasl.password=", "sasl.password=not-the-password")
	refused(mustFail(t, as(wrong, "publish", "--count", "10")...), "authentication failed")
	for _, out := range []string{pub.stderr.String(), lp.stderr.String(), ann.stderr.String()} {
		for _, p := range user {
			if secret, ok := strings.CutPrefix(p, "sasl.password="); ok && strings.Contains(out, secret) {
				t.Errorf("a command logged the SASL password")
			}
		}
	}
}

// slicesReplace returns props with the property that starts with prefix
// replaced by kv.
func slicesReplace(props []string, prefix, kv string) []string {
	out := make([]string, len(props))
	for i, p := range props {
		out[i] = p
		if strings.HasPrefix(p, prefix) {
			out[i] = kv
		}
	}
	if fmt.Sprint(out) == fmt.Sprint(props) {
		panic("no property starts with " + prefix)
	}
	return out
}
