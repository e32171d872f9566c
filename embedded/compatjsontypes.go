package embedded

import (
	"math/big"
	"strconv"
)

// compareBound classifies the change of a numeric keyword: ADDED,
// REMOVED, INCREASED or DECREASED, after prefix (MAX_LENGTH, …).
func (d *jsonDiff) compareBound(keyword, prefix string, o, u *float64) {
	switch {
	case o == nil && u == nil:
	case o == nil:
		d.add(prefix+"_ADDED", keyword)
	case u == nil:
		d.add(prefix+"_REMOVED", keyword)
	case *o < *u:
		d.add(prefix+"_INCREASED", keyword)
	case *o > *u:
		d.add(prefix+"_DECREASED", keyword)
	}
}

func (d *jsonDiff) compareCount(keyword, prefix string, o, u *int64) {
	d.compareBound(keyword, prefix, toFloat(o), toFloat(u))
}

func toFloat(i *int64) *float64 {
	if i == nil {
		return nil
	}
	f := float64(*i)
	return &f
}

func (d *jsonDiff) compareString(o, u *jsonSchema) {
	d.compareCount("maxLength", "MAX_LENGTH", o.maxLength, u.maxLength)
	d.compareCount("minLength", "MIN_LENGTH", o.minLength, u.minLength)
	switch {
	case o.pattern == nil && u.pattern != nil:
		d.add("PATTERN_ADDED", "pattern")
	case o.pattern != nil && u.pattern == nil:
		d.add("PATTERN_REMOVED", "pattern")
	case o.pattern != nil && *o.pattern != *u.pattern:
		d.add("PATTERN_CHANGED", "pattern")
	}
}

func (d *jsonDiff) compareNumber(o, u *jsonSchema) {
	d.compareBound("maximum", "MAXIMUM", o.maximum, u.maximum)
	d.compareBound("minimum", "MINIMUM", o.minimum, u.minimum)
	d.compareBound("exclusiveMaximum", "EXCLUSIVE_MAXIMUM", o.exclusiveMaximum, u.exclusiveMaximum)
	d.compareBound("exclusiveMinimum", "EXCLUSIVE_MINIMUM", o.exclusiveMinimum, u.exclusiveMinimum)
	d.compareMultipleOf(o.multipleOf, u.multipleOf)
	switch {
	case o.integer && !u.integer:
		d.add("TYPE_EXTENDED")
	case !o.integer && u.integer:
		d.add("TYPE_NARROWED")
	}
}

// compareMultipleOf compares multipleOf exactly: a reader's divisor of the
// writer's accepts all the writer's numbers (REDUCED).
func (d *jsonDiff) compareMultipleOf(os, us *string) {
	o, u := rat(os), rat(us)
	switch {
	case o == nil && u == nil:
	case o == nil:
		d.add("MULTIPLE_OF_ADDED", "multipleOf")
	case u == nil:
		d.add("MULTIPLE_OF_REMOVED", "multipleOf")
	case o.Cmp(u) == 0:
	case o.Sign() != 0 && divides(o, u):
		d.add("MULTIPLE_OF_EXPANDED", "multipleOf")
	case u.Sign() != 0 && divides(u, o):
		d.add("MULTIPLE_OF_REDUCED", "multipleOf")
	default:
		d.add("MULTIPLE_OF_CHANGED", "multipleOf")
	}
}

func rat(s *string) *big.Rat {
	if s == nil {
		return nil
	}
	r, ok := new(big.Rat).SetString(*s)
	if !ok {
		return nil
	}
	return r
}

// divides reports whether b is a whole multiple of a.
func divides(a, b *big.Rat) bool {
	return new(big.Rat).Quo(b, a).IsInt()
}

// compareCombined compares two allOf/anyOf/oneOf: the criteria, then the
// subschemas, matched one to one where compatible (a maximum matching).
func (d *jsonDiff) compareCombined(o, u *jsonSchema) {
	if d.compareCriteria(o, u) == "COMBINED_TYPE_CHANGED" {
		return
	}
	oSubs, uSubs := distinct(o.subs), distinct(u.subs)
	switch {
	case len(oSubs) < len(uSubs) && u.criterion == "allOf":
		d.add("PRODUCT_TYPE_EXTENDED")
	case len(oSubs) < len(uSubs):
		d.add("SUM_TYPE_EXTENDED")
	case len(oSubs) > len(uSubs) && o.criterion != "allOf":
		d.add("SUM_TYPE_NARROWED")
	case len(oSubs) > len(uSubs):
		d.add("PRODUCT_TYPE_NARROWED")
	}
	edges := make([][]*jsonDiff, len(oSubs)) // the findings of each compatible pair
	for i, os := range oSubs {
		edges[i] = make([]*jsonDiff, len(uSubs))
		d.at(func() {
			for j, us := range uSubs {
				s := d.sub()
				s.compare(os, us)
				if s.compatible() {
					edges[i][j] = s
				}
			}
		}, o.criterion+"/"+strconv.Itoa(i))
	}
	match := maximumMatching(edges, len(uSubs))
	for i, j := range match {
		if j >= 0 {
			d.merge(edges[i][j])
		}
	}
	if matched(match) < min(len(oSubs), len(uSubs)) {
		d.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED")
	}
}

func (d *jsonDiff) compareCriteria(o, u *jsonSchema) string {
	single := func(s *jsonSchema) bool { return len(s.subs) == 1 }
	var kind string
	switch {
	case o.criterion == u.criterion:
		return ""
	case u.criterion == "anyOf", single(o) && single(u), single(o) && u.criterion == "oneOf",
		single(u) && o.criterion == "allOf":
		kind = "COMBINED_TYPE_EXTENDED"
	default:
		kind = "COMBINED_TYPE_CHANGED"
	}
	d.add(kind)
	return kind
}

// distinct drops repeated subschemas (the same JSON).
func distinct(subs []*jsonSchema) []*jsonSchema {
	seen := map[string]bool{}
	var out []*jsonSchema
	for _, s := range subs {
		if !seen[s.canonical] {
			seen[s.canonical] = true
			out = append(out, s)
		}
	}
	return out
}

// maximumMatching pairs left nodes with right ones along non-nil edges,
// as many as can be (augmenting paths); match[i] is i's partner or -1.
func maximumMatching(edges [][]*jsonDiff, right int) []int {
	match, owner := make([]int, len(edges)), make([]int, right)
	for i := range match {
		match[i] = -1
	}
	for j := range owner {
		owner[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for j := 0; j < right; j++ {
			if edges[i][j] == nil || seen[j] {
				continue
			}
			seen[j] = true
			if owner[j] < 0 || try(owner[j], seen) {
				owner[j], match[i] = i, j
				return true
			}
		}
		return false
	}
	for i := range edges {
		try(i, make([]bool, right))
	}
	return match
}

func matched(match []int) int {
	n := 0
	for _, j := range match {
		if j >= 0 {
			n++
		}
	}
	return n
}
