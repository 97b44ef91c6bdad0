package inventory

import (
	"os"
	"testing"
)

// TestPutMany: every record written by PutMany reads back as Put's would; a record without an
// id fails alone; when the directory is gone every record fails.
func TestPutMany(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, b := rec("aaaaaaaa-0000-4000-8000-000000000001"), rec("bbbbbbbb-0000-4000-8000-000000000002")
	errs := s.PutMany([]*Record{a, {}, b})
	if len(errs) != 3 || errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("PutMany = %v", errs)
	}
	for _, r := range []*Record{a, b} {
		got, err := s.Get(r.ID)
		if err != nil || got.ID != r.ID || got.Objects.Bridge != "br-int" {
			t.Fatalf("Get %s = %+v, %v", r.ID, got, err)
		}
	}
	if err := os.RemoveAll(s.Dir()); err != nil {
		t.Fatal(err)
	}
	for i, err := range s.PutMany([]*Record{a, b}) {
		if err == nil {
			t.Errorf("record %d written into a removed directory", i)
		}
	}
}
