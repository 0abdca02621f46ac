package test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/assert"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

var (
	tfBlock     = regexp.MustCompile(`(?m)^(variable|output) "([A-Za-z0-9_-]+)"`)
	readmeEntry = regexp.MustCompile(`<a name="(input|output)_([A-Za-z0-9_-]+)"></a>`)
)

// TestReadmesListEveryInputAndOutput fails when a module's generated table
// (written by `make docs`: docs/reference.md for the root module, the
// README for each submodule) misses a variable or output, or lists one that no
// longer exists, so stale docs fail CI without running terraform-docs.
func TestReadmesListEveryInputAndOutput(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	dirs, err := filepath.Glob(filepath.Join(root, "modules", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range append([]string{root}, dirs...) {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			inCode := map[string]bool{}
			files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range tfBlock.FindAllStringSubmatch(string(b), -1) {
					inCode[kind(m[1])+" "+m[2]] = true
				}
			}
			// The root module's tables are docs/reference.md, kept out of the
			// README's front door; each submodule's are in its README.
			page := filepath.Join(dir, "README.md")
			if dir == root {
				page = filepath.Join(root, "docs", "reference.md")
			}
			readme, err := os.ReadFile(page)
			if err != nil {
				t.Fatalf("no inputs/outputs page: %v", err)
			}
			inDocs := map[string]bool{}
			for _, m := range readmeEntry.FindAllStringSubmatch(string(readme), -1) {
				inDocs[m[1]+" "+m[2]] = true
			}
			assert.NotEmpty(t, inCode, "no variables or outputs found")
			assert.Empty(t, missing(inCode, inDocs), "in the code but not in README.md (run make docs)")
			assert.Empty(t, missing(inDocs, inCode), "in README.md but no longer in the code (run make docs)")
		})
	}
}

func kind(block string) string {
	if block == "variable" {
		return "input"
	}
	return "output"
}

func missing(want, have map[string]bool) []string {
	var out []string
	for k := range want {
		if !have[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

var applyVar = regexp.MustCompile(`-var '?([A-Za-z0-9_]+)=`)

// TestExampleReadmesSetEveryRequiredVariable: an example README's
// `terraform apply` sets every variable of the example that has no default,
// so the command a newcomer copies does not stop at a prompt (#24: the
// minimal example's lacked database_host and database_name).
func TestExampleReadmesSetEveryRequiredVariable(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	dirs, err := filepath.Glob(filepath.Join(root, "examples", "*"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, dir := range dirs {
		readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
		if err != nil || !strings.Contains(string(readme), "terraform apply") {
			continue
		}
		checked++
		set := map[string]bool{}
		for _, m := range applyVar.FindAllStringSubmatch(string(readme), -1) {
			set[m[1]] = true
		}
		required := map[string]bool{}
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			for _, b := range file.Body.(*hclsyntax.Body).Blocks {
				if _, hasDefault := b.Body.Attributes["default"]; b.Type == "variable" && !hasDefault {
					required[b.Labels[0]] = true
				}
			}
		}
		assert.Empty(t, missing(required, set), "%s: README's terraform apply leaves these required variables unset", filepath.Base(dir))
	}
	assert.NotZero(t, checked, "no example README has a terraform apply command")
}
