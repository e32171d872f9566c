package embedded

import (
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// protoFields are a message's fields by number, with the oneof (not a
// proto3 optional's synthetic one) each belongs to.
type protoFields struct {
	byNumber map[protoreflect.FieldNumber]protoreflect.FieldDescriptor
	oneofOf  map[protoreflect.FieldNumber]string
	oneofs   map[string][]protoreflect.FieldNumber
}

func fieldsOf(m protoreflect.MessageDescriptor) protoFields {
	pf := protoFields{map[protoreflect.FieldNumber]protoreflect.FieldDescriptor{},
		map[protoreflect.FieldNumber]string{}, map[string][]protoreflect.FieldNumber{}}
	for i := 0; i < m.Fields().Len(); i++ {
		f := m.Fields().Get(i)
		pf.byNumber[f.Number()] = f
		if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
			pf.oneofOf[f.Number()] = string(o.Name())
			pf.oneofs[string(o.Name())] = append(pf.oneofs[string(o.Name())], f.Number())
		}
	}
	return pf
}

// compareMessages compares two messages field by field, then their nested
// types. A message already being compared further up is not compared again.
func (d *protoDiff) compareMessages(original, update protoreflect.MessageDescriptor) {
	if !d.inside[original.FullName()] {
		d.inside[original.FullName()] = true
		d.compareFields(fieldsOf(original), fieldsOf(update), update)
		delete(d.inside, original.FullName())
	}
	d.compareTypes(original.Messages(), update.Messages(), original.Enums(), update.Enums())
}

func (d *protoDiff) compareFields(o, u protoFields, update protoreflect.MessageDescriptor) {
	deleted := o.deletedOneofs(u)
	d.compareOneofMembership(o, u, update)
	for _, name := range unionNames(o.oneofs, u.oneofs) {
		d.at(func() {
			if _, ok := u.oneofs[name]; !ok {
				d.add(pdOneofRemoved)
			} else if _, ok := o.oneofs[name]; !ok {
				d.add(pdOneofAdded)
			}
		}, name)
	}
	for _, n := range unionNumbers(o.byNumber, u.byNumber) {
		d.compareField(o, u, n, deleted)
	}
}

// deletedOneofs are the oneofs of o that u has none of the members of:
// removing a whole oneof is compatible.
func (o protoFields) deletedOneofs(u protoFields) map[string]bool {
	out := map[string]bool{}
	for name, members := range o.oneofs {
		if _, ok := u.oneofs[name]; ok {
			continue
		}
		survives := false
		for _, n := range members {
			if _, ok := u.byNumber[n]; ok {
				survives = true
			}
		}
		out[name] = !survives
	}
	return out
}

// compareOneofMembership finds fields that update's oneofs make mutually
// exclusive though they were not.
func (d *protoDiff) compareOneofMembership(o, u protoFields, update protoreflect.MessageDescriptor) {
	for i := 0; i < update.Oneofs().Len(); i++ {
		oneof := update.Oneofs().Get(i)
		if oneof.IsSynthetic() {
			continue
		}
		groups, movedIn := map[string]bool{}, 0
		for _, n := range u.oneofs[string(oneof.Name())] {
			if name, ok := o.oneofOf[n]; ok {
				groups["oneof:"+name] = true
			} else if _, ok := o.byNumber[n]; ok {
				groups["field:"+strconv.Itoa(int(n))] = true
				movedIn++
			}
		}
		if len(groups) > 1 {
			d.at(func() {
				if movedIn > 1 {
					d.add(pdMultipleFieldsMovedToOneof)
				} else {
					d.add(pdFieldMovedToExistingOneof)
				}
			}, string(oneof.Name()))
		}
	}
}

