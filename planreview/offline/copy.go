package offline

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CopyTerraform copies every Terraform file (*.tf, *.tfvars, *.tfvars.json, *.tftest.hcl)
// under src to dst, keeping relative paths and skipping .terraform and .git,
// so a plan never writes into the working tree and parallel plans never share
// a .terraform directory.
func CopyTerraform(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != src && (name == ".terraform" || name == ".git" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".tf") && !strings.HasSuffix(name, ".tfvars") && !strings.HasSuffix(name, ".tfvars.json") && !strings.HasSuffix(name, ".tftest.hcl") {
			return nil
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("copy terraform files: %w", err)
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("copy terraform files: %w", err)
		}
		return os.WriteFile(target, b, 0o644)
	})
}
