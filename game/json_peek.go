package game

// PeekOrder reads a record's order without decoding the rest of it. It
// reads only records that begin as AppendJSON writes them: the fields
// schema, ts, game_pk, game_seq and the others up to pitcher, in that
// order, with no space between. For any other record it returns false,
// and the record must be decoded in full. PeekOrder checks nothing after
// pitcher: when it returns true and Decode accepts the record, both give
// the same order, but Decode may still reject it.
func PeekOrder(data []byte) (PitchOrder, bool) {
	s := peeker{data: data}
	var o PitchOrder
	var ts []byte
	ok := s.key(fieldSchema) && s.skipValue() &&
		s.key(fieldTS) && s.plainString(&ts) &&
		s.key(fieldGamePK) && s.int(&o.GamePK) &&
		s.key(fieldGameSeq) && s.smallInt(&o.GameSeq)
	for f := fieldGameSeq + 1; f < fieldPitcher; f++ { // game_date to pitch_number
		ok = ok && s.key(f) && s.skipValue()
	}
	ok = ok && s.key(fieldPitcher) && s.int(&o.Pitcher)
	if !ok {
		return PitchOrder{}, false
	}
	var err error
	if o.TS, err = parseTimestamp(ts); err != nil {
		return PitchOrder{}, false
	}
	return o, true
}

// peeker reads the start of a record as AppendJSON writes it; each method
// returns false at anything else.
type peeker struct {
	data []byte
	pos  int
}

// key consumes field f's key as AppendJSON writes it, with the byte
// before it and the colon after (see inOrderKeys).
func (s *peeker) key(f int) bool {
	end, ok := keyEnd(s.data, s.pos, f)
	s.pos = end
	return ok
}

// plainString reads a string that holds no escape or control character.
func (s *peeker) plainString(raw *[]byte) bool {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return false
	}
	start := s.pos + 1
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			*raw = s.data[start:i]
			s.pos = i + 1
			return true
		case c == '\\' || c < 0x20:
			return false
		}
	}
	return false
}

// skipValue passes over a string, a number or null: the values of the
// fields before pitcher. Decode checks them, if the record is ever needed.
func (s *peeker) skipValue() bool {
	if s.pos >= len(s.data) {
		return false
	}
	if s.data[s.pos] == '"' {
		for i := s.pos + 1; i < len(s.data); i++ {
			switch s.data[i] {
			case '\\':
				i++ // the escaped byte
			case '"':
				s.pos = i + 1
				return true
			}
		}
		return false
	}
	start := s.pos
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == ',' || c == '}':
			s.pos = i
			return i > start
		case c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z':
		default:
			return false
		}
	}
	return false
}

// int reads a whole number as Decode reads one: an optional minus, up to
// 18 digits without a leading zero, then the end of the value.
func (s *peeker) int(v *int64) bool {
	n, i, ok := leadingInt(s.data, s.pos)
	if !ok || i >= len(s.data) || (s.data[i] != ',' && s.data[i] != '}') {
		return false
	}
	s.pos, *v = i, n
	return true
}

// smallInt reads a whole number that fits an int32, as Decode's game_seq.
func (s *peeker) smallInt(v *int) bool {
	var n int64
	if !s.int(&n) || !fitsInt32(n) {
		return false
	}
	*v = int(n)
	return true
}
