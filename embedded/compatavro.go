package embedded

import (
	"strings"

	"github.com/hamba/avro/v2"
)

// avroReadIssues checks Avro's schema resolution, as Confluent's registry
// does (Avro's SchemaCompatibility): can data written with writer be read
// with reader? Records match by name or alias and their fields by name or
// alias, a reader field missing from the writer needs a default; enums
// need every writer symbol, unless the reader has a default; fixed sizes
// match; unions resolve branch by branch; int, long and float promote to
// wider numbers, string and bytes to each other.
func avroReadIssues(reader, writer avro.Schema) []compatIssue {
	err := avro.NewSchemaCompatibility().Compatible(reader, writer)
	if err == nil {
		return nil
	}
	return []compatIssue{{
		errorType:   avroIncompatibilityType(err.Error()),
		description: "The {reader} schema cannot read data written with the {writer} schema: " + err.Error(),
	}}
}

// avroIncompatibilityType names the kind of an Avro incompatibility as
// Avro's SchemaCompatibility does.
func avroIncompatibilityType(msg string) string {
	switch {
	case strings.Contains(msg, "names do not match"):
		return "NAME_MISMATCH"
	case strings.Contains(msg, "fixed sizes do not match"):
		return "FIXED_SIZE_MISMATCH"
	case strings.Contains(msg, "missing symbol"):
		return "MISSING_ENUM_SYMBOLS"
	case strings.Contains(msg, "has no default"):
		return "READER_FIELD_MISSING_DEFAULT_VALUE"
	case strings.Contains(msg, "union lacking"):
		return "MISSING_UNION_BRANCH"
	}
	return "TYPE_MISMATCH"
}
