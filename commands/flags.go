package commands

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

// kafkaFlags are the flags every Kafka client command shares.
func kafkaFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "brokers", Aliases: []string{"b"}, Value: "127.0.0.1:9092", EnvVars: []string{"PITCHKAFKA_BROKERS"},
			Usage: "bootstrap brokers, host:port[,host:port…]"},
		&cli.StringFlag{Name: "topic", Aliases: []string{"t"}, Value: "pitches", EnvVars: []string{"PITCHKAFKA_TOPIC"},
			Usage: "the topic of pitch events"},
		&cli.StringSliceFlag{Name: "X", Usage: "librdkafka property `key=value`, repeatable; wins over --config; -X list prints them all"},
		&cli.StringFlag{Name: "config", EnvVars: []string{configEnv},
			Usage: "`FILE` of librdkafka key=value properties, # comments allowed", DefaultText: "~/.config/pitchkafka/client.properties if it exists"},
		&cli.DurationFlag{Name: "timeout", Value: kafkaio.DefaultTimeout, Usage: "give up when no broker answers within this long"},
		schemaRegistryFlag(),
	}
}

// schemaRegistryFlag names the Schema Registry that Avro, Protobuf and JSON
// Schema records need.
func schemaRegistryFlag() cli.Flag {
	return &cli.StringFlag{Name: "schema-registry", EnvVars: []string{"PITCHKAFKA_SCHEMA_REGISTRY"},
		Usage: "Schema Registry `URL` (e.g. http://127.0.0.1:8081), for records in Avro, Protobuf or JSON Schema; " +
			"credentials as -X schema.registry.basic.auth.user.info=KEY:SECRET"}
}

// formatFlag chooses the format of the records a command writes: the
// pitches of publish, the game states of scores.
func formatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Value: string(formats.FormatJSON),
		Usage: "record values as json, avro, protobuf or json-schema (the last three in the Schema Registry wire format; need --schema-registry)"}
}

// parseFormat checks --format, and that a Schema Registry format has a
// registry.
func parseFormat(c *cli.Context, kcfg kafkaio.Config) (formats.Format, error) {
	f, err := formats.ParseFormat(c.String("format"))
	if err != nil {
		return f, usageErrorf(c, "--format %q: use json, avro, protobuf or json-schema", c.String("format"))
	}
	if f.NeedsRegistry() && kcfg.Registry.URL == "" {
		return f, usageErrorf(c, "--format %s needs a Schema Registry: pass --schema-registry URL (pitchkafka broker --schema-registry 127.0.0.1:8081 runs one)", f)
	}
	return f, nil
}

// configEnv names the file of client properties when --config does not.
const configEnv = "PITCHKAFKA_CONFIG"

// nameFlag names a group member: its client.id, which the live page, the
// broker's logs and kafka-consumer-groups --describe show.
func nameFlag() cli.Flag {
	return &cli.StringFlag{Name: "name", Usage: "this member's `NAME` (its client.id), shown on the live page and by kafka-consumer-groups --describe",
		DefaultText: "pitchkafka, or -X client.id"}
}

// namedClient gives the client the name --name asks for, or else the
// fallback, unless -X client.id or --config already named it.
func namedClient(c *cli.Context, cfg kafkaio.Config, fallback string) (kafkaio.Config, error) {
	name := c.String("name")
	if c.IsSet("name") && name == "" {
		return cfg, usageErrorf(c, "--name must not be empty")
	}
	if _, named := cfg.Properties["client.id"]; named && !c.IsSet("name") {
		return cfg, nil
	}
	if name == "" {
		name = fallback
	}
	return withClientID(cfg, name), nil
}

// errListed says that -X list printed the properties and there is nothing
// more to do.
var errListed = errors.New("properties listed")

// doneIfListed turns errListed into success.
func doneIfListed(err error) error {
	if errors.Is(err, errListed) {
		return nil
	}
	return err
}

// kafkaConfig builds the client configuration from the shared flags. With
// -X list it prints librdkafka's properties instead and returns errListed.
func kafkaConfig(c *cli.Context, e *env) (kafkaio.Config, error) {
	if slices.Contains(c.StringSlice("X"), "list") {
		table, err := kafkaio.PropertiesTable()
		if err != nil {
			return kafkaio.Config{}, err
		}
		_, err = io.WriteString(e.stdout, table)
		return kafkaio.Config{}, errors.Join(errListed, err)
	}
	props, err := clientProperties(c, e)
	if err != nil {
		return kafkaio.Config{}, err
	}
	if c.Duration("timeout") <= 0 {
		return kafkaio.Config{}, usageErrorf(c, "--timeout must be positive, e.g. --timeout 30s")
	}
	registry, err := registryConfig(c, props)
	if err != nil {
		return kafkaio.Config{}, err
	}
	return kafkaio.Config{Brokers: bootstrapServers(c, props), Properties: props, Timeout: c.Duration("timeout"), Log: e.log,
		Registry: registry}, nil
}

// bootstrapServers is --brokers, or the bootstrap.servers of --config or
// -X when --brokers is not given (as in Confluent Cloud's file); it takes
// bootstrap.servers out of props, so that one list is used and named.
func bootstrapServers(c *cli.Context, props map[string]string) string {
	brokers := c.String("brokers")
	if fromProps, ok := props["bootstrap.servers"]; ok {
		if !c.IsSet("brokers") {
			brokers = fromProps
		}
		delete(props, "bootstrap.servers")
	}
	return brokers
}

