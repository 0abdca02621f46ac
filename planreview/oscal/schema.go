package oscal

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaJSON is NIST's OSCAL 1.1.3 JSON schema, unchanged:
// oscal_complete_schema.json of the usnistgov/OSCAL v1.1.3 release, as
// carried by github.com/defenseunicorns/go-oscal v0.7.0
// (src/internal/schemas/oscal_complete_schema-1-1-3.json; sha256
// 0078848cb4000024a65679110f6ee2d99b300b06471a33fc536b19b670b65aa51).
//
//go:embed schema/oscal_complete_schema-1.1.3.json
var schemaJSON []byte

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("oscal schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // date-time, uri-reference: checked, not just annotated
	const url = "oscal_complete_schema-1.1.3.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("oscal schema: %w", err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("oscal schema: %w", err)
	}
	return s, nil
})

// Validate checks an OSCAL JSON document against NIST's schema.
func Validate(doc []byte) error {
	s, err := compiled()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("oscal: parse: %w", err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("oscal: not valid OSCAL %s: %w", Version, err)
	}
	return nil
}
