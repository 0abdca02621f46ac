package test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

const modulePath = "github.com/advana-export/terraform-aws-advana-export/"

// layoutRow is one row of the README's Layout table.
type layoutRow struct {
	Path string // "task/", "test/harness/", ".ci/run"; "" for the root's *.tf
	// MayImport lists the path prefixes the row's Go packages may import
	// (besides their own row); Anything lifts the limit.
	MayImport []string
	Anything  bool
}

var backticked = regexp.MustCompile("`([^`]+)`")

// readLayout parses the README's Layout table.
func readLayout(t *testing.T) []layoutRow {
	t.Helper()
	readme := string(readFile(t, filepath.Join(testenv.RepoRoot(t), "README.md")))
	_, section, ok := strings.Cut(readme, "\n## Layout\n")
	require.True(t, ok, "README.md has no ## Layout section")
	section, _, _ = strings.Cut(section, "\n## ")
	var rows []layoutRow
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") && !strings.HasPrefix(line, "| *") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		require.Len(t, cells, 4, "Layout row %q: want Path | What | Who | May import", line)
		path := strings.TrimSpace(cells[0])
		var row layoutRow
		if path != "`*.tf` (root)" {
			m := backticked.FindStringSubmatch(path)
			require.NotNil(t, m, "Layout row %q: the path must be in backticks", line)
			row.Path = m[1]
		}
		imports := cells[3]
		row.Anything = strings.TrimSpace(imports) == "anything"
		for _, m := range backticked.FindAllStringSubmatch(imports, -1) {
			row.MayImport = append(row.MayImport, m[1])
		}
		rows = append(rows, row)
	}
	require.NotEmpty(t, rows, "README.md's Layout section has no table rows")
	return rows
}

// TestLayout: the README's Layout table names every top-level folder and
// every folder of test/, and every path it names exists.
func TestLayout(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	rows := readLayout(t)
	named := map[string]bool{}
	for _, r := range rows {
		if r.Path == "" {
			continue
		}
		named[r.Path] = true
		_, err := os.Stat(filepath.Join(root, r.Path))
		assert.NoError(t, err, "README Layout names %s, which is not in the tree", r.Path)
	}
	// What git ignores (build output, caches) is not part of the layout.
	ignored := map[string]bool{".git": true, "bin": true, "dist": true, ".terraform": true, "node_modules": true, "out": true}
	dirs := func(rel string) []string {
		entries, err := os.ReadDir(filepath.Join(root, rel))
		require.NoError(t, err)
		var out []string
		for _, e := range entries {
			if e.IsDir() && !ignored[e.Name()] {
				out = append(out, filepath.ToSlash(filepath.Join(rel, e.Name()))+"/")
			}
		}
		return out
	}
	for _, d := range append(dirs("."), dirs("test")...) {
		if d == ".ci/" {
			assert.True(t, named[".ci/run"], "README Layout has no row for .ci/run")
			continue
		}
		if d == "test/" {
			continue
		}
		assert.True(t, named[d], "folder %s is not in README.md's Layout table: add a row (what it holds, who uses it, what it may import)", d)
	}
}

// TestImportBoundaries: each Go package imports only what its Layout row
// allows, and the test harness is imported only by test code.
func TestImportBoundaries(t *testing.T) {
	t.Parallel()
	rows := readLayout(t)
	cmd := exec.Command("go", "list", "-json=ImportPath,Dir,Imports,TestImports,XTestImports", "./...")
	cmd.Dir = testenv.RepoRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", stderr.String())
	rowOf := func(pkg string) layoutRow {
		best := layoutRow{Path: "-"}
		for _, r := range rows {
			if strings.HasSuffix(r.Path, "/") && strings.HasPrefix(pkg+"/", r.Path) && len(r.Path) > len(best.Path) {
				best = r
			}
		}
		return best
	}
	allowed := func(row layoutRow, dep string) bool {
		if row.Anything || strings.HasPrefix(dep+"/", row.Path) {
			return true
		}
		return slices.ContainsFunc(row.MayImport, func(p string) bool {
			return strings.HasPrefix(dep+"/", strings.TrimSuffix(p, "/")+"/")
		})
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	checked := 0
	for {
		var p struct {
			ImportPath, Dir                    string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		pkg := strings.TrimPrefix(p.ImportPath, modulePath)
		row := rowOf(pkg)
		require.NotEqual(t, "-", row.Path, "package %s is in no README Layout row", pkg)
		checked++
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, modulePath)
			if !ok {
				continue
			}
			assert.True(t, allowed(row, dep), "%s imports %s: its Layout row (%s) allows %v", pkg, dep, row.Path, row.MayImport)
			if strings.HasPrefix(dep, "test/") {
				assert.True(t, strings.HasPrefix(pkg, "test/"), "%s (not test code) imports the test harness %s", pkg, dep)
			}
		}
		// Test files may also use the harness; nothing else of test/.
		for _, imp := range append(p.TestImports, p.XTestImports...) {
			dep, ok := strings.CutPrefix(imp, modulePath)
			if !ok || strings.HasPrefix(dep, "test/harness/") {
				continue
			}
			assert.True(t, allowed(row, dep), "%s's tests import %s: its Layout row (%s) allows %v and test/harness/", pkg, dep, row.Path, row.MayImport)
		}
	}
	assert.Greater(t, checked, 20, "go list listed too few packages")
}
