package controls

import (
	"encoding/json"
	"fmt"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

// container is the part of an ECS container definition the controls read.
type container struct {
	Name                   string   `json:"name"`
	Image                  string   `json:"image"`
	User                   string   `json:"user"`
	Privileged             *bool    `json:"privileged"`
	ReadonlyRootFilesystem *bool    `json:"readonlyRootFilesystem"`
	Essential              *bool    `json:"essential"`
	Command                []string `json:"command"`
	EntryPoint             []string `json:"entryPoint"`
	LinuxParameters        *struct {
		Capabilities *struct {
			Add  []string `json:"add"`
			Drop []string `json:"drop"`
		} `json:"capabilities"`
	} `json:"linuxParameters"`
	Environment []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	LogConfiguration *struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
}

func (c container) essential() bool { return c.Essential == nil || *c.Essential } // ECS default: true

func (c container) capabilities() (add, drop []string) {
	if c.LinuxParameters == nil || c.LinuxParameters.Capabilities == nil {
		return nil, nil
	}
	return c.LinuxParameters.Capabilities.Add, c.LinuxParameters.Capabilities.Drop
}

// taskContainers reads a task definition's containers. ok is false when
// container_definitions is known only after apply; err when it is not JSON.
func taskContainers(td *model.Resource) (cs []container, ok bool, err error) {
	js, ok := td.String("container_definitions")
	if !ok {
		return nil, false, nil
	}
	if err := json.Unmarshal([]byte(js), &cs); err != nil {
		return nil, true, fmt.Errorf("parse container_definitions: %w", err)
	}
	return cs, true, nil
}

// forEachContainer calls fn for every container of every task definition,
// and records UNKNOWN for a task definition whose containers the plan hides.
func forEachContainer(c *Context, r *Result, fn func(td *model.Resource, ct container)) {
	for _, td := range c.Plan.OfType("aws_ecs_task_definition") {
		cs, ok, err := taskContainers(td)
		switch {
		case !ok:
			r.add(td.Address, "container_definitions", c.valueOrRefs(td, "container_definitions"), Unknown,
				"the whole JSON is unknown at plan time because one value in it is (a new resource's ARN); review a plan made against the deployed state, where it is known")
		case err != nil:
			r.add(td.Address, "container_definitions", err.Error(), Fail, "")
		}
		for _, ct := range cs {
			fn(td, ct)
		}
	}
}

func boolText(b *bool) string {
	if b == nil {
		return "(not set)"
	}
	return fmt.Sprint(*b)
}
