package statcast

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// CSV records, read line by line so that a line with broken quoting costs
// that line only. encoding/csv gives up on the rest of the input at an
// unterminated quote, and it cannot resume at the next line after an error.

var (
	errBareQuote    = errors.New(`bare " in a field that is not quoted`)
	errStrayQuote   = errors.New(`extraneous " in a quoted field`)
	errUnterminated = errors.New(`quoted field not closed before the end of the line`)
)

// maxJoinedLines bounds how many lines one quoted field may span.
const maxJoinedLines = 4

// recordReader splits CSV input into records, RFC 4180 style: fields split
// at commas (or the semicolons or tabs of the header line); a quoted field may hold commas, doubled quotes and newlines.
type recordReader struct {
	br      *bufio.Reader
	line    int      // number of the last physical line read
	pending []string // lines read ahead and given back
	fields  []string
	width   int  // fields a record should have; 0 until known
	sep     byte // the delimiter, found in the first line
}

func newRecordReader(r io.Reader) *recordReader {
	return &recordReader{br: bufio.NewReaderSize(skipBOM(r), 1<<16)}
}

// readLine returns the next physical line without its line ending.
func (rr *recordReader) readLine() (string, error) {
	if n := len(rr.pending); n > 0 {
		l := rr.pending[0]
		rr.pending = rr.pending[1:]
		rr.line++
		return l, nil
	}
	s, err := rr.br.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || s == "") {
		return "", err
	}
	rr.line++
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

// next returns the next record and the line it starts on, skipping blank
// lines; io.EOF at the end. A line whose quoting is broken is read
// leniently (a stray quote kept as text) if that gives a record of the
// expected width; otherwise it comes back with its error and reading goes
// on at the next line.
func (rr *recordReader) next() ([]string, int, error) {
	l, err := rr.readLine()
	for err == nil && l == "" {
		l, err = rr.readLine()
	}
	if err != nil {
		return nil, 0, err
	}
	start := rr.line
	if rr.sep == 0 {
		rr.sep = sniffSeparator(l)
	}
	rec, perr := rr.split(l, false)
	if errors.Is(perr, errUnterminated) {
		if rec, ok := rr.joinLines(l); ok {
			return rec, start, nil
		}
	}
	if perr == nil {
		return rec, start, nil
	}
	if rec, lerr := rr.split(l, true); lerr == nil && (rr.width == 0 || len(rec) == rr.width) {
		return rec, start, nil
	}
	return nil, start, perr
}

// joinLines tries a record whose quoted field spans the following lines,
// and gives the lines back if it does not work out.
func (rr *recordReader) joinLines(first string) ([]string, bool) {
	var more []string
	joined := first
	for len(more) < maxJoinedLines-1 {
		l, err := rr.readLine()
		if err != nil {
			break
		}
		more = append(more, l)
		joined += "\n" + l
		rec, perr := rr.split(joined, false)
		if perr == nil {
			return rec, true
		}
		if !errors.Is(perr, errUnterminated) {
			break
		}
	}
	rr.line -= len(more)
	rr.pending = append(more, rr.pending...)
	return nil, false
}

// split parses one record. Lenient, a quote that cannot open or close a
// field is taken as text and an unclosed quoted field runs to the end.
func (rr *recordReader) split(s string, lenient bool) ([]string, error) {
	fields := rr.fields[:0]
	var b strings.Builder
	for {
		if s == "" || s[0] != '"' {
			i := strings.IndexByte(s, rr.sep)
			f := s
			if i >= 0 {
				f = s[:i]
			}
			if !lenient && strings.IndexByte(f, '"') >= 0 {
				return nil, errBareQuote
			}
			fields = append(fields, f)
			if i < 0 {
				break
			}
			s = s[i+1:]
			continue
		}
		s = s[1:]
		if i := strings.IndexByte(s, '"'); i >= 0 && (i+1 == len(s) || s[i+1] == rr.sep) {
			fields = append(fields, s[:i]) // the usual quoted field, without quotes inside
			if s = s[i+1:]; s == "" {
				break
			}
			s = s[1:]
			continue
		}
		b.Reset()
		closed := false
		for !closed {
			i := strings.IndexByte(s, '"')
			if i < 0 {
				if !lenient {
					return nil, errUnterminated
				}
				b.WriteString(s)
				s = ""
				break
			}
			b.WriteString(s[:i])
			s = s[i+1:]
			switch {
			case strings.HasPrefix(s, `"`):
				b.WriteByte('"')
				s = s[1:]
			case s == "" || s[0] == rr.sep:
				closed = true
			case lenient:
				b.WriteByte('"')
			default:
				return nil, errStrayQuote
			}
		}
		fields = append(fields, b.String())
		if s == "" {
			break
		}
		s = s[1:] // the separator
	}
	rr.fields = fields
	return fields, nil
}

// sniffSeparator picks the delimiter of a header line: a comma, or the
// semicolon or tab a spreadsheet in many locales saves CSV with.
func sniffSeparator(header string) byte {
	sep, most := byte(','), strings.Count(header, ",")
	for _, c := range []byte{';', '\t'} {
		if n := strings.Count(header, string(c)); n > most {
			sep, most = c, n
		}
	}
	return sep
}
