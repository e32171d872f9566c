package formats

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/rest"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
)

// RegistryConfig says where the Schema Registry is and how to talk to it.
type RegistryConfig struct {
	// URL is the registry's base URL; empty means no registry.
	URL string
	// Properties are the registry client's properties, named as Confluent's
	// clients name them (schema.registry.basic.auth.user.info, …).
	Properties map[string]string
}

// RegistryPropertyPrefix starts the name of every Schema Registry client
// property; the Kafka client never sees them.
const RegistryPropertyPrefix = "schema.registry."

// registryProperties maps the supported properties, without the prefix, to
// the client configuration they set.
var registryProperties = map[string]func(c *schemaregistry.Config, v string) error{
	"url": func(c *schemaregistry.Config, v string) error { c.SchemaRegistryURL = v; return nil },
	"basic.auth.user.info": func(c *schemaregistry.Config, v string) error {
		c.BasicAuthUserInfo = v
		if c.BasicAuthCredentialsSource == "" {
			c.BasicAuthCredentialsSource = "USER_INFO"
		}
		return nil
	},
	"basic.auth.credentials.source": func(c *schemaregistry.Config, v string) error {
		c.BasicAuthCredentialsSource = strings.ToUpper(v)
		return nil
	},
	"bearer.auth.token": func(c *schemaregistry.Config, v string) error {
		c.BearerAuthToken = v
		if c.BearerAuthCredentialsSource == "" {
			c.BearerAuthCredentialsSource = "STATIC_TOKEN"
		}
		return nil
	},
	"bearer.auth.credentials.source": func(c *schemaregistry.Config, v string) error {
		c.BearerAuthCredentialsSource = strings.ToUpper(v)
		return nil
	},
	"bearer.auth.logical.cluster":  func(c *schemaregistry.Config, v string) error { c.BearerAuthLogicalCluster = v; return nil },
	"bearer.auth.identity.pool.id": func(c *schemaregistry.Config, v string) error { c.BearerAuthIdentityPoolID = v; return nil },
	"ssl.ca.location":              func(c *schemaregistry.Config, v string) error { c.SslCaLocation = v; return nil },
	"ssl.certificate.location":     func(c *schemaregistry.Config, v string) error { c.SslCertificateLocation = v; return nil },
	"ssl.key.location":             func(c *schemaregistry.Config, v string) error { c.SslKeyLocation = v; return nil },
	"request.timeout.ms":           msProperty(func(c *schemaregistry.Config, ms int) { c.RequestTimeoutMs = ms }),
	"connection.timeout.ms":        msProperty(func(c *schemaregistry.Config, ms int) { c.ConnectionTimeoutMs = ms }),
	"ssl.endpoint.identification.algorithm": func(c *schemaregistry.Config, v string) error {
		c.SslDisableEndpointVerification = strings.EqualFold(v, "none")
		return nil
	},
}

func msProperty(set func(c *schemaregistry.Config, ms int)) func(c *schemaregistry.Config, v string) error {
	return func(c *schemaregistry.Config, v string) error {
		ms, err := strconv.Atoi(v)
		if err != nil || ms <= 0 {
			return fmt.Errorf("want a positive number of milliseconds, got %q", v)
		}
		set(c, ms)
		return nil
	}
}

// registryPropertyNames lists the supported registry properties, prefixed.
func registryPropertyNames() []string {
	names := make([]string, 0, len(registryProperties))
	for k := range registryProperties {
		names = append(names, RegistryPropertyPrefix+k)
	}
	slices.Sort(names)
	return names
}

// clientConfig builds the registry client's configuration; its timeouts
// are bounded by timeout, so a registry that does not answer fails within it.
func (rc RegistryConfig) clientConfig(timeout time.Duration) (*schemaregistry.Config, error) {
	conf := schemaregistry.NewConfig(rc.URL)
	ms := int(min(timeout, 10*time.Second) / time.Millisecond)
	conf.ConnectionTimeoutMs, conf.RequestTimeoutMs = ms, ms
	conf.MaxRetries = 1
	keys := make([]string, 0, len(rc.Properties))
	for k := range rc.Properties {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		set, ok := registryProperties[strings.TrimPrefix(k, RegistryPropertyPrefix)]
		if !ok || !strings.HasPrefix(k, RegistryPropertyPrefix) {
			return nil, &RegistryPropertyError{Key: k, Err: errors.New("not a Schema Registry client property")}
		}
		if err := set(conf, rc.Properties[k]); err != nil {
			return nil, &RegistryPropertyError{Key: k, Err: err}
		}
	}
	conf.SchemaRegistryURL = rc.URL
	return conf, nil
}

