package embedded

import "strconv"

func (d *jsonDiff) compareObject(o, u *jsonSchema) {
	d.at(func() { d.compareRequired(o, u) }, "required")
	d.at(func() { d.compareProperties(o, u) }, "properties")
	d.at(func() { d.compareDependencies(o, u) }, "dependencies")
	d.at(func() {
		d.compareAdditional(o.noAdditionalProperties, u.noAdditionalProperties,
			o.additionalProperties, u.additionalProperties, "ADDITIONAL_PROPERTIES")
	}, "additionalProperties")
	if o.unevaluatedProperties != nil || u.unevaluatedProperties != nil {
		d.at(func() {
			d.compareUnevaluated(o.unevaluatedProperties, u.unevaluatedProperties, "UNEVALUATED_PROPERTIES")
		}, "unevaluatedProperties")
	}
	d.compareCount("maxProperties", "MAX_PROPERTIES", o.maxProperties, u.maxProperties)
	d.compareCount("minProperties", "MIN_PROPERTIES", o.minProperties, u.minProperties)
}

func (d *jsonDiff) compareRequired(o, u *jsonSchema) {
	for _, name := range sortedKeys(o.properties) {
		p, inUpdate := u.properties[name]
		if !inUpdate {
			continue
		}
		switch {
		case o.required[name] && !u.required[name]:
			d.add("REQUIRED_ATTRIBUTE_REMOVED", name)
		case !o.required[name] && u.required[name] && p.defaultValue != nil:
			d.add("REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", name)
		case !o.required[name] && u.required[name]:
			d.add("REQUIRED_ATTRIBUTE_ADDED", name)
		}
	}
}

func (d *jsonDiff) compareProperties(o, u *jsonSchema) {
	for _, name := range unionNames(o.properties, u.properties) {
		op, up := o.properties[name], u.properties[name]
		d.at(func() {
			switch {
			case up == nil:
				d.propertyRemoved(op, u, name)
			case op == nil:
				d.propertyAdded(o, u, up, name)
			default:
				d.compare(op, up)
			}
		}, name)
	}
}

