package podmanrun_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/podmanrun"
)

// defs has the shape of the module's two containers (modules/export-task/ecs.tf).
const defs = `[
 {"name":"permissions-init","image":"123.dkr.ecr.us-east-1.amazonaws.com/x@sha256:00","essential":false,"user":"0",
  "command":["prepare-scratch","--path","/scratch","--uid","1000","--gid","1000"],
  "readonlyRootFilesystem":true,"privileged":false,
  "mountPoints":[{"sourceVolume":"scratch","containerPath":"/scratch","readOnly":false}],
  "linuxParameters":{"capabilities":{"drop":["AUDIT_WRITE","DAC_OVERRIDE","FOWNER","FSETID","KILL","MKNOD","NET_BIND_SERVICE","NET_RAW","SETFCAP","SETGID","SETPCAP","SETUID","SYS_CHROOT"]}}},
 {"name":"export","image":"123.dkr.ecr.us-east-1.amazonaws.com/x@sha256:00","essential":true,"user":"1000:1000",
  "command":["export"],"readonlyRootFilesystem":true,"stopTimeout":120,
  "mountPoints":[{"sourceVolume":"scratch","containerPath":"/scratch","readOnly":false}],
  "dependsOn":[{"containerName":"permissions-init","condition":"SUCCESS"}],
  "linuxParameters":{"capabilities":{"drop":["ALL"]}},
  "environment":[{"name":"PGSSLMODE","value":"verify-full"},{"name":"AWS_REGION","value":"us-east-1"}],
  "secrets":[{"name":"ADVANA_EXPORT_DB_SECRET","valueFrom":"arn:aws:secretsmanager:us-east-1:1:secret:db"}],
  "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"g"}}}
]`

func parse(t *testing.T) (init, export podmanrun.Command, err error) {
	t.Helper()
	ds, err := podmanrun.ParseDefinitions(defs)
	if err != nil {
		t.Fatal(err)
	}
	o := podmanrun.Options{Image: "localhost/advana-export:test", Volumes: map[string]string{"scratch": "/host/vol"},
		Secrets: map[string]string{"arn:aws:secretsmanager:us-east-1:1:secret:db": `{"password":"s3cret"}`}}
	d, _ := podmanrun.Find(ds, "permissions-init")
	if init, err = podmanrun.Args(d, o); err != nil {
		return init, export, err
	}
	d, _ = podmanrun.Find(ds, "export")
	export, err = podmanrun.Args(d, o)
	return init, export, err
}

func joined(c podmanrun.Command) string { return " " + strings.Join(c.Args, " ") + " " }

func TestArgsFollowTheDefinition(t *testing.T) {
	init, export, err := parse(t)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cmd  podmanrun.Command
		want []string
		not  []string
	}{
		{"permissions-init keeps only CHOWN of Docker's defaults", init,
			[]string{" --user 0 ", " --read-only --read-only-tmpfs=false ", " --cap-drop ALL --cap-add CHOWN ", " --volume /host/vol:/scratch ",
				" localhost/advana-export:test prepare-scratch --path /scratch --uid 1000 --gid 1000 "},
			[]string{"--cap-add SETUID", "--privileged"}},
		{"export: non-root, no capability, stop timeout, environment", export,
			[]string{" --user 1000:1000 ", " --cap-drop ALL ", " --stop-timeout 120 ", " --env AWS_REGION=us-east-1 ",
				" --env PGSSLMODE=verify-full ", " --env ADVANA_EXPORT_DB_SECRET ", " localhost/advana-export:test export "},
			[]string{"--cap-add", "s3cret"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := joined(tc.cmd)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("unexpected %q in%s", n, got)
				}
			}
		})
	}
	if !slices.Equal(export.Env, []string{`ADVANA_EXPORT_DB_SECRET={"password":"s3cret"}`}) {
		t.Errorf("secret environment %q: want the value passed to podman, not its arguments", export.Env)
	}
}

func TestArgsRefuseWhatTheyCannotMap(t *testing.T) {
	ds, err := podmanrun.ParseDefinitions(defs)
	if err != nil {
		t.Fatal(err)
	}
	export, _ := podmanrun.Find(ds, "export")
	secrets := map[string]string{"arn:aws:secretsmanager:us-east-1:1:secret:db": "{}"}
	vols := map[string]string{"scratch": "/v"}
	for _, tc := range []struct {
		name string
		o    podmanrun.Options
		want string
	}{
		{"no host directory for a volume", podmanrun.Options{Secrets: secrets}, `no host directory for volume "scratch"`},
		{"no value for a secret", podmanrun.Options{Volumes: vols}, "no value for arn:aws:secretsmanager"},
		{"silent override of the module's value", podmanrun.Options{Volumes: vols, Secrets: secrets,
			Env: map[string]string{"PGSSLMODE": "disable"}}, "list it as an override"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := podmanrun.Args(export, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	c, err := podmanrun.Args(export, podmanrun.Options{Volumes: vols, Secrets: secrets,
		Env: map[string]string{"PGSSLMODE": "disable"}, Override: []string{"PGSSLMODE"}})
	if err != nil || !strings.Contains(joined(c), " --env PGSSLMODE=disable ") {
		t.Fatalf("a listed override: %v %q", err, c.Args)
	}
	withUlimits, err := podmanrun.ParseDefinitions(`[{"name":"x","image":"i","ulimits":[{"name":"nofile","softLimit":1,"hardLimit":1}]}]`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := podmanrun.Args(withUlimits[0], podmanrun.Options{}); err == nil || !strings.Contains(err.Error(), "ulimits") {
		t.Fatalf("ulimits: err %v, want refused", err)
	}
	if _, err := podmanrun.Find(ds, "nope"); err == nil {
		t.Fatal("Find of a missing container succeeded")
	}
}