// CheckRegistryProperties checks the registry properties' names and values
// without connecting.
func CheckRegistryProperties(rc RegistryConfig) error {
	_, err := rc.clientConfig(DefaultTimeout)
	return err
}

// RegistryPropertyError is a Schema Registry property that cannot be used.
type RegistryPropertyError struct {
	Key string
	Err error
}

func (e *RegistryPropertyError) Error() string {
	return fmt.Sprintf("%s: %v (known: %s)", e.Key, e.Err, strings.Join(registryPropertyNames(), ", "))
}

func (e *RegistryPropertyError) Unwrap() error { return e.Err }

// RegistryUnreachableError says that no Schema Registry answered at URL.
type RegistryUnreachableError struct {
	URL string // with any password hidden
	Err error
}

func (e *RegistryUnreachableError) Error() string {
	return fmt.Sprintf("no Schema Registry at %s: %v", e.URL, e.Err)
}

func (e *RegistryUnreachableError) Unwrap() error { return e.Err }

// ErrNoRegistry is why a record in the Schema Registry wire format cannot
// be read when no registry is configured.
var ErrNoRegistry = errors.New("record is in the Schema Registry wire format, and no Schema Registry is configured")

// Registry is a Schema Registry client: schemas are fetched by id once
// and cached by the client.
type Registry struct {
	client schemaregistry.Client
	url    string // for messages, password hidden

	mu         sync.Mutex
	registered map[string]bool // subject/id pairs ensured by RegisterFramedUnder
}

// OpenRegistry connects to the registry and checks, within cfg.Timeout,
// that a Schema Registry answers. Without a URL it returns nil, nil.
func OpenRegistry(cfg Config) (*Registry, error) {
	rc := cfg.Registry
	if rc.URL == "" {
		return nil, nil
	}
	shown := redactURL(rc.URL)
	if u, err := url.Parse(rc.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &RegistryUnreachableError{URL: shown, Err: errors.New("want a URL such as http://127.0.0.1:8081")}
	}
	conf, err := rc.clientConfig(cfg.timeout())
	if err != nil {
		return nil, err
	}
	client, err := schemaregistry.NewClient(conf)
	if err != nil {
		return nil, fmt.Errorf("schema registry client: %w", err)
	}
	r := &Registry{client: client, url: shown, registered: map[string]bool{}}
	if err := r.check(cfg.timeout()); err != nil {
		client.Close()
		return nil, err
	}
	cfg.Log.Debug().Str("schema_registry", shown).Msg("schema registry answers")
	return r, nil
}

// check asks the registry for its subjects, giving up after timeout.
func (r *Registry) check(timeout time.Duration) error {
	done := make(chan error, 1)
	go func() {
		_, err := r.client.GetAllSubjects()
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(timeout):
		err = context.DeadlineExceeded
	}
	if err == nil {
		return nil
	}
	var re *rest.Error
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		// the client's own request timeout and this one are the same length
		return &RegistryUnreachableError{URL: r.url, Err: fmt.Errorf("no answer within %v", timeout)}
	case errors.As(err, &re) && (re.Code == http.StatusUnauthorized || re.Code == http.StatusForbidden):
		return &RegistryUnreachableError{URL: r.url, Err: fmt.Errorf("not authorized (%v): check schema.registry.basic.auth.user.info", re.Message)}
	case errors.As(err, &re):
		return &RegistryUnreachableError{URL: r.url, Err: fmt.Errorf("it answered as no Schema Registry does (%v)", re)}
	case strings.Contains(err.Error(), "invalid character") || strings.Contains(err.Error(), "cannot unmarshal"):
		return &RegistryUnreachableError{URL: r.url, Err: errors.New("it answered, but not as a Schema Registry: is this the right URL?")}
	}
	return &RegistryUnreachableError{URL: r.url, Err: err}
}

// Close lets go of the client.
func (r *Registry) Close() {
	if r != nil {
		r.client.Close()
	}
}

