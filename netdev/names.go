package netdev

import (
	"strings"
)

// MaxNameLen is the longest network device name the kernel accepts, in bytes (IFNAMSIZ - 1).
const MaxNameLen = 15

// ValidateName checks name against the kernel's rules for network device names
// (net/core/dev.c dev_valid_name) and returns a *NameError if it breaks one: empty, longer
// than MaxNameLen bytes, "." or "..", or containing '/', ':', white space or a control
// character. It also rejects '%', which the kernel would expand as a name template, so the
// device created would not be the one named.
func ValidateName(name string) error {
	switch {
	case name == "":
		return &NameError{Name: name, Reason: "empty"}
	case len(name) > MaxNameLen:
		return &NameError{Name: name, Reason: "longer than 15 bytes (IFNAMSIZ)"}
	case name == "." || name == "..":
		return &NameError{Name: name, Reason: "reserved"}
	}
	if i := strings.IndexFunc(name, badNameRune); i >= 0 {
		return &NameError{Name: name, Reason: "contains " + describeRune(rune(name[i]))}
	}
	return nil
}

func badNameRune(r rune) bool {
	switch r {
	case '/', ':', '%', ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return r < 0x20 || r == 0x7f
}

func describeRune(r rune) string {
	switch r {
	case ' ':
		return "a space"
	case '%':
		return "'%' (a kernel name template)"
	case '/', ':':
		return "'" + string(r) + "'"
	}
	return "a control or white-space character"
}

// validateNames validates each name in turn.
func validateNames(names ...string) error {
	for _, n := range names {
		if err := ValidateName(n); err != nil {
			return err
		}
	}
	return nil
}
