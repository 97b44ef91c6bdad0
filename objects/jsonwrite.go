package objects

import (
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. The three-byte (WTF-8) encoding of a UTF-16
// surrogate, which the decoder uses for lone surrogate escapes, is written as that escape
// ("\ud800", as Python's json.dumps writes a lone surrogate); other invalid UTF-8 becomes
// U+FFFD (field values never get here: the encoder rejects them, see encoder.value).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			if isSurrogateSeq(s[i:]) {
				// A lone UTF-16 surrogate read from a \uXXXX escape (see strBytes): the same escape.
				b = append(b, '\\', 'u', 'd', hexDigits[s[i+1]>>2&0xf], hexDigits[(s[i+1]&3)<<2|s[i+2]>>4&3], hexDigits[s[i+2]&0xf])
				i += 3
			} else {
				b = append(b, `\ufffd`...)
				i++
			}
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
