package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/advana-export/terraform-aws-advana-export/planreview/controls"
)

// TestScheduleRuleReview reviews examples/minimal with schedule_service =
// "eventbridge-rule" (a scheduled EventBridge rule starts the task, where
// EventBridge Scheduler is not offered): every control passes, as with
// Scheduler; page one names the rule target's network and the role
// EventBridge assumes for this rule; and a public IP on the rule's target
// fails no-public-access, as it does on the schedule's.
func TestScheduleRuleReview(t *testing.T) {
	t.Parallel()
	path := freshPlan(t, "examples/minimal", minimalVars(t, strings.NewReplacer(), map[string]any{"schedule_service": "eventbridge-rule"}))

	t.Run("passes", func(t *testing.T) {
		t.Parallel()
		code, rv := reviewFile(t, path)
		assertReview(t, code, rv, exitPass, nil)
		const target = "module.advana_export.module.schedule[0].aws_cloudwatch_event_target.schedule[0]"
		want := "task network (" + target + "): subnets [subnet-0123456789abcdef0], security groups [sg-0123456789abcdef0], public IP false"
		if !slices.Contains(rv.Inventory.Network, want) {
			t.Errorf("page one's network lacks %q: %q", want, rv.Inventory.Network)
		}
		var role bool
		for _, p := range rv.Inventory.Principals {
			if strings.HasSuffix(p.Address, "module.schedule[0].aws_iam_role.scheduler") {
				trusted := func(svc string) bool {
					return slices.ContainsFunc(p.TrustedBy, func(s string) bool { return strings.Contains(s, svc) })
				}
				role = trusted("events.amazonaws.com") && !trusted("scheduler.amazonaws.com")
			}
		}
		if !role {
			t.Errorf("page one does not list the rule's role trusted by events.amazonaws.com: %+v", rv.Inventory.Principals)
		}
	})

	t.Run("public IP on the rule's target", func(t *testing.T) {
		t.Parallel()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var plan map[string]any
		if err := json.Unmarshal(b, &plan); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range after(t, plan, "aws_cloudwatch_event_target") {
			if ecs, ok := a["ecs_target"].([]any); ok && len(ecs) > 0 {
				dig(ecs, 0, "network_configuration", 0).(map[string]any)["assign_public_ip"] = true
				found = true
			}
		}
		if !found {
			t.Fatal("no ECS target among the plan's event targets")
		}
		mutated := filepath.Join(filepath.Dir(path), "public-ip.json")
		out, _ := json.Marshal(plan)
		if err := os.WriteFile(mutated, out, 0o644); err != nil {
			t.Fatal(err)
		}
		code, rv := reviewFile(t, mutated)
		assertReview(t, code, rv, exitFail, map[string]controls.Status{"no-public-access": controls.Fail})
	})
}
