package kafkaio

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/pitchkafka/pitchkafka/kafkaio/internal/rdk"
)

// Property is one client property and where it was given: "-X", or the
// file and line it was read from.
type Property struct {
	Key, Value string
	From       string
}

// ReadProperties reads client properties, a key=value (or key: value) a
// line, as a Java client's .properties file has them and kcat's -F file
// does; blank lines and lines starting with # or ! are skipped. name is
// the file's name, for each property's From and for errors, which name
// the line.
func ReadProperties(r io.Reader, name string) ([]Property, error) {
	var props []Property
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		key, value, err := splitProperty(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		props = append(props, Property{Key: key, Value: value, From: fmt.Sprintf("%s:%d", name, n)})
	}
	return props, sc.Err()
}

// ParseProperty splits one "key=value" property, as -X takes it.
func ParseProperty(kv string) (key, value string, err error) {
	key, value, ok := strings.Cut(kv, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return "", "", fmt.Errorf("%q is not key=value", Redact(kv))
	}
	return key, strings.TrimSpace(value), nil
}

// splitProperty splits a properties file's line at its first = or :.
func splitProperty(line string) (key, value string, err error) {
	i := strings.IndexAny(line, "=:")
	if i <= 0 {
		return "", "", fmt.Errorf("%q is not key=value", Redact(line))
	}
	return strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:]), nil
}

// Java clients' settings, which the files that Confluent Cloud and other
// Java tools hand out are written in, and what librdkafka calls them.
var (
	// jaasLogin reads a sasl.jaas.config line: its login module, and the
	// username and password of PLAIN and SCRAM logins.
	jaasLogin    = regexp.MustCompile(`([A-Za-z.]+LoginModule)\s+required\b`)
	jaasUsername = regexp.MustCompile(`\busername\s*=\s*("[^"]*"|'[^']*'|[^\s;]+)`)
	jaasPassword = regexp.MustCompile(`\bpassword\s*=\s*("[^"]*"|'[^']*'|[^\s;]+)`)
	// registryAliases are the Schema Registry client's settings without
	// the schema.registry. prefix, as Java serializers take them.
	registryAliases = []string{"basic.auth.credentials.source", "basic.auth.user.info",
		"bearer.auth.credentials.source", "bearer.auth.token", "bearer.auth.logical.cluster", "bearer.auth.identity.pool.id"}
	// javaOnly are Java clients' settings with no librdkafka counterpart
	// and nothing to do here: serializers and the like.
	javaOnly = []string{"key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
		"sasl.login.callback.handler.class", "sasl.client.callback.handler.class"}
)

// Normalize turns the Java client settings among props into librdkafka's,
// so that the client.properties file Confluent Cloud hands out works as
// it is: sasl.jaas.config becomes sasl.username and sasl.password (and the
// mechanism its login module implies); the Schema Registry client's
// basic.auth.* and bearer.auth.* become schema.registry.*; Java-only
// settings are dropped. A SASL security.protocol with no mechanism gets
// PLAIN rather than librdkafka's default, GSSAPI, which needs Kerberos.
// It returns the properties and a note of each change, and fails for a
// login it cannot translate (Kerberos, OAuth), naming where it was given.
func Normalize(props []Property) ([]Property, []string, error) {
	var out []Property
	var notes []string
	has := map[string]bool{}
	for _, p := range props {
		has[p.Key] = true
	}
	for _, p := range props {
		switch {
		case p.Key == "sasl.jaas.config":
			login, err := fromJAAS(p, has)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, login...)
			notes = append(notes, p.From+": sasl.jaas.config read as sasl.username, sasl.password and sasl.mechanisms")
		case slices.Contains(registryAliases, p.Key):
			out = append(out, Property{Key: "schema.registry." + p.Key, Value: p.Value, From: p.From})
			notes = append(notes, p.From+": "+p.Key+" read as schema.registry."+p.Key)
		case slices.Contains(javaOnly, p.Key):
			notes = append(notes, p.From+": "+p.Key+" is a Java client's setting, left out")
		default:
			out = append(out, p)
		}
	}
	return defaultMechanism(out, notes)
}

