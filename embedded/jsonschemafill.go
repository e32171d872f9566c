package embedded

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// The keywords that make a schema without "type" one of a type.
var (
	stringKeywords = []string{"minLength", "maxLength", "pattern", "format"}
	numberKeywords = []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
	objectKeywords = []string{"properties", "required", "additionalProperties", "patternProperties", "dependencies",
		"dependentRequired", "dependentSchemas", "minProperties", "maxProperties", "propertyNames", "unevaluatedProperties"}
	arrayKeywords = []string{"items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems",
		"contains", "minContains", "maxContains", "unevaluatedItems"}
)

// annotationKeywords validate nothing: beside them a $ref is the whole
// schema.
var annotationKeywords = map[string]bool{"$ref": true, "$id": true, "id": true, "$schema": true, "$comment": true,
	"title": true, "description": true, "default": true, "examples": true, "deprecated": true, "readOnly": true,
	"writeOnly": true, "$defs": true, "definitions": true, "$anchor": true, "$dynamicAnchor": true}

// fill makes s the schema raw is, at pointer in document doc: true or {}
// is anything, false nothing; otherwise it is what its keywords make it
// ($ref, a type or types, enum, const, not, allOf/anyOf/oneOf), and all of
// them at once (allOf) when it has several.
func (l *jsonLoader) fill(s *jsonSchema, raw any, doc, pointer string) error {
	canonical := canonicalJSON(raw)
	m, ok := raw.(map[string]any)
	if !ok {
		b, isBool := raw.(bool)
		if !isBool {
			return fmt.Errorf("the schema at #%s is neither an object nor a boolean", pointer)
		}
		*s = jsonSchema{kind: jsFalse, canonical: canonical}
		if b {
			s.kind = jsEmpty
		}
		return nil
	}
	parts, err := l.parts(m, doc, pointer)
	if err != nil {
		return err
	}
	switch len(parts) {
	case 0:
		*s = jsonSchema{kind: jsEmpty}
	case 1:
		*s = *parts[0]
	default:
		*s = jsonSchema{kind: jsCombined, criterion: "allOf", subs: parts}
	}
	s.canonical = canonical
	annotate(s, m)
	return nil
}

// annotate sets the annotations the comparison looks at.
func annotate(s *jsonSchema, m map[string]any) {
	str := func(k string) *string {
		if v, ok := m[k].(string); ok {
			return &v
		}
		return nil
	}
	s.id, s.title, s.description = str("$id"), str("title"), str("description")
	if s.id == nil {
		s.id = str("id")
	}
	if v, ok := m["default"]; ok {
		d := canonicalJSON(v)
		s.defaultValue = &d
	}
}

// parts are the schemas the keywords of m make.
func (l *jsonLoader) parts(m map[string]any, doc, pointer string) ([]*jsonSchema, error) {
	var parts []*jsonSchema
	if ref, ok := m["$ref"].(string); ok {
		target, err := l.resolveRef(doc, ref)
		if err != nil {
			return nil, err
		}
		parts = append(parts, &jsonSchema{kind: jsRef, ref: target})
		if !hasValidation(m) {
			return parts, nil
		}
	}
	typed, err := l.typedParts(m, doc, pointer)
	if err != nil {
		return nil, err
	}
	parts = append(parts, typed...)
	if v, ok := m["enum"].([]any); ok {
		e := &jsonSchema{kind: jsEnum}
		for _, x := range v {
			e.enum = append(e.enum, canonicalJSON(x))
		}
		parts = append(parts, e)
	}
	if v, ok := m["const"]; ok {
		parts = append(parts, &jsonSchema{kind: jsConst, constant: canonicalJSON(v)})
	}
	if _, ok := m["not"]; ok {
		not, err := l.sub(doc, pointer, "not")
		if err != nil {
			return nil, err
		}
		parts = append(parts, &jsonSchema{kind: jsNot, not: not})
	}
	for _, criterion := range []string{"allOf", "anyOf", "oneOf"} {
		c, err := l.combined(m, criterion, doc, pointer)
		if err != nil {
			return nil, err
		}
		if c != nil {
			parts = append(parts, c)
		}
	}
	return parts, nil
}

func hasValidation(m map[string]any) bool {
	for k := range m {
		if !annotationKeywords[k] {
			return true
		}
	}
	return false
}