// clientProperties reads the client properties of --config and -X (which
// wins), turns a Java client's settings into librdkafka's (as Confluent
// Cloud's client.properties has them), and checks each with librdkafka, so
// that a mistake is a usage error naming what was typed and where.
func clientProperties(c *cli.Context, e *env) (map[string]string, error) {
	var given []kafkaio.Property
	if path := configPath(c); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageErrorf(c, "--config: %v", err)
		}
		given, err = kafkaio.ReadProperties(f, path)
		f.Close()
		if err != nil {
			return nil, usageErrorf(c, "--config %v", err)
		}
	}
	for _, kv := range c.StringSlice("X") {
		k, v, err := kafkaio.ParseProperty(kv)
		if err != nil {
			return nil, usageErrorf(c, "-X %v: write -X key=value, e.g. -X linger.ms=0", err)
		}
		given = append(given, kafkaio.Property{Key: k, Value: v, From: "-X"})
	}
	given, notes, err := kafkaio.Normalize(given)
	if err != nil {
		return nil, usageErrorf(c, "%v", err)
	}
	for _, note := range notes {
		e.log.Info().Msg("read " + note)
	}
	props := map[string]string{}
	for _, p := range given {
		if !strings.HasPrefix(p.Key, formats.RegistryPropertyPrefix) {
			if err := kafkaio.CheckProperty(p); err != nil {
				return nil, propertyMistake(c, err)
			}
		}
		props[p.Key] = p.Value
	}
	return props, nil
}

// propertyMistake turns a property librdkafka refuses into a usage error
// that says where it was typed, and for a name it does not know, the
// nearest one it does.
func propertyMistake(c *cli.Context, err error) error {
	var pe *kafkaio.PropertyError
	if !errors.As(err, &pe) {
		return err
	}
	where := "-X " + pe.Key + "=" + kafkaio.Redact(pe.Key + "=" + pe.Value)[len(pe.Key)+1:]
	if pe.From != "-X" {
		where = "--config " + pe.From + ": " + where[3:]
	}
	if pe.Unknown {
		hint := ""
		if near := closest(pe.Key, propertyNames()); near != "" {
			hint = "did you mean " + near + "? "
		}
		return usageErrorf(c, "%s: librdkafka has no property %s; %s-X list prints them all", where, pe.Key, hint)
	}
	return usageErrorf(c, "%s: %s (-X list prints each property's range)", where, pe.Reason)
}

// propertyNames are librdkafka's property names, from its table.
func propertyNames() []string {
	table, err := kafkaio.PropertiesTable()
	if err != nil {
		return nil
	}
	var names []string
	for _, line := range strings.Split(table, "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[1] == "|" && strings.Contains(f[0], ".") {
			names = append(names, f[0])
		}
	}
	return names
}

// registryConfig takes the Schema Registry properties (schema.registry.*)
// out of props, which go to the Kafka client, and adds the URL from
// --schema-registry, which wins over schema.registry.url.
func registryConfig(c *cli.Context, props map[string]string) (formats.RegistryConfig, error) {
	rc := formats.RegistryConfig{Properties: map[string]string{}}
	for k, v := range props {
		if strings.HasPrefix(k, formats.RegistryPropertyPrefix) {
			rc.Properties[k] = v
			delete(props, k)
		}
	}
	rc.URL = rc.Properties[formats.RegistryPropertyPrefix+"url"]
	delete(rc.Properties, formats.RegistryPropertyPrefix+"url")
	if url := c.String("schema-registry"); url != "" {
		rc.URL = url
	}
	if rc.URL != "" && !strings.HasPrefix(rc.URL, "http://") && !strings.HasPrefix(rc.URL, "https://") {
		return rc, usageErrorf(c, "--schema-registry %q: want a URL such as http://127.0.0.1:8081", rc.URL)
	}
	if err := formats.CheckRegistryProperties(rc); err != nil {
		return rc, usageErrorf(c, "-X %v", err)
	}
	return rc, nil
}

// configPath returns the properties file to read: --config, else
// $PITCHKAFKA_CONFIG (the flag's environment variable), else
// ~/.config/pitchkafka/client.properties when it exists, as kcat reads
// ~/.config/kcat.conf.
func configPath(c *cli.Context) string {
	if path := c.String("config"); path != "" {
		return path
	}
	if _, fromEnv := os.LookupEnv(configEnv); c.IsSet("config") && !fromEnv {
		return "" // --config "" reads no file, not even the default one
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	path := filepath.Join(home, ".config", "pitchkafka", "client.properties")
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}

// groupProtocolFlag chooses the consumer group protocol of a group member.
func groupProtocolFlag() cli.Flag {
	return &cli.StringFlag{Name: "group-protocol", Value: kafkaio.GroupProtocolClassic,
		Usage: "classic (members rebalance, the leader assigns) or consumer (KIP-848: the broker assigns; Kafka 4.0+)"}
}

// applyGroupProtocol sets group.protocol from --group-protocol. A
// -X group.protocol or --config setting is kept when the flag is not
// given, and must agree with it when it is.
func applyGroupProtocol(c *cli.Context, kcfg *kafkaio.Config) error {
	proto, err := oneOf(c, "group-protocol", kafkaio.GroupProtocolClassic, kafkaio.GroupProtocolConsumer)
	if err != nil {
		return err
	}
	set, ok := kcfg.Properties["group.protocol"]
	switch {
	case ok && !c.IsSet("group-protocol"):
		return nil
	case ok && !strings.EqualFold(set, proto):
		return usageErrorf(c, "--group-protocol %s and group.protocol=%s disagree: give one of them", proto, set)
	}
	kcfg.Properties["group.protocol"] = proto
	return nil
}
