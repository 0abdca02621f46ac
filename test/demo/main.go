// Command demo is `make demo`: it starts a throwaway PostgreSQL with the
// sample database and moto as the local S3, runs advana-export against them,
// prints the manifest, restores the export into a fresh database with
// pg_restore and prints every table's row count side by side. It stops both
// servers and removes its files on the way out, whatever happens.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/exportcheck"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/sampledb"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

func main() {
	binary := flag.String("binary", "bin/advana-export", "the advana-export binary to run")
	scale := flag.Float64("scale", 3, "sample database scale (1 ≈ 16 MB on disk)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *binary, *scale); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

const (
	database = "milmove"
	bucket   = "advana-export-demo"
)

func run(ctx context.Context, binary string, scale float64) error {
	binary, err := filepath.Abs(binary)
	if err != nil {
		return err
	}
	step("starting PostgreSQL 15 and moto (the local S3)")
	pg, err := testenv.StartPostgres(ctx)
	if err != nil {
		return err
	}
	defer pg.Stop()
	moto, err := testenv.StartMoto(ctx)
	if err != nil {
		return err
	}
	defer moto.Stop()

	step(fmt.Sprintf("loading the sample database %q (scale %v)", database, scale))
	if err := pg.CreateDatabase(ctx, database); err != nil {
		return err
	}
	if err := sampledb.Load(ctx, pg, database, scale); err != nil {
		return err
	}
	size, err := pg.Query(ctx, database, "select pg_size_pretty(pg_database_size(current_database()))")
	if err != nil {
		return err
	}
	fmt.Printf("  %s on disk, tables: %s\n", size, strings.Join(sampledb.Tables, ", "))

	step("creating a KMS key and a versioned, SSE-KMS bucket in moto")
	keyARN, err := moto.ExportTarget(ctx, bucket)
	if err != nil {
		return err
	}

	step("running advana-export (its JSON log follows)")
	cmd := exec.CommandContext(ctx, binary, "export")
	cmd.Env = append(append(os.Environ(), moto.Env()...), pg.Env(database)...)
	cmd.Env = append(cmd.Env,
		"ADVANA_EXPORT_BUCKET="+bucket, "ADVANA_EXPORT_KMS_KEY_ID="+keyARN,
		"ADVANA_EXPORT_S3_FORCE_PATH_STYLE=true", "ADVANA_EXPORT_PG_BIN_DIR="+pg.BinDir,
		"ADVANA_EXPORT_PROGRESS_INTERVAL=500ms")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("advana-export: %w", err)
	}

	s3c := moto.S3Client()
	key, m, raw, err := findManifest(ctx, s3c)
	if err != nil {
		return err
	}
	step("manifest s3://" + bucket + "/" + key)
	fmt.Print(string(raw))

	step("downloading every object, checking its SHA-256 against the manifest")
	dir, err := os.MkdirTemp("", "advana-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, o := range m.Objects {
		if err := downloadChecked(ctx, s3c, o, dir); err != nil {
			return err
		}
		fmt.Printf("  %s: %d bytes, sha256 %s matches\n", o.Path, o.Size, o.SHA256)
	}

	step("restoring into a fresh database with the manifest's restore_command:\n    " + m.RestoreCommand)
	target := database + "_restored"
	if err := exportcheck.Restore(ctx, pg, m, dir, target); err != nil {
		return err
	}
	return compare(ctx, pg, target)
}

func findManifest(ctx context.Context, c *s3.Client) (string, *manifest.Manifest, []byte, error) {
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		return "", nil, nil, fmt.Errorf("list bucket: %w", err)
	}
	for _, o := range out.Contents {
		k := aws.ToString(o.Key)
		if !strings.HasSuffix(k, "/"+manifest.FileName) {
			continue
		}
		raw, err := get(ctx, c, k)
		if err != nil {
			return "", nil, nil, err
		}
		m, err := manifest.Parse(raw)
		return k, m, raw, err
	}
	return "", nil, nil, fmt.Errorf("no manifest in s3://%s", bucket)
}

func get(ctx context.Context, c *s3.Client, key string) ([]byte, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func downloadChecked(ctx context.Context, c *s3.Client, o manifest.Object, dir string) error {
	b, err := get(ctx, c, o.Key)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != o.SHA256 || int64(len(b)) != o.Size {
		return fmt.Errorf("%s: sha256 %s size %d, manifest says %s size %d", o.Key, got, len(b), o.SHA256, o.Size)
	}
	p := filepath.Join(dir, filepath.FromSlash(o.Path))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o600)
}

// compare prints row counts and content hashes of source and restore side
// by side, and fails if any table differs.
func compare(ctx context.Context, pg *testenv.Postgres, target string) error {
	src, err := pg.Query(ctx, database, sampledb.RowCountsSQL())
	if err != nil {
		return err
	}
	dst, err := pg.Query(ctx, target, sampledb.RowCountsSQL())
	if err != nil {
		return err
	}
	step("row counts, source vs restored (md5 over every row)")
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "  TABLE\tSOURCE ROWS\tRESTORED ROWS\tCONTENT")
	srcLines, dstLines := strings.Split(src, "\n"), strings.Split(dst, "\n")
	bad := 0
	for i, l := range srcLines {
		s := strings.Split(l, "|")
		d := []string{"", "missing", ""}
		if i < len(dstLines) {
			d = strings.Split(dstLines[i], "|")
		}
		verdict := "identical"
		if l != dstLines[i] {
			verdict, bad = "DIFFERENT", bad+1
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\n", s[0], s[1], d[1], verdict)
	}
	w.Flush()
	if bad > 0 {
		return fmt.Errorf("%d tables differ after restore", bad)
	}
	fmt.Println("\ndemo complete: the export restored to an identical database; servers stopped, files removed.")
	return nil
}

func step(s string) { fmt.Printf("\n==> %s\n", s) }
