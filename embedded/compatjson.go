package embedded

import (
	"strings"
)

// The JSON Schema compatibility check is Confluent's
// (io.confluent.kafka.schemaregistry.json.diff, its default STRICT
// policy): the writer's schema is diffed against the reader's, and the
// reader accepts what the writer wrote unless a difference is of a kind
// outside jsonCompatibleChanges. In short: a reader may be wider (a type
// extended, an integer made a number, a bound relaxed or removed, an enum
// or a union extended, a property removed from an open content model or
// added to a closed one, additionalProperties opened), never narrower.

// jsonCompatibleChanges are the differences a reader copes with.
var jsonCompatibleChanges = setOf(
	"ID_CHANGED", "DESCRIPTION_CHANGED", "TITLE_CHANGED", "DEFAULT_CHANGED", "SCHEMA_REMOVED", "TYPE_EXTENDED",
	"MAX_LENGTH_INCREASED", "MAX_LENGTH_REMOVED", "MIN_LENGTH_DECREASED", "MIN_LENGTH_REMOVED", "PATTERN_REMOVED",
	"MAXIMUM_INCREASED", "MAXIMUM_REMOVED", "MINIMUM_DECREASED", "MINIMUM_REMOVED",
	"EXCLUSIVE_MAXIMUM_INCREASED", "EXCLUSIVE_MAXIMUM_REMOVED", "EXCLUSIVE_MINIMUM_DECREASED", "EXCLUSIVE_MINIMUM_REMOVED",
	"MULTIPLE_OF_REDUCED", "MULTIPLE_OF_REMOVED",
	"REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", "REQUIRED_ATTRIBUTE_REMOVED", "DEPENDENCY_ARRAY_NARROWED",
	"DEPENDENCY_ARRAY_REMOVED", "DEPENDENCY_SCHEMA_REMOVED", "MAX_PROPERTIES_INCREASED", "MAX_PROPERTIES_REMOVED",
	"MIN_PROPERTIES_DECREASED", "MIN_PROPERTIES_REMOVED", "ADDITIONAL_PROPERTIES_ADDED", "ADDITIONAL_PROPERTIES_EXTENDED",
	"UNEVALUATED_PROPERTIES_ADDED", "UNEVALUATED_PROPERTIES_EXTENDED",
	"PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
	"OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
	"PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
	"PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
	"MAX_ITEMS_INCREASED", "MAX_ITEMS_REMOVED", "MIN_ITEMS_DECREASED", "MIN_ITEMS_REMOVED",
	"MAX_CONTAINS_INCREASED", "MAX_CONTAINS_REMOVED", "MIN_CONTAINS_DECREASED", "MIN_CONTAINS_REMOVED",
	"UNIQUE_ITEMS_REMOVED", "ADDITIONAL_ITEMS_ADDED", "ADDITIONAL_ITEMS_EXTENDED",
	"UNEVALUATED_ITEMS_ADDED", "UNEVALUATED_ITEMS_EXTENDED",
	"ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
	"ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
	"ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
	"ENUM_ARRAY_EXTENDED", "COMBINED_TYPE_EXTENDED", "PRODUCT_TYPE_NARROWED", "SUM_TYPE_EXTENDED", "NOT_TYPE_NARROWED",
)

func setOf(items ...string) map[string]bool {
	out := map[string]bool{}
	for _, i := range items {
		out[i] = true
	}
	return out
}

// jsonReadIssues says why reader does not accept what writer allowed.
func jsonReadIssues(reader, writer *jsonSchema) []compatIssue {
	d := newJSONDiff()
	d.compare(writer, reader)
	var out []compatIssue
	for _, diff := range d.diffs {
		if !jsonCompatibleChanges[diff.kind] {
			out = append(out, compatIssue{errorType: diff.kind, description: jsonDescription(diff)})
		}
	}
	return out
}

// jsonDiff is the state of one comparison: where it is, which pairs of
// schemas it is inside (to stop at recursive ones), what it found.
type jsonDiff struct {
	path   []string
	inside map[[2]*jsonSchema]bool
	diffs  []protoDifference
}

func newJSONDiff() *jsonDiff { return &jsonDiff{inside: map[[2]*jsonSchema]bool{}} }

// sub is a comparison that starts where d is, with its own findings.
func (d *jsonDiff) sub() *jsonDiff {
	return &jsonDiff{path: append([]string(nil), d.path...), inside: d.inside}
}

func (d *jsonDiff) compatible() bool { return allCompatible(d.diffs, jsonCompatibleChanges) }

func (d *jsonDiff) merge(s *jsonDiff) { d.diffs = append(d.diffs, s.diffs...) }

func (d *jsonDiff) add(kind string, elems ...string) {
	path := append(append([]string(nil), d.path...), elems...)
	d.diffs = append(d.diffs, protoDifference{kind, "#/" + strings.Join(path, "/")})
}

