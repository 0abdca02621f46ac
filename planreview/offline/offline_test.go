package offline

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestAliases(t *testing.T) {
	cases := []struct {
		name, hcl string
		want      []string
	}{
		{"default only", "provider \"aws\" {\n  region = \"us-east-1\"\n}\n", []string{""}},
		{"none", "terraform {}\n", []string{""}},
		{"two", "provider \"aws\" {\n  region = \"x\"\n}\n\nprovider \"aws\" {\n  alias  = \"partner\"\n  region = \"y\"\n}\n", []string{"", "partner"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "providers.tf"), []byte(tc.hcl), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Aliases(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSTSAnswersGetCallerIdentity(t *testing.T) {
	s, err := StartSTS("222222222222")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := http.Post(s.Endpoint, "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "<Account>222222222222</Account>") {
		t.Errorf("response without the account: %s", body)
	}
}
