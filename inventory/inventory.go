package inventory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/govif/govif/plugin"
)

// formatVersion is the version of the record file format.
const formatVersion = 1

// Record is one plugged VIF.
type Record struct {
	// ID is the VIF's id.
	ID string `json:"id"`
	// Plugin is the plugin that plugged it.
	Plugin string `json:"plugin"`
	// Type is the VIF class (VIFBridge, VIFOpenVSwitch, ...).
	Type string `json:"type"`
	// InstanceUUID and InstanceName come from the instance info.
	InstanceUUID string `json:"instance_uuid,omitempty"`
	InstanceName string `json:"instance_name,omitempty"`
	// PluggedAt is when the VIF was first plugged (a re-plug keeps it).
	PluggedAt time.Time `json:"plugged_at"`
	// VIF and InstanceInfo are the os-vif primitives the VIF was plugged with.
	VIF          json.RawMessage `json:"vif"`
	InstanceInfo json.RawMessage `json:"instance_info"`
	// Objects are the host objects the plug made, as the plugin reports them (empty for
	// plugins that do not implement plugin.Checker).
	Objects plugin.Objects `json:"objects"`
}

// file is the on-disk form: the record and a checksum of its exact bytes.
type file struct {
	Format int             `json:"format"`
	SHA256 string          `json:"sha256"`
	Record json.RawMessage `json:"record"`
}

// ErrNotFound is returned by Get for an id without a record.
var ErrNotFound = errors.New("inventory: no such VIF")

// DamagedError describes a record file that cannot be read back.
type DamagedError struct {
	File string // the file's path
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("inventory: damaged record %s: %v", e.File, e.Err)
}
func (e *DamagedError) Unwrap() error { return e.Err }

// Store is a directory of VIF records. It is safe for concurrent use by one process; the
// caller serialises operations on the same VIF id (the daemon's per-VIF lock does).
type Store struct {
	dir string
}

const (
	suffix    = ".json"
	tmpPrefix = ".tmp-"
)

// Open opens (creating it, mode 0700) the store under stateDir: the records live in
// stateDir/vifs. Temporary files of interrupted writes are removed.
func Open(stateDir string) (*Store, error) {
	if stateDir == "" {
		return nil, errors.New("inventory: empty state directory")
	}
	dir := filepath.Join(stateDir, "vifs")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("inventory: remove leftover %s: %w", e.Name(), err)
			}
		}
	}
	return &Store{dir: dir}, nil
}

// Dir returns the directory holding the record files.
func (s *Store) Dir() string { return s.dir }

var plainID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

// fileName is the record file of id: <id>.json for ids made of letters, digits, '_', '.',
// '-' (every UUID), else h-<SHA-256 of id>.json.
func fileName(id string) string {
	if plainID.MatchString(id) && !strings.HasPrefix(id, "h-") {
		return id + suffix
	}
	sum := sha256.Sum256([]byte(id))
	return "h-" + hex.EncodeToString(sum[:]) + suffix
}

// Put writes r, replacing the record of the same id, durably: when Put returns nil the record
// survives a crash of the process or the machine.
func (s *Store) Put(r *Record) error {
	if err := s.write(r); err != nil {
		return err
	}
	return s.syncDir(r.ID)
}

// write writes r's file (synced) and renames it into place; the directory is not synced.
func (s *Store) write(r *Record) error {
	if r == nil || r.ID == "" {
		return errors.New("inventory: record without id")
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("inventory: encode record %s: %w", r.ID, err)
	}
	sum := sha256.Sum256(body)
	data, err := json.MarshalIndent(file{Format: formatVersion, SHA256: hex.EncodeToString(sum[:]), Record: body}, "", "  ")
	if err != nil {
		return fmt.Errorf("inventory: encode record %s: %w", r.ID, err)
	}
	data = append(data, '\n')
	final := filepath.Join(s.dir, fileName(r.ID))
	tmp, err := os.CreateTemp(s.dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("inventory: write record %s: %w", r.ID, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("inventory: write record %s: %w", r.ID, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("inventory: sync record %s: %w", r.ID, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("inventory: write record %s: %w", r.ID, err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("inventory: write record %s: %w", r.ID, err)
	}
	ok = true
	return nil
}

// Delete removes the record of id durably. A missing record is not an error.
func (s *Store) Delete(id string) error {
	err := os.Remove(filepath.Join(s.dir, fileName(id)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inventory: delete record %s: %w", id, err)
	}
	return s.syncDir(id)
}

func (s *Store) syncDir(id string) error {
	d, err := os.Open(s.dir)
	if err != nil {
		return fmt.Errorf("inventory: sync directory for %s: %w", id, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("inventory: sync directory for %s: %w", id, err)
	}
	return nil
}

// Get returns the record of id: ErrNotFound when there is none, a *DamagedError when its file
// cannot be read back.
func (s *Store) Get(id string) (*Record, error) {
	r, err := s.read(filepath.Join(s.dir, fileName(id)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return r, err
}

// List returns every readable record, sorted by id, and a *DamagedError for each file that
// cannot be read back (skipped). The error is for a directory that cannot be read.
func (s *Store) List() ([]*Record, []*DamagedError, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, nil, fmt.Errorf("inventory: %w", err)
	}
	var recs []*Record
	var damaged []*DamagedError
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, tmpPrefix) || !strings.HasSuffix(name, suffix) || e.IsDir() {
			continue
		}
		r, err := s.read(filepath.Join(s.dir, name))
		if errors.Is(err, fs.ErrNotExist) { // removed meanwhile
			continue
		}
		var de *DamagedError
		if errors.As(err, &de) {
			damaged = append(damaged, de)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		recs = append(recs, r)
	}
	slices.SortFunc(recs, func(a, b *Record) int { return strings.Compare(a.ID, b.ID) })
	return recs, damaged, nil
}

func (s *Store) read(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, &DamagedError{File: path, Err: err}
	}
	damaged := func(format string, args ...any) error {
		return &DamagedError{File: path, Err: fmt.Errorf(format, args...)}
	}
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, damaged("not a record file: %v", err)
	}
	if f.Format != formatVersion {
		return nil, damaged("format %d, want %d", f.Format, formatVersion)
	}
	// The checksum is of the record's compact JSON (the file shows it indented).
	var compact bytes.Buffer
	if err := json.Compact(&compact, f.Record); err != nil {
		return nil, damaged("record: %v", err)
	}
	sum := sha256.Sum256(compact.Bytes())
	if hex.EncodeToString(sum[:]) != f.SHA256 {
		return nil, damaged("checksum mismatch")
	}
	var r Record
	if err := json.Unmarshal(f.Record, &r); err != nil {
		return nil, damaged("record: %v", err)
	}
	if filepath.Base(path) != fileName(r.ID) {
		return nil, damaged("holds VIF %q, whose file would be %s", r.ID, fileName(r.ID))
	}
	return &r, nil
}
