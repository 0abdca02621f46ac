package model

import "fmt"

// Get walks path (map keys and list indexes) through the planned values and
// reports the value and whether it is known at plan time. A value that is
// absent and not marked unknown is known and nil.
func (r *Resource) Get(path ...any) (any, bool) {
	var v any = r.Values
	var u any = r.Unknown
	for _, p := range path {
		if b, ok := u.(bool); ok && b {
			return nil, false
		}
		v, u = step(v, p), step(u, p)
	}
	if b, ok := u.(bool); ok && b {
		return nil, false
	}
	return v, true
}

// At walks path (map keys and list indexes) through any JSON-shaped value:
// nil where a step is missing (absent, or unknown until apply).
func At(v any, path ...any) any {
	for _, p := range path {
		v = step(v, p)
	}
	return v
}

func step(v any, p any) any {
	switch k := p.(type) {
	case string:
		if m, ok := v.(map[string]any); ok {
			return m[k]
		}
	case int:
		if l, ok := v.([]any); ok && k >= 0 && k < len(l) {
			return l[k]
		}
	}
	return nil
}

// String is Get as a string: "" when absent, ok false when unknown.
func (r *Resource) String(path ...any) (string, bool) {
	v, ok := r.Get(path...)
	if !ok {
		return "", false
	}
	if v == nil {
		return "", true
	}
	return fmt.Sprint(v), true
}

// Len is the number of elements of a list value (0 when absent or unknown).
func (r *Resource) Len(path ...any) int {
	v, _ := r.Get(path...)
	l, _ := v.([]any)
	return len(l)
}

// Show renders a value for evidence: unknown values as "(known after apply)".
func Show(v any, known bool) string {
	if !known {
		return KnownAfterApply
	}
	if v == nil {
		return "(not set)"
	}
	return fmt.Sprint(v)
}

// KnownAfterApply is how the report writes a value the plan does not know.
const KnownAfterApply = "(known after apply)"
