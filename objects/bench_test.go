package objects_test

import (
	"os"
	"testing"

	"github.com/govif/govif/objects"
)

// benchVIF is the realistic VIFOpenVSwitch (network, two subnets with fixed IPs, floating IPs and
// routes, IPv4 and IPv6, an OVS port profile; ~5 KB of JSON) that scripts/gen-objects-golden.py
// writes with Python os-vif and scripts/bench_objects.py times in Python.
const benchVIF = "testdata/golden/bench/vif_openvswitch.json"

func loadBench(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(benchVIF)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkDecode: primitive JSON to a Go object.
func BenchmarkDecode(b *testing.B) {
	data := loadBench(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := objects.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode: a decoded Go object back to primitive JSON.
func BenchmarkEncode(b *testing.B) {
	data := loadBench(b)
	o, err := objects.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := objects.Encode(o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTrip: JSON to object to JSON, the same work as one Python round trip in
// scripts/bench_objects.py (json.loads + obj_from_primitive + obj_to_primitive + json.dumps).
func BenchmarkRoundTrip(b *testing.B) {
	data := loadBench(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		o, err := objects.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := objects.Encode(o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBackportOldest: encoding the object with every class lowered to 1.0 by a manifest.
func BenchmarkBackportOldest(b *testing.B) {
	data := loadBench(b)
	o, err := objects.Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	manifest := map[string]string{}
	for _, c := range objects.Classes() {
		manifest[c.Name] = "1.0"
	}
	opts := objects.EncodeOptions{TargetVersion: "1.0", Manifest: manifest}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := objects.EncodeWith(o, opts); err != nil {
			b.Fatal(err)
		}
	}
}
