package importer

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Encode renders a value of the spec's own types, a struct or a map with
// string keys (or a pointer to one), into a Node by their yaml tags, so
// that the importer never spells a key of the spec a second time. Fields
// come in the struct's order, map entries in key order.
//
// A field is left out when it holds its zero value: "", 0, false, a nil
// pointer, slice or map, a struct whose fields are all left out. A
// section therefore writes a field only by setting it, and leaves a value
// at the spec's default by leaving the field zero. To write a zero value
// the spec distinguishes from an absent field, use the pointer or the
// non-nil empty slice or map the spec's types offer for it: a non-nil
// pointer is written whatever it points to (`enabled: false`, `{}` for an
// empty struct), a non-nil empty slice as `[]`, a non-nil empty map as
// `{}`. Map entries are always written.
//
// Encode panics on a value of a type the writer cannot render (a field of
// a kind no spec type uses): that is a programming error.
func Encode(v any) *Node {
	if n, ok := v.(*Node); ok {
		return n
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Struct:
		return encodeStruct(rv)
	case reflect.Map:
		return encodeMap(rv)
	}
	panic(fmt.Sprintf("importer: cannot encode %T as a YAML mapping", v))
}

func encodeStruct(rv reflect.Value) *Node {
	n := NewNode()
	t := rv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		key := fieldKey(f)
		if !f.IsExported() || key == "-" {
			continue
		}
		if val, ok := encodeValue(rv.Field(i), false); ok {
			n.Set(key, val)
		}
	}
	return n
}

func encodeMap(rv reflect.Value) *Node {
	if rv.Type().Key().Kind() != reflect.String {
		panic(fmt.Sprintf("importer: cannot encode %s: its keys are not strings", rv.Type()))
	}
	n := NewNode()
	keys := make(map[string]reflect.Value, rv.Len())
	for _, k := range rv.MapKeys() {
		keys[k.String()] = k
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if val, ok := encodeValue(rv.MapIndex(keys[k]), true); ok {
			n.Set(k, val)
		}
	}
	return n
}

// encodeValue returns what Node writes for v, and false when v is left
// out. forced values are written even when zero: they are pointed to or
// are map entries.
func encodeValue(v reflect.Value, forced bool) (any, bool) {
	if n, ok := v.Interface().(*Node); ok {
		return n, n != nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil, false
		}
		return encodeValue(v.Elem(), true)
	case reflect.Struct:
		n := encodeStruct(v)
		return n, forced || n.Len() > 0
	case reflect.Map:
		if v.IsNil() {
			return nil, false
		}
		return encodeMap(v), true
	case reflect.Slice:
		if v.IsNil() {
			return nil, false
		}
		if v.Type().Elem().Kind() != reflect.String {
			panic(fmt.Sprintf("importer: cannot encode %s", v.Type()))
		}
		list := make([]string, v.Len())
		for i := range list {
			list[i] = v.Index(i).String()
		}
		return list, true
	case reflect.String:
		return v.String(), forced || v.String() != ""
	case reflect.Bool:
		return v.Bool(), forced || v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Raw(strconv.FormatInt(v.Int(), 10)), forced || v.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Raw(strconv.FormatUint(v.Uint(), 10)), forced || v.Uint() != 0
	}
	panic(fmt.Sprintf("importer: cannot encode %s", v.Type()))
}

// FieldKey returns the key Encode writes for a field of a struct, given
// pointers to both: FieldKey(a, &a.ExemptFromNaming) is
// "exempt_from_naming" for a *spec.Account a.
// Sections use it to place a comment (see Node.CommentBefore) without
// spelling the spec's key a second time. It panics when field is not a
// field of *structPtr.
func FieldKey(structPtr, field any) string {
	sv := reflect.ValueOf(structPtr).Elem()
	fv := reflect.ValueOf(field)
	for i := range sv.NumField() {
		f := sv.Field(i)
		if f.Addr().Pointer() == fv.Pointer() && f.Addr().Type() == fv.Type() {
			return fieldKey(sv.Type().Field(i))
		}
	}
	panic(fmt.Sprintf("importer: FieldKey: %T is no field of %T", field, structPtr))
}

// fieldKey is the key of a struct field by its yaml tag: its name in
// lower case when the tag has none, "-" when it is never written.
func fieldKey(f reflect.StructField) string {
	key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if key == "" {
		key = strings.ToLower(f.Name)
	}
	return key
}

// EncodeFields is Encode of the given fields of *structPtr only, given as
// pointers, in the order given: for a value the import writes in another
// order than its type declares (an account's exempt_from_naming before its
// tags), or of which it writes only some fields.
func EncodeFields(structPtr any, fields ...any) *Node {
	n := NewNode()
	for _, f := range fields {
		if val, ok := encodeValue(reflect.ValueOf(f).Elem(), false); ok {
			n.Set(FieldKey(structPtr, f), val)
		}
	}
	return n
}
