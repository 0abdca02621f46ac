package snapshot

import "testing"

func TestFilterFollowsPgDumpPatterns(t *testing.T) {
	f := Filter{
		Schemas:          []string{"public", `"Sales-EU"`, "app_*"},
		ExcludeTables:    []string{"audit_?", `"Sales-EU"."Order Lines!"`, "*.tmp"},
		ExcludeTableData: []string{"public.Big*"},
	}
	m, err := f.compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		schema, name string
		included     bool
		dataExcluded bool
	}{
		{"public", "orders", true, false},
		{"public", "audit_1", false, false},
		{"public", "audit_12", true, false},
		{"Sales-EU", "Order Lines!", false, false},
		{"Sales-EU", "order lines!", true, false},
		{"sales-eu", "x", false, false}, // a quoted pattern keeps its case
		{"app_v2", "tmp", false, false},
		{"app_v2", "tmpx", true, false},
		{"other", "orders", false, false},
		{"public", "big_table", true, true}, // unquoted letters fold to lower case
		{"public", "Big_table", true, false},
	} {
		if got := m.includes(tt.schema, tt.name); got != tt.included {
			t.Errorf("%s.%s included=%v, want %v", tt.schema, tt.name, got, tt.included)
		}
		if got := m.dataExcluded(tt.schema, tt.name); got != tt.dataExcluded {
			t.Errorf("%s.%s dataExcluded=%v, want %v", tt.schema, tt.name, got, tt.dataExcluded)
		}
	}
	if _, err := (Filter{Schemas: []string{"a.b"}}).compile(); err == nil {
		t.Error("a schema pattern with a dot was accepted")
	}
}

func TestRowParserSplitsAndUnescapes(t *testing.T) {
	var got [][]string
	p := &rowParser{ncols: 3, row: func(fields [][]byte) error {
		row := make([]string, len(fields))
		for i, f := range fields {
			if f == nil {
				row[i] = "<NULL>"
			} else {
				row[i] = string(f)
			}
		}
		got = append(got, row)
		return nil
	}}
	// Rows arrive split at arbitrary points.
	data := "a\\tb\\\\c\t\\N\t\n" + "x\\ny\t\\101\\x41\t\\\\N\n"
	for _, chunk := range []string{data[:3], data[3:11], data[11:]} {
		if _, err := p.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	want := [][]string{{"a\tb\\c", "<NULL>", ""}, {"x\ny", "AA", `\N`}}
	if len(got) != 2 || p.rows != 2 {
		t.Fatalf("rows %q", got)
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("row %d field %d = %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
	if _, err := p.Write([]byte("only\ttwo\n")); err == nil {
		t.Error("a row with the wrong number of fields was accepted")
	}
}
