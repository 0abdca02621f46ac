package pgdump

import "strings"

// CleanOrder reorders a pg_restore --list so that pg_restore --clean can
// drop what an earlier restore of the same archive created.
//
// pg_restore --clean drops the archive's objects in the reverse of the
// list's order. pg_dump lists a partitioned table's primary key, unique
// constraints and indexes before those of its partitions, so the drops
// reach a partition's key first, and PostgreSQL refuses: "cannot drop
// inherited constraint" (an index: "cannot drop index ... because index
// ... requires it"). PostgreSQL 15's pg_restore has this order still. Moving
// every partition's index and constraint (the ones an INDEX ATTACH entry
// names) ahead of the others makes the drops reach the parent first, which
// drops its partitions' indexes with it; the partitions' own DROP ... IF
// EXISTS then find nothing. Creation is unaffected: pg_dump creates each
// of these on ONLY its own table, and the INDEX ATTACH entries, which join
// them, stay after all of them. Deeper trees need no more: the root of each
// index tree is attached to nothing, so it stays behind every index it
// reaches, and dropping it drops the whole tree.
func CleanOrder(list string) string {
	lines := strings.SplitAfter(list, "\n")
	var attached []string // "SCHEMA INDEX OWNER" of every INDEX ATTACH entry
	for _, l := range lines {
		if e, ok := parseTOCLine(l); ok && e.kind == tocIndexAttach {
			attached = append(attached, e.rest)
		}
	}
	if len(attached) == 0 {
		return list
	}
	isAttached := func(l string) bool {
		e, ok := parseTOCLine(l)
		if !ok {
			return false
		}
		for _, a := range attached {
			if e.kind == tocIndex && e.rest == a || e.kind == tocConstraint && constraintOf(e.rest, a) {
				return true
			}
		}
		return false
	}
	var moved []string
	for _, l := range lines {
		if isAttached(l) {
			moved = append(moved, l)
		}
	}
	var out strings.Builder
	placed := false
	for _, l := range lines {
		if isAttached(l) {
			continue
		}
		if e, ok := parseTOCLine(l); ok && !placed && (e.kind == tocIndex || e.kind == tocConstraint) {
			for _, m := range moved {
				out.WriteString(m)
			}
			placed = true
		}
		out.WriteString(l)
	}
	return out.String()
}

type tocKind int

const (
	tocOther tocKind = iota
	tocIndex
	tocConstraint
	tocIndexAttach
)

// tocEntry is one line of pg_restore --list: "ID; TABLEOID OID DESC SCHEMA
// TAG OWNER", where DESC, SCHEMA, TAG and OWNER may all hold spaces (names
// are printed unquoted), so rest keeps "SCHEMA TAG OWNER" whole.
type tocEntry struct {
	kind tocKind
	rest string
}

// parseTOCLine reads the kinds CleanOrder needs. The catalog each entry
// names tells them apart where the words could not: an index is in
// pg_class (1259), a key or unique constraint in pg_constraint (2606), and
// an INDEX ATTACH entry in none (0), so a schema named "ATTACH" is no
// attach entry.
func parseTOCLine(line string) (tocEntry, bool) {
	if strings.HasPrefix(line, ";") {
		return tocEntry{}, false
	}
	_, after, ok := strings.Cut(strings.TrimRight(line, "\n"), "; ")
	if !ok {
		return tocEntry{}, false
	}
	f := strings.SplitN(after, " ", 3)
	if len(f) < 3 {
		return tocEntry{}, false
	}
	catalog, desc := f[0], f[2]
	for _, k := range []struct {
		catalog, prefix string
		kind            tocKind
	}{
		{"0", "INDEX ATTACH ", tocIndexAttach},
		{"1259", "INDEX ", tocIndex},
		{"2606", "CONSTRAINT ", tocConstraint},
	} {
		if catalog == k.catalog && strings.HasPrefix(desc, k.prefix) {
			return tocEntry{kind: k.kind, rest: desc[len(k.prefix):]}, true
		}
	}
	return tocEntry{kind: tocOther}, true
}

// constraintOf says whether a constraint entry ("SCHEMA TABLE NAME OWNER")
// is the one an INDEX ATTACH entry ("SCHEMA NAME OWNER") names: a key's
// index has the constraint's name. With spaces in names the split is not
// known, so every split of the attach entry into SCHEMA and "NAME OWNER" is
// tried, with a table name between them.
func constraintOf(constraint, attach string) bool {
	for i := 0; i < len(attach); i++ {
		if attach[i] != ' ' {
			continue
		}
		schema, nameOwner := attach[:i], attach[i+1:]
		if len(constraint) > len(schema)+len(nameOwner)+2 &&
			strings.HasPrefix(constraint, schema+" ") && strings.HasSuffix(constraint, " "+nameOwner) {
			return true
		}
	}
	return false
}
