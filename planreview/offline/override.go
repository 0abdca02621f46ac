package offline

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// OverrideFile is the name of the file Setup writes into the configuration.
// Terraform merges *_override.tf files into the blocks they name, so the
// configuration's own provider blocks keep their region and aliases.
const OverrideFile = "plan_review_offline_override.tf"

// Fake credentials: never valid anywhere.
const (
	AccessKey = "AKIAPLANREVIEWOFFLINE"
	SecretKey = "plan-review-offline-not-a-secret"
)

var (
	providerBlock = regexp.MustCompile(`(?s)provider\s+"aws"\s*\{(.*?)\n\}`)
	aliasAttr     = regexp.MustCompile(`alias\s*=\s*"([^"]+)"`)
)

// Aliases lists the aliases of the aws provider blocks in dir's .tf files ("" for
// the default configuration, always included).
func Aliases(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	seen := map[string]bool{"": true}
	for _, f := range files {
		if strings.HasSuffix(f, "_override.tf") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read provider blocks: %w", err)
		}
		for _, m := range providerBlock.FindAllStringSubmatch(string(b), -1) {
			if a := aliasAttr.FindStringSubmatch(m[1]); a != nil {
				seen[a[1]] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out, nil
}

// providerHCL is one provider block with fake credentials whose STS is endpoint.
func providerHCL(alias, endpoint string) string {
	var b strings.Builder
	b.WriteString("provider \"aws\" {\n")
	if alias != "" {
		fmt.Fprintf(&b, "  alias                       = %q\n", alias)
	}
	fmt.Fprintf(&b, "  access_key                  = %q\n", AccessKey)
	fmt.Fprintf(&b, "  secret_key                  = %q\n", SecretKey)
	b.WriteString("  profile                     = null\n")
	b.WriteString("  skip_credentials_validation = true\n")
	b.WriteString("  skip_requesting_account_id  = true\n")
	b.WriteString("  skip_metadata_api_check     = true\n")
	b.WriteString("  skip_region_validation      = true\n")
	fmt.Fprintf(&b, "  endpoints {\n    sts = %q\n  }\n}\n", endpoint)
	return b.String()
}
