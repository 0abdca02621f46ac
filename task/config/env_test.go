package config

import (
	"io"
	"slices"
	"sort"
	"testing"
)

// TestEnvVarsIsWhatLoadReads records every variable Load asks for, with and
// without a database secret, and compares it with EnvVars: the help is
// built from that list, so a variable Load reads but the list misses would
// be undocumented, and one listed but never read would be a lie.
func TestEnvVarsIsWhatLoadReads(t *testing.T) {
	read := map[string]bool{}
	for _, env := range []map[string]string{{}, validEnv(), {EnvDBSecret: `{"username":"u","password":"p","host":"h","port":5432,"dbname":"d"}`}} {
		_, _ = Load(nil, func(name string) string { read[name] = true; return env[name] }, io.Discard)
	}
	var got []string
	for name := range read {
		got = append(got, name)
	}
	sort.Strings(got)
	want := slices.Clone(EnvVars())
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Load reads %v\nEnvVars lists %v", got, want)
	}
}
