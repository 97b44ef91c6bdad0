package objects

import (
	"unicode/utf16"
	"unicode/utf8"
)

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
