package embedded_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/formats"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// jsClientDir holds the Node.js program that decodes records with
// Confluent's JavaScript serdes (@confluentinc/schemaregistry).
const jsClientDir = "testdata/jsclient"

// TestConfluentsJavaScriptSerdesDecodeWhatPitchkafkaWrote decodes records
// pitchkafka's Go serializers wrote, in each Schema Registry format, with a
// client that is not ours, over HTTP from the embedded registry: Confluent's
// JavaScript serdes, which read a Protobuf schema with ?format=serialized.
func TestConfluentsJavaScriptSerdesDecodeWhatPitchkafkaWrote(t *testing.T) {
	node := mustHaveJSClient(t)
	reg := testkit.StartRegistry(t, "")
	pitches := testkit.SeasonPitches(t, 2016, 25)
	pitches[3].Partial = true
	for _, f := range []formats.Format{formats.FormatAvro, formats.FormatProtobuf, formats.FormatJSONSchema} {
		t.Run(string(f), func(t *testing.T) {
			topic := "js-" + string(f)
			records := encodeAll(t, reg.URL(), topic, f, pitches)
			decoded := runJSDecoder(t, node, reg.URL(), topic, string(f), records)
			if len(decoded) != len(pitches) {
				t.Fatalf("the JavaScript client decoded %d records, want %d", len(decoded), len(pitches))
			}
			for i, p := range pitches {
				var want map[string]any
				if err := json.Unmarshal(p.AppendJSON(nil), &want); err != nil {
					t.Fatal(err)
				}
				assertSameEvent(t, i, want, decoded[i])
			}
		})
	}
}

// mustHaveJSClient returns the node binary, with the client's packages
// installed (npm ci, once), or skips the test saying why in one line.
func mustHaveJSClient(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH: install Node.js 20+ to decode with Confluent's JavaScript serdes")
	}
	if _, err := os.Stat(filepath.Join(jsClientDir, "node_modules", "@confluentinc", "schemaregistry")); err == nil {
		return node
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("no npm on PATH: install npm, or run npm ci in embedded/" + jsClientDir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = jsClientDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("npm ci in embedded/%s failed (no network?): %v: %s", jsClientDir, err, npmError(out))
	}
	return node
}

// npmError is the line of npm's output that says what went wrong.
func npmError(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "npm error") && !strings.Contains(l, "complete log") {
			return l
		}
	}
	return lines[len(lines)-1]
}

// encodeAll writes each pitch as a record value of topic in format f,
// with pitchkafka's own encoder, and returns the values in hex.
func encodeAll(t *testing.T, url, topic string, f formats.Format, pitches []game.Pitch) []string {
	t.Helper()
	enc, err := formats.NewEncoder(formats.Config{Registry: formats.RegistryConfig{URL: url}, Log: zerolog.Nop()}, topic, f)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	out := make([]string, len(pitches))
	for i := range pitches {
		value, err := enc.Append(nil, &pitches[i])
		if err != nil {
			t.Fatal(err)
		}
		out[i] = hex.EncodeToString(value)
	}
	return out
}

// runJSDecoder decodes records with decode.mjs and returns what it printed.
func runJSDecoder(t *testing.T, node, url, topic, format string, records []string) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"decode.mjs", url, topic, format}, records...)...)
	cmd.Dir = jsClientDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Confluent's JavaScript serdes could not decode pitchkafka's %s records: %v\n%s", format, err, stderr.String())
	}
	var decoded []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("decode.mjs printed %q: %v", sc.Text(), err)
		}
		decoded = append(decoded, m)
	}
	return decoded
}

// assertSameEvent compares a decoded record with the JSON event, field by
// field: a field the record leaves out is null, numbers may come as
// strings (Protobuf's 64-bit integers), times in any RFC 3339 form.
func assertSameEvent(t *testing.T, i int, want, got map[string]any) {
	t.Helper()
	for field, w := range want {
		g := got[field]
		if field == "ts" {
			w, g = normalTime(w), normalTime(g)
		}
		if !sameJSONValue(w, g) {
			t.Errorf("record %d: %s = %#v, want %#v", i, field, g, w)
		}
	}
}

// normalTime is a time as RFC 3339 in UTC, whether it came so or as Avro's
// timestamp-millis (a number, for a client without logical types).
func normalTime(v any) any {
	var ts time.Time
	switch t := v.(type) {
	case float64:
		ts = time.UnixMilli(int64(t))
	case string:
		var err error
		if ts, err = time.Parse(time.RFC3339Nano, t); err != nil {
			return v
		}
	default:
		return v
	}
	return ts.UTC().Format(time.RFC3339Nano)
}

func sameJSONValue(want, got any) bool {
	if w, ok := want.(float64); ok {
		switch g := got.(type) {
		case float64:
			return w == g
		case string:
			f, err := strconv.ParseFloat(g, 64)
			return err == nil && f == w
		}
		return false
	}
	return fmt.Sprint(want) == fmt.Sprint(got)
}