// at runs f with the path extended by elems.
func (d *jsonDiff) at(f func(), elems ...string) {
	n := len(d.path)
	d.path = append(d.path, elems...)
	f()
	d.path = d.path[:n]
}

// deref follows $refs to the schema they lead to.
func deref(s *jsonSchema) *jsonSchema {
	for i := 0; s != nil && s.kind == jsRef && i < 100; i++ {
		s = s.ref
	}
	return s
}

// compare compares a subschema of the writer with the reader's. A pair
// already being compared further up counts as compatible there.
func (d *jsonDiff) compare(original, update *jsonSchema) {
	switch {
	case original == nil && update == nil:
		return
	case original == nil:
		d.add("SCHEMA_ADDED")
		return
	case update == nil:
		d.add("SCHEMA_REMOVED")
		return
	}
	original, update = deref(original), deref(update)
	pair := [2]*jsonSchema{original, update}
	if d.inside[pair] {
		return
	}
	d.inside[pair] = true
	defer delete(d.inside, pair)
	d.compareTypes(original, update)
}

func (d *jsonDiff) compareTypes(o, u *jsonSchema) {
	if d.unionCovers(o, u) {
		return
	}
	if o.kind != u.kind {
		if o.kind == jsFalse || u.kind == jsEmpty {
			return
		}
		d.add("TYPE_CHANGED")
		return
	}
	d.compareAnnotations(o, u)
	switch o.kind {
	case jsString:
		d.compareString(o, u)
	case jsNumber:
		d.compareNumber(o, u)
	case jsConst:
		if o.constant != u.constant {
			d.add("ENUM_ARRAY_CHANGED", "const")
		}
	case jsEnum:
		d.compareEnum(o, u)
	case jsCombined:
		d.compareCombined(o, u)
	case jsNot:
		d.compareNot(o, u)
	case jsObject:
		d.compareObject(o, u)
	case jsArray:
		d.compareArray(o, u)
	}
}

// unionCovers handles a combined schema on one side only: a one-schema
// union is its schema; a reader's anyOf or oneOf accepts what one of its
// branches does; a writer's allOf is accepted where one of its parts is.
func (d *jsonDiff) unionCovers(o, u *jsonSchema) bool {
	switch {
	case o.kind != jsCombined && u.kind == jsCombined:
		if len(u.subs) == 1 {
			return d.coveredBy(o, u.subs[0], "")
		}
		if u.criterion == "anyOf" || u.criterion == "oneOf" {
			for _, s := range u.subs {
				if d.coveredBy(o, s, "SUM_TYPE_EXTENDED") {
					return true
				}
			}
		}
	case o.kind == jsCombined && u.kind != jsCombined:
		if len(o.subs) == 1 {
			return d.coveredBy(o.subs[0], u, "")
		}
		if o.criterion == "allOf" {
			for _, s := range o.subs {
				if d.coveredBy(s, u, "PRODUCT_TYPE_NARROWED") {
					return true
				}
			}
		}
	}
	return false
}

// coveredBy compares o with u apart, and keeps the findings, with kind,
// only if they are compatible.
func (d *jsonDiff) coveredBy(o, u *jsonSchema, kind string) bool {
	s := d.sub()
	s.compare(o, u)
	if !s.compatible() {
		return false
	}
	d.merge(s)
	if kind != "" {
		d.add(kind)
	}
	return true
}

func (d *jsonDiff) compareAnnotations(o, u *jsonSchema) {
	for _, a := range []struct {
		kind string
		o, u *string
	}{{"ID_CHANGED", o.id, u.id}, {"TITLE_CHANGED", o.title, u.title},
		{"DESCRIPTION_CHANGED", o.description, u.description}, {"DEFAULT_CHANGED", o.defaultValue, u.defaultValue}} {
		if !sameString(a.o, a.u) {
			d.add(a.kind)
		}
	}
}

func sameString(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func (d *jsonDiff) compareEnum(o, u *jsonSchema) {
	oSet, uSet := setOf(o.enum...), setOf(u.enum...)
	switch {
	case sameSet(oSet, uSet):
	case containsAll(uSet, oSet):
		d.add("ENUM_ARRAY_EXTENDED", "enum")
	case containsAll(oSet, uSet):
		d.add("ENUM_ARRAY_NARROWED", "enum")
	default:
		d.add("ENUM_ARRAY_CHANGED", "enum")
	}
}

func containsAll(set, of map[string]bool) bool {
	for k := range of {
		if !set[k] {
			return false
		}
	}
	return true
}

func sameSet(a, b map[string]bool) bool { return containsAll(a, b) && containsAll(b, a) }

// compareNot compares the schemas a not excludes, the other way round.
func (d *jsonDiff) compareNot(o, u *jsonSchema) {
	d.at(func() {
		s := d.sub()
		s.compare(u.not, o.not)
		if s.compatible() {
			d.add("NOT_TYPE_NARROWED")
		} else {
			d.add("NOT_TYPE_EXTENDED")
		}
	}, "not")
}
