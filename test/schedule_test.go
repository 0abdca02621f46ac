package test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// windowCase is one schedule and the missed-run window it must get.
type windowCase struct {
	schedule string
	flexible int
	explicit string // missed_run_alarm_hours; "": null (derived)
	want     int    // evaluation periods (hours); 0: no alarm
	err      string // the plan fails with this message instead
}

var windowCases = []windowCase{
	{schedule: "rate(12 hours)", want: 14},
	{schedule: "rate(30 minutes)", want: 3},
	{schedule: "rate(1 day)", flexible: 60, want: 27},
	{schedule: "cron(0 3 * * ? *)", want: 26},
	{schedule: "cron(15 */6 * * ? *)", want: 8},
	{schedule: "cron(0 9,17 * * ? *)", want: 18},                  // 17:00 to 09:00
	{schedule: "cron(0 2 ? * MON-FRI *)", want: 74},               // Friday to Monday
	{schedule: "cron(30 8-17 ? * 2-6 *)", flexible: 30, want: 66}, // Friday 17:30 to Monday 08:30, + 30 min
	{schedule: "cron(0 12 ? * SUN,SAT *)", want: 146},             // Sunday to Saturday: the longest that fits
	{schedule: "rate(6 days)", flexible: 60, want: 147},
	{schedule: "cron(0 3 1 * ? *)", explicit: "30", want: 30},
	{schedule: "rate(1 day)", explicit: "25", want: 25},
	{schedule: "cron(0 12 ? * SUN *)", explicit: "0"}, // weekly, the alarm turned off
	{schedule: "rate(14 days)", explicit: "0"},
	{schedule: "at(2030-01-01T00:00:00)"},
	// CloudWatch looks back at most 168 hours: a weekly schedule's window
	// (168 + 2) cannot be watched, and one cut to 168 fires before every run.
	{schedule: "cron(0 12 ? * SUN *)", err: "CloudWatch alarms look back at most 168"},
	{schedule: "rate(7 days)", err: "needs 170 hours, and CloudWatch alarms look back at most 168"},
	{schedule: "rate(6 days)", flexible: 1440, err: "runs up to 168 hours apart"},
	// An explicit window the gap between runs already fills.
	{schedule: "rate(1 day)", explicit: "24", err: "is not longer than the 24 hours"},
	{schedule: "rate(12 hours)", flexible: 120, explicit: "14", err: "is not longer than the 14 hours"},
	{schedule: "cron(0 3 1 * ? *)", err: "missed_run_alarm_hours is required"}, // monthly
	{schedule: "cron(0 3 ? * 6L *)", err: "missed_run_alarm_hours is required"},
	{schedule: "cron(0 3 ? * FRI-MON *)", err: "missed_run_alarm_hours is required"}, // a range across the week's end
	{schedule: "cron(0 22-2 * * ? *)", err: "missed_run_alarm_hours is required"},    // a range across midnight
}

// TestMissedRunWindowFollowsSchedule plans modules/schedule with schedules of
// every form and checks the missed-run alarm's window: the longest gap
// between runs (read from rate() or cron()) plus the flexible window plus 2
// hours; a cron() whose gaps cannot be read requires missed_run_alarm_hours;
// a window longer than CloudWatch's 168 hours, or an explicit one the gap
// already fills, fails the plan; 0 and a one-time at() get no alarm. The cases that plan are one module block
// each in one root (one plan); each case that must fail is a plan of its own.
func TestMissedRunWindowFollowsSchedule(t *testing.T) {
	t.Parallel()
	root := copyToTemp(t, ".")

	var ok, failing []windowCase
	for _, c := range windowCases {
		if c.err == "" {
			ok = append(ok, c)
		} else {
			failing = append(failing, c)
		}
	}

	t.Run("derived", func(t *testing.T) {
		dir := windowRoot(t, root, "window-ok", ok)
		opts := tfOptions(t, dir, nil)
		opts.PlanFilePath = filepath.Join(dir, "plan.tfplan")
		plan := terraform.InitAndPlanAndShowWithStruct(t, opts)
		for i, c := range ok {
			mod := fmt.Sprintf("module.case%d", i)
			assert.Equal(t, c.schedule, resource(t, plan, mod+".aws_scheduler_schedule.this[0]")["schedule_expression"])
			alarm, found := plan.ResourcePlannedValuesMap[mod+".aws_cloudwatch_metric_alarm.missed_run[0]"]
			if c.want == 0 {
				assert.False(t, found, "%s (missed_run_alarm_hours %q): no missed-run alarm", c.schedule, c.explicit)
				continue
			}
			if assert.True(t, found, "%s: missed-run alarm planned", c.schedule) {
				assert.EqualValues(t, c.want, alarm.AttributeValues["evaluation_periods"], c.schedule)
				assert.EqualValues(t, c.want, alarm.AttributeValues["datapoints_to_alarm"], c.schedule)
			}
		}
	})

	for i, c := range failing {
		t.Run(c.schedule, func(t *testing.T) {
			dir := windowRoot(t, root, fmt.Sprintf("window-err%d", i), []windowCase{c})
			out, err := terraform.InitAndPlanE(t, tfOptions(t, dir, nil))
			if assert.Error(t, err, "plan accepted %s without missed_run_alarm_hours", c.schedule) {
				assert.Contains(t, strings.Join(strings.Fields(out), " "), c.err)
			}
		})
	}
}

// windowRoot writes a root configuration in root/name with one
// modules/schedule block per case, aimed at the emulator.
func windowRoot(t *testing.T, root, name string, cases []windowCase) string {
	t.Helper()
	dir := filepath.Join(root, name)
	require.NoError(t, os.Mkdir(dir, 0o755))
	var b strings.Builder
	for i, c := range cases {
		fmt.Fprintf(&b, `module "case%d" {
  source                       = "../modules/schedule"
  name                         = "window%d"
  schedule_expression          = %q
  flexible_time_window_minutes = %d
  missed_run_alarm_hours       = %s
  task_definition_arn          = "arn:aws:ecs:us-east-1:123456789012:task-definition/window:1"
  task_role_arn                = "arn:aws:iam::123456789012:role/window-task"
  execution_role_arn           = "arn:aws:iam::123456789012:role/window-execution"
  log_group_name               = "/ecs/window"
  subnet_ids                   = [%q]
  security_group_ids           = [%q]
}
`, i, i, c.schedule, c.flexible, explicitHours(c.explicit), testSubnet, testSG)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o644))
	pointAtMoto(t, dir)
	return dir
}

func explicitHours(h string) string {
	if h == "" {
		return "null"
	}
	return h
}
