package formats

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/game"
)

func TestTheThreeSchemasDescribeTheJSONEventsFields(t *testing.T) {
	season, err := game.NewSeason(game.DefaultLeague(), game.SeasonConfig{Seed: 1, Concurrent: 15})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := season.Next()
	p.TS = time.Now()
	p.Partial = true // written only when true
	var event map[string]any
	if err := json.Unmarshal(p.AppendJSON(nil), &event); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{FormatAvro, FormatProtobuf, FormatJSONSchema} {
		schema := f.schemaInfo(pitchSchemas).Schema
		for field := range event {
			if !strings.Contains(schema, `"`+field+`"`) && !strings.Contains(schema, " "+field+" = ") {
				t.Errorf("%s schema has no field %s", f, field)
			}
		}
	}
}
