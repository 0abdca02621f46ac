package logging

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRedactsSecretsInMessageAndFields(t *testing.T) {
	var buf bytes.Buffer
	log, r := New(&buf)
	r.Add("hunter2-secret", "ab")
	log.WithError(errors.New("auth with hunter2-secret failed")).WithField("dsn", "x:hunter2-secret@h").
		Info("connect hunter2-secret")
	out := buf.String()
	if strings.Contains(out, "hunter2-secret") {
		t.Fatalf("secret logged: %s", out)
	}
	if strings.Count(out, "[REDACTED]") != 3 {
		t.Fatalf("want 3 redactions: %s", out)
	}
	if !strings.Contains(out, `"message":"connect [REDACTED]"`) {
		t.Fatalf("not JSON with message field: %s", out)
	}
}