// compareField compares the field numbered n in both messages.
func (d *protoDiff) compareField(o, u protoFields, n protoreflect.FieldNumber, deletedOneofs map[string]bool) {
	of, uf := o.byNumber[n], u.byNumber[n]
	oOneof, uOneof := o.oneofOf[n], u.oneofOf[n]
	tag := strconv.Itoa(int(n))
	switch {
	case uf == nil && oOneof != "":
		if !deletedOneofs[oOneof] {
			d.at(func() { d.add(pdOneofFieldRemoved) }, oOneof, tag)
		}
	case uf == nil:
		d.at(func() { d.add(pick(of.Cardinality() == protoreflect.Required, pdRequiredFieldRemoved, pdFieldRemoved)) }, tag)
	case of == nil && uOneof != "":
		d.at(func() { d.add(pdOneofFieldAdded) }, uOneof, tag)
	case of == nil:
		d.at(func() { d.add(pick(uf.Cardinality() == protoreflect.Required, pdRequiredFieldAdded, pdFieldAdded)) }, tag)
	default:
		if oOneof != "" && uOneof == "" {
			d.at(func() { d.add(pdOneofFieldMovedToTopLevel) }, tag)
		}
		where := []string{tag}
		if uOneof != "" {
			where = []string{uOneof, tag}
		}
		d.at(func() {
			if of.Name() != uf.Name() {
				d.add(pdFieldNameChanged)
			}
			d.compareLabelsAndTypes(protoLabel(of), protoLabel(uf), typeOf(of), typeOf(uf))
		}, where...)
	}
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

func unionNumbers(a, b map[protoreflect.FieldNumber]protoreflect.FieldDescriptor) []protoreflect.FieldNumber {
	var out []protoreflect.FieldNumber
	for n := range a {
		out = append(out, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// protoLabel is a field's label as written in its .proto file: "" for a
// proto3 field without one, a oneof member or a map.
func protoLabel(f protoreflect.FieldDescriptor) string {
	if o := f.ContainingOneof(); (o != nil && !o.IsSynthetic()) || f.IsMap() {
		return ""
	}
	switch {
	case f.Cardinality() == protoreflect.Repeated:
		return "repeated"
	case f.Cardinality() == protoreflect.Required:
		return "required"
	case f.HasOptionalKeyword() || f.ParentFile().Syntax() == protoreflect.Proto2:
		return "optional"
	}
	return ""
}

// protoType is a field's type: a scalar kind (enums included), a message,
// or a map of two.
type protoType struct {
	scalar   protoreflect.Kind
	message  protoreflect.MessageDescriptor
	key, val *protoType
}

func typeOf(f protoreflect.FieldDescriptor) protoType {
	switch {
	case f.IsMap():
		k, v := typeOf(f.MapKey()), typeOf(f.MapValue())
		return protoType{key: &k, val: &v}
	case f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind:
		return protoType{message: f.Message()}
	}
	return protoType{scalar: f.Kind()}
}

// kind is SCALAR, MESSAGE or MAP.
func (t protoType) kind() string {
	switch {
	case t.key != nil:
		return "MAP"
	case t.message != nil:
		return "MESSAGE"
	}
	return "SCALAR"
}

// scalarGroup groups the scalars that share an encoding, so that a reader
// of one reads the others (protobuf.dev's "Updating A Message Type").
func scalarGroup(k protoreflect.Kind) string {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind,
		protoreflect.BoolKind, protoreflect.EnumKind:
		return "GENERAL_NUMBER"
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return "SIGNED_NUMBER"
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "STRING_OR_BYTES"
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return "FIXED32"
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return "FIXED64"
	}
	return strings.ToUpper(k.String()) // FLOAT, DOUBLE
}

func (d *protoDiff) compareLabelsAndTypes(oLabel, uLabel string, o, u protoType) {
	if o.kind() != u.kind() {
		d.add(pdFieldKindChanged)
		return
	}
	switch o.kind() {
	case "SCALAR":
		d.compareScalars(oLabel, uLabel, o.scalar, u.scalar)
	case "MESSAGE":
		d.compareMessageTypes(o.message, u.message)
	case "MAP":
		d.compareLabelsAndTypes("", "", *o.key, *u.key)
		d.compareLabelsAndTypes("", "", *o.val, *u.val)
	}
}

func (d *protoDiff) compareScalars(oLabel, uLabel string, o, u protoreflect.Kind) {
	group := scalarGroup(o)
	switch {
	case group != scalarGroup(u):
		d.add(pdFieldScalarKindChanged)
	case oLabel == "" || uLabel == "" || oLabel == uLabel:
	case group == "STRING_OR_BYTES":
		d.add(pdFieldStringLabelChanged)
	default:
		d.add(pdFieldNumericLabelChanged)
	}
}

// compareMessageTypes compares the types of a message field: the same
// name (in its package), and compatible contents.
func (d *protoDiff) compareMessageTypes(o, u protoreflect.MessageDescriptor) {
	if localName(o) != localName(u) {
		d.add(pdFieldNamedTypeChanged)
		return
	}
	sub := d.sub()
	sub.compareMessages(o, u)
	d.diffs = append(d.diffs, sub.diffs...)
	if !sub.compatible() {
		d.add(pdFieldNamedTypeChanged)
	}
}

// localName is a message's full name without its file's package.
func localName(m protoreflect.MessageDescriptor) string {
	return strings.TrimPrefix(string(m.FullName()), string(m.ParentFile().Package())+".")
}
