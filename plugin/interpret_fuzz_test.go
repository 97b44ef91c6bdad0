package plugin

import (
	"context"
	"errors"
	"log/slog"
	"testing"
)

// FuzzInterpret feeds arbitrary plugin output and exit codes to the response reader: it must
// never panic, and every failure must be an *ExecError naming the plugin.
func FuzzInterpret(f *testing.F) {
	f.Add([]byte(`{"protocol_version":1}`), 0, CmdPlug)
	f.Add([]byte(`{"protocol_version":1,"error":{"code":"wrong_port_profile","message":"m","details":"P"}}`), 1, CmdUnplug)
	f.Add([]byte(`{"protocol_version":1,"supported_versions":[1]}`), 0, CmdVersion)
	f.Add([]byte(`{"protocol_version":1,"host_plugin_info":{}}`), 0, CmdDescribe)
	f.Add([]byte("garbage"), 3, CmdPlug)
	e := &Exec{name: "fuzz", path: "/nonexistent", logger: slog.New(slog.DiscardHandler)}
	f.Fuzz(func(t *testing.T, out []byte, code int, cmd string) {
		stdout := &limitBuffer{max: 1 << 16}
		stdout.Write(out)
		resp, err := e.interpret(context.Background(), cmd, stdout, &tailBuffer{max: 64}, code, nil)
		if err != nil {
			var ee *ExecError
			if !errors.As(err, &ee) || ee.Plugin != "fuzz" || resp != nil {
				t.Fatalf("error %v (%T) is not an *ExecError for the plugin", err, err)
			}
			_ = err.Error()
			return
		}
		if resp == nil || resp.Error != nil || code != 0 {
			t.Fatalf("success with resp=%+v code=%d", resp, code)
		}
	})
}
