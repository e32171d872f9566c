package kafkaio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// withRegistry is cfg pointed at a registry.
func withRegistry(cfg Config, url string) Config {
	cfg.Registry = formats.RegistryConfig{URL: url}
	return cfg
}

// mustPublishAs publishes pitches to a topic in a format and returns what
// it published.
func mustPublishAs(tb testing.TB, cfg Config, topic string, format formats.Format, pitches []game.Pitch) {
	tb.Helper()
	pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: topic, Partitions: 3, ReplicationFactor: -1})
	if err != nil {
		tb.Fatal(err)
	}
	enc, err := formats.NewEncoder(cfg.Formats(), topic, format)
	if err != nil {
		pub.Close(time.Second)
		tb.Fatal(err)
	}
	defer enc.Close()
	b := pitchBatch{enc: enc}
	for i := range pitches {
		if err := b.add(&pitches[i]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := pub.publish(context.Background(), &b.records, b.gamesOver); err != nil {
		tb.Fatal(err)
	}
	if err := pub.Close(10 * time.Second); err != nil {
		tb.Fatal(err)
	}
}

// mustReadPitches reads a whole topic with a Reader, keyed by game and
// pitch so that partition order does not matter.
func mustReadPitches(tb testing.TB, cfg Config, topic string) (map[[2]int64]game.Pitch, ConsumerStats) {
	tb.Helper()
	r, err := NewReader(cfg, topic)
	if err != nil {
		tb.Fatal(err)
	}
	got := map[[2]int64]game.Pitch{}
	err = r.Run(context.Background(), ReadOptions{FromBeginning: true, Once: true}, func(rec Record) {
		got[[2]int64{rec.Pitch.GamePK, int64(rec.Pitch.GameSeq)}] = rec.Pitch
	})
	r.Close()
	if err != nil {
		tb.Fatal(err)
	}
	return got, r.Stats()
}

// assertSamePitches checks that every sent pitch was read back as it was.
func assertSamePitches(tb testing.TB, sent []game.Pitch, got map[[2]int64]game.Pitch) {
	tb.Helper()
	if len(got) != len(sent) {
		tb.Fatalf("read %d pitches, want %d", len(got), len(sent))
	}
	for _, want := range sent {
		p, ok := got[[2]int64{want.GamePK, int64(want.GameSeq)}]
		if !ok {
			tb.Fatalf("pitch %d/%d not read", want.GamePK, want.GameSeq)
		}
		if !p.TS.Equal(want.TS) {
			tb.Fatalf("pitch %d/%d ts %v, want %v", want.GamePK, want.GameSeq, p.TS, want.TS)
		}
		p.TS = want.TS
		if p != want {
			tb.Fatalf("pitch %d/%d read back as\n%+v\nwant\n%+v", want.GamePK, want.GameSeq, p, want)
		}
	}
}

func TestEveryFormatRoundTripsTheSameStreamThroughTheBroker(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	cfg := withRegistry(testConfig(b, zerolog.Nop()), reg.URL())
	sent := testkit.SeasonPitches(t, 2016, 1500)
	sent[7].Partial = true // as replays mark a game only partly in the stream
	sizes := map[formats.Format]int{}
	for _, f := range formats.Formats {
		t.Run(string(f), func(t *testing.T) {
			topic := "pitches-" + string(f)
			mustPublishAs(t, cfg, topic, f, sent)
			got, st := mustReadPitches(t, cfg, topic)
			assertSamePitches(t, sent, got)
			if st.Skipped != 0 {
				t.Errorf("skipped %d records", st.Skipped)
			}
			sizes[f] = int(st.Bytes) / len(sent)
			raw := readRaw(t, b.Bootstrap(), topic, 1)[0].Value
			if framed := raw[0] == 0; framed != f.NeedsRegistry() {
				t.Errorf("first byte %#x: framed %v, want %v", raw[0], framed, f.NeedsRegistry())
			}
		})
	}
	t.Logf("mean record value size, bytes: %v", sizes)
	if sizes[formats.FormatAvro] >= sizes[formats.FormatJSON]/3 {
		t.Errorf("Avro records of %d bytes against JSON's %d: the schema should carry the field names", sizes[formats.FormatAvro], sizes[formats.FormatJSON])
	}
}

func TestATopicThatChangesFormatReadsRecordByRecord(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	cfg := withRegistry(testConfig(b, zerolog.Nop()), reg.URL())
	sent := testkit.SeasonPitches(t, 7, 1200)
	for i, f := range []formats.Format{formats.FormatJSON, formats.FormatAvro, formats.FormatProtobuf, formats.FormatJSONSchema} {
		mustPublishAs(t, cfg, "changing", f, sent[i*300:(i+1)*300])
	}
	got, st := mustReadPitches(t, cfg, "changing")
	assertSamePitches(t, sent, got)
	if st.Skipped != 0 {
		t.Errorf("skipped %d", st.Skipped)
	}
}

func TestFramedRecordsWithoutARegistrySayOnceWhatToDoAndAreCounted(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	sent := testkit.SeasonPitches(t, 3, 400)
	mustPublishAs(t, withRegistry(testConfig(b, zerolog.Nop()), reg.URL()), "avro", formats.FormatAvro, sent[:300])
	mustPublishAs(t, testConfig(b, zerolog.Nop()), "avro", formats.FormatJSON, sent[300:])
	var logs bytes.Buffer
	got, st := mustReadPitches(t, testConfig(b, zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.InfoLevel)), "avro")
	if len(got) != 100 || st.Skipped != 300 {
		t.Fatalf("read %d and skipped %d, want 100 and 300", len(got), st.Skipped)
	}
	if n := strings.Count(logs.String(), "--schema-registry"); n != 1 {
		t.Errorf("%d lines name --schema-registry, want 1:\n%s", n, logs.String())
	}
}

