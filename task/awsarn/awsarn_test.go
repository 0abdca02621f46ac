package awsarn

import "testing"

// An error that asks for a grant, and plan-review's FIPS control, name the
// region's partition: arn:aws-us-gov in GovCloud, not arn:aws.
func TestPartition(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "aws", "us-gov-west-1": "aws-us-gov", "us-gov-east-1": "aws-us-gov",
		"cn-north-1": "aws-cn", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b", "": "aws",
	} {
		if got := Partition(region); got != want {
			t.Errorf("Partition(%q) = %q, want %q", region, got, want)
		}
	}
}
