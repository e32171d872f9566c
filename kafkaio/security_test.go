package kafkaio

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pitchkafka/pitchkafka/embedded"
	"github.com/pitchkafka/pitchkafka/game"
	"github.com/pitchkafka/pitchkafka/internal/testkit"
	"github.com/rs/zerolog"
)

// mustWriteCertificates makes a CA and a certificate for 127.0.0.1 signed
// by it, as PEM files, and returns their paths.
func mustWriteCertificates(tb testing.TB) (caFile, certFile, keyFile string) {
	tb.Helper()
	dir := tb.TempDir()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			tb.Fatal(err)
		}
		return k
	}
	caKey, leafKey := newKey(), newKey()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pitchkafka test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(leafKey)
	if err != nil {
		tb.Fatal(err)
	}
	write := func(name, kind string, der []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
			tb.Fatal(err)
		}
		return path
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("broker.pem", "CERTIFICATE", leafDER), write("broker-key.pem", "EC PRIVATE KEY", keyDER)
}

func TestSecureBroker(t *testing.T) {
	testkit.SkipOnKafka(t, "it runs the embedded broker itself")
	caFile, certFile, keyFile := mustWriteCertificates(t)
	b, err := embedded.StartBroker(embedded.BrokerOptions{Listen: "127.0.0.1:0", Nodes: 1, Log: zerolog.Nop(), TLSCert: certFile, TLSKey: keyFile,
		Users: []embedded.BrokerUser{{Name: "alice", Password: "alice-s3cret", Role: embedded.RoleClient}, {Name: "reader", Password: "reader-s3cret", Role: embedded.RoleConsumer}}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var logs bytes.Buffer
	log := zerolog.New(zerolog.SyncWriter(&logs)).Level(zerolog.DebugLevel)
	as := func(user, password string) Config {
		return Config{Brokers: b.Bootstrap(), Timeout: 10 * time.Second, Log: log, Properties: map[string]string{
			"security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-256", "ssl.ca.location": caFile,
			"sasl.username": user, "sasl.password": password}}
	}

	t.Run("the right credentials publish and consume over TLS", func(t *testing.T) {
		mustPublish(t, as("alice", "alice-s3cret"), "pitches", 200)
		if n := mustFold(t, as("reader", "reader-s3cret"), "pitches", nil, game.NewLastPitches()); n != 200 {
			t.Errorf("read %d pitches, want 200", n)
		}
	})
	t.Run("a wrong password fails at once", func(t *testing.T) {
		start := time.Now()
		_, err := NewPublisher(context.Background(), as("alice", "not-the-password"), TopicSpec{Name: "pitches", Partitions: 3})
		if err == nil || !strings.Contains(err.Error(), "authentication failed") {
			t.Fatalf("error %v, want authentication failed", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v to say so", d)
		}
		r, err := NewReader(as("reader", "wrong"), "pitches")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		err = r.Run(context.Background(), ReadOptions{Once: true}, func(Record) {})
		if err == nil || !strings.Contains(err.Error(), "authentication failed") {
			t.Fatalf("reader: error %v, want authentication failed", err)
		}
	})
	t.Run("a user who may not write is told so", func(t *testing.T) {
		cfg := as("reader", "reader-s3cret")
		pub, err := NewPublisher(context.Background(), cfg, TopicSpec{Name: "pitches", Partitions: 3})
		if err != nil {
			t.Fatal(err)
		}
		p := game.Pitch{Schema: game.SchemaV1, GamePK: 1, GameSeq: 1, Pitcher: 1, InningTopBot: "Top", TS: time.Now()}
		var publishErr error
		for i := 0; i < 20 && publishErr == nil; i++ {
			publishErr = pub.Publish(context.Background(), &p)
		}
		err = pub.Close(10 * time.Second)
		if publishErr != nil {
			err = publishErr
		}
		if err == nil || !strings.Contains(err.Error(), "not authorized to write topic pitches") {
			t.Fatalf("error %v, want not authorized to write topic pitches", err)
		}
	})
	if !strings.Contains(logs.String(), "sasl.password=[redacted]") {
		t.Fatalf("the debug logs never showed the configuration, so the check below proves nothing")
	}
	for _, secret := range []string{"alice-s3cret", "reader-s3cret", "not-the-password"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the debug logs show the password %q", secret)
		}
	}
}
