package ovsdb_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/govif/govif/ovsdb"
)

// pki writes a CA and a certificate signed by it (name-key.pem, name-cert.pem, name-ca.pem).
type pki struct {
	dir    string
	caKey  *ecdsa.PrivateKey
	caCert *x509.Certificate
	caDER  []byte
	serial int64
}

func newPKI(t *testing.T, dir, name string) *pki {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name + " CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	p := &pki{dir: dir, caKey: key, caCert: ca, caDER: der, serial: 1}
	writePEM(t, filepath.Join(dir, name+"-ca.pem"), "CERTIFICATE", der)
	return p
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// issue returns the key and certificate paths of a new certificate for cn.
func (p *pki) issue(t *testing.T, cn string) (keyPath, certPath string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p.serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(p.serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPath, certPath = filepath.Join(p.dir, cn+"-key.pem"), filepath.Join(p.dir, cn+"-cert.pem")
	writePEM(t, keyPath, "PRIVATE KEY", kder)
	writePEM(t, certPath, "CERTIFICATE", der)
	return keyPath, certPath
}

func TestRealServerSSL(t *testing.T) {
	o, _ := dialSandbox(t)
	dir := o.Dir()
	good := newPKI(t, dir, "good")
	srvKey, srvCert := good.issue(t, "server")
	o.Vsctl(t, "--no-wait", "set-ssl", srvKey, srvCert, filepath.Join(dir, "good-ca.pem"))
	o.Vsctl(t, "--no-wait", "set-manager", "pssl:6641:127.0.0.1")

	cliKey, cliCert := good.issue(t, "client")
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
	evil := newPKI(t, dir, "evil")
	eKey, eCert := evil.issue(t, "evilclient")
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
