package ovsdb_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/ovsdb"
)

func TestRealServerSSL(t *testing.T) {
	o, _ := dialSandbox(t)
	dir := o.Dir()
	good := testenv.NewPKI(t, dir, "good")
	srvKey, srvCert := good.Issue(t, "server")
	o.Vsctl(t, "--no-wait", "set-ssl", srvKey, srvCert, filepath.Join(dir, "good-ca.pem"))
	o.Vsctl(t, "--no-wait", "set-manager", "pssl:6641:127.0.0.1")

	cliKey, cliCert := good.Issue(t, "client")
	cfg, err := ovsdb.TLSConfigFromFiles(cliKey, cliCert, filepath.Join(dir, "good-ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	// Without a TLS configuration an ssl: endpoint is refused before dialling.
	var ee *ovsdb.EndpointError
	if _, err := ovsdb.Dial(ctx, "ssl:127.0.0.1:6641"); !errors.As(err, &ee) {
		t.Fatalf("ssl without config: %v", err)
	}
	var c *ovsdb.Client
	deadline := time.Now().Add(20 * time.Second)
	for c == nil {
		err := o.NetNS().Do(func() error {
			var err error
			c, err = ovsdb.Dial(ctx, "ssl:127.0.0.1:6641", ovsdb.WithTLSConfig(cfg), ovsdb.WithLogger(quiet))
			return err
		})
		if err != nil {
			if time.Now().After(deadline) {
				t.Fatalf("ssl dial: %v", err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	defer c.Close()
	if dbs, err := c.ListDBs(ctx); err != nil || len(dbs) == 0 {
		t.Fatalf("ListDBs over ssl: %v %v", dbs, err)
	}

	// A server certificate from another CA is refused by the client.
	evil := testenv.NewPKI(t, dir, "evil")
	eKey, eCert := evil.Issue(t, "evilclient")
	cfgEvilCA, err := ovsdb.TLSConfigFromFiles(cliKey, cliCert, filepath.Join(dir, "evil-ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	err = o.NetNS().Do(func() error {
		c2, err := ovsdb.Dial(ctx, "ssl:127.0.0.1:6641", ovsdb.WithTLSConfig(cfgEvilCA), ovsdb.WithLogger(quiet))
		if err == nil {
			err = c2.Echo(ctx)
			c2.Close()
		}
		return err
	})
	if err == nil {
		t.Fatal("server certificate from an unknown CA accepted")
	}
	t.Logf("unknown server CA: %v", err)
	// A client certificate from another CA is refused by the server.
	cfgEvilClient, err := ovsdb.TLSConfigFromFiles(eKey, eCert, filepath.Join(dir, "good-ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	err = o.NetNS().Do(func() error {
		c3, err := ovsdb.Dial(ctx, "ssl:127.0.0.1:6641", ovsdb.WithTLSConfig(cfgEvilClient), ovsdb.WithLogger(quiet))
		if err == nil {
			err = c3.Echo(ctx) // TLS 1.3: the server's refusal arrives after the handshake
			c3.Close()
		}
		return err
	})
	if err == nil {
		t.Fatal("client certificate from an unknown CA accepted")
	}
	t.Logf("unknown client CA: %v", err)
	if _, err := ovsdb.TLSConfigFromFiles(cliKey, cliCert, filepath.Join(dir, "missing.pem")); err == nil {
		t.Fatal("missing CA file accepted")
	}
}
