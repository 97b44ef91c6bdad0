package objects

import "strconv"

// ver is a MAJOR.MINOR object version.
type ver struct{ major, minor int }

func (v ver) less(w ver) bool {
	return v.major < w.major || (v.major == w.major && v.minor < w.minor)
}

func (v ver) String() string { return strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) }

func mustVer(s string) ver {
	v, ok := parseTarget(s)
	if !ok {
		panic("objects: bad version literal " + s)
	}
	return v
}

// parseTarget parses a backport target "X.Y" (or "X", meaning X.0).
func parseTarget(s string) (ver, bool) {
	parts, n, ok := splitVersion(s)
	if !ok || n > 2 {
		return ver{}, false
	}
	v := ver{major: parts[0]}
	if n == 2 {
		v.minor = parts[1]
	}
	return v, true
}

// splitVersion splits a dotted version of 1 to 3 non-negative decimal integers.
func splitVersion(s string) (parts [3]int, n int, ok bool) {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if s[i] < '0' || s[i] > '9' {
				return parts, 0, false
			}
			continue
		}
		if i == start || i-start > 6 || n == 3 {
			return parts, 0, false
		}
		parts[n], _ = strconv.Atoi(s[start:i])
		n++
		start = i + 1
	}
	return parts, n, n > 0
}

// acceptVersion applies oslo.versionedobjects' rule for incoming primitives (packaging.version
// semantics, so "1" equals "1.0"): same major as the class, not newer. It returns the version's
// MAJOR.MINOR (a third component only matters when it makes the version newer than the class).
func acceptVersion(s string, cur ver) (v ver, ok bool, valid bool) {
	parts, n, valid := splitVersion(s)
	if !valid {
		return ver{}, false, false
	}
	v = ver{major: parts[0]}
	if n > 1 {
		v.minor = parts[1]
	}
	if v.major != cur.major || cur.less(v) {
		return v, false, true
	}
	if v == cur && n == 3 && parts[2] > 0 {
		return v, false, true
	}
	return v, true, true
}