// combined loads allOf, anyOf or oneOf, if m has it.
func (l *jsonLoader) combined(m map[string]any, criterion, doc, pointer string) (*jsonSchema, error) {
	list, ok := m[criterion].([]any)
	if !ok {
		return nil, nil
	}
	c := &jsonSchema{kind: jsCombined, criterion: criterion, canonical: canonicalJSON(list)}
	for i := range list {
		sub, err := l.sub(doc, pointer, criterion, fmt.Sprint(i))
		if err != nil {
			return nil, err
		}
		c.subs = append(c.subs, sub)
	}
	return c, nil
}

// typedParts are the schemas of m's type keyword: one for a type, anyOf
// them for several; without "type", one for each type whose keywords m
// uses.
func (l *jsonLoader) typedParts(m map[string]any, doc, pointer string) ([]*jsonSchema, error) {
	var types []string
	switch t := m["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("type at #%s lists a %T", pointer, x)
			}
			types = append(types, s)
		}
	case nil:
		return l.implicitTypes(m, doc, pointer)
	default:
		return nil, fmt.Errorf("type at #%s is a %T", pointer, t)
	}
	var out []*jsonSchema
	for _, t := range types {
		s, err := l.typed(t, m, doc, pointer)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) > 1 {
		return []*jsonSchema{{kind: jsCombined, criterion: "anyOf", subs: out, canonical: canonicalJSON(m["type"])}}, nil
	}
	return out, nil
}

