package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// Config is a loaded configuration: the typed sections govif and its built-in plugins use, the
// raw text of every section (for external plugins), and the warnings found while reading it.
// Treat a Config as read-only once loaded; it is then safe for concurrent use.
type Config struct {
	OVS         OVS         // [os_vif_ovs]
	LinuxBridge LinuxBridge // [os_vif_linux_bridge]
	Govif       Govif       // [govif]

	// Warnings lists unknown options in the sections above and deprecated options or
	// [DEFAULT] aliases in use. Callers log them (govif.NewHost does).
	Warnings []Warning

	raw *rawFile
}

// Default returns the configuration os-vif and govif use when no file sets anything.
func Default() *Config {
	c := &Config{raw: &rawFile{sections: map[string]map[string][]rawValue{}}}
	for _, s := range specs {
		for _, o := range s.opts {
			o.setDefault(c)
		}
	}
	return c
}

// Load reads and parses the file at path (see Parse). Errors name the file and line.
func Load(path string) (*Config, error) { return LoadFiles(path) }

// LoadFiles reads several files as oslo.config reads repeated --config-file options (for
// example nova.conf then nova-compute.conf): for a single-valued option the last file that sets
// it wins, a multi-valued option collects the values of every file. Errors name the file and line.
func LoadFiles(paths ...string) (*Config, error) {
	all := &rawFile{sections: map[string]map[string][]rawValue{}}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		raw, err := parseINI(data)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				se.File = path
			}
			return nil, fmt.Errorf("config: %w", err)
		}
		raw.setFile(path)
		all.merge(raw)
	}
	c, err := fromRaw(all)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// Parse parses nova.conf-style INI data. It returns a *SyntaxError for a line it cannot read
// and a *ValueError for the first option whose value does not fit; unknown options only give
// Warnings.
func Parse(data []byte) (*Config, error) {
	raw, err := parseINI(data)
	if err != nil {
		return nil, err
	}
	return fromRaw(raw)
}

// FromSections builds a Config from sections already split into options (section name ->
// option -> every value, in order), with the same checks as Parse. The exec plugin SDK uses it
// to rebuild a plugin's configuration from a request.
func FromSections(sections map[string]map[string][]string) (*Config, error) {
	raw := &rawFile{sections: map[string]map[string][]rawValue{}}
	for _, name := range slices.Sorted(maps.Keys(sections)) {
		opts := map[string][]rawValue{}
		for k, vals := range sections[name] {
			for _, v := range vals {
				opts[k] = append(opts[k], rawValue{value: v})
			}
		}
		name = normalizeSection(name)
		if _, seen := raw.sections[name]; !seen {
			raw.order = append(raw.order, name)
			raw.sections[name] = opts
			continue
		}
		for k, v := range opts {
			raw.sections[name][k] = append(raw.sections[name][k], v...)
		}
	}
	return fromRaw(raw)
}

func fromRaw(raw *rawFile) (*Config, error) {
	c := Default()
	c.raw = raw
	for _, s := range specs {
		known := map[string]bool{}
		for _, o := range s.opts {
			known[o.name] = true
			section := s.name
			vals := raw.sections[s.name][o.name]
			if len(vals) == 0 && o.defaultAlias {
				if vals = raw.sections[SectionDefault][o.name]; len(vals) > 0 {
					section = SectionDefault
					c.Warnings = append(c.Warnings, Warning{Section: SectionDefault, Option: o.name, File: vals[len(vals)-1].file, Line: vals[len(vals)-1].line,
						Message: fmt.Sprintf("deprecated location; set it in [%s]", s.name)})
				}
			}
			if len(vals) == 0 {
				continue
			}
			strs := make([]string, len(vals))
			for i, v := range vals {
				strs[i] = v.value
			}
			if reason, bad := o.apply(c, strs); reason != "" {
				lastv := vals[len(vals)-1]
				return nil, &ValueError{File: lastv.file, Line: lastv.line, Section: section, Option: o.name, Value: bad, Reason: reason}
			}
			if o.deprecated != "" {
				c.Warnings = append(c.Warnings, Warning{Section: section, Option: o.name, File: vals[len(vals)-1].file, Line: vals[len(vals)-1].line, Message: o.deprecated})
			}
		}
		for _, name := range slices.Sorted(maps.Keys(raw.sections[s.name])) {
			if !known[name] {
				vals := raw.sections[s.name][name]
				c.Warnings = append(c.Warnings, Warning{Section: s.name, Option: name, File: vals[0].file, Line: vals[0].line, Message: "unknown option, ignored"})
			}
		}
	}
	if err := checkOVS(c, raw); err != nil {
		return nil, err
	}
	return c, nil
}

// UnknownOptions returns a Warning for each option set in section that is not in known, for
// the owners of sections outside the typed ones (the daemon's [govif_daemon], a plugin's
// [os_vif_<name>]).
func (c *Config) UnknownOptions(section string, known []string) []Warning {
	if c == nil || c.raw == nil {
		return nil
	}
	section = normalizeSection(section)
	var out []Warning
	opts := c.raw.sections[section]
	for _, name := range slices.Sorted(maps.Keys(opts)) {
		if !slices.Contains(known, name) {
			out = append(out, Warning{Section: section, Option: name, File: opts[name][0].file, Line: opts[name][0].line,
				Message: "unknown option, ignored"})
		}
	}
	return out
}

// UnknownSections returns a Warning for each section of the file that looks like govif's (its
// name is govif, starts with govif_ or os_vif_) but is not in owned: most likely a misspelt
// section whose options would be silently ignored. Other sections ([DEFAULT], Nova's own
// sections of a shared nova.conf) are not govif's and are never reported.
func (c *Config) UnknownSections(owned []string) []Warning {
	var out []Warning
	for _, name := range c.Sections() {
		looksOurs := name == SectionGovif || strings.HasPrefix(name, "govif_") || strings.HasPrefix(name, "os_vif_")
		if !looksOurs || slices.Contains(owned, name) {
			continue
		}
		w := Warning{Section: name, Message: "unknown section, ignored"}
		for _, vals := range c.raw.sections[name] {
			if len(vals) > 0 && (w.Line == 0 || vals[0].line < w.Line) {
				w.File, w.Line = vals[0].file, vals[0].line
			}
		}
		out = append(out, w)
	}
	return out
}

// Section returns the raw options of the named section as written in the file (an empty
// Section when the file has none). External plugins get their [os_vif_<name>] section this way.
func (c *Config) Section(name string) Section {
	name = normalizeSection(name)
	s := Section{Name: name, opts: map[string][]string{}}
	if c == nil || c.raw == nil {
		return s
	}
	for k, vals := range c.raw.sections[name] {
		for _, v := range vals {
			s.opts[k] = append(s.opts[k], v.value)
		}
	}
	return s
}

// Sections returns the names of the sections present in the file, in file order.
func (c *Config) Sections() []string {
	if c == nil || c.raw == nil {
		return nil
	}
	return slices.Clone(c.raw.order)
}
