package testenv

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// serverTLS is a throwaway certificate authority and a server certificate it
// signed for the loopback address, so a client can connect with
// sslmode=verify-full exactly as the task connects to RDS with the RDS CA
// bundle.
type serverTLS struct {
	caPEM, certPEM, keyPEM []byte
}

func newServerTLS(host string) (*serverTLS, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "advana-export test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate server key: %w", err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(host); ip != nil {
		leaf.IPAddresses = []net.IP{ip}
	} else {
		leaf.DNSNames = []string{host}
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("create server certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode server key: %w", err)
	}
	return &serverTLS{
		caPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// writeServerFiles puts the server's certificate and key into dir (the
// server's own directory) and returns their paths.
func (s *serverTLS) writeServerFiles(dir string) (cert, key string, err error) {
	cert, key = filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	if err := os.WriteFile(cert, s.certPEM, 0o644); err != nil {
		return "", "", fmt.Errorf("write server certificate: %w", err)
	}
	// PostgreSQL refuses a key that group or others may read.
	if err := os.WriteFile(key, s.keyPEM, 0o600); err != nil {
		return "", "", fmt.Errorf("write server key: %w", err)
	}
	return cert, key, nil
}

// writeCA writes the CA certificate where every uid can read it (the task's
// non-root user reads it as PGSSLROOTCERT) and returns the directory and the
// file's path.
func (s *serverTLS) writeCA() (dir, file string, err error) {
	dir, err = os.MkdirTemp("", "advana-pg-ca-")
	if err != nil {
		return "", "", fmt.Errorf("create CA dir: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("chmod CA dir: %w", err)
	}
	file = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, s.caPEM, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("write CA certificate: %w", err)
	}
	return dir, file, nil
}
