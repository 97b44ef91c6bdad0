package objects

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// reader is a small JSON scanner over a byte slice. The codec drives it directly (no generic
// tree, no reflection), which keeps decoding of a typical VIF primitive in the microseconds.
type reader struct {
	buf []byte
	pos int
}

func (r *reader) errf(msg string) error { return &SyntaxError{Offset: r.pos, Msg: msg} }

func (r *reader) ws() {
	for r.pos < len(r.buf) {
		switch r.buf[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte (0 at the end of input).
func (r *reader) peek() byte {
	r.ws()
	if r.pos >= len(r.buf) {
		return 0
	}
	return r.buf[r.pos]
}

func (r *reader) expect(c byte) error {
	if r.peek() != c {
		if r.pos >= len(r.buf) {
			return r.errf("unexpected end of input, want " + strconv.QuoteRune(rune(c)))
		}
		return r.errf("unexpected " + strconv.QuoteRune(rune(r.buf[r.pos])) + ", want " + strconv.QuoteRune(rune(c)))
	}
	r.pos++
	return nil
}

// more is called after an element of an object or array: it consumes ',' and returns true, or
// consumes the closing byte and returns false.
func (r *reader) more(closing byte) (bool, error) {
	switch r.peek() {
	case ',':
		r.pos++
		return true, nil
	case closing:
		r.pos++
		return false, nil
	case 0:
		return false, r.errf("unexpected end of input")
	}
	return false, r.errf("unexpected " + strconv.QuoteRune(rune(r.buf[r.pos])) + " after value")
}

// first is called after '{' or '[': it consumes the closing byte of an empty container and
// returns false, else returns true.
func (r *reader) first(closing byte) bool {
	if r.peek() == closing {
		r.pos++
		return false
	}
	return true
}

// key reads an object key and the ':' after it. The returned slice aliases the input unless
// the key has escapes.
func (r *reader) key() ([]byte, error) {
	k, err := r.strBytes()
	if err != nil {
		return nil, err
	}
	return k, r.expect(':')
}

// literal consumes true, false or null if it is next and reports which (0 if none).
func (r *reader) literal() byte {
	c := r.peek()
	var lit string
	switch c {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	case 'n':
		lit = "null"
	default:
		return 0
	}
	if len(r.buf)-r.pos >= len(lit) && string(r.buf[r.pos:r.pos+len(lit)]) == lit {
		r.pos += len(lit)
		return c
	}
	return 0
}

func (r *reader) isNull() bool {
	if r.peek() == 'n' && r.literal() == 'n' {
		return true
	}
	return false
}

// strClass classifies bytes for the string scanner: 0 plain ASCII, 1 needs attention.
var strClass = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80
	}
	return t
}()

// strBytes reads a JSON string. Without escapes it returns a slice of the input.
//
// Strings are read as Python's json.loads reads bytes (UTF-8 with "surrogatepass"): invalid
// UTF-8 is an error (msgInvalidUTF8, which wrapPath turns into a *FieldError naming the field),
// while UTF-16 surrogates without a partner, from a \uXXXX escape or as their three-byte
// encoding, are kept as that three-byte encoding (WTF-8), which appendString writes back as
// the same \uXXXX escape. Nothing is ever replaced with U+FFFD.
func (r *reader) strBytes() ([]byte, error) {
	if err := r.expect('"'); err != nil {
		return nil, err
	}
	start := r.pos
	buf := r.buf
	ascii := true
	for i := start; i < len(buf); i++ {
		c := buf[i]
		if !strClass[c] {
			continue
		}
		switch {
		case c == '"':
			r.pos = i + 1
			s := buf[start:i]
			if !ascii {
				if bad := invalidUTF8(s); bad >= 0 {
					return nil, r.utf8Err(start + bad)
				}
			}
			return s, nil
		case c == '\\':
			r.pos = i
			return r.strSlow(start, ascii)
		case c < 0x20:
			r.pos = i
			return nil, r.errf("control character in string")
		default:
			ascii = false
		}
	}
	r.pos = len(buf)
	return nil, r.errf("unterminated string")
}

// msgInvalidUTF8 is the SyntaxError message for invalid UTF-8 in a string; wrapPath reports it
// as a *FieldError of the field being decoded.
const msgInvalidUTF8 = "invalid UTF-8 in string"

func (r *reader) utf8Err(off int) error {
	return &SyntaxError{Offset: off, Msg: msgInvalidUTF8}
}

// invalidUTF8 returns the index of the first byte of s that is not UTF-8, or -1. The
// three-byte encodings of U+D800..U+DFFF are accepted, as Python's "surrogatepass" does.
func invalidUTF8(s []byte) int {
	if utf8.Valid(s) {
		return -1
	}
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		c, n := utf8.DecodeRune(s[i:])
		if c != utf8.RuneError || n > 1 {
			i += n
			continue
		}
		if isSurrogateSeq(s[i:]) {
			i += 3
			continue
		}
		return i
	}
	return -1
}

// isSurrogateSeq reports whether s starts with the three-byte (WTF-8) encoding of a UTF-16
// surrogate, U+D800..U+DFFF.
func isSurrogateSeq[T string | []byte](s T) bool {
	return len(s) >= 3 && s[0] == 0xed && s[1] >= 0xa0 && s[1] <= 0xbf && s[2] >= 0x80 && s[2] <= 0xbf
}

// appendSurrogate appends the three-byte (WTF-8) encoding of the surrogate c.
func appendSurrogate(b []byte, c rune) []byte {
	return append(b, 0xe0|byte(c>>12), 0x80|byte(c>>6)&0x3f, 0x80|byte(c)&0x3f)
}

