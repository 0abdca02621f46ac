// Package ecsdef says what an ECS container definition means at run time,
// where ECS leaves it to the container runtime: the capability set the
// container gets, and the environment it sees once secrets are resolved.
// Both ways the tests run a definition share it: the Fargate simulation
// (test/harness/taskdefrun) and the real image under podman (test/harness/podmanrun).
package containerdef

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// DefaultCapabilities is the capability set a Fargate (Docker) container
// starts with; linuxParameters.capabilities drops from and adds to it.
var DefaultCapabilities = []string{
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

// Capabilities is the sorted set a container runs with: DefaultCapabilities
// (none after a drop of ALL), minus what is dropped, plus what is added.
// Names are upper case without CAP_, as ECS accepts them either way. The
// result is never nil.
func Capabilities(lp *types.LinuxParameters) ([]string, error) {
	have := slices.Clone(DefaultCapabilities)
	if lp == nil || lp.Capabilities == nil {
		return have, nil
	}
	norm := func(c string) string { return strings.TrimPrefix(strings.ToUpper(c), "CAP_") }
	for _, d := range lp.Capabilities.Drop {
		if norm(d) == "ALL" {
			have = []string{} // none, which is not nil: no set at all means the defaults to a runner
			break
		}
		have = slices.DeleteFunc(have, func(c string) bool { return c == norm(d) })
	}
	for _, a := range lp.Capabilities.Add {
		if norm(a) == "ALL" {
			return nil, fmt.Errorf("capabilities.add ALL: Fargate accepts only SYS_PTRACE")
		}
		if !slices.Contains(have, norm(a)) {
			have = append(have, norm(a))
		}
	}
	sort.Strings(have)
	return have, nil
}

// Env is a container's environment: every variable's value, and which of
// them came from a secret (a runner must not put those on a command line).
type Env struct {
	Values map[string]string
	Secret map[string]bool
}

// Names returns the variable names, sorted.
func (e Env) Names() []string {
	names := make([]string, 0, len(e.Values))
	for k := range e.Values {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Pairs returns NAME=VALUE for every variable, sorted.
func (e Env) Pairs() []string {
	out := make([]string, 0, len(e.Values))
	for _, k := range e.Names() {
		out = append(out, k+"="+e.Values[k])
	}
	return out
}

// Environment merges def's environment and its secrets (each resolved by
// resolve from its valueFrom) with extra, what the runner adds around the
// definition. A name in both environment and secrets is an error, as ECS
// makes it; so is extra replacing a variable the definition sets, unless
// the name is in override: a test must say which of the module's values it
// replaces, and can never mend a wrong definition by accident.
func Environment(def types.ContainerDefinition, resolve func(valueFrom string) (string, error), extra map[string]string, override []string) (Env, error) {
	e := Env{Values: map[string]string{}, Secret: map[string]bool{}}
	for _, kv := range def.Environment {
		e.Values[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	for _, s := range def.Secrets {
		name, from := aws.ToString(s.Name), aws.ToString(s.ValueFrom)
		if _, dup := e.Values[name]; dup {
			return Env{}, fmt.Errorf("%s is both an environment variable and a secret", name)
		}
		// arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME has six colons;
		// more select a JSON key or a version, which no runner here resolves.
		if strings.Count(from, ":") > 6 {
			return Env{}, fmt.Errorf("secret %s: valueFrom %s selects a JSON key or version, which is not resolved here", name, from)
		}
		v, err := resolve(from)
		if err != nil {
			return Env{}, fmt.Errorf("secret %s from %s: %w", name, from, err)
		}
		e.Values[name], e.Secret[name] = v, true
	}
	for k, v := range extra {
		if _, set := e.Values[k]; set && !slices.Contains(override, k) {
			return Env{}, fmt.Errorf("the runner sets %s, which the task definition sets too: list it as an override to replace the module's value", k)
		}
		e.Values[k] = v
		delete(e.Secret, k)
	}
	return e, nil
}
