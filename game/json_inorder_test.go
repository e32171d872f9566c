package game

import (
	"reflect"
	"strings"
	"testing"
)

// decodeGeneral decodes data with the general loop alone, as Decode did
// before it had the in-order fast path.
func decodeGeneral(data []byte) (Pitch, error) {
	var p Pitch
	d := decoder{data: data, vocab: vocabulary()}
	err := d.pitch(&p)
	return p, err
}

// decodeInOrder decodes data with the fast path alone.
func decodeInOrder(data []byte) (Pitch, bool) {
	var p Pitch
	d := decoder{data: data, vocab: vocabulary()}
	return p, d.inOrder(&p)
}

// assertInOrderAgrees fails when the fast path reads data to another pitch
// than the general loop, or reads what the general loop rejects.
func assertInOrderAgrees(t *testing.T, data []byte) (accepted bool) {
	t.Helper()
	fast, ok := decodeInOrder(data)
	if !ok {
		return false
	}
	general, err := decodeGeneral(data)
	if err != nil {
		t.Fatalf("the fast path read what the general loop rejects (%v): %q", err, data)
	}
	if !reflect.DeepEqual(fast, general) {
		t.Fatalf("the fast path and the general loop disagree on %q:\nfast    %+v\ngeneral %+v", data, fast, general)
	}
	return true
}

func TestInOrderReadsWhatTheEncoderWrites(t *testing.T) {
	pitches := samplePitches(t, 5, 3000)
	pitches[7].Partial = true
	pitches[8].BatterName = "Jos\u00e9 \"Q\" O'Neil\\\n"
	pitches[9].ReleaseSpeed = 0 // written as null
	for _, p := range pitches {
		if data := p.AppendJSON(nil); !assertInOrderAgrees(t, data) {
			t.Fatalf("the fast path declined the encoder's own record %s", data)
		}
	}
}

func TestInOrderDeclinesAnyOtherForm(t *testing.T) {
	data := string(samplePitches(t, 6, 1)[0].AppendJSON(nil))
	forms := map[string]string{
		"space after a colon":   strings.Replace(data, `"inning":`, `"inning": `, 1),
		"space before the end":  data[:len(data)-1] + " }",
		"trailing newline":      data + "\n",
		"a field left out":      strings.Replace(data, `"stand":"R",`, ``, 1),
		"a field unknown":       strings.Replace(data, `{"schema"`, `{"x":1,"schema"`, 1),
		"a key in capitals":     strings.Replace(data, `"balls"`, `"Balls"`, 1),
		"a fraction for an int": strings.Replace(data, `"game_seq":`, `"game_seq":1.5,"x":`, 1),
		"an exponent speed":     strings.Replace(data, `"release_speed":`, `"release_speed":9e1,"x":`, 1),
		"a string for a number": strings.Replace(data, `"inning":`, `"inning":"1","x":`, 1),
		"a number out of int32": strings.Replace(data, `"balls":`, `"balls":4294967296,"x":`, 1),
		"something after":       data + "{}",
		"cut short":             data[:len(data)-5],
		"empty":                 "",
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			if form == data {
				t.Fatal("the form is the record itself: the test's replacement missed")
			}
			if _, ok := decodeInOrder([]byte(form)); ok {
				t.Errorf("the fast path read %q", form)
			}
		})
	}
}

func TestInOrderKeyMatchesItselfAlone(t *testing.T) {
	for f, k := range inOrderKeys {
		text := []byte(`,"` + schemaFields[f] + `":`)
		if f == 0 {
			text[0] = '{'
		}
		data := append(append([]byte(nil), text...), `"value",`...)
		if !k.at(data) || k.len != len(text) {
			t.Fatalf("key %s does not match itself", text)
		}
		for i := range text {
			changed := append([]byte(nil), data...)
			changed[i] ^= 0x20 // another letter's case, a space for a NUL, ...
			if k.at(changed) {
				t.Errorf("key %s matches %s", text, changed[:len(text)])
			}
		}
	}
}