func TestUnknownSchemaIdsAndUndecodableBytesArePoisonRecords(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	var logs bytes.Buffer
	cfg := withRegistry(testConfig(b, zerolog.New(zerolog.SyncWriter(&logs))), reg.URL())
	sent := testkit.SeasonPitches(t, 5, 200)
	mustPublishAs(t, cfg, "poison", formats.FormatAvro, sent)
	good := readRaw(t, b.Bootstrap(), "poison", 1)[0].Value
	unknownID := append([]byte{0, 0, 0, 0x30, 0x39}, good[5:]...) // schema id 12345
	truncated := good[:len(good)/2]
	wrongSchema := append([]byte(nil), good...)
	jsonID := mustRegisterID(t, cfg, "poison", formats.FormatJSONSchema) // a real id whose schema does not fit the bytes
	binary.BigEndian.PutUint32(wrongSchema[1:5], uint32(jsonID))
	bad := [][]byte{unknownID, truncated, wrongSchema, {0, 0, 0}}
	produceRaw(t, b.Bootstrap(), "poison", 0, bad)

	got, st := mustReadPitches(t, cfg, "poison")
	assertSamePitches(t, sent, got)
	if st.Skipped != int64(len(bad)) {
		t.Errorf("skipped %d, want %d:\n%s", st.Skipped, len(bad), logs.String())
	}

	g, err := NewGroupReader(context.Background(), cfg, GroupOptions{Topic: "poison", Group: "poison", FromBeginning: true, Once: true, DLQ: "poison-dlq"})
	if err != nil {
		t.Fatal(err)
	}
	handled := 0
	err = g.Run(context.Background(), func(Record) error { handled++; return nil })
	if cerr := g.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if handled != len(sent) {
		t.Errorf("group handled %d, want %d", handled, len(sent))
	}
	for _, m := range readRaw(t, b.Bootstrap(), "poison-dlq", len(bad)) {
		if m.Value[0] != 0 {
			t.Errorf("dead letter %q is not the framed record as it was", m.Value[:8])
		}
	}
}

// mustRegisterID registers a format's schema under a topic's subject.
func mustRegisterID(tb testing.TB, cfg Config, topic string, f formats.Format) int {
	tb.Helper()
	enc, err := formats.NewEncoder(cfg.Formats(), topic, f)
	if err != nil {
		tb.Fatal(err)
	}
	defer enc.Close()
	return enc.SchemaID()
}

