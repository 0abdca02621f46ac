// Package podmanrun turns an ECS container definition into a `podman run`
// command line that runs the container the way Fargate would: its user,
// command, environment and secrets, read-only root filesystem, the
// capabilities that remain of Docker's default set after its drop and add
// lists, its bind-mount volumes and stop timeout. Tests use it to run the
// task image as the module's task definition describes it, with the
// definition read from a Terraform plan or from the (emulated) ECS API.
//
// What cannot be the same here is explicit in Options: the local image, the
// host directories behind the task's volumes, the secret values ECS would
// fetch with the execution role, and variables a test sets on top (the
// emulator's endpoint and the credentials that stand in for the task role).
package podmanrun

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/advana-export/terraform-aws-advana-export/test/harness/containerdef"
)

// Options maps what the definition refers to onto this machine.
type Options struct {
	// Image replaces the definition's image (a registry this machine cannot
	// reach); empty keeps it.
	Image string
	// Name is the container's name (for podman stop); empty lets podman pick.
	Name string
	// Volumes maps each mount point's sourceVolume to a host directory.
	Volumes map[string]string
	// Secrets maps each secret's valueFrom (an ARN) to the value ECS would
	// inject. The values reach podman through its environment (Command.Env),
	// never its argument list.
	Secrets map[string]string
	// Env sets variables on top of the definition's environment and secrets:
	// what a test must point elsewhere. Setting a variable the definition
	// already has is allowed only when it is listed in Override, so a test
	// says which of the module's values it replaces.
	Env      map[string]string
	Override []string
	// Network is podman's --network (e.g. "host": awsvpc gives the task its
	// own interface; on this machine the servers listen on the host).
	Network string
	// Mounts are extra podman --mount values (e.g. a file bound over a
	// binary to prove it is not needed).
	Mounts []string
	// Remove adds --rm.
	Remove bool
}

// Command is a podman invocation: Args after "podman" (global flags not
// included), Env the variables podman itself needs (the secrets).
type Command struct {
	Args []string
	Env  []string
}

// ParseDefinitions reads container_definitions JSON (as Terraform writes it
// and RegisterTaskDefinition takes it).
func ParseDefinitions(js string) ([]types.ContainerDefinition, error) {
	var defs []types.ContainerDefinition
	if err := json.Unmarshal([]byte(js), &defs); err != nil {
		return nil, fmt.Errorf("parse container definitions: %w", err)
	}
	return defs, nil
}

// Find returns the definition named name.
func Find(defs []types.ContainerDefinition, name string) (types.ContainerDefinition, error) {
	var names []string
	for _, d := range defs {
		if aws.ToString(d.Name) == name {
			return d, nil
		}
		names = append(names, aws.ToString(d.Name))
	}
	return types.ContainerDefinition{}, fmt.Errorf("no container %q in the task definition (it has %v)", name, names)
}

// Args builds the `podman run` command for def. Settings that would change
// how the container runs but have no mapping here are errors, never ignored.
func Args(def types.ContainerDefinition, o Options) (Command, error) {
	name := aws.ToString(def.Name)
	fail := func(format string, a ...any) (Command, error) {
		return Command{}, fmt.Errorf("container %q: "+format, append([]any{name}, a...)...)
	}
	if err := unsupported(def); err != nil {
		return fail("%v", err)
	}
	image := o.Image
	if image == "" {
		image = aws.ToString(def.Image)
	}
	if image == "" {
		return fail("no image")
	}
	args := []string{"run", "--pull=never"}
	if o.Remove {
		args = append(args, "--rm")
	}
	if o.Name != "" {
		args = append(args, "--name", o.Name)
	}
	if o.Network != "" {
		args = append(args, "--network", o.Network)
	}
	if u := aws.ToString(def.User); u != "" {
		args = append(args, "--user", u)
	}
	if aws.ToBool(def.ReadonlyRootFilesystem) {
		// Podman would mount writable tmpfs on /tmp, /var/tmp and /run;
		// Fargate gives nothing writable but the task's volumes.
		args = append(args, "--read-only", "--read-only-tmpfs=false")
	}
	if aws.ToBool(def.Privileged) {
		args = append(args, "--privileged")
	}
	caps, err := containerdef.Capabilities(def.LinuxParameters)
	if err != nil {
		return fail("%v", err)
	}
	args = append(args, "--cap-drop", "ALL")
	for _, c := range caps {
		args = append(args, "--cap-add", c)
	}
	if lp := def.LinuxParameters; lp != nil && aws.ToBool(lp.InitProcessEnabled) {
		args = append(args, "--init")
	}
	for _, mp := range def.MountPoints {
		host, ok := o.Volumes[aws.ToString(mp.SourceVolume)]
		if !ok {
			return fail("no host directory for volume %q (Options.Volumes)", aws.ToString(mp.SourceVolume))
		}
		v := host + ":" + aws.ToString(mp.ContainerPath)
		if aws.ToBool(mp.ReadOnly) {
			v += ":ro"
		}
		args = append(args, "--volume", v)
	}
	for _, m := range o.Mounts {
		args = append(args, "--mount", m)
	}
	if def.StopTimeout != nil {
		args = append(args, "--stop-timeout", fmt.Sprint(*def.StopTimeout))
	}
	if wd := aws.ToString(def.WorkingDirectory); wd != "" {
		args = append(args, "--workdir", wd)
	}
	env, secretEnv, err := environment(def, o)
	if err != nil {
		return fail("%v", err)
	}
	args = append(args, env...)
	if len(def.EntryPoint) > 0 {
		ep, _ := json.Marshal(def.EntryPoint)
		args = append(args, "--entrypoint", string(ep))
	}
	args = append(args, image)
	args = append(args, def.Command...)
	return Command{Args: args, Env: secretEnv}, nil
}

// environment returns the --env arguments: plain values inline, secrets by
// name only (podman copies them from its own environment, secretEnv).
func environment(def types.ContainerDefinition, o Options) (args, secretEnv []string, err error) {
	resolve := func(from string) (string, error) {
		v, ok := o.Secrets[from]
		if !ok {
			return "", fmt.Errorf("no value for %s (Options.Secrets)", from)
		}
		return v, nil
	}
	e, err := containerdef.Environment(def, resolve, o.Env, o.Override)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range e.Names() {
		if e.Secret[k] {
			args = append(args, "--env", k)
			secretEnv = append(secretEnv, k+"="+e.Values[k])
			continue
		}
		args = append(args, "--env", k+"="+e.Values[k])
	}
	return args, secretEnv, nil
}

// unsupported reports settings that change how the container runs and that
// Args does not map.
func unsupported(def types.ContainerDefinition) error {
	var found []string
	if len(def.EnvironmentFiles) > 0 {
		found = append(found, "environmentFiles")
	}
	if len(def.Ulimits) > 0 {
		found = append(found, "ulimits")
	}
	if len(def.VolumesFrom) > 0 {
		found = append(found, "volumesFrom")
	}
	if len(def.SystemControls) > 0 {
		found = append(found, "systemControls")
	}
	if lp := def.LinuxParameters; lp != nil && (len(lp.Tmpfs) > 0 || len(lp.Devices) > 0 || lp.SharedMemorySize != nil) {
		found = append(found, "linuxParameters (tmpfs, devices, sharedMemorySize)")
	}
	if len(found) > 0 {
		return fmt.Errorf("not mapped to podman: %s", strings.Join(found, ", "))
	}
	return nil
}
