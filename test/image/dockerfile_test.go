package image_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/image"
)

const (
	binary = "/usr/local/bin/advana-export"
	// newestPGMajor is the newest PostgreSQL major the module documents; the
	// image's pg_dump must be at least the server's major.
	newestPGMajor = "17"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := image.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

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
	root := repoRoot(t)
	df, err := image.Parse(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	final := df.Final()
	wantUID, wantGID := contractUser(t, root)

	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"final stage has a real base, not distroless or scratch", func(t *testing.T) {
			if strings.Contains(final.Base, "distroless") || final.Base == "scratch" || !strings.HasPrefix(final.Base, "debian:") {
				t.Fatalf("final base %q: want a Debian image (pg_dump's libraries, a root step for permissions-init)", final.Base)
			}
		}},
		{"USER is numeric, non-root and the module's default uid:gid", func(t *testing.T) {
			in, ok := final.Last("user")
			if !ok {
				t.Fatal("no USER in the final stage: the image would run as root")
			}
			user, err := image.Expand(in.Text(), final.Args)
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
		{"the binary is copied from the build stage that compiles it statically", func(t *testing.T) {
			var from string
			for _, c := range final.All("copy") {
				if c.Args[len(c.Args)-1] == binary {
					from, _ = c.Flag("from")
				}
			}
			build := df.Stage(from)
			if build == nil {
				t.Fatalf("no COPY --from=STAGE ... %s from a named stage", binary)
			}
			if _, ok := build.Args["VERSION"]; !ok {
				t.Error("the build stage has no ARG VERSION to stamp the binary with")
			}
			for _, run := range build.All("run") {
				if !strings.Contains(run.Text(), "go build") {
					continue
				}
				for _, w := range []string{"CGO_ENABLED=0", "-trimpath", "-X main.Version=${VERSION}", "./task/cmd/advana-export"} {
					if !strings.Contains(run.Text(), w) {
						t.Errorf("line %d: go build without %q", run.Line, w)
					}
				}
				return
			}
			t.Fatalf("stage %q has no RUN go build", from)
		}},
		{"the PostgreSQL client major is an ARG, from the PGDG repository", func(t *testing.T) {
			if got := final.Args["PG_MAJOR"]; got != newestPGMajor {
				t.Fatalf("ARG PG_MAJOR defaults to %q, want the newest documented major %s", got, newestPGMajor)
			}
			var install, repo bool
			for _, run := range final.All("run") {
				install = install || strings.Contains(run.Text(), "postgresql-client-${PG_MAJOR}")
				repo = repo || regexp.MustCompile(`deb \[signed-by=[^]]+\] https://apt\.postgresql\.org/`).MatchString(run.Text())
			}
			if !install || !repo {
				t.Fatalf("installs postgresql-client-${PG_MAJOR}: %v; signed apt.postgresql.org repository: %v", install, repo)
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
		{"the RDS CA bundle is in the image and libpq uses it", func(t *testing.T) {
			// The module's default sslmode is verify-full: without the bundle
			// every connection to RDS would fail.
			const bundle = "/etc/ssl/certs/rds-ca-bundle.pem"
			if !strings.HasPrefix(final.Args["RDS_CA_BUNDLE_URL"], "https://truststore.pki.rds.amazonaws.com/") {
				t.Errorf("ARG RDS_CA_BUNDLE_URL = %q, want the RDS trust store over https", final.Args["RDS_CA_BUNDLE_URL"])
			}
			added := false
			for _, a := range final.All("add") {
				added = added || (len(a.Args) == 2 && a.Args[0] == "${RDS_CA_BUNDLE_URL}" && a.Args[1] == bundle)
			}
			if !added {
				t.Errorf("no ADD ${RDS_CA_BUNDLE_URL} %s", bundle)
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

// TestDockerignore checks that the build context keeps what the build stage
// compiles: an allow-list that forgot go.sum or task/ breaks the image build,
// which nothing else here would notice.
func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	for _, want := range []string{"!go.mod", "!go.sum", "!task"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore does not re-include %s after excluding everything", strings.TrimPrefix(want, "!"))
		}
	}
}
