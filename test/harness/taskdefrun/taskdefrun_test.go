package taskdefrun

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// definition is the shape of the module's task definition: an init
// container as root with only CHOWN, and the export after it.
func definition() *ecstypes.TaskDefinition {
	scratch := []ecstypes.MountPoint{{SourceVolume: aws.String("scratch"), ContainerPath: aws.String("/scratch")}}
	return &ecstypes.TaskDefinition{ContainerDefinitions: []ecstypes.ContainerDefinition{
		{
			Name: aws.String("export"), Essential: aws.Bool(true), User: aws.String("1000:1000"),
			Command:                []string{"export"},
			ReadonlyRootFilesystem: aws.Bool(true), MountPoints: scratch,
			DependsOn:       []ecstypes.ContainerDependency{{ContainerName: aws.String("permissions-init"), Condition: ecstypes.ContainerConditionSuccess}},
			LinuxParameters: &ecstypes.LinuxParameters{Capabilities: &ecstypes.KernelCapabilities{Drop: []string{"ALL"}}},
			Environment:     []ecstypes.KeyValuePair{{Name: aws.String("ADVANA_EXPORT_SCRATCH_DIR"), Value: aws.String("/scratch")}},
			Secrets:         []ecstypes.Secret{{Name: aws.String("ADVANA_EXPORT_DB_SECRET"), ValueFrom: aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf")}},
			StopTimeout:     aws.Int32(120),
		},
		{
			Name: aws.String("permissions-init"), Essential: aws.Bool(false), User: aws.String("0"),
			Command:                []string{"prepare-scratch", "--path", "/scratch/sub"},
			ReadonlyRootFilesystem: aws.Bool(true), MountPoints: scratch,
			LinuxParameters: &ecstypes.LinuxParameters{Capabilities: &ecstypes.KernelCapabilities{Drop: []string{
				"AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}}},
		},
	}}
}

func runtime() Runtime {
	return Runtime{
		Entrypoint: "/opt/bin/advana-export",
		Env:        map[string]string{"PATH": "/usr/bin"},
		Volumes:    map[string]string{"scratch": "/host/scratch"},
		Secret: func(_ context.Context, from string) (string, error) {
			return `{"username":"u","password":"p"}`, nil
		},
	}
}

func TestContainersFollowTheDefinition(t *testing.T) {
	cs, err := Containers(context.Background(), definition(), runtime())
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Name != "permissions-init" || cs[1].Name != "export" {
		t.Fatalf("order %v, want permissions-init before export (dependsOn)", cs)
	}
	init, export := cs[0].Sim, cs[1].Sim
	if init.UID != 0 || init.GID != 0 || !reflect.DeepEqual(init.Capabilities, []string{"CHOWN"}) {
		t.Errorf("permissions-init: uid %d gid %d caps %v, want root with CHOWN only", init.UID, init.GID, init.Capabilities)
	}
	if want := []string{"/opt/bin/advana-export", "prepare-scratch", "--path", "/host/scratch/sub"}; !reflect.DeepEqual(init.Args, want) {
		t.Errorf("permissions-init args %v, want %v", init.Args, want)
	}
	if export.UID != 1000 || export.GID != 1000 || len(export.Capabilities) != 0 || export.Capabilities == nil {
		t.Errorf("export: uid %d gid %d caps %#v, want 1000:1000 with no capabilities", export.UID, export.GID, export.Capabilities)
	}
	want := []string{`ADVANA_EXPORT_DB_SECRET={"username":"u","password":"p"}`, "ADVANA_EXPORT_SCRATCH_DIR=/host/scratch", "PATH=/usr/bin"}
	if !reflect.DeepEqual(export.Env, want) {
		t.Errorf("export env %v, want %v", export.Env, want)
	}
	if export.StopTimeout.Seconds() != 120 || !reflect.DeepEqual(export.Volumes, []string{"/host/scratch"}) {
		t.Errorf("export stop timeout %v volumes %v", export.StopTimeout, export.Volumes)
	}
}

func TestContainersRefuseWhatTheSimulationCannotHonour(t *testing.T) {
	cases := map[string]func(td *ecstypes.TaskDefinition, rt *Runtime){
		"writable root": func(td *ecstypes.TaskDefinition, _ *Runtime) {
			td.ContainerDefinitions[0].ReadonlyRootFilesystem = aws.Bool(false)
		},
		"privileged": func(td *ecstypes.TaskDefinition, _ *Runtime) { td.ContainerDefinitions[1].Privileged = aws.Bool(true) },
		"named user": func(td *ecstypes.TaskDefinition, _ *Runtime) { td.ContainerDefinitions[0].User = aws.String("app") },
		"runtime overrides the definition": func(_ *ecstypes.TaskDefinition, rt *Runtime) {
			rt.Env["ADVANA_EXPORT_SCRATCH_DIR"] = "/elsewhere"
		},
		"secret by JSON key": func(td *ecstypes.TaskDefinition, _ *Runtime) {
			td.ContainerDefinitions[0].Secrets[0].ValueFrom = aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::")
		},
		"unknown dependency": func(td *ecstypes.TaskDefinition, _ *Runtime) {
			td.ContainerDefinitions[0].DependsOn[0].ContainerName = aws.String("missing")
		},
		"unbacked volume": func(_ *ecstypes.TaskDefinition, rt *Runtime) { delete(rt.Volumes, "scratch") },
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			td, rt := definition(), runtime()
			breakIt(td, &rt)
			if _, err := Containers(context.Background(), td, rt); err == nil {
				t.Fatal("accepted")
			} else if !strings.Contains(err.Error(), "container ") {
				t.Errorf("error does not name the container: %v", err)
			}
		})
	}
}

// TestContainersRefuseWhatECSCannotFind: a role or an awslogs group the
// definition names that does not exist stops the task before any container
// runs, as ECS does; one that exists, or a group awslogs creates itself, does not.
func TestContainersRefuseWhatECSCannotFind(t *testing.T) {
	const (
		taskRole = "arn:aws:iam::123456789012:role/org/export-task"
		execRole = "arn:aws:iam::123456789012:role/org/export-execution"
		group    = "/org/advana-export"
	)
	withDependencies := func() *ecstypes.TaskDefinition {
		td := definition()
		td.TaskRoleArn, td.ExecutionRoleArn = aws.String(taskRole), aws.String(execRole)
		for i := range td.ContainerDefinitions {
			td.ContainerDefinitions[i].LogConfiguration = &ecstypes.LogConfiguration{
				LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{"awslogs-group": group},
			}
		}
		return td
	}
	missing := func(name string) func(context.Context, Kind, string) error {
		return func(_ context.Context, _ Kind, n string) error {
			if n == name {
				return errors.New("not found")
			}
			return nil
		}
	}
	rt := runtime()
	var asked []string
	rt.Exists = func(_ context.Context, k Kind, n string) error { asked = append(asked, string(k)+" "+n); return nil }
	if _, err := Containers(context.Background(), withDependencies(), rt); err != nil {
		t.Fatalf("everything exists: %v", err)
	}
	if want := []string{"role " + taskRole, "role " + execRole, "log group " + group, "log group " + group}; !reflect.DeepEqual(asked, want) {
		t.Errorf("asked about %v, want %v", asked, want)
	}
	for _, name := range []string{taskRole, execRole, group} {
		rt.Exists = missing(name)
		_, err := Containers(context.Background(), withDependencies(), rt)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s missing: got %v, want an error naming it", name, err)
		}
	}
	td := withDependencies()
	for i := range td.ContainerDefinitions {
		td.ContainerDefinitions[i].LogConfiguration.Options["awslogs-create-group"] = "true"
	}
	rt.Exists = missing(group)
	if _, err := Containers(context.Background(), td, rt); err != nil {
		t.Errorf("awslogs creates its group: %v", err)
	}
}
