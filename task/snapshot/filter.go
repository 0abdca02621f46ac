package snapshot

import (
	"fmt"
	"regexp"
	"strings"
)

// Filter holds pg_dump's --schema, --exclude-table and --exclude-table-data
// patterns, so the Parquet format selects the same tables the pg_dump
// formats do.
type Filter struct {
	Schemas          []string
	ExcludeTables    []string
	ExcludeTableData []string
}

type namePattern struct{ schema, name *regexp.Regexp } // schema nil: any schema

type matcher struct {
	schemas              []*regexp.Regexp
	exclude, excludeData []namePattern
}

func (f Filter) compile() (*matcher, error) {
	m := &matcher{}
	for _, p := range f.Schemas {
		parts := splitPattern(p)
		if len(parts) != 1 {
			return nil, fmt.Errorf("schema pattern %q: a schema pattern has no dot", p)
		}
		m.schemas = append(m.schemas, patternRegexp(parts[0]))
	}
	for _, l := range []struct {
		in  []string
		out *[]namePattern
	}{{f.ExcludeTables, &m.exclude}, {f.ExcludeTableData, &m.excludeData}} {
		for _, p := range l.in {
			parts := splitPattern(p)
			switch len(parts) {
			case 1:
				*l.out = append(*l.out, namePattern{name: patternRegexp(parts[0])})
			case 2:
				*l.out = append(*l.out, namePattern{schema: patternRegexp(parts[0]), name: patternRegexp(parts[1])})
			default:
				return nil, fmt.Errorf("table pattern %q: use table or schema.table", p)
			}
		}
	}
	return m, nil
}

func (m *matcher) includes(schema, name string) bool {
	if len(m.schemas) > 0 && !anyMatch(m.schemas, schema) {
		return false
	}
	return !matchTable(m.exclude, schema, name)
}

func (m *matcher) dataExcluded(schema, name string) bool {
	return matchTable(m.excludeData, schema, name)
}

func matchTable(ps []namePattern, schema, name string) bool {
	for _, p := range ps {
		if (p.schema == nil || p.schema.MatchString(schema)) && p.name.MatchString(name) {
			return true
		}
	}
	return false
}

func anyMatch(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// splitPattern splits a pattern at dots outside double quotes.
func splitPattern(p string) []string {
	var parts []string
	var cur strings.Builder
	quoted := false
	for _, r := range p {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == '.' && !quoted:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(parts, cur.String())
}

// patternRegexp translates one part of a psql pattern the way pg_dump
// reads it: * is any run, ? any one character, letters outside double
// quotes fold to lower case, "" inside quotes is a quote; the rest is literal.
func patternRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^(?:")
	quoted := false
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '"':
			if quoted && i+1 < len(rs) && rs[i+1] == '"' {
				b.WriteString(regexp.QuoteMeta(`"`))
				i++
				continue
			}
			quoted = !quoted
		case r == '*' && !quoted:
			b.WriteString(".*")
		case r == '?' && !quoted:
			b.WriteString(".")
		case !quoted:
			b.WriteString(regexp.QuoteMeta(strings.ToLower(string(r))))
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(")$")
	return regexp.MustCompile(b.String())
}
