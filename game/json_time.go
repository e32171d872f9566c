package game

import "time"

// parseTimestamp reads an RFC 3339 timestamp as time.Time's JSON form
// does (the strict RFC 3339 of its UnmarshalText). A timestamp as the
// encoder writes it, YYYY-MM-DDTHH:MM:SS.mmmZ, is read digit by digit,
// since the general parser was a third of reading a record's order; any
// other is left to UnmarshalText, which also says what is wrong.
func parseTimestamp(raw []byte) (time.Time, error) {
	if t, ok := encodedTimestamp(raw); ok {
		return t, nil
	}
	var t time.Time
	err := t.UnmarshalText(raw)
	return t, err
}

// encodedTimestamp reads raw if it is a valid timestamp in the form
// TimestampLayout writes in UTC, and returns false for anything else.
func encodedTimestamp(raw []byte) (time.Time, bool) {
	if len(raw) != len("2006-01-02T15:04:05.000Z") || raw[4] != '-' || raw[7] != '-' || raw[10] != 'T' ||
		raw[13] != ':' || raw[16] != ':' || raw[19] != '.' || raw[23] != 'Z' {
		return time.Time{}, false
	}
	year, ok1 := digitsAt(raw, 0, 4)
	month, ok2 := digitsAt(raw, 5, 2)
	day, ok3 := digitsAt(raw, 8, 2)
	hour, ok4 := digitsAt(raw, 11, 2)
	minute, ok5 := digitsAt(raw, 14, 2)
	sec, ok6 := digitsAt(raw, 17, 2)
	milli, ok7 := digitsAt(raw, 20, 3)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, milli*1e6, time.UTC), true
}

// digitsAt reads the n decimal digits of raw from i on.
func digitsAt(raw []byte, i, n int) (int, bool) {
	v := 0
	for _, c := range raw[i : i+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// daysIn is the number of days of month in year, by the Gregorian calendar
// that time uses.
func daysIn(month time.Month, year int) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
