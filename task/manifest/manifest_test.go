package manifest

import (
	"testing"
	"time"
)

func TestRunPrefixAndRoundTrip(t *testing.T) {
	start := time.Date(2026, 11, 24, 23, 5, 9, 0, time.FixedZone("EST", -5*3600))
	id := NewRunID(start, "ab12")
	if id != "20261125T040509Z-ab12" {
		t.Fatalf("run id %q", id)
	}
	if got := RunPrefix("exports", "app", start, id); got != "exports/app/2026-11-25/20261125T040509Z-ab12" {
		t.Fatalf("prefix %q", got)
	}
	m := &Manifest{SchemaVersion: SchemaVersion, RunID: id, Objects: []Object{{Key: "k", Size: 3, SHA256: "x"}}}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b)
	if err != nil || back.RunID != id || back.Objects[0].Size != 3 {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	if _, err := Parse([]byte(`{"schema_version":1,"objects":[]}`)); err == nil {
		t.Fatal("empty manifest accepted")
	}
	if _, err := Parse([]byte(`{"schema_version":2,"objects":[{}]}`)); err == nil {
		t.Fatal("future schema accepted")
	}
}
