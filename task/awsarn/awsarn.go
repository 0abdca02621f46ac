// Package awsarn knows the one fact about ARNs that both the task and
// plan-review need: which partition a region belongs to.
package awsarn

import "strings"

// Partition maps a region to its ARN partition ("aws" when unknown):
// aws-us-gov in GovCloud, aws-cn in China, aws-iso and aws-iso-b in the
// isolated regions.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	}
	return "aws"
}
