// Package ecstask runs the containers of an ECS task definition, as read
// back from the ECS API, in the Fargate simulation (test/harness/fargatesim): each
// container with its own command, user, capabilities, environment, secrets,
// volumes and stop timeout, in the order its dependsOn conditions give. It is
// how the test suite proves that the task definition the module produces,
// not one a test wrote by hand, runs the export.
//
// What ECS and the image add to a definition comes from Runtime: the image's
// entrypoint (a binary built from this tree), the image's and the platform's
// environment (PATH, PGSSLROOTCERT, credentials, the emulator's endpoint), the
// volumes' host folders and the secret store. Runtime may not set a variable
// the definition sets: a test must never be able to mend a wrong definition.
package taskdefrun

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/containerdef"
	"github.com/advana-export/terraform-aws-advana-export/test/harness/fargatesim"
)

// Runtime is what the platform and the image supply around a task definition.
type Runtime struct {
	// Entrypoint is the image's ENTRYPOINT, as an absolute path on this host
	// that every uid can execute (fargatesim.InstallExecutable).
	Entrypoint string
	// ImageUser is the image's USER ("uid:gid"), for containers without one.
	ImageUser string
	// Env is what the image and the platform add to every container.
	Env map[string]string
	// Volumes maps a task volume's name to the host folder that backs it.
	Volumes map[string]string
	// Secret returns the value of a Secrets Manager secret, as ECS does for
	// a container's `secrets` (valueFrom is the secret's ARN).
	Secret func(ctx context.Context, valueFrom string) (string, error)
	// Exists, when set, says whether what ECS needs before it starts the
	// task exists: the task's and execution's roles (KindRole, by ARN) and
	// each container's awslogs group (KindLogGroup, by name). ECS stops a
	// task whose role it cannot pass or whose log group is missing; so does
	// Containers. A module that takes these from its caller must still name
	// ones that exist.
	Exists func(ctx context.Context, kind Kind, name string) error
}

// Kind is a kind of resource a task definition names and ECS needs.
type Kind string

const (
	KindRole     Kind = "role"
	KindLogGroup Kind = "log group"
)

// Container is one container of the definition, mapped to this machine.
type Container struct {
	Name      string
	Essential bool
	// DependsOn maps a container's name to the condition it must reach.
	DependsOn map[string]ecstypes.ContainerCondition
	Sim       fargatesim.Container
}

// Run is what one container did.
type Run struct {
	Name   string
	Result fargatesim.Result
}

// Containers maps every container of td to a fargatesim.Container, in an
// order that satisfies every dependsOn. It refuses what the simulation cannot
// honour (a writable root filesystem, privileged mode, named users, secrets
// by JSON key), so nothing is silently ignored.
func Containers(ctx context.Context, td *ecstypes.TaskDefinition, rt Runtime) ([]Container, error) {
	if err := exists(ctx, rt, KindRole, "task role", deref(td.TaskRoleArn)); err != nil {
		return nil, err
	}
	if err := exists(ctx, rt, KindRole, "execution role", deref(td.ExecutionRoleArn)); err != nil {
		return nil, err
	}
	mounts := map[string]string{} // container path -> host folder, per container below
	var out []Container
	for _, cd := range td.ContainerDefinitions {
		name := deref(cd.Name)
		fail := func(format string, a ...any) ([]Container, error) {
			return nil, fmt.Errorf("container %s: %s", name, fmt.Sprintf(format, a...))
		}
		if lc := cd.LogConfiguration; lc != nil && lc.LogDriver == ecstypes.LogDriverAwslogs && lc.Options["awslogs-create-group"] != "true" {
			if err := exists(ctx, rt, KindLogGroup, "awslogs group", lc.Options["awslogs-group"]); err != nil {
				return fail("%v", err)
			}
		}
		if cd.ReadonlyRootFilesystem == nil || !*cd.ReadonlyRootFilesystem {
			return fail("readonlyRootFilesystem is not true")
		}
		if cd.Privileged != nil && *cd.Privileged {
			return fail("privileged")
		}
		if len(cd.EntryPoint) > 0 || len(cd.EnvironmentFiles) > 0 {
			return fail("entryPoint and environmentFiles are not part of this module's contract")
		}
		uid, gid, err := parseUser(firstNonEmpty(deref(cd.User), rt.ImageUser))
		if err != nil {
			return fail("%v", err)
		}
		clear(mounts)
		var vols []string
		for _, mp := range cd.MountPoints {
			host, ok := rt.Volumes[deref(mp.SourceVolume)]
			if !ok {
				return fail("mount point names volume %q, which the runtime does not back", deref(mp.SourceVolume))
			}
			mounts[deref(mp.ContainerPath)] = host
			vols = append(vols, host)
		}
		env, err := environment(ctx, cd, rt, mounts)
		if err != nil {
			return fail("%v", err)
		}
		args := []string{rt.Entrypoint}
		for _, a := range cd.Command {
			args = append(args, hostPath(a, mounts))
		}
		deps := map[string]ecstypes.ContainerCondition{}
		for _, d := range cd.DependsOn {
			deps[deref(d.ContainerName)] = d.Condition
		}
		caps, err := containerdef.Capabilities(cd.LinuxParameters)
		if err != nil {
			return fail("%v", err)
		}
		c := Container{Name: name, Essential: cd.Essential == nil || *cd.Essential, DependsOn: deps, Sim: fargatesim.Container{
			Args: args, Env: env, UID: uid, GID: gid, Volumes: vols, Capabilities: caps,
		}}
		if cd.StopTimeout != nil {
			c.Sim.StopTimeout = time.Duration(*cd.StopTimeout) * time.Second
		}
		out = append(out, c)
	}
	return order(out)
}