// fromJAAS reads a sasl.jaas.config line's login: a PLAIN or SCRAM one
// becomes its username and password, and its mechanism unless one is set.
func fromJAAS(p Property, has map[string]bool) ([]Property, error) {
	module := jaasLogin.FindStringSubmatch(p.Value)
	user, pass := jaasUsername.FindStringSubmatch(p.Value), jaasPassword.FindStringSubmatch(p.Value)
	if module == nil || user == nil || pass == nil {
		return nil, fmt.Errorf("%s: sasl.jaas.config: only a PLAIN or SCRAM login with username and password can be read; "+
			"give sasl.mechanisms, sasl.username and sasl.password instead", p.From)
	}
	var mechanism string
	switch {
	case strings.HasSuffix(module[1], "PlainLoginModule"):
		mechanism = "PLAIN"
	case strings.HasSuffix(module[1], "ScramLoginModule"):
		mechanism = "SCRAM-SHA-512"
	default:
		return nil, fmt.Errorf("%s: sasl.jaas.config: the %s login is not one librdkafka takes this way; "+
			"give its librdkafka settings with -X instead", p.From, module[1])
	}
	login := []Property{{Key: "sasl.username", Value: unquote(user[1]), From: p.From},
		{Key: "sasl.password", Value: unquote(pass[1]), From: p.From}}
	if !has["sasl.mechanisms"] && !has["sasl.mechanism"] {
		login = append(login, Property{Key: "sasl.mechanisms", Value: mechanism, From: p.From})
	}
	return login, nil
}

// defaultMechanism gives a SASL security.protocol without a mechanism
// PLAIN: librdkafka's default, GSSAPI, needs Kerberos (a kinit and a
// keytab), which a cluster reached with a username and password has not.
func defaultMechanism(props []Property, notes []string) ([]Property, []string, error) {
	var protocol string
	for _, p := range props {
		switch p.Key {
		case "security.protocol":
			protocol = strings.ToUpper(p.Value)
		case "sasl.mechanisms", "sasl.mechanism":
			return props, notes, nil
		}
	}
	if strings.HasPrefix(protocol, "SASL") {
		props = append(props, Property{Key: "sasl.mechanisms", Value: "PLAIN", From: "default"})
		notes = append(notes, "security.protocol is "+protocol+" and no sasl.mechanisms is set: using PLAIN "+
			"(set sasl.mechanisms=SCRAM-SHA-512 or SCRAM-SHA-256 for SCRAM)")
	}
	return props, notes, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// PropertyError is a client property librdkafka refuses: a name it does
// not know (Unknown), or a value it cannot take.
type PropertyError struct {
	Property
	Unknown bool
	Reason  string // librdkafka's, with the property named as given
}

func (e *PropertyError) Error() string {
	if e.Unknown {
		return fmt.Sprintf("%s: no librdkafka property is named %s", e.From, e.Key)
	}
	return fmt.Sprintf("%s: %s: %s", e.From, Redact(e.Key+"="+e.Value), e.Reason)
}

// quotedName finds the property librdkafka names in its reasons.
var quotedName = regexp.MustCompile(`"[a-z0-9._]+"`)

// CheckProperty says whether librdkafka takes a client property, as a
// client would: a *PropertyError for a name it does not know or a value it
// refuses. librdkafka names a property by its canonical name in its
// reasons (queue.buffering.max.ms for linger.ms); the error names it as
// given.
func CheckProperty(p Property) error {
	known, err := rdk.CheckProperty(p.Key, p.Value)
	if err == nil {
		return nil
	}
	reason := quotedName.ReplaceAllString(err.Error(), `"`+p.Key+`"`)
	return &PropertyError{Property: p, Unknown: !known, Reason: reason}
}

// consumerOnly is the set of librdkafka's properties that only a consumer
// takes (C in the C/P column of its table), read once from librdkafka.
var consumerOnly = sync.OnceValue(func() map[string]bool {
	table, err := rdk.PropertiesTable()
	if err != nil {
		return nil
	}
	only := map[string]bool{}
	for line := range strings.Lines(table) {
		name, rest, ok := strings.Cut(line, "|")
		if scope, _, _ := strings.Cut(rest, "|"); ok && strings.TrimSpace(scope) == "C" {
			only[strings.TrimSpace(name)] = true
		}
	}
	return only
})

// forProducer drops from a consumer command's configuration the properties
// only a consumer takes (session.timeout.ms, say), for the producers and
// admin clients it also makes, which librdkafka would have warn of each.
func forProducer(cm *kafka.ConfigMap) *kafka.ConfigMap {
	only := consumerOnly()
	for k := range *cm {
		if only[k] {
			delete(*cm, k)
		}
	}
	return cm
}
