package controls

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
)

var secretsControl = Control{
	ID:    "secrets",
	Title: "Secrets only through secrets/valueFrom",
	NIST:  []string{"IA-5"},
	Description: "Credentials reach containers only through `secrets` (valueFrom a Secrets Manager or SSM Parameter Store ARN). " +
		"No `environment` entry has a secret-looking name (PASSWORD, SECRET, TOKEN, CREDENTIAL, a name ending in KEY) " +
		"with a literal value, and no value looks like a credential (AWS access key, private key, password in a URL, JWT).",
	Check: checkSecrets,
}

// secretName matches a secret-looking variable name: PASSWORD, PASSWD,
// SECRET, TOKEN or CREDENTIAL anywhere (PGPASSWORD, DB_SECRET_JSON), PWD as
// a word, or a last word KEY (API_KEY, not KMS_KEY_ID).
var secretName = regexp.MustCompile(`(?i)PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|(^|_)PWD(_|$)|(^|_)KEY$`)

// secretValues match values that look like credentials.
var secretValues = map[string]*regexp.Regexp{
	"AWS access key id":   regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`),
	"private key":         regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	"password in a URL":   regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@`),
	"JSON web token":      regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.`),
	"password= parameter": regexp.MustCompile(`(?i)\bpassword=[^\s&;]+`),
}

var secretARN = regexp.MustCompile(`^arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:[0-9]{12}:(secret:|parameter/)`)

func checkSecrets(c *Context, r *Result) {
	forEachContainer(c, r, func(td *model.Resource, ct container) {
		res := td.Address + " container " + ct.Name
		bad := 0
		for _, e := range ct.Environment {
			if why := secretLooking(e.Name, e.Value); why != "" {
				bad++
				r.add(res, "environment."+e.Name, redact(e.Value), Fail, why+": pass it through `secrets` (valueFrom)")
			}
		}
		r.add(res, "environment", fmt.Sprintf("%d variables: %s", len(ct.Environment), envNames(ct)), statusIf(bad == 0), "names only; no value looks like a credential")
		for _, s := range ct.Secrets {
			r.check(res, "secrets."+s.Name, "valueFrom "+s.ValueFrom, secretARN.MatchString(s.ValueFrom), "a Secrets Manager or SSM parameter ARN, read by the execution role at start")
		}
	})
}

func secretLooking(name, value string) string {
	if value != "" && secretName.MatchString(name) {
		return "secret-looking name with a literal value"
	}
	for what, re := range secretValues {
		if re.MatchString(value) {
			return "value looks like a " + what
		}
	}
	return ""
}

func envNames(ct container) string {
	var names []string
	for _, e := range ct.Environment {
		names = append(names, e.Name)
	}
	return strings.Join(names, ", ")
}

// redact keeps a secret out of the report: its length and first characters.
func redact(v string) string {
	if len(v) <= 4 {
		return "(redacted)"
	}
	return fmt.Sprintf("%s… (%d characters, redacted)", v[:2], len(v))
}

func statusIf(ok bool) Status {
	if ok {
		return Pass
	}
	return Fail
}
