package embedded

import (
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// The Protobuf compatibility check is Confluent's
// (io.confluent.kafka.schemaregistry.protobuf.diff): the writer's schema is
// diffed against the reader's, message by name and field by number, and
// the reader can read the writer's data unless a difference is of a kind
// outside protoCompatibleChanges: a package or a field's kind changed, a
// message removed, a scalar changed to one encoded differently (int32,
// int64, uint32, uint64, bool and enums are one group; sint32 and sint64;
// string and bytes; fixed32 and sfixed32; fixed64 and sfixed64; float;
// double), a number's label changed (packed or not), a required field
// added or removed, a field removed from a oneof, or fields made mutually
// exclusive that were not.

// Protobuf difference kinds, as Confluent names them.
const (
	pdPackageChanged             = "PACKAGE_CHANGED"
	pdMessageAdded               = "MESSAGE_ADDED"
	pdMessageRemoved             = "MESSAGE_REMOVED"
	pdMessageMoved               = "MESSAGE_MOVED"
	pdEnumAdded                  = "ENUM_ADDED"
	pdEnumRemoved                = "ENUM_REMOVED"
	pdEnumConstAdded             = "ENUM_CONST_ADDED"
	pdEnumConstChanged           = "ENUM_CONST_CHANGED"
	pdEnumConstRemoved           = "ENUM_CONST_REMOVED"
	pdFieldAdded                 = "FIELD_ADDED"
	pdFieldRemoved               = "FIELD_REMOVED"
	pdFieldNameChanged           = "FIELD_NAME_CHANGED"
	pdFieldKindChanged           = "FIELD_KIND_CHANGED"
	pdFieldScalarKindChanged     = "FIELD_SCALAR_KIND_CHANGED"
	pdFieldNamedTypeChanged      = "FIELD_NAMED_TYPE_CHANGED"
	pdFieldNumericLabelChanged   = "FIELD_NUMERIC_LABEL_CHANGED"
	pdFieldStringLabelChanged    = "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
	pdRequiredFieldAdded         = "REQUIRED_FIELD_ADDED"
	pdRequiredFieldRemoved       = "REQUIRED_FIELD_REMOVED"
	pdOneofAdded                 = "ONEOF_ADDED"
	pdOneofRemoved               = "ONEOF_REMOVED"
	pdOneofFieldAdded            = "ONEOF_FIELD_ADDED"
	pdOneofFieldRemoved          = "ONEOF_FIELD_REMOVED"
	pdOneofFieldMovedToTopLevel  = "ONEOF_FIELD_MOVED_TO_TOP_LEVEL"
	pdMultipleFieldsMovedToOneof = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
	pdFieldMovedToExistingOneof  = "FIELD_MOVED_TO_EXISTING_ONEOF"
)

// protoCompatibleChanges are the differences a reader copes with.
var protoCompatibleChanges = map[string]bool{
	pdMessageAdded: true, pdMessageMoved: true, pdEnumAdded: true, pdEnumRemoved: true,
	pdEnumConstAdded: true, pdEnumConstChanged: true, pdEnumConstRemoved: true,
	pdFieldAdded: true, pdFieldRemoved: true, pdFieldNameChanged: true, pdFieldStringLabelChanged: true,
	pdOneofAdded: true, pdOneofRemoved: true, pdOneofFieldAdded: true, pdOneofFieldMovedToTopLevel: true,
}

// protoDescriptions word the incompatible differences; %s is the path.
var protoDescriptions = map[string]string{
	pdPackageChanged:             "The package at '%s' in the {reader} schema does not match the package in the {writer} schema",
	pdMessageRemoved:             "The {reader} schema is missing a MESSAGE type at path '%s' in the {writer} schema",
	pdFieldKindChanged:           "The type of a field at path '%s' in the {reader} schema does not match the {writer} schema",
	pdFieldScalarKindChanged:     "The kind of a SCALAR field at path '%s' in the {reader} schema does not match its kind in the {writer} schema",
	pdFieldNamedTypeChanged:      "The type of a MESSAGE field at path '%s' in the {reader} schema does not match its type in the {writer} schema",
	pdFieldNumericLabelChanged:   "The label for a NUMERIC field at path '%s' in the {reader} schema does not match its label in the {writer} schema",
	pdRequiredFieldAdded:         "A required field  at path '%s' in the {reader} schema is missing in the {writer} schema",
	pdRequiredFieldRemoved:       "The {reader} schema is missing a required field at path: '%s' in the {writer} schema",
	pdOneofFieldRemoved:          "The {reader} schema is missing a oneof field at path '%s' in the {writer} schema",
	pdMultipleFieldsMovedToOneof: "Multiple fields in the oneof at path '%s' in the {reader} schema are outside a oneof in the {writer} schema",
	pdFieldMovedToExistingOneof:  "A field in the oneof at path '%s' in the {reader} schema is outside an existing oneof in the {writer} schema",
}

// protoReadIssues says why reader cannot read data written with writer.
func protoReadIssues(reader, writer protoreflect.FileDescriptor) []compatIssue {
	ctx := newProtoDiff()
	ctx.compareFiles(writer, reader)
	var out []compatIssue
	for _, d := range ctx.diffs {
		if !protoCompatibleChanges[d.kind] {
			out = append(out, compatIssue{errorType: d.kind, description: strings.Replace(protoDescriptions[d.kind], "%s", d.path, 1)})
		}
	}
	return out
}

// protoDifference is one difference found, at a path such as #/Pitch/3.
type protoDifference struct{ kind, path string }

// allCompatible reports whether every one of diffs is of a kind in
// compatible.
func allCompatible(diffs []protoDifference, compatible map[string]bool) bool {
	for _, diff := range diffs {
		if !compatible[diff.kind] {
			return false
		}
	}
	return true
}

// protoDiff is the state of one comparison: where it is, which messages it
// is inside (to stop at recursive types), what it found.
type protoDiff struct {
	path   []string
	inside map[protoreflect.FullName]bool
	diffs  []protoDifference
}

func newProtoDiff() *protoDiff { return &protoDiff{inside: map[protoreflect.FullName]bool{}} }

// sub is a comparison that starts where d is, with its own findings.
func (d *protoDiff) sub() *protoDiff {
	s := newProtoDiff()
	s.path = append([]string(nil), d.path...)
	for k := range d.inside {
		s.inside[k] = true
	}
	return s
}

func (d *protoDiff) compatible() bool { return allCompatible(d.diffs, protoCompatibleChanges) }

func (d *protoDiff) add(kind string) {
	d.diffs = append(d.diffs, protoDifference{kind, "#/" + strings.Join(d.path, "/")})
}

// at runs f with the path extended by elems.
func (d *protoDiff) at(f func(), elems ...string) {
	n := len(d.path)
	d.path = append(d.path, elems...)
	f()
	d.path = d.path[:n]
}

func (d *protoDiff) compareFiles(original, update protoreflect.FileDescriptor) {
	if original.Package() != update.Package() {
		d.add(pdPackageChanged)
	}
	d.compareTypes(original.Messages(), update.Messages(), original.Enums(), update.Enums())
}

// compareTypes compares the messages and enums of one scope by name.
func (d *protoDiff) compareTypes(om, um protoreflect.MessageDescriptors, oe, ue protoreflect.EnumDescriptors) {
	oMsgs, oIdx := messagesByName(om)
	uMsgs, uIdx := messagesByName(um)
	for _, name := range unionNames(oMsgs, uMsgs) {
		d.at(func() {
			o, u := oMsgs[name], uMsgs[name]
			switch {
			case u == nil:
				d.add(pdMessageRemoved)
			case o == nil:
				d.add(pdMessageAdded)
			default:
				d.compareMessages(o, u)
				if oIdx[name] != uIdx[name] {
					d.add(pdMessageMoved)
				}
			}
		}, name)
	}
	oEnums, uEnums := enumsByName(oe), enumsByName(ue)
	for _, name := range unionNames(oEnums, uEnums) {
		d.at(func() {
			o, u := oEnums[name], uEnums[name]
			switch {
			case u == nil:
				d.add(pdEnumRemoved)
			case o == nil:
				d.add(pdEnumAdded)
			default:
				d.compareEnums(o, u)
			}
		}, name)
	}
}

// messagesByName indexes messages by name, and their position, leaving
// out the entries a map field declares (a .proto file has none).
func messagesByName(ms protoreflect.MessageDescriptors) (map[string]protoreflect.MessageDescriptor, map[string]int) {
	byName, index := map[string]protoreflect.MessageDescriptor{}, map[string]int{}
	for i := 0; i < ms.Len(); i++ {
		m := ms.Get(i)
		if m.IsMapEntry() {
			continue
		}
		index[string(m.Name())] = len(byName)
		byName[string(m.Name())] = m
	}
	return byName, index
}

func enumsByName(es protoreflect.EnumDescriptors) map[string]protoreflect.EnumDescriptor {
	out := map[string]protoreflect.EnumDescriptor{}
	for i := 0; i < es.Len(); i++ {
		out[string(es.Get(i).Name())] = es.Get(i)
	}
	return out
}

// unionNames are the keys of two maps, sorted.
func unionNames[V any](a, b map[string]V) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (d *protoDiff) compareEnums(original, update protoreflect.EnumDescriptor) {
	o, u := enumValuesByNumber(original), enumValuesByNumber(update)
	var nums []int
	for n := range o {
		nums = append(nums, int(n))
	}
	for n := range u {
		if _, ok := o[n]; !ok {
			nums = append(nums, int(n))
		}
	}
	sort.Ints(nums)
	for _, n := range nums {
		num := protoreflect.EnumNumber(n)
		d.at(func() {
			switch on, ok := o[num]; {
			case u[num] == "":
				d.add(pdEnumConstRemoved)
			case !ok:
				d.add(pdEnumConstAdded)
			case on != u[num]:
				d.add(pdEnumConstChanged)
			}
		}, strconv.Itoa(n))
	}
}

func enumValuesByNumber(e protoreflect.EnumDescriptor) map[protoreflect.EnumNumber]string {
	out := map[protoreflect.EnumNumber]string{}
	for i := 0; i < e.Values().Len(); i++ {
		v := e.Values().Get(i)
		out[v.Number()] = string(v.Name())
	}
	return out
}
