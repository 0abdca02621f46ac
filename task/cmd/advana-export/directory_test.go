package main

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/fargatesim"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

func TestDirectoryFormatRoundTrip(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	scratchDir := t.TempDir()
	r := runBinary(t, invocation{env: baseEnv(bucket, keyARN, moto.Endpoint),
		args: []string{"--format", "directory", "--jobs", "2", "--scratch-dir", scratchDir}})
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	_, m := findManifest(t, bucket)
	if m.Format != "directory" || len(m.Objects) < len(sampledbTables())+1 {
		t.Fatalf("manifest: format %s, %d objects; want toc.dat and a file per table", m.Format, len(m.Objects))
	}
	var paths []string
	for _, o := range m.Objects {
		paths = append(paths, o.Path)
	}
	if !sort.StringsAreSorted(paths) || paths[len(paths)-1] != "sample.dir/toc.dat" {
		t.Errorf("objects %v: want sorted, ending with sample.dir/toc.dat", paths)
	}
	if !strings.Contains(m.RestoreCommand, "--single-transaction sample.dir") {
		t.Errorf("restore command %q", m.RestoreCommand)
	}
	if left, _ := os.ReadDir(scratchDir); len(left) != 0 {
		t.Errorf("scratch not cleaned: %v", left)
	}
	restoreAndCompare(t, bucket, m)

	// The partner's restore rebuilds the folder from the objects' paths;
	// --jobs 2 restores in parallel when one transaction is given up.
	key, _ := findManifest(t, bucket)
	target := "dir_partner_" + testenv.UniqueID()
	if err := pg.CreateDatabase(context.Background(), target); err != nil {
		t.Fatal(err)
	}
	if r := runPartner(t, map[string]string{"TARGET_DATABASE_URL": targetURL(target)}, "restore", "s3://"+bucket+"/"+key, "--jobs", "2", "--single-transaction=false"); r.code != 0 {
		t.Fatalf("restore of a directory-format run: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	compareTables(t, sampleDB, target)
}

func TestDirectoryFormatNeedsSpace(t *testing.T) {
	t.Parallel()
	bucket, keyARN := newTarget(t)
	small := t.TempDir()
	// A 1 MiB tmpfs as the scratch volume, mounted in a mount namespace of the
	// run's own so that no other test (the Fargate simulation lists the
	// host's mounts) ever sees it.
	wrap := []string{"unshare", "--mount", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs -o size=1m tmpfs "$SCRATCH" && exec "$@"`, "sh"}
	env := baseEnv(bucket, keyARN, moto.Endpoint)
	env["SCRATCH"] = small
	r := runBinary(t, invocation{env: env, wrap: wrap,
		args: []string{"--format", "directory", "--jobs", "2", "--scratch-dir", small}})
	if r.code != 2 {
		t.Fatalf("exit %d, want 2:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if msg := logEvents(t, r.stdout)["export_failed"]["error"].(string); !strings.Contains(msg, "ephemeral_storage_gib") {
		t.Errorf("the error does not name the fix: %s", msg)
	}
	assertNothingLeft(t, bucket)
}

// The Fargate contract, simulated with namespaces: a root-owned 0755 scratch
// volume, a read-only root filesystem, the export running as uid 1000.
func TestPermissionsInitContract(t *testing.T) {
	t.Parallel()
	fargatesim.RequireT(t)
	ctx := context.Background()
	bucket, keyARN := newTarget(t)
	bin := fargatesim.InstallExecutable(t, binary)
	vol := fargatesim.NewScratch(t)
	env := []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range baseEnv(bucket, keyARN, moto.Endpoint) {
		env = append(env, k+"="+v)
	}
	env = append(env, "ADVANA_EXPORT_SCRATCH_DIR="+vol, "ADVANA_EXPORT_FORMAT=directory", "ADVANA_EXPORT_JOBS=2")
	export := fargatesim.Container{Args: []string{bin, "export"}, Env: env, UID: 1000, GID: 1000, Volumes: []string{vol}}

	// 1. Without permissions-init the export user cannot write the volume.
	res := fargatesim.RunT(t, ctx, export)
	if res.ExitCode != 2 || !strings.Contains(res.Stdout, "is not writable by uid 1000: did permissions-init run?") {
		t.Fatalf("before prepare-scratch: exit %d, want 2 and the permissions-init message:\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	assertNothingLeft(t, bucket)

	// 2. permissions-init: root, only CAP_CHOWN, read-only root filesystem.
	res = fargatesim.RunT(t, ctx, fargatesim.Container{
		Args: []string{bin, "prepare-scratch", "--path", vol, "--uid", "1000", "--gid", "1000"},
		Env:  []string{"PATH=/usr/bin:/bin"}, UID: 0, GID: 0, Capabilities: []string{"CHOWN"}, Volumes: []string{vol}})
	if res.ExitCode != 0 || !strings.Contains(res.Stdout, `"event":"scratch_prepared"`) {
		t.Fatalf("prepare-scratch: exit %d:\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}

	// 3. The export, as uid 1000, now succeeds and restores with pg_restore -j 2.
	res = fargatesim.RunT(t, ctx, export)
	if res.ExitCode != 0 {
		t.Fatalf("export after prepare-scratch: exit %d:\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	if strings.Contains(res.Stdout+res.Stderr, exporterPassword) {
		t.Fatal("password in the output")
	}
	_, m := findManifest(t, bucket)
	restoreAndCompare(t, bucket, m)

	// Nothing stays on the volume; the root filesystem was read-only all along.
	if left, _ := os.ReadDir(vol); len(left) != 0 {
		t.Errorf("the run left files on the scratch volume: %v", left)
	}
}
