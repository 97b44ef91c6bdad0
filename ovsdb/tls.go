package ovsdb

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLSConfigFromFiles builds the TLS configuration for ssl: endpoints from the three PEM files
// Open vSwitch uses (ovs-vsctl --private-key, --certificate, --ca-cert). Like Open vSwitch, it
// checks that the server's certificate chains to the CA and does not check its host name
// (OVS PKI certificates name a switch or controller, not a host).
func TLSConfigFromFiles(privateKey, certificate, caCert string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certificate, privateKey)
	if err != nil {
		return nil, fmt.Errorf("ovsdb: load key %s and certificate %s: %w", privateKey, certificate, err)
	}
	pem, err := os.ReadFile(caCert)
	if err != nil {
		return nil, fmt.Errorf("ovsdb: read CA certificate: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ovsdb: no PEM certificate in %s", caCert)
	}
	return &tls.Config{
		Certificates:       []tls.Certificate{cert},
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // host names are not checked; the chain is, below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return errors.New("ovsdb: server sent no certificate")
			}
			certs := make([]*x509.Certificate, len(raw))
			for i, r := range raw {
				c, err := x509.ParseCertificate(r)
				if err != nil {
					return fmt.Errorf("ovsdb: server certificate: %w", err)
				}
				certs[i] = c
			}
			inter := x509.NewCertPool()
			for _, c := range certs[1:] {
				inter.AddCert(c)
			}
			_, err := certs[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
			if err != nil {
				return fmt.Errorf("ovsdb: server certificate not signed by %s: %w", caCert, err)
			}
			return nil
		},
	}, nil
}