func (r *reader) strSlow(start int, ascii bool) ([]byte, error) {
	out := append([]byte(nil), r.buf[start:r.pos]...)
	for r.pos < len(r.buf) {
		c := r.buf[r.pos]
		switch {
		case c == '"':
			r.pos++
			if !ascii {
				// Escapes are ASCII, so checking the raw input checks exactly its literal bytes.
				if bad := invalidUTF8(r.buf[start : r.pos-1]); bad >= 0 {
					return nil, r.utf8Err(start + bad)
				}
			}
			return out, nil
		case c < 0x20:
			return nil, r.errf("control character in string")
		case c != '\\':
			if c >= utf8.RuneSelf {
				ascii = false
			}
			out = append(out, c)
			r.pos++
			continue
		}
		r.pos++
		if r.pos >= len(r.buf) {
			break
		}
		e := r.buf[r.pos]
		r.pos++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			c1, ok := r.hex4()
			if !ok {
				return nil, r.errf("bad \\u escape")
			}
			if !utf16.IsSurrogate(c1) {
				out = utf8.AppendRune(out, c1)
				continue
			}
			// A high surrogate followed by a \u escape of a low one is one character (as in
			// Python's json); any other surrogate is kept on its own.
			if c1 < 0xdc00 && r.pos+1 < len(r.buf) && r.buf[r.pos] == '\\' && r.buf[r.pos+1] == 'u' {
				save := r.pos
				r.pos += 2
				if c2, ok := r.hex4(); ok && c2 >= 0xdc00 && c2 <= 0xdfff {
					out = utf8.AppendRune(out, utf16.DecodeRune(c1, c2))
					continue
				}
				r.pos = save
			}
			out = appendSurrogate(out, c1)
		default:
			return nil, r.errf("bad escape \\" + string(rune(e)))
		}
	}
	return nil, r.errf("unterminated string")
}

func (r *reader) hex4() (rune, bool) {
	if len(r.buf)-r.pos < 4 {
		return 0, false
	}
	var v rune
	for i := 0; i < 4; i++ {
		c := r.buf[r.pos+i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	r.pos += 4
	return v, true
}

// number reads a JSON number token and returns its text.
func (r *reader) number() ([]byte, error) {
	r.ws()
	start := r.pos
	if r.pos < len(r.buf) && r.buf[r.pos] == '-' {
		r.pos++
	}
	digits := 0
	for r.pos < len(r.buf) && r.buf[r.pos] >= '0' && r.buf[r.pos] <= '9' {
		r.pos++
		digits++
	}
	if digits == 0 {
		return nil, r.errf("invalid number")
	}
	if r.pos < len(r.buf) && r.buf[r.pos] == '.' {
		r.pos++
		d := 0
		for r.pos < len(r.buf) && r.buf[r.pos] >= '0' && r.buf[r.pos] <= '9' {
			r.pos++
			d++
		}
		if d == 0 {
			return nil, r.errf("invalid number")
		}
	}
	if r.pos < len(r.buf) && (r.buf[r.pos] == 'e' || r.buf[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.buf) && (r.buf[r.pos] == '+' || r.buf[r.pos] == '-') {
			r.pos++
		}
		d := 0
		for r.pos < len(r.buf) && r.buf[r.pos] >= '0' && r.buf[r.pos] <= '9' {
			r.pos++
			d++
		}
		if d == 0 {
			return nil, r.errf("invalid number")
		}
	}
	return r.buf[start:r.pos], nil
}

// skip consumes one JSON value of any type, checking its syntax.
func (r *reader) skip() error { return r.skipDepth(0) }

const maxDepth = 512

func (r *reader) skipDepth(depth int) error {
	if depth > maxDepth {
		return r.errf("nesting too deep")
	}
	switch c := r.peek(); c {
	case '"':
		_, err := r.strBytes()
		return err
	case '{':
		r.pos++
		if !r.first('}') {
			return nil
		}
		for {
			if _, err := r.key(); err != nil {
				return err
			}
			if err := r.skipDepth(depth + 1); err != nil {
				return err
			}
			if ok, err := r.more('}'); err != nil || !ok {
				return err
			}
		}
	case '[':
		r.pos++
		if !r.first(']') {
			return nil
		}
		for {
			if err := r.skipDepth(depth + 1); err != nil {
				return err
			}
			if ok, err := r.more(']'); err != nil || !ok {
				return err
			}
		}
	case 't', 'f', 'n':
		if r.literal() == 0 {
			return r.errf("invalid literal")
		}
		return nil
	case 0:
		return r.errf("unexpected end of input")
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			_, err := r.number()
			return err
		}
		return r.errf("unexpected " + strconv.QuoteRune(rune(c)))
	}
}

// jsonType names the JSON type of the next value, for error messages.
func (r *reader) jsonType() string {
	switch c := r.peek(); c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// typeErr reports a value of the wrong JSON type at path as a *FieldError ("<prefix><type>"),
// or a *SyntaxError when the next token is not a JSON value at all.
func (r *reader) typeErr(path, prefix string) error {
	c := r.peek()
	switch {
	case c == 0:
		return r.errf("unexpected end of input")
	case c == '"' || c == '{' || c == '[' || c == 't' || c == 'f' || c == 'n' || c == '-' || (c >= '0' && c <= '9'):
		return &FieldError{Path: path, Reason: prefix + r.jsonType()}
	}
	return r.errf("unexpected " + strconv.QuoteRune(rune(c)))
}