func (l *jsonLoader) implicitTypes(m map[string]any, doc, pointer string) ([]*jsonSchema, error) {
	var out []*jsonSchema
	for _, kw := range []struct {
		typ      string
		keywords []string
	}{{"string", stringKeywords}, {"number", numberKeywords}, {"object", objectKeywords}, {"array", arrayKeywords}} {
		if !hasAny(m, kw.keywords) {
			continue
		}
		s, err := l.typed(kw.typ, m, doc, pointer)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func hasAny(m map[string]any, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// typed is the schema of type t with m's keywords for it.
func (l *jsonLoader) typed(t string, m map[string]any, doc, pointer string) (*jsonSchema, error) {
	s := &jsonSchema{canonical: t + ":" + canonicalJSON(m)}
	switch t {
	case "string":
		s.kind = jsString
		s.maxLength, s.minLength = intKeyword(m, "maxLength"), intKeyword(m, "minLength")
		if p, ok := m["pattern"].(string); ok {
			s.pattern = &p
		}
	case "number", "integer":
		s.kind, s.integer = jsNumber, t == "integer"
		fillNumber(s, m)
	case "boolean":
		s.kind = jsBoolean
	case "null":
		s.kind = jsNull
	case "object":
		s.kind = jsObject
		return s, l.fillObject(s, m, doc, pointer)
	case "array":
		s.kind = jsArray
		return s, l.fillArray(s, m, doc, pointer)
	default:
		return nil, fmt.Errorf("unknown type %q at #%s", t, pointer)
	}
	return s, nil
}

func intKeyword(m map[string]any, k string) *int64 {
	if n, ok := m[k].(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return &i
		}
		if f, err := n.Float64(); err == nil {
			i := int64(f)
			return &i
		}
	}
	return nil
}

func floatKeyword(m map[string]any, k string) *float64 {
	if n, ok := m[k].(json.Number); ok {
		if f, err := n.Float64(); err == nil {
			return &f
		}
	}
	return nil
}

// fillNumber reads the number keywords, draft 4's boolean exclusive
// bounds included.
func fillNumber(s *jsonSchema, m map[string]any) {
	s.maximum, s.minimum = floatKeyword(m, "maximum"), floatKeyword(m, "minimum")
	s.exclusiveMaximum, s.exclusiveMinimum = floatKeyword(m, "exclusiveMaximum"), floatKeyword(m, "exclusiveMinimum")
	if b, _ := m["exclusiveMaximum"].(bool); b {
		s.exclusiveMaximum, s.maximum = s.maximum, nil
	}
	if b, _ := m["exclusiveMinimum"].(bool); b {
		s.exclusiveMinimum, s.minimum = s.minimum, nil
	}
	if n, ok := m["multipleOf"].(json.Number); ok {
		v := n.String()
		s.multipleOf = &v
	}
}

func (l *jsonLoader) fillObject(s *jsonSchema, m map[string]any, doc, pointer string) error {
	s.properties, s.required = map[string]*jsonSchema{}, map[string]bool{}
	props, _ := m["properties"].(map[string]any)
	for _, name := range sortedKeys(props) {
		p, err := l.sub(doc, pointer, "properties", name)
		if err != nil {
			return err
		}
		s.properties[name] = p
	}
	req, _ := m["required"].([]any)
	for _, r := range req {
		if name, ok := r.(string); ok {
			s.required[name] = true
		}
	}
	var err error
	if s.noAdditionalProperties, s.additionalProperties, err = l.additional(m, "additionalProperties", doc, pointer); err != nil {
		return err
	}
	if err := l.fillPatternProperties(s, m, doc, pointer); err != nil {
		return err
	}
	if err := l.fillDependencies(s, m, doc, pointer); err != nil {
		return err
	}
	if s.unevaluatedProperties, err = l.optionalSub(m, "unevaluatedProperties", doc, pointer); err != nil {
		return err
	}
	s.maxProperties, s.minProperties = intKeyword(m, "maxProperties"), intKeyword(m, "minProperties")
	return nil
}

// additional reads additionalProperties or additionalItems: false forbids
// more, true or nothing allows any, a schema allows those it validates.
func (l *jsonLoader) additional(m map[string]any, key, doc, pointer string) (forbidden bool, schema *jsonSchema, err error) {
	switch v := m[key].(type) {
	case nil:
		return false, nil, nil
	case bool:
		return !v, nil, nil
	}
	schema, err = l.sub(doc, pointer, key)
	return false, schema, err
}

func (l *jsonLoader) optionalSub(m map[string]any, key, doc, pointer string) (*jsonSchema, error) {
	if _, ok := m[key]; !ok {
		return nil, nil
	}
	return l.sub(doc, pointer, key)
}

func (l *jsonLoader) fillPatternProperties(s *jsonSchema, m map[string]any, doc, pointer string) error {
	pp, _ := m["patternProperties"].(map[string]any)
	for _, pattern := range sortedKeys(pp) {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return fmt.Errorf("patternProperties at #%s: %v", pointer, err)
		}
		sub, err := l.sub(doc, pointer, "patternProperties", pattern)
		if err != nil {
			return err
		}
		s.patternProperties = append(s.patternProperties, jsonPatternProperty{re, sub})
	}
	return nil
}

// fillDependencies reads draft 7's dependencies and 2019-09's
// dependentRequired and dependentSchemas.
func (l *jsonLoader) fillDependencies(s *jsonSchema, m map[string]any, doc, pointer string) error {
	s.propertyDependencies, s.schemaDependencies = map[string][]string{}, map[string]*jsonSchema{}
	for _, key := range []string{"dependencies", "dependentRequired", "dependentSchemas"} {
		deps, _ := m[key].(map[string]any)
		for _, name := range sortedKeys(deps) {
			if list, ok := deps[name].([]any); ok {
				for _, x := range list {
					if p, ok := x.(string); ok {
						s.propertyDependencies[name] = append(s.propertyDependencies[name], p)
					}
				}
				continue
			}
			sub, err := l.sub(doc, pointer, key, name)
			if err != nil {
				return err
			}
			s.schemaDependencies[name] = sub
		}
	}
	return nil
}

// fillArray reads the array keywords: 2020-12's prefixItems and items,
// or earlier drafts' items and additionalItems.
func (l *jsonLoader) fillArray(s *jsonSchema, m map[string]any, doc, pointer string) error {
	listKey, restKey := "items", "additionalItems"
	if _, ok := m["prefixItems"]; ok {
		listKey, restKey = "prefixItems", "items"
	}
	if list, ok := m[listKey].([]any); ok {
		for i := range list {
			sub, err := l.sub(doc, pointer, listKey, fmt.Sprint(i))
			if err != nil {
				return err
			}
			s.itemList = append(s.itemList, sub)
		}
	} else if _, ok := m["items"]; ok {
		items, err := l.sub(doc, pointer, "items")
		if err != nil {
			return err
		}
		s.items = items
	}
	var err error
	if listKey == "prefixItems" || s.itemList != nil {
		if s.noAdditionalItems, s.additionalItems, err = l.additional(m, restKey, doc, pointer); err != nil {
			return err
		}
	}
	if s.unevaluatedItems, err = l.optionalSub(m, "unevaluatedItems", doc, pointer); err != nil {
		return err
	}
	s.maxItems, s.minItems = intKeyword(m, "maxItems"), intKeyword(m, "minItems")
	s.maxContains, s.minContains = intKeyword(m, "maxContains"), intKeyword(m, "minContains")
	s.uniqueItems, _ = m["uniqueItems"].(bool)
	return nil
}
