package objects

import "testing"

// The number scanner takes exactly a JSON number's grammar (minus the leading-zero rule):
// a digit run is required before the point, after the point and after the exponent mark.
func TestReaderNumber(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means an error
	}{
		{"0", "0"}, {"-7", "-7"}, {"12,", "12"}, {" 1.5]", "1.5"}, {"1e5", "1e5"}, {"1E+5}", "1E+5"},
		{"-1.25e-10 ", "-1.25e-10"}, {"3.0e0", "3.0e0"},
		{"-", ""}, {"1.", ""}, {"1.e5", ""}, {"1e", ""}, {"1e+", ""}, {".5", ""}, {"-.5", ""}, {"x", ""},
	} {
		r := &reader{buf: []byte(tc.in)}
		got, err := r.number()
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("number(%q) = %q, want an error", tc.in, got)
		case tc.want != "" && (err != nil || string(got) != tc.want):
			t.Errorf("number(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
