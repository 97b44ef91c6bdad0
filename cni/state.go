package cni

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Record is what govif-cni remembers of one attachment, written before ADD changes the host
// (so GC finds a half-made one too) and removed by DEL.
type Record struct {
	ContainerID string          `json:"containerID"`
	IfName      string          `json:"ifname"`
	Netns       string          `json:"netns"`
	Kind        string          `json:"kind"`   // "veth", "macvlan" or "vlan"
	HostIf      string          `json:"hostIf"` // host end of a veth ("" for nested kinds)
	VIF         json.RawMessage `json:"vif"`    // the VIF primitive that was plugged
	Instance    string          `json:"instance"`
}

// store keeps Records as files <dir>/<network>/<containerID>_<ifname>.json.
type store struct{ dir string }

func newStore(stateDir, network string) (*store, error) {
	if strings.ContainsAny(network, "/\x00") || network == "." || network == ".." {
		return nil, &ConfigError{Field: "name", Value: fmt.Sprintf("%q", network), Reason: "not usable as a directory name"}
	}
	return &store{dir: filepath.Join(stateDir, network)}, nil
}

func (s *store) path(containerID, ifName string) string {
	return filepath.Join(s.dir, containerID+"_"+ifName+".json")
}

// put writes r atomically (temp file + rename).
func (s *store) put(r *Record) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	f, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("state: write %s: %w", f.Name(), err)
	}
	if err := os.Rename(f.Name(), s.path(r.ContainerID, r.IfName)); err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("state: %w", err)
	}
	return nil
}

// get returns the record, or nil when there is none.
func (s *store) get(containerID, ifName string) (*Record, error) {
	b, err := os.ReadFile(s.path(containerID, ifName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	r := &Record{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("state: %s: %w", s.path(containerID, ifName), err)
	}
	return r, nil
}

// del removes the record; a missing one is success.
func (s *store) del(containerID, ifName string) error {
	if err := os.Remove(s.path(containerID, ifName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("state: %w", err)
	}
	return nil
}

// list returns every record of the network (unreadable files are reported, not skipped).
func (s *store) list() ([]*Record, error) {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var out []*Record
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") { // .lock, .tmp-*
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("state: %w", err)
		}
		r := &Record{}
		if err := json.Unmarshal(b, r); err != nil {
			return nil, fmt.Errorf("state: %s: %w", e.Name(), err)
		}
		out = append(out, r)
	}
	return out, nil
}

// lock takes the network's state lock: shared for ADD and DEL (which may run in parallel,
// each on its own attachment), exclusive for GC, so GC never tears down an attachment an
// ADD is half-way through making. It polls until ctx ends; unlock releases it.
func (s *store) lock(ctx context.Context, exclusive bool) (unlock func(), err error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(s.dir, ".lock"), os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
		if err == nil {
			return func() { _ = unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, fmt.Errorf("state: lock %s: %w", s.dir, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("state: lock %s: %w", s.dir, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}
