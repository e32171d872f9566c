package embedded

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// jsonKind is what a JSON schema is, as the schema model Confluent's
// registry compares (everit's) sees it.
type jsonKind int

const (
	jsEmpty    jsonKind = iota // {} or true: anything
	jsFalse                    // false: nothing
	jsString                   // type string, or string keywords only
	jsNumber                   // type number or integer, or number keywords only
	jsBoolean                  // type boolean
	jsNull                     // type null
	jsObject                   // type object, or object keywords only
	jsArray                    // type array, or array keywords only
	jsEnum                     // enum
	jsConst                    // const
	jsCombined                 // allOf, anyOf, oneOf; several types; several of the above at once
	jsNot                      // not
	jsRef                      // $ref
)

// jsonSchema is one (sub)schema of a JSON Schema document.
type jsonSchema struct {
	kind      jsonKind
	canonical string // the schema's JSON, keys sorted: its identity

	// annotations
	id, title, description, defaultValue *string

	// string
	maxLength, minLength *int64
	pattern              *string

	// number
	integer                                              bool
	maximum, minimum, exclusiveMaximum, exclusiveMinimum *float64
	multipleOf                                           *string

	// object
	properties                   map[string]*jsonSchema
	required                     map[string]bool
	noAdditionalProperties       bool
	additionalProperties         *jsonSchema
	patternProperties            []jsonPatternProperty
	propertyDependencies         map[string][]string
	schemaDependencies           map[string]*jsonSchema
	unevaluatedProperties        *jsonSchema
	maxProperties, minProperties *int64

	// array
	items                    *jsonSchema   // every item
	itemList                 []*jsonSchema // items by position
	noAdditionalItems        bool
	additionalItems          *jsonSchema
	unevaluatedItems         *jsonSchema
	maxItems, minItems       *int64
	uniqueItems              bool
	maxContains, minContains *int64

	// enum and const: canonical JSON of each value
	enum     []string
	constant string

	// combined
	criterion string // allOf, anyOf or oneOf
	subs      []*jsonSchema

	// not
	not *jsonSchema

	// $ref, resolved when loaded
	ref *jsonSchema
}

type jsonPatternProperty struct {
	pattern *regexp.Regexp
	schema  *jsonSchema
}

// jsonLoader loads the schemas of a document and the documents it
// references, once each, so that recursive schemas become cycles.
type jsonLoader struct {
	docs   map[string]any         // documents by name: "" is the schema, the others its references
	ids    map[string]string      // $id of a document → its name
	loaded map[string]*jsonSchema // by document name and JSON pointer
}

// parseJSONSchema loads a JSON schema and the schemas it references (by
// the names its $refs use, or their $id), as Confluent's registry
// compares them. A schema that is not JSON, or a $ref that leads nowhere,
// is an invalid schema.
func parseJSONSchema(text string, deps map[string]sr.Schema) (*jsonSchema, error) {
	l := &jsonLoader{docs: map[string]any{}, ids: map[string]string{}, loaded: map[string]*jsonSchema{}}
	if err := l.addDoc("", text); err != nil {
		return nil, err
	}
	for name, d := range deps {
		if err := l.addDoc(name, d.Schema); err != nil {
			return nil, err
		}
	}
	s, err := l.load("", "")
	if err != nil {
		return nil, errInvalidSchema("JSON Schema: " + err.Error())
	}
	return s, nil
}

func (l *jsonLoader) addDoc(name, text string) error {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return errInvalidSchema("JSON Schema " + strconv.Quote(name) + ": " + err.Error())
	}
	switch doc.(type) {
	case map[string]any, bool:
	default:
		return errInvalidSchema("JSON Schema: the root must be an object or a boolean")
	}
	l.docs[name] = doc
	if m, ok := doc.(map[string]any); ok {
		if id, ok := m["$id"].(string); ok {
			l.ids[strings.TrimSuffix(id, "#")] = name
		}
	}
	return nil
}

// load loads the schema at pointer in document doc.
func (l *jsonLoader) load(doc, pointer string) (*jsonSchema, error) {
	key := doc + "#" + pointer
	if s, ok := l.loaded[key]; ok {
		return s, nil
	}
	raw, err := resolvePointer(l.docs[doc], pointer)
	if err != nil {
		return nil, err
	}
	s := &jsonSchema{}
	l.loaded[key] = s // before filling it in: a $ref back here finds it
	return s, l.fill(s, raw, doc, pointer)
}

// resolvePointer finds the value at a JSON pointer (RFC 6901).
func resolvePointer(v any, pointer string) (any, error) {
	if pointer == "" || pointer == "/" {
		return v, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("$ref: nothing at %s", pointer)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("$ref: nothing at %s", pointer)
			}
			v = c[i]
		default:
			return nil, fmt.Errorf("$ref: nothing at %s", pointer)
		}
	}
	return v, nil
}

// sub loads the subschema at key below pointer.
func (l *jsonLoader) sub(doc, pointer string, keys ...string) (*jsonSchema, error) {
	for _, k := range keys {
		pointer += "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
	}
	return l.load(doc, pointer)
}

// resolveRef loads what a $ref in document doc points at.
func (l *jsonLoader) resolveRef(doc, ref string) (*jsonSchema, error) {
	target, fragment, _ := strings.Cut(ref, "#")
	if target != "" {
		name, ok := l.docName(target)
		if !ok {
			return nil, fmt.Errorf("$ref %q: no reference of the schema is named so (register it with a reference named %q)", ref, target)
		}
		doc = name
	}
	if fragment != "" && !strings.HasPrefix(fragment, "/") {
		return nil, fmt.Errorf("$ref %q: only JSON pointers (#/…) are supported, not anchors", ref)
	}
	if unescaped, err := url.PathUnescape(fragment); err == nil {
		fragment = unescaped
	}
	return l.load(doc, fragment)
}

// docName finds a referenced document by the name it was referenced by,
// or its $id.
func (l *jsonLoader) docName(target string) (string, bool) {
	if _, ok := l.docs[target]; ok {
		return target, true
	}
	name, ok := l.ids[target]
	return name, ok
}

// canonicalJSON is v's JSON with sorted keys.
func canonicalJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSpace(buf.String())
}

// sortedKeys are a map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
