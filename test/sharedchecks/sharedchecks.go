// Package sharedchecks copies the root module's checks of the inputs the
// partner's module takes too (reader roles, key administrators, the Object
// Lock mode, the exceptions' reasons, the key prefix, the access log bucket,
// tags) into
// modules/replication-destination/variables.tf, so each such check is
// written once, in the root's variables.tf, and `make docs` writes the copy
// (test/sharedchecks/cmd/sharedchecks).
//
// Why a copy at all: the partner calls replication-destination alone, and a
// mistake must fail at the caller's own module block, naming the input. That
// takes a validation on the variable the caller sets, in the module the
// caller calls; Terraform has no include, and a condition may refer only to
// its own variable (a check computed in a shared module from the variable is
// a cycle on Terraform 1.11, and a check on a nested module's variable fails
// inside .terraform/modules instead of at the caller's block).
//
// TestPartnerCopyUpToDate fails when the partner's file differs from what
// Generate writes.
package sharedchecks

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Marker is the comment above every copied validation block; nothing else in
// the partner's file carries it.
const Marker = "# Copied from the root module's variables.tf by `make docs` (test/sharedchecks): edit it there."

// Root and Partner are the two variable files, relative to the repository.
const (
	Root    = "variables.tf"
	Partner = "modules/replication-destination/variables.tf"
)

// Input is one shared input: its variable, and the start of the error
// message of each shared validation (the field it names).
type Input struct{ Variable, Field string }

// Shared names each copied check: the variable, and the start of its error
// message (the field it names), which picks the validations of that
// variable that are shared; the variable's other validations stay each
// module's own (the partner's object_lock.days has its own default and
// limit).
var Shared = []Input{
	{"reader_role_arns", "reader_role_arns"},
	{"kms_key_administrator_arns", "kms_key_administrator_arns"},
	{"object_lock", "object_lock.mode"},
	{"object_lock_exception", "object_lock_exception"},
	{"access_logging_exception", "access_logging_exception"},
	{"access_logging", "access_logging.target_bucket"},
	{"prefix", "prefix"},
	{"tags", "tags"},
}

// Update rewrites the partner's file in repo from the root's; with check,
// it only returns an error when the file is not up to date.
func Update(repo string, check bool) error {
	rootSrc, err := os.ReadFile(filepath.Join(repo, Root))
	if err != nil {
		return err
	}
	partnerPath := filepath.Join(repo, Partner)
	partnerSrc, err := os.ReadFile(partnerPath)
	if err != nil {
		return err
	}
	out, err := Generate(Shared, rootSrc, partnerSrc)
	if err != nil {
		return err
	}
	if bytes.Equal(out, partnerSrc) {
		return nil
	}
	if check {
		return fmt.Errorf("%s is not what %s gives: run `make docs`", Partner, Root)
	}
	return os.WriteFile(partnerPath, out, 0o644)
}

// Generate returns the partner's variable file with the validations shared
// names replaced by the root's, word for word, each under Marker, after the
// variable's own validations. Everything else in the file is kept as it is.
func Generate(shared []Input, rootSrc, partnerSrc []byte) ([]byte, error) {
	rootFile, diags := hclwrite.ParseConfig(rootSrc, Root, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	partnerFile, diags := hclwrite.ParseConfig(partnerSrc, Partner, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	for _, s := range shared {
		from := variable(rootFile.Body(), s.Variable)
		to := variable(partnerFile.Body(), s.Variable)
		if from == nil || to == nil {
			return nil, fmt.Errorf("variable %q: want it in both %s and %s, or remove it from sharedchecks.Shared", s.Variable, Root, Partner)
		}
		var copies []*hclwrite.Block
		for _, v := range from.Body().Blocks() {
			if v.Type() == "validation" && namesField(v, s.Field) {
				copies = append(copies, v)
			}
		}
		if len(copies) == 0 {
			return nil, fmt.Errorf("variable %q in %s has no validation whose error_message starts with %q", s.Variable, Root, s.Field)
		}
		for _, v := range to.Body().Blocks() {
			if v.Type() == "validation" && (namesField(v, s.Field) || IsCopy(v)) {
				to.Body().RemoveBlock(v)
			}
		}
		if !hasValidation(to.Body()) && !endsWithBlankLine(to.Body()) {
			to.Body().AppendNewline() // the blank line between a variable's arguments and its checks
		}
		for _, v := range copies {
			to.Body().AppendUnstructuredTokens(hclwrite.Tokens{
				{Type: hclsyntax.TokenComment, Bytes: []byte(Marker + "\n")},
			})
			c := to.Body().AppendNewBlock("validation", nil)
			for _, name := range []string{"condition", "error_message"} {
				c.Body().SetAttributeRaw(name, v.Body().GetAttribute(name).Expr().BuildTokens(nil))
			}
		}
	}
	return hclwrite.Format(partnerFile.Bytes()), nil
}

// IsCopy says whether a validation block sits under Marker.
func IsCopy(b *hclwrite.Block) bool {
	return strings.Contains(string(b.BuildTokens(nil).Bytes()), Marker)
}

func hasValidation(body *hclwrite.Body) bool {
	for _, b := range body.Blocks() {
		if b.Type() == "validation" {
			return true
		}
	}
	return false
}

func endsWithBlankLine(body *hclwrite.Body) bool {
	return strings.HasSuffix(strings.TrimRight(string(body.BuildTokens(nil).Bytes()), " \t"), "\n\n")
}

func variable(body *hclwrite.Body, name string) *hclwrite.Block {
	return body.FirstMatchingBlock("variable", []string{name})
}

// namesField: the validation's error_message is a string that starts with
// field and then a space or a dot's next part ("object_lock.mode must ...").
func namesField(v *hclwrite.Block, field string) bool {
	attr := v.Body().GetAttribute("error_message")
	if attr == nil {
		return false
	}
	msg, err := strconv.Unquote(strings.TrimSpace(string(attr.Expr().BuildTokens(nil).Bytes())))
	if err != nil {
		return false
	}
	return strings.HasPrefix(msg, field+" ")
}
