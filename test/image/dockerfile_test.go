package imagetest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/dockerfile"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/testenv"
)

const (
	binary = "/usr/local/bin/advana-export"
	// newestPGMajor is the newest PostgreSQL major the module documents; the
	// image's pg_dump must be at least the server's major.
	newestPGMajor = "17"
)

// contractUser reads the export user's uid:gid from docs/contract.md, the
// one place the module's container_uid/container_gid defaults are written.
func contractUser(t *testing.T, root string) (uid, gid int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docs", "contract.md"))
	if err != nil {
		t.Fatalf("read the task/module contract: %v", err)
	}
	m := regexp.MustCompile("non-root user uid:gid `(\\d+):(\\d+)`").FindSubmatch(b)
	if m == nil {
		t.Fatal("docs/contract.md no longer says \"non-root user uid:gid `UID:GID`\": update this test with the contract")
	}
	uid, _ = strconv.Atoi(string(m[1]))
	gid, _ = strconv.Atoi(string(m[2]))
	return uid, gid
}

// TestDockerfile asserts, without building the image, what the task
// definition and the permissions-init design rely on.
func TestDockerfile(t *testing.T) {
	root := testenv.RepoRoot(t)
	df, err := dockerfile.Parse(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	final := df.Final()
	wantUID, wantGID := contractUser(t, root)

	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"one stage, a Debian base pinned by digest through a build arg", func(t *testing.T) {
			// The Dockerfile fetches nothing but Debian: no Go image, no
			// other stage (the binary comes from make dist).
			if len(df.Stages) != 1 {
				t.Fatalf("%d stages: want one, on Debian", len(df.Stages))
			}
			if b, _ := os.ReadFile(filepath.Join(root, "Dockerfile")); regexp.MustCompile(`(?mi)^#\s*syntax\s*=`).Match(b) {
				t.Fatal("a # syntax= directive makes BuildKit pull a frontend image: the build would fetch more than Debian")
			}
			if _, ok := df.GlobalArgs["BASE_IMAGE"]; !ok {
				t.Fatal("no global ARG BASE_IMAGE: the base must be a build argument (make image-podman passes its own)")
			}
			if !regexp.MustCompile(`^debian:[a-z]+-slim@sha256:[0-9a-f]{64}$`).MatchString(final.Base) {
				t.Fatalf("final base %q: want debian:SUITE-slim@sha256:DIGEST (pg_dump's libraries, a root step for permissions-init, pinned)", final.Base)
			}
		}},
		{"USER is numeric, non-root and the module's default uid:gid", func(t *testing.T) {
			in, ok := final.Last("user")
			if !ok {
				t.Fatal("no USER in the final stage: the image would run as root")
			}
			user, err := dockerfile.Expand(in.Text(), final.Args)
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`^(\d+):(\d+)$`).FindStringSubmatch(user)
			if m == nil {
				t.Fatalf("USER %q resolves to %q: want numeric uid:gid (a name says nothing about the uid the volume is handed to)", in.Text(), user)
			}
			uid, _ := strconv.Atoi(m[1])
			gid, _ := strconv.Atoi(m[2])
			if uid == 0 {
				t.Fatalf("USER resolves to uid 0")
			}
			if uid != wantUID || gid != wantGID {
				t.Fatalf("USER resolves to %d:%d, the module's default is %d:%d", uid, gid, wantUID, wantGID)
			}
		}},
		{"the user is created with the ids USER names", func(t *testing.T) {
			in, _ := final.Last("user")
			uidVar, gidVar, _ := strings.Cut(in.Text(), ":")
			for _, run := range final.All("run") {
				if strings.Contains(run.Text(), "useradd") {
					for _, w := range []string{"--uid \"" + uidVar + "\"", "--gid \"" + gidVar + "\""} {
						if !strings.Contains(run.Text(), w) {
							t.Errorf("line %d: useradd does not use %s", run.Line, w)
						}
					}
					return
				}
			}
			t.Fatal("no RUN creates the user with useradd")
		}},
		{"ENTRYPOINT is the binary, CMD the export", func(t *testing.T) {
			ep, ok := final.Last("entrypoint")
			if !ok || !ep.JSON || !slices.Equal(ep.Args, []string{binary}) {
				t.Fatalf("ENTRYPOINT %q (exec form %v): want [%q]", ep.Args, ep.JSON, binary)
			}
			cmd, ok := final.Last("cmd")
			if !ok || !cmd.JSON || !slices.Equal(cmd.Args, []string{"export"}) {
				t.Fatalf("CMD %q: want [\"export\"] (the module's permissions-init overrides it)", cmd.Args)
			}
		}},
		{"the binary is make dist's static, version-stamped cross-compile", func(t *testing.T) {
			var src string
			for _, c := range final.All("copy") {
				if c.Args[len(c.Args)-1] == binary {
					src = c.Args[0]
					if _, ok := c.Flag("from"); ok {
						t.Fatalf("line %d: the binary comes from another stage; want the build context's dist/", c.Line)
					}
				}
			}
			if src != "dist/linux-${TARGETARCH}/advana-export" {
				t.Fatalf("COPY %q %s: want dist/linux-${TARGETARCH}/advana-export", src, binary)
			}
			mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
			if err != nil {
				t.Fatal(err)
			}
			recipe := regexp.MustCompile(`(?m)^dist:.*\n\t(.*)$`).FindSubmatch(mk)
			if recipe == nil {
				t.Fatal("the Makefile has no dist target")
			}
			for _, w := range []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=$(ARCH)", "-trimpath", `-ldflags "$(LDFLAGS)"`, "-o $(DIST)", "./task/cmd/advana-export"} {
				if !strings.Contains(string(recipe[1]), w) {
					t.Errorf("make dist: %q lacks %q", recipe[1], w)
				}
			}
			for _, w := range []string{"LDFLAGS := -s -w -X main.Version=$(VERSION)", "DIST := dist/linux-$(ARCH)/advana-export"} {
				if !strings.Contains(string(mk), w) {
					t.Errorf("the Makefile no longer says %q", w)
				}
			}
		}},
		{"the PostgreSQL client major is an ARG, from Debian's archive only", func(t *testing.T) {
			if got := final.Args["PG_MAJOR"]; got != newestPGMajor {
				t.Fatalf("ARG PG_MAJOR defaults to %q, want the newest documented major %s", got, newestPGMajor)
			}
			install, zstd := false, false
			for _, run := range final.All("run") {
				install = install || strings.Contains(run.Text(), "postgresql-client-${PG_MAJOR}")
				// The default export compresses with the zstd program
				// (task/compress); without it, it falls back to a slower encoder.
				zstd = zstd || regexp.MustCompile(`apt-get install[^;]*\szstd\b`).MatchString(run.Text())
				if regexp.MustCompile(`https?://|\bcurl\b|\bwget\b|sources\.list|gpg`).MatchString(run.Text()) {
					t.Errorf("line %d fetches from outside Debian's archive or adds a repository: %s", run.Line, run.Text())
				}
			}
			for _, a := range final.All("add") {
				t.Errorf("line %d: ADD %v (use COPY of a file in the repository)", a.Line, a.Args)
			}
			if !install {
				t.Fatal("no RUN installs postgresql-client-${PG_MAJOR}")
			}
			if !zstd {
				t.Fatal("no RUN installs zstd: the default export compresses with the zstd program (task/compress)")
			}
		}},
		{"pg_dump on PATH is the client major's own", func(t *testing.T) {
			for _, in := range final.All("env") {
				kv, err := final.KeyValues(in)
				if err != nil {
					t.Fatal(err)
				}
				if p, ok := kv["PATH"]; ok {
					if want := "/usr/lib/postgresql/" + newestPGMajor + "/bin:"; !strings.HasPrefix(p, want) {
						t.Fatalf("PATH %q does not start with %s", p, want)
					}
					return
				}
			}
			t.Fatal("no ENV PATH puts /usr/lib/postgresql/${PG_MAJOR}/bin first")
		}},
		{"the RDS CA bundle is the repository's file, checked against its SHA-256, and libpq uses it", func(t *testing.T) {
			// The module's default sslmode is verify-full: without the bundle
			// every connection to RDS would fail.
			const bundle = "/etc/ssl/certs/rds-ca-bundle.pem"
			file, pinned := final.Args["RDS_CA_BUNDLE"], final.Args["RDS_CA_BUNDLE_SHA256"]
			b, err := os.ReadFile(filepath.Join(root, file))
			if err != nil {
				t.Fatalf("ARG RDS_CA_BUNDLE=%q: %v", file, err)
			}
			if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != pinned {
				t.Errorf("ARG RDS_CA_BUNDLE_SHA256=%s, %s has %x: run make rds-ca-bundle or fix the file", pinned, file, sum)
			}
			copied, checked := false, false
			for _, c := range final.All("copy") {
				copied = copied || (len(c.Args) == 2 && c.Args[0] == "${RDS_CA_BUNDLE}" && c.Args[1] == bundle)
			}
			for _, r := range final.All("run") {
				checked = checked || (strings.Contains(r.Text(), "${RDS_CA_BUNDLE_SHA256}  "+bundle) && strings.Contains(r.Text(), "sha256sum -c"))
			}
			if !copied || !checked {
				t.Errorf("COPY ${RDS_CA_BUNDLE} %s: %v; RUN sha256sum -c against ${RDS_CA_BUNDLE_SHA256}: %v", bundle, copied, checked)
			}
			for _, in := range final.All("env") {
				kv, err := final.KeyValues(in)
				if err != nil {
					t.Fatal(err)
				}
				if kv["PGSSLROOTCERT"] == bundle {
					return
				}
			}
			t.Errorf("ENV PGSSLROOTCERT is not %s", bundle)
		}},
		{"the binary runs the Go Cryptographic Module in FIPS 140-3 mode, and the label says which", func(t *testing.T) {
			// make dist builds with GOFIPS140 (its default the module the
			// label names); the image turns FIPS 140-3 mode on (docs/govcloud.md).
			mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`(?m)^GOFIPS140 \?= (v[0-9.]+)$`).FindSubmatch(mk)
			if m == nil {
				t.Fatal("the Makefile sets no GOFIPS140 ?= vX.Y.Z default for make dist")
			}
			recipe := regexp.MustCompile(`(?m)^dist:.*\n\t(.*)$`).FindSubmatch(mk)
			if recipe == nil || !strings.Contains(string(recipe[1]), "GOFIPS140=$(GOFIPS140)") {
				t.Errorf("make dist does not build with GOFIPS140=$(GOFIPS140)")
			}
			godebug, label := "", ""
			for _, kind := range []string{"env", "label"} {
				for _, in := range final.All(kind) {
					kv, err := final.KeyValues(in)
					if err != nil {
						t.Fatal(err)
					}
					if v, ok := kv["GODEBUG"]; ok {
						godebug = v
					}
					if v, ok := kv["io.github.advana-export.fips140-module"]; ok {
						label = v
					}
				}
			}
			if !strings.Contains(godebug, "fips140=on") {
				t.Errorf("ENV GODEBUG=%q: want fips140=on", godebug)
			}
			if label != string(m[1]) {
				t.Errorf("LABEL io.github.advana-export.fips140-module=%q, make dist builds GOFIPS140=%s", label, m[1])
			}
		}},
		{"VOLUME includes /scratch", func(t *testing.T) {
			for _, v := range final.All("volume") {
				if slices.Contains(v.Args, "/scratch") {
					return
				}
			}
			t.Fatal("no VOLUME /scratch")
		}},
		{"OCI labels", func(t *testing.T) {
			labels := map[string]string{}
			for _, in := range final.All("label") {
				kv, err := final.KeyValues(in)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range kv {
					labels[k] = v
				}
			}
			for _, k := range []string{"source", "version", "description"} {
				if labels["org.opencontainers.image."+k] == "" {
					t.Errorf("no org.opencontainers.image.%s label", k)
				}
			}
			if v := labels["org.opencontainers.image.version"]; v != final.Args["VERSION"] {
				t.Errorf("version label %q, want the VERSION build arg (default %q)", v, final.Args["VERSION"])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

// TestDockerignore checks that the build context keeps what the image copies:
// an allow-list that forgot the binary or the CA bundle breaks the build.
func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for _, want := range []string{"!dist/linux-*/advana-export", "!task/image/*.pem"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore does not re-include %s after excluding everything", strings.TrimPrefix(want, "!"))
		}
	}
}