func TestTheChangelogKeepsTheFormatOfThePitches(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	cfg := withRegistry(testConfig(b, zerolog.Nop()), reg.URL())
	sent := testkit.SeasonPitches(t, 11, 600)
	mustPublishAs(t, cfg, "pitches", formats.FormatProtobuf, sent)
	cl, err := OpenChangelog(context.Background(), cfg, "table-changelog", "pitches")
	if err != nil {
		t.Fatal(err)
	}
	table := game.NewLastPitches()
	r, err := NewReader(cfg, "pitches")
	if err != nil {
		t.Fatal(err)
	}
	err = r.Run(context.Background(), ReadOptions{FromBeginning: true, Once: true}, func(rec Record) {
		if table.Apply(&rec.Pitch) {
			if err := cl.Record(context.Background(), &rec); err != nil {
				t.Error(err)
			}
		}
	})
	r.Close()
	if cerr := cl.Close(10 * time.Second); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	written := cl.Stats().Delivered
	for _, m := range readRaw(t, b.Bootstrap(), "table-changelog", int(written)) {
		if m.Value[0] != 0 {
			t.Fatalf("changelog value %q is not in the Schema Registry wire format", m.Value[:8])
		}
	}
	restored := game.NewLastPitches()
	cl, err = OpenChangelog(context.Background(), cfg, "table-changelog", "pitches")
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close(time.Second)
	_, rs, err := cl.Restore(context.Background(), func(p *game.Pitch) { restored.Apply(p) })
	if err != nil || rs.Skipped != 0 {
		t.Fatalf("restore: %v, %+v", err, rs)
	}
	if got, want := fmt.Sprint(restored.Sorted()), fmt.Sprint(table.Sorted()); got != want {
		t.Errorf("restored table differs:\n%s\nwant\n%s", got, want)
	}
}

