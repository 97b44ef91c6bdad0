package buildinfo

import (
	"runtime"
	"testing"
)

func TestVersionStamped(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })
	version = "1.2.3"
	if got := Version(); got != "1.2.3" {
		t.Fatalf("Version() = %q, want the stamped 1.2.3", got)
	}
	if i := Get(); i.Version != "1.2.3" || i.GoVersion != runtime.Version() || i.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Fatalf("Get() = %+v", i)
	}
}

func TestVersionUnstamped(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })
	version = ""
	if got := Version(); got == "" {
		t.Fatal("Version() is empty without a stamp")
	}
}
