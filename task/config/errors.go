package config

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one invalid or missing setting: which one, what is wrong, and
// how to fix it. Messages never include the value of a secret.
type FieldError struct {
	Field   string // e.g. "ADVANA_EXPORT_BUCKET (--bucket)"
	Problem string
	Fix     string
}

func (e *FieldError) Error() string {
	if e.Fix == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Problem)
	}
	return fmt.Sprintf("%s: %s; %s", e.Field, e.Problem, e.Fix)
}

// Error is every problem found in one configuration, so a user fixes them all
// in one round instead of one per run.
type Error struct {
	Fields []*FieldError
}

func (e *Error) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Error()
	}
	return "invalid configuration: " + strings.Join(msgs, " | ")
}

// IsConfigError reports whether err is (or wraps) a configuration error.
func IsConfigError(err error) bool {
	var ce *Error
	var fe *FieldError
	return errors.As(err, &ce) || errors.As(err, &fe)
}

type problems struct{ list []*FieldError }

func (p *problems) add(field, problem, fix string) {
	p.list = append(p.list, &FieldError{Field: field, Problem: problem, Fix: fix})
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &Error{Fields: p.list}
}
