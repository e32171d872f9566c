// Package jsonbench measures game.Decode, pitchkafka's hand-written pitch
// decoder, against well-kept JSON libraries on the same events, so the
// choice to keep it rests on a measurement (issue #19, item 7).
//
// It is a module of its own so that the libraries it compares never become
// dependencies of pitchkafka. Run it with:
//
//	cd scripts/jsonbench && go test -bench . -benchmem
//
// Every decoder ends with game's Validate, so all of them check the same
// ranges. game.Decode also rejects invalid UTF-8 and a field given twice
// (as the fuzz test demands). encoding/json, sonic, goccy/go-json and
// segmentio's decoder do neither by default: their times here are a lower
// bound on what they would cost at the same strictness. json/v2
// (go-json-experiment) rejects both by default, like game.Decode.
package jsonbench
