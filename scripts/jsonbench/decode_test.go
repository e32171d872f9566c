package jsonbench

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bytedance/sonic"
	jsonv2 "github.com/go-json-experiment/json"
	goccy "github.com/goccy/go-json"
	segmentio "github.com/segmentio/encoding/json"

	"github.com/pitchkafka/pitchkafka/game"
)

// decoders are the candidates, each decoding one event into a fresh Pitch
// and validating it.
var decoders = []struct {
	name   string
	decode func([]byte) (game.Pitch, error)
}{
	{"game.Decode", game.Decode},
	{"encoding-json", unmarshalWith(stdjson.Unmarshal)},
	{"json-v2", unmarshalWith(func(data []byte, v any) error {
		// encoding/json's name matching, which game.Decode follows.
		return jsonv2.Unmarshal(data, v, jsonv2.MatchCaseInsensitiveNames(true))
	})},
	{"sonic", unmarshalWith(sonic.ConfigStd.Unmarshal)},
	{"goccy-go-json", unmarshalWith(goccy.Unmarshal)},
	{"segmentio", unmarshalWith(segmentio.Unmarshal)},
	// The two fastest libraries made as strict as game.Decode.
	{"goccy-go-json+strict", strictly(unmarshalWith(goccy.Unmarshal))},
	{"segmentio+strict", strictly(unmarshalWith(segmentio.Unmarshal))},
}

var (
	errDuplicate   = errors.New("a field is given twice")
	errInvalidUTF8 = errors.New("not valid UTF-8")
)

// strictly puts in front of decode the checks game.Decode makes and the
// libraries do not: the event is valid UTF-8 and names no top-level field
// twice (case-insensitively, as encoding/json matches names). It walks the
// event with segmentio's tokenizer, the fastest at hand.
func strictly(decode func([]byte) (game.Pitch, error)) func([]byte) (game.Pitch, error) {
	return func(data []byte) (game.Pitch, error) {
		if !utf8.Valid(data) {
			return game.Pitch{}, errInvalidUTF8
		}
		var names [64][]byte
		seen := names[:0]
		t := segmentio.NewTokenizer(data)
		for t.Next() {
			if !t.IsKey || t.Depth != 1 {
				continue
			}
			name := t.Value[1 : len(t.Value)-1]
			for _, s := range seen {
				if bytes.EqualFold(s, name) {
					return game.Pitch{}, errDuplicate
				}
			}
			seen = append(seen, name)
		}
		if t.Err != nil {
			return game.Pitch{}, t.Err
		}
		return decode(data)
	}
}

func unmarshalWith(unmarshal func([]byte, any) error) func([]byte) (game.Pitch, error) {
	return func(data []byte) (game.Pitch, error) {
		var p game.Pitch
		if err := unmarshal(data, &p); err != nil {
			return game.Pitch{}, err
		}
		return p, p.Validate()
	}
}

// events are 1,024 pitches of a seeded season, encoded as publish writes them.
func events(tb testing.TB) [][]byte {
	tb.Helper()
	s, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: 1, Concurrent: 15})
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Date(2026, 11, 24, 13, 40, 0, 123_000_000, time.UTC)
	out := make([][]byte, 1024)
	var p game.Pitch
	for i := range out {
		s.NextInto(&p)
		p.TS = start.Add(time.Duration(i) * time.Millisecond)
		out[i] = p.AppendJSON(nil)
	}
	return out
}

// TestDecodersAgree makes sure every candidate reads the events as
// game.Decode does, so the benchmark compares equal work.
func TestDecodersAgree(t *testing.T) {
	data := events(t)
	for _, d := range decoders {
		for i, e := range data {
			want, err := game.Decode(e)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.decode(e)
			if err != nil {
				t.Fatalf("%s: event %d: %v", d.name, i, err)
			}
			if !got.TS.Equal(want.TS) {
				t.Fatalf("%s: event %d: ts %v, want %v", d.name, i, got.TS, want.TS)
			}
			got.TS = want.TS
			if got != want {
				t.Fatalf("%s: event %d:\n got %+v\nwant %+v", d.name, i, got, want)
			}
		}
	}
}

// TestStrictness records which candidates reject what the pitch schema
// forbids and game.Decode rejects: a field given twice and invalid UTF-8.
func TestStrictness(t *testing.T) {
	valid := string(events(t)[0])
	cases := map[string][]byte{
		"field given twice": []byte(`{"pitcher_name":"A",` + valid[1:]),
		"invalid UTF-8":     []byte(strings.Replace(valid, `"pitcher_name":"`, "\"pitcher_name\":\"\xff", 1)),
	}
	for _, d := range decoders {
		if _, err := d.decode([]byte(valid)); err != nil {
			t.Fatalf("%s rejects a valid event: %v", d.name, err)
		}
		for name, data := range cases {
			_, err := d.decode(data)
			t.Logf("%-14s %-18s rejected=%v", d.name, name, err != nil)
			if strings.HasSuffix(d.name, "strict") || d.name == "game.Decode" || d.name == "json-v2" {
				if err == nil {
					t.Errorf("%s accepted a %s", d.name, name)
				}
			}
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	data := events(b)
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data[0])))
			for i := 0; b.Loop(); i++ {
				if _, err := d.decode(data[i&1023]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