// propertyRemoved: the reader (update) lacks a property the writer has;
// only its content model matters.
func (d *jsonDiff) propertyRemoved(op, u *jsonSchema, name string) {
	switch partial := partialPropertySchema(u, name); {
	case openProperties(u):
		d.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL")
	case partial != nil:
		d.coveredOrNot(op, partial, "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
			"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
	case op.kind == jsFalse:
		d.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
	default:
		d.add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")
	}
}

// propertyAdded: the reader (update) has a property the writer lacks;
// only the writer's content model matters.
func (d *jsonDiff) propertyAdded(o, u, up *jsonSchema, name string) {
	if openProperties(o) {
		switch {
		case up.kind == jsEmpty:
			d.add("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL")
		case u.required[name] && up.defaultValue != nil:
			d.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL")
		case u.required[name]:
			d.add("REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
		default:
			d.add("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
		}
		return
	}
	if partial := partialPropertySchema(o, name); partial != nil {
		d.coveredOrNot(partial, up, "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
			"PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
	}
	switch {
	case u.required[name] && up.defaultValue != nil:
		d.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL")
	case u.required[name]:
		d.add("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
	default:
		d.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
	}
}

// coveredOrNot compares o with u apart, keeps the findings, and adds
// covered or notCovered as they are compatible or not.
func (d *jsonDiff) coveredOrNot(o, u *jsonSchema, covered, notCovered string) {
	s := d.sub()
	s.compare(o, u)
	d.merge(s)
	if s.compatible() {
		d.add(covered)
	} else {
		d.add(notCovered)
	}
}

// openProperties reports whether an object allows any other property:
// no additionalProperties schema nor false, no patternProperties, and
// unevaluatedProperties absent or true.
func openProperties(s *jsonSchema) bool {
	if s.noAdditionalProperties || s.additionalProperties != nil || len(s.patternProperties) > 0 {
		return false
	}
	return s.unevaluatedProperties == nil || s.unevaluatedProperties.kind == jsEmpty
}

// partialPropertySchema is the schema an object gives a property it does
// not name: a matching patternProperties, additionalProperties, or an
// unevaluatedProperties schema; nil if none.
func partialPropertySchema(s *jsonSchema, name string) *jsonSchema {
	for _, pp := range s.patternProperties {
		if pp.pattern.MatchString(name) {
			return pp.schema
		}
	}
	if s.additionalProperties != nil {
		return s.additionalProperties
	}
	if !s.noAdditionalProperties && s.unevaluatedProperties != nil &&
		s.unevaluatedProperties.kind != jsFalse && s.unevaluatedProperties.kind != jsEmpty {
		return s.unevaluatedProperties
	}
	return nil
}

func (d *jsonDiff) compareDependencies(o, u *jsonSchema) {
	for _, name := range unionNames(o.propertyDependencies, u.propertyDependencies) {
		od, oOK := o.propertyDependencies[name]
		ud, uOK := u.propertyDependencies[name]
		oSet, uSet := setOf(od...), setOf(ud...)
		switch {
		case !uOK:
			d.add("DEPENDENCY_ARRAY_REMOVED", name)
		case !oOK:
			d.add("DEPENDENCY_ARRAY_ADDED", name)
		case sameSet(oSet, uSet):
		case containsAll(uSet, oSet):
			d.add("DEPENDENCY_ARRAY_EXTENDED", name)
		case containsAll(oSet, uSet):
			d.add("DEPENDENCY_ARRAY_NARROWED", name)
		default:
			d.add("DEPENDENCY_ARRAY_CHANGED", name)
		}
	}
	for _, name := range unionNames(o.schemaDependencies, u.schemaDependencies) {
		os, us := o.schemaDependencies[name], u.schemaDependencies[name]
		d.at(func() {
			switch {
			case us == nil:
				d.add("DEPENDENCY_SCHEMA_REMOVED")
			case os == nil:
				d.add("DEPENDENCY_SCHEMA_ADDED")
			default:
				d.compare(os, us)
			}
		}, name)
	}
}

// compareAdditional compares additionalProperties or additionalItems.
func (d *jsonDiff) compareAdditional(oForbidden, uForbidden bool, o, u *jsonSchema, prefix string) {
	switch {
	case oForbidden != uForbidden && uForbidden:
		d.add(prefix + "_REMOVED")
	case oForbidden != uForbidden:
		d.add(prefix + "_ADDED")
	case o == nil && u != nil:
		d.add(prefix + "_NARROWED")
	case o != nil && u == nil:
		d.add(prefix + "_EXTENDED")
	default:
		d.compare(o, u)
	}
}

// compareUnevaluated compares unevaluatedProperties or unevaluatedItems,
// at least one of them present.
func (d *jsonDiff) compareUnevaluated(o, u *jsonSchema, prefix string) {
	isFalse := func(s *jsonSchema) bool { return s != nil && s.kind == jsFalse }
	isEmpty := func(s *jsonSchema) bool { return s != nil && s.kind == jsEmpty }
	switch {
	case o == nil && isFalse(u):
		d.add(prefix + "_REMOVED")
	case o == nil:
		d.add(prefix + "_NARROWED")
	case u == nil && isFalse(o):
		d.add(prefix + "_ADDED")
	case u == nil:
		d.add(prefix + "_EXTENDED")
	case isFalse(o) && !isFalse(u):
		d.add(prefix + "_ADDED")
	case !isFalse(o) && isFalse(u):
		d.add(prefix + "_REMOVED")
	case isEmpty(o) && !isEmpty(u):
		d.add(prefix + "_NARROWED")
	case !isEmpty(o) && isEmpty(u):
		d.add(prefix + "_EXTENDED")
	default:
		d.compare(o, u)
	}
}

func (d *jsonDiff) compareArray(o, u *jsonSchema) {
	d.at(func() { d.compare(o.items, u.items) }, "items")
	d.compareItemList(o, u)
	d.at(func() {
		d.compareAdditional(o.noAdditionalItems, u.noAdditionalItems, o.additionalItems, u.additionalItems, "ADDITIONAL_ITEMS")
	}, "additionalItems")
	if o.unevaluatedItems != nil || u.unevaluatedItems != nil {
		d.at(func() { d.compareUnevaluated(o.unevaluatedItems, u.unevaluatedItems, "UNEVALUATED_ITEMS") }, "unevaluatedItems")
	}
	d.compareCount("maxItems", "MAX_ITEMS", o.maxItems, u.maxItems)
	d.compareCount("minItems", "MIN_ITEMS", o.minItems, u.minItems)
	switch {
	case o.uniqueItems && !u.uniqueItems:
		d.add("UNIQUE_ITEMS_REMOVED", "uniqueItems")
	case !o.uniqueItems && u.uniqueItems:
		d.add("UNIQUE_ITEMS_ADDED", "uniqueItems")
	}
	d.compareCount("maxContains", "MAX_CONTAINS", o.maxContains, u.maxContains)
	d.compareCount("minContains", "MIN_CONTAINS", o.minContains, u.minContains)
}

// compareItemList compares the items given by position.
func (d *jsonDiff) compareItemList(o, u *jsonSchema) {
	for i := 0; i < max(len(o.itemList), len(u.itemList)); i++ {
		d.at(func() {
			switch {
			case i < len(o.itemList) && i < len(u.itemList):
				d.compare(o.itemList[i], u.itemList[i])
			case i < len(o.itemList):
				d.itemRemoved(o.itemList[i], u)
			default:
				d.itemAdded(o, u.itemList[i])
			}
		}, "items/"+strconv.Itoa(i))
	}
}

func (d *jsonDiff) itemRemoved(oi, u *jsonSchema) {
	switch partial := partialItemSchema(u); {
	case openItems(u):
		d.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL")
	case partial != nil:
		d.coveredOrNot(oi, partial, "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
			"ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
	case oi.kind == jsFalse:
		d.add("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
	default:
		d.add("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL")
	}
}

func (d *jsonDiff) itemAdded(o, ui *jsonSchema) {
	switch partial := partialItemSchema(o); {
	case openItems(o) && ui.kind == jsEmpty:
		d.add("ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL")
	case openItems(o):
		d.add("ITEM_ADDED_TO_OPEN_CONTENT_MODEL")
	case partial != nil:
		d.coveredOrNot(partial, ui, "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
			"ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
	default:
		d.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL")
	}
}

func openItems(s *jsonSchema) bool {
	if s.noAdditionalItems || s.additionalItems != nil {
		return false
	}
	return s.unevaluatedItems == nil || s.unevaluatedItems.kind == jsEmpty
}

func partialItemSchema(s *jsonSchema) *jsonSchema {
	if s.additionalItems != nil {
		return s.additionalItems
	}
	if !s.noAdditionalItems && s.unevaluatedItems != nil &&
		s.unevaluatedItems.kind != jsFalse && s.unevaluatedItems.kind != jsEmpty {
		return s.unevaluatedItems
	}
	return nil
}

// jsonDescription words an incompatible difference as Confluent does.
func jsonDescription(d protoDifference) string {
	for _, w := range jsonWordings {
		if w.kinds[d.kind] {
			return w.before + d.path + w.after
		}
	}
	return "The {reader} schema does not accept what the {writer} schema allows at path '" + d.path + "' (" + d.kind + ")"
}

// jsonWordings are Confluent's descriptions, by kinds of difference.
var jsonWordings = []struct {
	kinds         map[string]bool
	before, after string
}{
	{setOf("MAXIMUM_ADDED", "MINIMUM_ADDED", "EXCLUSIVE_MAXIMUM_ADDED", "EXCLUSIVE_MINIMUM_ADDED", "MULTIPLE_OF_ADDED",
		"MAX_LENGTH_ADDED", "MIN_LENGTH_ADDED", "PATTERN_ADDED", "REQUIRED_ATTRIBUTE_ADDED", "MAX_PROPERTIES_ADDED",
		"MIN_PROPERTIES_ADDED", "DEPENDENCY_ARRAY_ADDED", "DEPENDENCY_SCHEMA_ADDED", "MAX_ITEMS_ADDED", "MIN_ITEMS_ADDED",
		"MAX_CONTAINS_ADDED", "MIN_CONTAINS_ADDED", "UNIQUE_ITEMS_ADDED", "ADDITIONAL_ITEMS_REMOVED",
		"ADDITIONAL_PROPERTIES_REMOVED", "UNEVALUATED_PROPERTIES_REMOVED", "UNEVALUATED_ITEMS_REMOVED"),
		"The keyword at path '", "' in the {reader} schema is not present in the {writer} schema"},
	{setOf("MIN_LENGTH_INCREASED", "MINIMUM_INCREASED", "EXCLUSIVE_MINIMUM_INCREASED", "MIN_PROPERTIES_INCREASED",
		"MULTIPLE_OF_EXPANDED", "MIN_ITEMS_INCREASED", "MIN_CONTAINS_INCREASED"),
		"The value at path '", "' in the {reader} schema is more than its value in the {writer} schema"},
	{setOf("MAX_LENGTH_DECREASED", "MAXIMUM_DECREASED", "MAX_ITEMS_DECREASED", "MAX_CONTAINS_DECREASED",
		"EXCLUSIVE_MAXIMUM_DECREASED", "MAX_PROPERTIES_DECREASED"),
		"The value at path '", "' in the {reader} schema is less than its value in the {writer} schema"},
	{setOf("PATTERN_CHANGED", "MULTIPLE_OF_CHANGED", "DEPENDENCY_ARRAY_CHANGED"),
		"The value at path '", "' is different between the {reader} and {writer} schema"},
	{setOf("ADDITIONAL_ITEMS_NARROWED", "ENUM_ARRAY_NARROWED", "SUM_TYPE_NARROWED", "ADDITIONAL_PROPERTIES_NARROWED",
		"UNEVALUATED_PROPERTIES_NARROWED", "UNEVALUATED_ITEMS_NARROWED"),
		"An array or combined type at path '", "' has fewer elements in the {reader} schema than the {writer} schema"},
	{setOf("DEPENDENCY_ARRAY_EXTENDED", "PRODUCT_TYPE_EXTENDED", "SUM_TYPE_EXTENDED", "NOT_TYPE_EXTENDED"),
		"An array or combined type at path '", "' has more elements in the {reader} schema than the {writer} schema"},
	{setOf("TYPE_CHANGED", "TYPE_NARROWED", "COMBINED_TYPE_CHANGED", "COMBINED_TYPE_SUBSCHEMAS_CHANGED", "ENUM_ARRAY_CHANGED"),
		"A type at path '", "' is different between the {reader} schema and the {writer} schema"},
	{setOf("REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL",
		"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"),
		"The {reader} schema has an open content model and has a property or item at path '", "' which is missing in the {writer} schema"},
	{setOf("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"),
		"The {reader} schema has an unopen content model and has a required property at path '", "' which is missing in the {writer} schema"},
	{setOf("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"),
		"The {reader} has a closed content model and is missing a property or item present at path '", "' in the {writer} schema"},
	{setOf("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"),
		"A property or item is missing in the {reader} schema but present at path '", "' in the {writer} schema and is not covered by its partially open content model"},
	{setOf("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"),
		"The {reader} schema has a property or item at path '", "' which is missing in the {writer} schema and is not covered by its partially open content model"},
}
