package embedded

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// RegistryServerOptions configures the embedded Schema Registry.
type RegistryServerOptions struct {
	// Listen is host:port; port 0 picks a free one.
	Listen string
	// DataDir, if set, keeps the registered schemas in a file there, so
	// that they survive a restart with the same ids.
	DataDir string
	// BasicAuth, if set, is the user:password every request must carry
	// (HTTP basic authentication); otherwise the registry is open.
	BasicAuth string
	// Compatibility is the global compatibility level the registry starts
	// at, as Confluent names levels (BACKWARD, FULL_TRANSITIVE, …); empty
	// is NONE, so that a topic may change format. PUT /config changes it.
	Compatibility string
	Log           zerolog.Logger
}

// registryFile is where a RegistryServer keeps its schemas in DataDir.
const registryFile = "pitchkafka-schema-registry.json"

// registryConfigFile is where a RegistryServer keeps its compatibility
// levels in DataDir.
const registryConfigFile = "pitchkafka-schema-registry-config.json"

// RegistryServer is an in-process Schema Registry (franz-go's srfake,
// behind registryAPI, which answers as Confluent's registry does where
// srfake does not) for development, tests and demos. It is not a
// production registry.
type RegistryServer struct {
	reg    *srfake.Registry
	levels *compatLevels
	auth   string // the Authorization header requests carry, or ""
	srv    *http.Server
	ln     net.Listener
	store  string // the file schemas persist in, or ""
	log    zerolog.Logger

	mu       sync.Mutex // serialises saves
	saveErrs int
}

// StartRegistry starts the registry and returns once it is listening.
func StartRegistry(opts RegistryServerOptions) (*RegistryServer, error) {
	var srOpts []srfake.Option
	initial, ok := parseLevel(opts.Compatibility)
	if opts.Compatibility != "" && !ok {
		return nil, fmt.Errorf("schema registry: compatibility level %q: want NONE, BACKWARD, FORWARD, FULL or one of them _TRANSITIVE", opts.Compatibility)
	}
	s := &RegistryServer{levels: &compatLevels{initial: initial}, log: opts.Log}
	if opts.BasicAuth != "" {
		s.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(opts.BasicAuth))
		srOpts = append(srOpts, srfake.WithAuth(s.auth))
	}
	s.reg = srfake.NewRegistry(srOpts...)
	if opts.DataDir != "" {
		s.store = filepath.Join(opts.DataDir, registryFile)
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("schema registry on %s: %w", opts.Listen, err)
	}
	s.ln = ln
	api := newRegistryAPI(s.reg.Handler(), s.auth, s.levels)
	s.srv = &http.Server{Handler: s.persisting(api), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the registry's base URL, for --schema-registry.
func (s *RegistryServer) URL() string {
	return (&url.URL{Scheme: "http", Host: s.ln.Addr().String()}).String()
}

// Close stops serving.
func (s *RegistryServer) Close() error {
	return s.srv.Close()
}

// persisting saves the schemas and the compatibility levels after every
// request that changed them.
func (s *RegistryServer) persisting(next http.Handler) http.Handler {
	if s.store == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, req)
		if req.Method != http.MethodGet && req.Method != http.MethodHead && rec.status < 300 {
			s.save()
		}
	})
}

// statusRecorder notes the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// storedSchema is one subject version as the registry's file keeps it.
type storedSchema struct {
	Subject    string               `json:"subject"`
	Version    int                  `json:"version"`
	ID         int                  `json:"id"`
	Type       sr.SchemaType        `json:"schemaType"`
	Schema     string               `json:"schema"`
	References []sr.SchemaReference `json:"references,omitempty"`
}

// save writes every live subject version to the store, atomically. A
// failure is logged (a write that cannot be kept must not pass silently).
func (s *RegistryServer) save() {
	s.mu.Lock()
	defer s.mu.Unlock()
	schemas, err := s.snapshot()
	if err == nil {
		err = writeFileAtomic(s.store, schemas)
	}
	if err == nil {
		err = writeFileAtomic(s.configFile(), s.levels.snapshot())
	}
	if err != nil {
		s.saveErrs++
		s.log.Error().Err(err).Str("file", s.store).Msg("schema registry: could not save the schemas; they will not survive a restart")
	}
}

// snapshot reads every live subject version through the registry's own API.
func (s *RegistryServer) snapshot() ([]storedSchema, error) {
	var subjects []string
	if err := s.get("/subjects", &subjects); err != nil {
		return nil, err
	}
	var out []storedSchema
	for _, subject := range subjects {
		var versions []int
		if err := s.get("/subjects/"+url.PathEscape(subject)+"/versions", &versions); err != nil {
			return nil, err
		}
		for _, v := range versions {
			var ss sr.SubjectSchema
			if err := s.get(fmt.Sprintf("/subjects/%s/versions/%d", url.PathEscape(subject), v), &ss); err != nil {
				return nil, err
			}
			out = append(out, storedSchema{Subject: subject, Version: ss.Version, ID: ss.ID, Type: ss.Type,
				Schema: ss.Schema.Schema, References: ss.References})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Subject < out[j].Subject
	})
	return out, nil
}

// get serves a GET request in process and decodes its answer.
func (s *RegistryServer) get(path string, v any) error {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if s.auth != "" {
		req.Header.Set("Authorization", s.auth)
	}
	s.reg.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
	}
	return json.Unmarshal(rec.Body.Bytes(), v)
}

// configFile is the file the compatibility levels persist in.
func (s *RegistryServer) configFile() string {
	return filepath.Join(filepath.Dir(s.store), registryConfigFile)
}

// loadLevels restores the compatibility levels from their file, if any.
func (s *RegistryServer) loadLevels() error {
	data, err := os.ReadFile(s.configFile())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("schema registry: %w", err)
	}
	var saved savedLevels
	if err := json.Unmarshal(data, &saved); err != nil {
		return fmt.Errorf("schema registry: %s is damaged: %w", s.configFile(), err)
	}
	s.levels.restore(saved)
	return nil
}

// load seeds the registry from its store, keeping every id and version.
func (s *RegistryServer) load() (err error) {
	if err := s.loadLevels(); err != nil {
		return err
	}
	data, err := os.ReadFile(s.store)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("schema registry: %w", err)
	}
	var schemas []storedSchema
	if err := json.Unmarshal(data, &schemas); err != nil {
		return fmt.Errorf("schema registry: %s is damaged: %w", s.store, err)
	}
	defer func() {
		if r := recover(); r != nil { // srfake panics on a slot seeded twice
			err = fmt.Errorf("schema registry: %s is damaged: %v", s.store, r)
		}
	}()
	for _, st := range schemas {
		s.reg.SeedSchema(st.Subject, st.Version, st.ID, sr.Schema{Schema: st.Schema, Type: st.Type, References: st.References})
	}
	s.log.Info().Int("schemas", len(schemas)).Str("file", s.store).Msg("schema registry: restored")
	return nil
}

// writeFileAtomic writes v as JSON to path through a temporary file, so a
// crash leaves the old file or the new one, never half of one.
func writeFileAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