// Subject is the TopicNameStrategy subject of a topic's record values.
func Subject(topic string) string {
	s, _ := serde.TopicNameStrategy(topic, serde.ValueSerde, schemaregistry.SchemaInfo{})
	return s
}

// isNotFound reports whether the registry said that what was asked for
// does not exist (an unknown schema id or subject).
func isNotFound(err error) bool {
	var re *rest.Error
	return errors.As(err, &re) && (re.Code == http.StatusNotFound || re.Code/100 == 404)
}

// isRefused reports whether the registry refused a write: no permission,
// or a read-only mode.
func isRefused(err error) bool {
	var re *rest.Error
	if !errors.As(err, &re) {
		return false
	}
	return re.Code == http.StatusUnauthorized || re.Code == http.StatusForbidden ||
		re.Code/100 == 401 || re.Code/100 == 403 || re.Code == 42205 || re.Code == http.StatusMethodNotAllowed
}

// isIncompatible reports whether the registry refused a schema as
// incompatible with the subject's earlier versions.
func isIncompatible(err error) bool {
	var re *rest.Error
	return errors.As(err, &re) && (re.Code == http.StatusConflict || re.Code/100 == 409)
}

// register registers schema under subject and returns its id. When the
// registry refuses writes it uses the subject's latest version instead, if
// that is the same schema.
func (r *Registry) register(subject string, info schemaregistry.SchemaInfo) (int, error) {
	id, err := r.client.Register(subject, info, false)
	if err == nil {
		return id, nil
	}
	if isIncompatible(err) {
		return 0, fmt.Errorf("schema registry %s refused pitchkafka's schema for subject %s as incompatible with its earlier versions (%w): use another topic, or change the subject's compatibility", r.url, subject, err)
	}
	if !isRefused(err) {
		return 0, fmt.Errorf("register the schema of subject %s at %s: %w", subject, r.url, err)
	}
	latest, lerr := r.client.GetLatestSchemaMetadata(subject)
	if lerr != nil {
		return 0, fmt.Errorf("schema registry %s refused to register subject %s (%w), and it has no version to use (%v)", r.url, subject, err, lerr)
	}
	if same, cerr := r.sameSchema(subject, info, latest); cerr != nil || !same {
		return 0, fmt.Errorf("schema registry %s refused to register subject %s (%w), and its latest version (id %d) is not pitchkafka's schema", r.url, subject, err, latest.ID)
	}
	return latest.ID, nil
}

// sameSchema reports whether the registered version is the given schema:
// the same type, and the registry finds the schema under that id.
func (r *Registry) sameSchema(subject string, info schemaregistry.SchemaInfo, latest schemaregistry.SchemaMetadata) (bool, error) {
	if schemaType(latest.SchemaType) != schemaType(info.SchemaType) {
		return false, nil
	}
	if strings.TrimSpace(latest.Schema) == strings.TrimSpace(info.Schema) {
		return true, nil
	}
	id, err := r.client.GetID(subject, info, false)
	if err != nil {
		return false, err
	}
	return id == latest.ID, nil
}

// schemaType names a registry schema type; the registry leaves it empty
// for Avro.
func schemaType(t string) string {
	if t == "" {
		return "AVRO"
	}
	return t
}

// RegisterFramedUnder registers the schema of a framed value, found under
// subject from, under subject too, once per schema, so that records copied
// from one topic to another (a changelog) read back under their new
// topic's subject. A value that is not framed needs nothing and is left
// alone.
func (r *Registry) RegisterFramedUnder(value []byte, subject, from string) error {
	if !IsFramed(value) || len(value) < 5 {
		return nil
	}
	id := int(binary.BigEndian.Uint32(value[1:5]))
	key := subject + "\x00" + strconv.Itoa(id)
	r.mu.Lock()
	done := r.registered[key]
	r.mu.Unlock()
	if done {
		return nil
	}
	info, err := r.client.GetBySubjectAndID(from, id)
	if err != nil {
		return fmt.Errorf("schema id %d: %w", id, err)
	}
	if _, err := r.register(subject, info); err != nil {
		return err
	}
	r.mu.Lock()
	r.registered[key] = true
	r.mu.Unlock()
	return nil
}

// redactURL hides a password written into a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
