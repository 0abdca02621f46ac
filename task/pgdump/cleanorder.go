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
	attached := map[string]bool{}
	for _, l := range lines {
		if f := tocFields(l); len(f) >= 7 && f[3] == "INDEX" && f[4] == "ATTACH" {
			attached[f[5]+" "+f[6]] = true
		}
	}
	isAttached := func(l string) bool {
		f := tocFields(l)
		switch {
		case len(f) >= 7 && f[3] == "INDEX" && f[4] != "ATTACH":
			return attached[f[4]+" "+f[5]]
		case len(f) >= 8 && f[3] == "CONSTRAINT":
			return attached[f[4]+" "+f[6]]
		}
		return false
	}
	var moved []string
	for _, l := range lines {
		if isAttached(l) {
			moved = append(moved, l)
		}
	}
	if len(moved) == 0 {
		return list
	}
	var out strings.Builder
	placed := false
	for _, l := range lines {
		if isAttached(l) {
			continue
		}
		if f := tocFields(l); !placed && len(f) >= 4 && (f[3] == "INDEX" || f[3] == "CONSTRAINT") {
			for _, m := range moved {
				out.WriteString(m)
			}
			placed = true
		}
		out.WriteString(l)
	}
	return out.String()
}

// tocFields splits one entry of pg_restore --list ("ID; CATALOG OID DESC
// SCHEMA TAG OWNER"); comments and blank lines give nothing.
func tocFields(line string) []string {
	if strings.HasPrefix(line, ";") {
		return nil
	}
	return strings.Fields(line)
}
