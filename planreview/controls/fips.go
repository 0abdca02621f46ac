package controls

import (
	"fmt"
	"strings"

	"github.com/advana-export/terraform-aws-advana-export/planreview/model"
	"github.com/advana-export/terraform-aws-advana-export/task/awsarn"
)

var fipsControl = Control{
	ID:    "fips",
	Title: "FIPS cryptography and endpoints",
	NIST:  []string{"SC-13", "SC-8"},
	Description: "For each task definition: the partition it deploys to (from the export container's AWS_REGION), whether the " +
		"export container sets AWS_USE_FIPS_ENDPOINT=true (its AWS SDK then calls s3-fips and kms-fips), and the FIPS 140-3 mode of " +
		"its binary (the image's: built with GOFIPS140, GODEBUG=fips140=on; a GODEBUG in the definition that turns it off fails). " +
		"In aws-us-gov, FIPS endpoints off fails unless the task definition carries the caller's reason (tag " + FIPSEndpointsExceptionTag +
		", exception EX-NO-FIPS-ENDPOINTS). pg_dump's libpq uses the image's Debian OpenSSL, which is not a FIPS-validated build: " +
		"exception EX-LIBPQ-OPENSSL, with its mitigations.",
	Check: checkFIPS,
}

// FIPSEndpointsExceptionTag is the task definition tag in which the module's
// fips_endpoints_exception input records why FIPS endpoints are off.
const FIPSEndpointsExceptionTag = "advana-export:fips-endpoints-exception"

// FIPSModule is the Go Cryptographic Module version the image's binary is
// built with (Makefile GOFIPS140, Dockerfile label).
const FIPSModule = "v1.0.0"

func checkFIPS(c *Context, r *Result) {
	var summary []string
	forEachContainer(c, r, func(td *model.Resource, ct container) {
		if len(ct.Command) == 0 || ct.Command[0] != "export" {
			return
		}
		env := map[string]string{}
		for _, e := range ct.Environment {
			env[e.Name] = e.Value
		}
		res := td.Address + " container " + ct.Name
		region := env["AWS_REGION"]
		partition := awsarn.Partition(region)
		if region == "" {
			r.add(res, "AWS_REGION", "(not set)", Unknown, "the partition, and so whether FIPS endpoints are required, cannot be told")
		} else {
			r.add(res, "partition", partition+" (AWS_REGION "+region+")", Info, "")
		}

		fips := strings.EqualFold(env["AWS_USE_FIPS_ENDPOINT"], "true")
		shown := env["AWS_USE_FIPS_ENDPOINT"]
		if shown == "" {
			shown = "(not set)"
		}
		endpoints := "off"
		switch {
		case fips:
			endpoints = "on"
			r.add(res, "AWS_USE_FIPS_ENDPOINT", shown, Pass, "the task's S3 and KMS calls go to FIPS 140 endpoints (s3-fips, kms-fips)")
		case partition != "aws-us-gov" && region != "":
			r.add(res, "AWS_USE_FIPS_ENDPOINT", shown, Pass, "standard endpoints; FIPS endpoints are required here only in aws-us-gov (set fips_endpoints = true to use them)")
		default:
			reason, _ := td.String("tags", FIPSEndpointsExceptionTag)
			if strings.TrimSpace(reason) == "" {
				r.add(res, "AWS_USE_FIPS_ENDPOINT", shown, Fail, "FIPS endpoints off in aws-us-gov: export-controlled data to non-FIPS endpoints (SC-13); "+
					"leave fips_endpoints at its default (on in GovCloud), or set fips_endpoints_exception to say why")
			} else {
				endpoints = "off (exception EX-NO-FIPS-ENDPOINTS)"
				r.add(res, "AWS_USE_FIPS_ENDPOINT", shown, Pass, "off, with the caller's reason (exception EX-NO-FIPS-ENDPOINTS): "+reason)
				r.exceptBecause("EX-NO-FIPS-ENDPOINTS", td.Address, reason)
			}
		}

		mode := "on"
		if g := env["GODEBUG"]; strings.Contains(g, "fips140=off") {
			mode = "off"
			r.add(res, "GODEBUG", g, Fail, "turns the Go Cryptographic Module's FIPS 140-3 mode off in the image's binary; remove it")
		} else {
			r.add(res, "image FIPS 140-3 build", ct.Image, Info, "this repository's image: advana-export built with GOFIPS140="+FIPSModule+
				" (label io.github.advana-export.fips140-module), GODEBUG=fips140=on in the image; `advana-export version` and the task's "+
				"aws_config log line say fips140: on. A plan cannot read an image's labels: check the digest is one this repository built")
		}
		r.except("EX-LIBPQ-OPENSSL", res)
		summary = append(summary, fmt.Sprintf("%s: partition %s, FIPS endpoints %s, Go Cryptographic Module %s in FIPS 140-3 mode %s; pg_dump's libpq uses Debian's OpenSSL (not validated, EX-LIBPQ-OPENSSL)",
			td.Address, orUnknown(partition, region), endpoints, FIPSModule, mode))
	})
	r.Summary = strings.Join(summary, "; ")
}

func orUnknown(partition, region string) string {
	if region == "" {
		return "unknown"
	}
	return partition
}
