package test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
	"github.com/advana-export/terraform-aws-advana-export/test/sharedchecks"
)

// patternSource is the one place an ARN regex may be written: the outputs of
// modules/patterns, which the root module and modules/replication-destination
// call and their validations match against.
const patternSource = "modules/patterns"

// buildingBlocks are the modules only the root module (or, for kms-bucket and
// kms-key, modules/replication-destination too) calls: the caller's module
// validates every value, so they declare types only.
var buildingBlocks = []string{"export-bucket", "export-task", "schedule", "kms-bucket", "kms-key"}

// partnerModule is called alone, by the partner in their account, so it
// validates its own inputs. Where it takes an input the root takes too
// (reader roles, key administrators, the Object Lock mode, the exceptions'
// reasons), its checks are the root's, copied by `make docs`
// (test/sharedchecks, which fails when a copy is stale) under
// sharedchecks.Marker: Terraform gives no way to write such a check once and
// still fail at the caller's own block (see test/sharedchecks).
const partnerModule = sharedchecks.Partner

// TestValidationsWrittenOnce: every input check is written in one place (#24).
// No validation condition appears in two variable files, no module the root
// calls re-checks an input, and no ARN regex is written outside
// modules/patterns, in any Terraform file.
func TestValidationsWrittenOnce(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	files := terraformFiles(t, root)

	t.Run("conditions", func(t *testing.T) {
		where := map[string][]string{} // condition text -> the variable files that hold it
		count := 0
		for _, f := range files {
			if filepath.Base(f.path) != "variables.tf" {
				continue
			}
			for _, c := range conditions(f, false) {
				count++
				if !contains(where[c], f.rel) {
					where[c] = append(where[c], f.rel)
				}
			}
		}
		require.Greater(t, count, 50, "found too few validation conditions: is the parse right?")
		copies := copiedConditions(t, root)
		require.NotEmpty(t, copies, "no validation in %s is under sharedchecks.Marker: is the parse right?", partnerModule)
		for _, c := range copies {
			assert.Equal(t, []string{"variables.tf"}, where[c], "a copied condition of %s must be the root's only source\n  %s", partnerModule, c)
		}
		for c, in := range where {
			assert.Len(t, in, 1, "validation condition written in %d variable files, %v: keep it in the module the caller calls, with its regex in %s\n  %s", len(in), in, patternSource, c)
		}
	})

	t.Run("building blocks", func(t *testing.T) {
		for _, m := range buildingBlocks {
			rel := filepath.Join("modules", m, "variables.tf")
			f := parsedFile(t, root, rel)
			assert.Empty(t, append(conditions(f, false), conditions(f, true)...), "%s re-checks what its caller validated: move the check to the caller's variable (variables.tf at the root), with a run in test/terraform/validation.tftest.hcl", rel)
		}
	})

	t.Run("ARN regexes", func(t *testing.T) {
		found := 0
		for _, f := range files {
			inSource := strings.HasPrefix(f.rel, patternSource+string(filepath.Separator))
			for _, lit := range stringLiterals(f) {
				if !looksLikeARNRegex(lit.value) {
					continue
				}
				if inSource {
					found++
					continue
				}
				t.Errorf("%s:%d: an ARN regex outside %s: use module.patterns.arn (add the kind there if it is new)\n  %q", f.rel, lit.line, patternSource, lit.value)
			}
		}
		assert.Positive(t, found, "no ARN regex found in %s: is the heuristic right?", patternSource)
	})
}

// TestARNRegexHeuristic: what TestValidationsWrittenOnce calls an ARN regex.
func TestARNRegexHeuristic(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$": true,
		"arn:aws[a-z-]*":                      true,
		"^arn\\:aws\\:kms":                    true,
		"arn:aws:s3:::advana-milmove-exports": false, // a value
		"arn:":                                false, // a template's first part: "arn:${partition}:s3:::${bucket}"
		":iam::":                              false,
		"task_role_arn must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME), not a role name.": false,
	} {
		assert.Equal(t, want, looksLikeARNRegex(s), s)
	}
}

// arnRegex: "^arn:" (or "^arn\:"), or "arn:" followed in the same word by a
// character class with a range ([a-z]) or a counted repetition ({12}). ARN
// values, templates ("arn:${partition}:...") and messages have neither.
var arnRegex = regexp.MustCompile(`\^arn\\?:|arn\\?:[^\s"]*(\[[^\]]*[A-Za-z0-9]-[A-Za-z0-9][^\]]*\]|\{[0-9])`)

func looksLikeARNRegex(s string) bool { return arnRegex.MatchString(s) }

type tfFile struct {
	path, rel string
	src       []byte
	body      *hclsyntax.Body
}

// terraformFiles parses every Terraform file of the repository (modules,
// examples, test fixtures; not .terraform working directories).
func terraformFiles(t *testing.T, root string) []tfFile {
	t.Helper()
	var files []tfFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".terraform", ".git", "node_modules", "bin":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tftest.hcl") {
			rel, _ := filepath.Rel(root, path)
			files = append(files, parsedFile(t, root, rel))
		}
		return nil
	})
	require.NoError(t, err)
	sort.Slice(files, func(i, j int) bool { return files[i].rel < files[j].rel })
	return files
}

func parsedFile(t *testing.T, root, rel string) tfFile {
	t.Helper()
	path := filepath.Join(root, rel)
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	file, diags := hclsyntax.ParseConfig(src, rel, hcl.InitialPos)
	require.False(t, diags.HasErrors(), "%s: %s", rel, diags.Error())
	return tfFile{path: path, rel: rel, src: src, body: file.Body.(*hclsyntax.Body)}
}

// conditions returns the source text of every variable validation's
// condition in f, with whitespace runs made one space.
// conditions returns the validation conditions of f's variables; with
// copies false it leaves out those under sharedchecks.Marker (written by
// make docs from the root's), with copies true it returns only those.
func conditions(f tfFile, copies bool) []string {
	var out []string
	for _, v := range f.body.Blocks {
		if v.Type != "variable" {
			continue
		}
		for _, b := range v.Body.Blocks {
			if b.Type != "validation" {
				continue
			}
			before := strings.TrimRight(string(f.src[:b.Range().Start.Byte]), " \t\n")
			if strings.HasSuffix(before, sharedchecks.Marker) != copies {
				continue
			}
			if a, ok := b.Body.Attributes["condition"]; ok {
				r := a.Expr.Range()
				out = append(out, strings.Join(strings.Fields(string(f.src[r.Start.Byte:r.End.Byte])), " "))
			}
		}
	}
	return out
}

// copiedConditions are the partner module's conditions make docs copied.
func copiedConditions(t *testing.T, root string) []string {
	t.Helper()
	return conditions(parsedFile(t, root, partnerModule), true)
}

type literal struct {
	value string
	line  int
}

// stringLiterals returns every string literal in f: quoted strings, the
// literal parts of templates and heredocs.
func stringLiterals(f tfFile) []literal {
	var out []literal
	_ = hclsyntax.VisitAll(f.body, func(n hclsyntax.Node) hcl.Diagnostics {
		if e, ok := n.(*hclsyntax.LiteralValueExpr); ok && e.Val.Type() == cty.String && e.Val.IsKnown() && !e.Val.IsNull() {
			out = append(out, literal{e.Val.AsString(), e.SrcRange.Start.Line})
		}
		return nil
	})
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