// RunAll runs the containers one after another in their dependsOn order
// (ECS would start independent ones together; this task has a chain). A
// dependency that does not reach its condition stops the run, as ECS stops
// the task; so does an essential container that exits.
func RunAll(ctx context.Context, cs []Container) ([]Run, error) {
	var runs []Run
	exit := map[string]int{}
	for _, c := range cs {
		for dep, cond := range c.DependsOn {
			code := exit[dep]
			switch cond {
			case ecstypes.ContainerConditionSuccess:
				if code != 0 {
					return runs, fmt.Errorf("container %s depends on %s reaching SUCCESS, but it exited %d", c.Name, dep, code)
				}
			case ecstypes.ContainerConditionComplete:
			default:
				return runs, fmt.Errorf("container %s: dependsOn condition %s is not simulated", c.Name, cond)
			}
		}
		res, err := fargatesim.Run(ctx, c.Sim)
		runs = append(runs, Run{Name: c.Name, Result: res})
		if err != nil {
			return runs, fmt.Errorf("container %s: %w", c.Name, err)
		}
		exit[c.Name] = res.ExitCode
		if c.Essential {
			break // the task stops when its essential container exits
		}
	}
	return runs, nil
}

// exists asks rt.Exists about one thing the definition names; an empty
// name is not asked about (a definition without a task role is valid).
func exists(ctx context.Context, rt Runtime, kind Kind, what, name string) error {
	if rt.Exists == nil || name == "" {
		return nil
	}
	if err := rt.Exists(ctx, kind, name); err != nil {
		return fmt.Errorf("%s %s: %w", what, name, err)
	}
	return nil
}

// environment is the container's NAME=VALUE list: the definition's
// variables (paths below a mount point moved to its host folder) and
// secrets, and what the runtime adds, which may not replace either.
func environment(ctx context.Context, cd ecstypes.ContainerDefinition, rt Runtime, mounts map[string]string) ([]string, error) {
	resolve := func(from string) (string, error) {
		if rt.Secret == nil {
			return "", fmt.Errorf("the runtime has no secret store")
		}
		return rt.Secret(ctx, from)
	}
	e, err := containerdef.Environment(cd, resolve, rt.Env, nil)
	if err != nil {
		return nil, err
	}
	for _, kv := range cd.Environment {
		name := deref(kv.Name)
		e.Values[name] = hostPath(e.Values[name], mounts)
	}
	return e.Pairs(), nil
}

// hostPath rewrites a container path below a mount point to the host folder
// behind it: the simulation keeps volumes at their host path (see
// fargatesim), so "/scratch" in a command or a variable becomes that folder.
func hostPath(v string, mounts map[string]string) string {
	for cpath, host := range mounts {
		if v == cpath {
			return host
		}
		if rest, ok := strings.CutPrefix(v, cpath+"/"); ok {
			return host + "/" + rest
		}
	}
	return v
}

func parseUser(u string) (uid, gid int, err error) {
	if u == "" {
		return 0, 0, fmt.Errorf("no user in the definition and no ImageUser")
	}
	us, gs, hasGroup := strings.Cut(u, ":")
	if uid, err = strconv.Atoi(us); err != nil {
		return 0, 0, fmt.Errorf("user %q: only numeric users are simulated", u)
	}
	gid = uid
	if hasGroup {
		if gid, err = strconv.Atoi(gs); err != nil {
			return 0, 0, fmt.Errorf("user %q: only numeric groups are simulated", u)
		}
	}
	return uid, gid, nil
}

// order sorts containers so that each comes after every container it
// depends on, keeping the definition's order otherwise.
func order(cs []Container) ([]Container, error) {
	byName := map[string]Container{}
	for _, c := range cs {
		byName[c.Name] = c
	}
	var out []Container
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(c Container) error
	visit = func(c Container) error {
		switch state[c.Name] {
		case 1:
			return fmt.Errorf("dependsOn cycle through container %s", c.Name)
		case 2:
			return nil
		}
		state[c.Name] = 1
		deps := make([]string, 0, len(c.DependsOn))
		for d := range c.DependsOn {
			deps = append(deps, d)
		}
		sort.Strings(deps)
		for _, d := range deps {
			dc, ok := byName[d]
			if !ok {
				return fmt.Errorf("container %s depends on %s, which the definition does not have", c.Name, d)
			}
			if err := visit(dc); err != nil {
				return err
			}
		}
		state[c.Name] = 2
		out = append(out, c)
		return nil
	}
	for _, c := range cs {
		if err := visit(c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
