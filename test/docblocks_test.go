package test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

// docsWithCommands are the documents whose shell and HCL blocks must each say
// how they are run: `<!-- test: TestName ... -->` right above the block (that
// test runs or plans it), or `<!-- not run: reason -->` when it cannot run
// here (a real AWS account, Docker). Moved documents that other work owns
// (docs/review.md, docs/image.md) are not listed yet.
var docsWithCommands = []string{"README.md", "docs/operating.md", "docs/task.md", "docs/UPGRADE.md"}

// docBlock is one fenced block of a document.
type docBlock struct {
	File, Lang, Marker, Body string
	Line                     int
}

var (
	fenceOpen  = regexp.MustCompile("^```([A-Za-z0-9_-]*)\\s*$")
	markerLine = regexp.MustCompile(`^<!--\s*(test|not run):\s*(.+?)\s*-->$`)
	testName   = regexp.MustCompile(`^(Test[A-Za-z0-9_]+)`)
)

// docBlocks returns the fenced blocks of a document (path relative to the
// repository), each with the marker comment right above it, if any.
func docBlocks(t *testing.T, rel string) []docBlock {
	t.Helper()
	f, err := os.Open(filepath.Join(testenv.RepoRoot(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []docBlock
	var cur *docBlock
	prev := ""
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		if cur != nil {
			if strings.TrimSpace(line) == "```" {
				blocks = append(blocks, *cur)
				cur, prev = nil, ""
				continue
			}
			cur.Body += line + "\n"
			continue
		}
		if m := fenceOpen.FindStringSubmatch(line); m != nil {
			cur = &docBlock{File: rel, Lang: m[1], Line: n}
			if mm := markerLine.FindStringSubmatch(prev); mm != nil {
				cur.Marker = mm[1] + ": " + mm[2]
			}
			continue
		}
		if strings.TrimSpace(line) != "" {
			prev = strings.TrimSpace(line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// blocksRunBy returns the blocks of rel whose marker names test.
func blocksRunBy(t *testing.T, rel, test string) []docBlock {
	t.Helper()
	var out []docBlock
	for _, b := range docBlocks(t, rel) {
		if strings.HasPrefix(b.Marker, "test: "+test+" ") || b.Marker == "test: "+test {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no block marked <!-- test: %s -->", rel, test)
	}
	return out
}

// TestDocCommandsSayHowTheyRun fails on a shell or HCL block that claims
// nothing: each is run by a named test (which must exist) or says why it
// cannot run here.
func TestDocCommandsSayHowTheyRun(t *testing.T) {
	t.Parallel()
	sources := testSources(t)
	for _, doc := range docsWithCommands {
		for _, b := range docBlocks(t, doc) {
			switch b.Lang {
			case "sh", "bash", "shell", "console", "hcl", "terraform":
			default:
				continue // output, diagrams, layouts
			}
			where := b.File + ":" + strconv.Itoa(b.Line)
			if !assert.NotEmpty(t, b.Marker, "%s: a %s block without <!-- test: TestName --> or <!-- not run: reason -->", where, b.Lang) {
				continue
			}
			if name, ok := strings.CutPrefix(b.Marker, "test: "); ok {
				if m := testName.FindStringSubmatch(name); m != nil {
					assert.True(t, strings.Contains(sources, "func "+m[1]+"("), "%s names %s, which no test defines", where, m[1])
				}
			}
		}
	}
}

// testSources is every Go test file of the repository, concatenated.
func testSources(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(testenv.RepoRoot(t), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".terraform" || d.Name() == "bin" || strings.HasPrefix(d.Name(), ".git")) {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			b.Write(src)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