func TestARestartedRegistryKeepsItsIdsAndOldRecordsStayReadable(t *testing.T) {
	dir := t.TempDir()
	b := testkit.StartBroker(t)
	first, err := embedded.StartRegistry(embedded.RegistryServerOptions{Listen: "127.0.0.1:0", DataDir: dir, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	cfg := withRegistry(testConfig(b, zerolog.Nop()), first.URL())
	sent := testkit.SeasonPitches(t, 13, 300)
	ids := map[formats.Format]int{}
	for _, f := range []formats.Format{formats.FormatProtobuf, formats.FormatAvro, formats.FormatJSONSchema} {
		mustPublishAs(t, cfg, "kept-"+string(f), f, sent)
		ids[f] = mustRegisterID(t, cfg, "kept-"+string(f), f)
	}
	first.Close()

	again := testkit.StartRegistry(t, dir)
	cfg = withRegistry(cfg, again.URL())
	for f, id := range ids {
		if got := mustRegisterID(t, cfg, "kept-"+string(f), f); got != id {
			t.Errorf("%s: id %d after the restart, was %d", f, got, id)
		}
		got, _ := mustReadPitches(t, cfg, "kept-"+string(f))
		assertSamePitches(t, sent, got)
	}
	if id := mustRegisterID(t, cfg, "another", formats.FormatAvro); id != ids[formats.FormatAvro] {
		t.Errorf("the same schema under another subject got id %d, want %d", id, ids[formats.FormatAvro])
	}
}

// refusingWrites fronts a registry and answers every write as a registry
// that allows no writes does (Confluent's 403 for a denied operation).
func refusingWrites(tb testing.TB, target string) string {
	tb.Helper()
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/versions") {
			w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"error_code":40301,"message":"User is denied operation Write on formats.Subject"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

func TestARegistryThatRefusesWritesServesTheSubjectsLatestVersionIfItMatches(t *testing.T) {
	b := testkit.StartBroker(t)
	reg := testkit.StartRegistry(t, "")
	writable := withRegistry(testConfig(b, zerolog.Nop()), reg.URL())
	readOnly := withRegistry(writable, refusingWrites(t, reg.URL()))

	id := mustRegisterID(t, writable, "ours", formats.FormatAvro)
	sent := testkit.SeasonPitches(t, 17, 200)
	mustPublishAs(t, readOnly, "ours", formats.FormatAvro, sent)
	got, _ := mustReadPitches(t, readOnly, "ours")
	assertSamePitches(t, sent, got)
	if again := mustRegisterID(t, readOnly, "ours", formats.FormatAvro); again != id {
		t.Errorf("read-only registry gave id %d, want the registered %d", again, id)
	}

	if _, err := formats.NewEncoder(readOnly.Formats(), "nothing-yet", formats.FormatAvro); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("empty subject on a read-only registry: %v, want a refusal", err)
	}
	mustRegisterID(t, writable, "theirs", formats.FormatProtobuf)
	if _, err := formats.NewEncoder(readOnly.Formats(), "theirs", formats.FormatAvro); err == nil || !strings.Contains(err.Error(), "is not pitchkafka's schema") {
		t.Errorf("another schema on a read-only registry: %v, want a mismatch", err)
	}
}

func TestRegistryCredentialsWorkAndAreNeverLogged(t *testing.T) {
	const userInfo = "alice:s3cret-registry-pw"
	reg, err := embedded.StartRegistry(embedded.RegistryServerOptions{Listen: "127.0.0.1:0", BasicAuth: userInfo, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	b := testkit.StartBroker(t)
	var logs bytes.Buffer
	cfg := withRegistry(testConfig(b, zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.DebugLevel)), reg.URL())
	cfg.Registry.Properties = map[string]string{"schema.registry.basic.auth.user.info": userInfo}
	sent := testkit.SeasonPitches(t, 19, 100)
	mustPublishAs(t, cfg, "secured", formats.FormatAvro, sent)
	got, _ := mustReadPitches(t, cfg, "secured")
	assertSamePitches(t, sent, got)

	cfg.Registry.Properties = map[string]string{"schema.registry.basic.auth.user.info": "alice:wrong-pw"}
	_, err = formats.NewEncoder(cfg.Formats(), "secured", formats.FormatAvro)
	var unreachable *formats.RegistryUnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "not authorized") {
		t.Errorf("wrong password: %v, want a clear refusal", err)
	}
	if strings.Contains(logs.String(), "s3cret") || (err != nil && strings.Contains(err.Error(), "wrong-pw")) {
		t.Errorf("a password reached the logs or an error:\n%s\n%v", logs.String(), err)
	}
	cfg.Registry.Properties = map[string]string{"schema.registry.basic.auth.userinfo": userInfo}
	if err := formats.CheckRegistryProperties(cfg.Registry); err == nil || !strings.Contains(err.Error(), "schema.registry.basic.auth.user.info") {
		t.Errorf("misspelt property: %v, want the known names", err)
	}
}

func TestAnUnreachableRegistryOrAnotherServerFailsWithinTheTimeout(t *testing.T) {
	b := testkit.StartBroker(t)
	notARegistry := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html><body>hello</body></html>")
	}))
	t.Cleanup(notARegistry.Close)
	silent := mustListenSilently(t)
	for _, tc := range []struct{ name, url, want string }{
		{"nothing listening", "http://127.0.0.1:1", "no Schema Registry at http://127.0.0.1:1"},
		{"a web page", notARegistry.URL, "not as a Schema Registry"},
		{"a port that never answers", "http://" + silent, "no answer within"},
		{"not a URL", "127.0.0.1:8081", "want a URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withRegistry(testConfig(b, zerolog.Nop()), tc.url)
			cfg.Timeout = 2 * time.Second
			start := time.Now()
			_, err := NewReader(cfg, "any")
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line with %q", err, tc.want)
			}
			if took := time.Since(start); took > cfg.Timeout+3*time.Second {
				t.Errorf("took %v, timeout %v", took, cfg.Timeout)
			}
		})
	}
}

// mustListenSilently returns the address of a listener that accepts
// connections and never answers.
func mustListenSilently(tb testing.TB) string {
	tb.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	srv.Start()
	tb.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.Listener.Addr().String()
}
