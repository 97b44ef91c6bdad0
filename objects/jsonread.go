package objects

import (
	"strconv"
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

// number reads a JSON number token and returns its text.
func (r *reader) number() ([]byte, error) {
	r.ws()
	start := r.pos
	if r.pos < len(r.buf) && r.buf[r.pos] == '-' {
		r.pos++
	}
	if r.digits() == 0 {
		return nil, r.errf("invalid number")
	}
	if r.pos < len(r.buf) && r.buf[r.pos] == '.' {
		r.pos++
		if r.digits() == 0 {
			return nil, r.errf("invalid number")
		}
	}
	if r.pos < len(r.buf) && (r.buf[r.pos] == 'e' || r.buf[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.buf) && (r.buf[r.pos] == '+' || r.buf[r.pos] == '-') {
			r.pos++
		}
		if r.digits() == 0 {
			return nil, r.errf("invalid number")
		}
	}
	return r.buf[start:r.pos], nil
}

// digits consumes a run of decimal digits and returns how many there were.
func (r *reader) digits() int {
	start := r.pos
	for r.pos < len(r.buf) && r.buf[r.pos] >= '0' && r.buf[r.pos] <= '9' {
		r.pos++
	}
	return r.pos - start
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
