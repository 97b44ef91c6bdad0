package config

import (
	"bufio"
	"bytes"
	"strings"
)

// rawValue is one assignment as written in the file.
type rawValue struct {
	value string
	line  int
	file  string // set when read by Load or LoadFiles
}

// rawFile is a parsed file: section name -> option name -> every assignment in file order.
type rawFile struct {
	sections map[string]map[string][]rawValue
	order    []string // section names in first-seen order
}

// setFile records the file every value came from.
func (f *rawFile) setFile(path string) {
	for _, opts := range f.sections {
		for _, vals := range opts {
			for i := range vals {
				vals[i].file = path
			}
		}
	}
}

// merge appends g's assignments after f's, as oslo.config reads several --config-file:
// a later file wins for single-valued options, multi-valued options collect every value.
func (f *rawFile) merge(g *rawFile) {
	for _, name := range g.order {
		opts, ok := f.sections[name]
		if !ok {
			opts = map[string][]rawValue{}
			f.sections[name] = opts
			f.order = append(f.order, name)
		}
		for k, vals := range g.sections[name] {
			opts[k] = append(opts[k], vals...)
		}
	}
}

// parseINI parses data with oslo.config's iniparser rules (oslo_config/iniparser.py).
func parseINI(data []byte) (*rawFile, error) {
	f := &rawFile{sections: map[string]map[string][]rawValue{}}
	var (
		section string
		haveSec bool
		key     string
		keyLine int
		value   []string
	)
	flush := func() {
		if key == "" {
			return
		}
		opts := f.sections[section]
		opts[key] = append(opts[key], rawValue{value: strings.Join(value, "\n"), line: keyLine})
		key, value = "", nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	lineno := 0
	for sc.Scan() {
		lineno++
		line := strings.TrimRight(sc.Text(), " \t\r\n\f\v")
		switch {
		case line == "":
			flush() // a blank line ends a multi-line value
			continue
		case line[0] == ' ' || line[0] == '\t':
			if key == "" {
				return nil, &SyntaxError{Line: lineno, Text: line, Msg: "unexpected continuation line"}
			}
			value = append(value, strings.TrimLeft(line, " \t"))
			continue
		}
		flush()
		switch {
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") {
				return nil, &SyntaxError{Line: lineno, Text: line, Msg: "invalid section (must end with ])"}
			}
			if len(line) <= 2 {
				return nil, &SyntaxError{Line: lineno, Text: line, Msg: "empty section name"}
			}
			section, haveSec = normalizeSection(line[1:len(line)-1]), true
			if _, ok := f.sections[section]; !ok {
				f.sections[section] = map[string][]rawValue{}
				f.order = append(f.order, section)
			}
		case line[0] == '#' || line[0] == ';':
			// comment
		default:
			k, v, err := splitKeyValue(line)
			if err != "" {
				return nil, &SyntaxError{Line: lineno, Text: line, Msg: err}
			}
			if !haveSec {
				return nil, &SyntaxError{Line: lineno, Text: line, Msg: "option outside any section"}
			}
			key, keyLine, value = k, lineno, []string{v}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &SyntaxError{Line: lineno + 1, Msg: err.Error()}
	}
	flush()
	return f, nil
}

// splitKeyValue splits at the first '=' or ':' (whichever comes first), trims both sides and
// strips one pair of matching quotes from the value, as oslo.config does.
func splitKeyValue(line string) (key, value, errMsg string) {
	i := strings.IndexAny(line, "=:")
	if i < 0 {
		return "", "", "no ':' or '=' found in assignment"
	}
	key, value = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
	if key == "" {
		return "", "", "key cannot be empty"
	}
	if len(value) >= 2 && value[0] == value[len(value)-1] && (value[0] == '"' || value[0] == '\'') {
		value = value[1 : len(value)-1]
	} else if len(value) == 1 && (value[0] == '"' || value[0] == '\'') {
		// oslo: value[0] == value[-1] holds for a lone quote, so it becomes "".
		value = ""
	}
	return key, value, ""
}

// normalizeSection lower-cases a section name except DEFAULT, as oslo.config does for group
// names ([OS_VIF_OVS] is [os_vif_ovs]).
func normalizeSection(name string) string {
	if name == SectionDefault {
		return name
	}
	return strings.ToLower(name)
}
