package controls

// Exception is one accepted deviation, as the exceptions register lists it.
type Exception struct {
	ID       string   `json:"id"`
	Resource string   `json:"resource"`
	Reason   string   `json:"reason"`
	NIST     []string `json:"nist"`
	// Location is where in this repository the deviation is written down.
	Location string `json:"location"`
}

// register is every exception this module may need, by id. A control
// records one only when the plan shows the deviation and it stays within
// the bounds the reason states; anything beyond fails instead.
var register = map[string]Exception{
	"EX-ROOT-INIT": {ID: "EX-ROOT-INIT", NIST: []string{"AC-6", "CM-7"}, Location: "modules/export-task/ecs.tf",
		Reason: "permissions-init runs as root (Security Hub ECS.20): Fargate creates the scratch bind mount owned by root; " +
			"this non-essential container chowns it and exits before the export starts; read-only root, no secrets, only CHOWN, runs only prepare-scratch"},
	"EX-ECR-TOKEN": {ID: "EX-ECR-TOKEN", NIST: []string{"AC-6"}, Location: "modules/export-task/iam.tf",
		Reason: "ecr:GetAuthorizationToken on *: the action has no resource type; image pulls are scoped to the one repository"},
	"EX-TRUST-S3": {ID: "EX-TRUST-S3", NIST: []string{"AC-3", "AC-6"}, Location: "modules/export-bucket/replication.tf",
		Reason: "the replication role's trust checks aws:SourceAccount/aws:SourceArn only if S3 sends them: AWS does not document " +
			"that live replication sends them; the role's policy confines it to one prefix and the partner's bucket and key"},
	"EX-NO-ACCESS-LOG": {ID: "EX-NO-ACCESS-LOG", NIST: []string{"AU-2", "AU-12"}, Location: "the caller's access_logging_exception (bucket tag " + AccessLoggingExceptionTag + ")",
		Reason: "S3 server access logging is off on this bucket; the caller's reason"},
	"EX-NO-FIPS-ENDPOINTS": {ID: "EX-NO-FIPS-ENDPOINTS", NIST: []string{"SC-13", "SC-8"}, Location: "the caller's fips_endpoints_exception (task definition tag " + FIPSEndpointsExceptionTag + ")",
		Reason: "FIPS endpoints are off in aws-us-gov (fips_endpoints = false); the caller's reason"},
	"EX-LIBPQ-OPENSSL": {ID: "EX-LIBPQ-OPENSSL", NIST: []string{"SC-13"}, Location: "Dockerfile, docs/govcloud.md",
		Reason: "pg_dump and pg_restore (libpq) use Debian's OpenSSL for TLS to the database, which is not a FIPS 140-validated build. " +
			"Mitigations: TLS to RDS with sslmode=verify-full against the pinned RDS CA bundle (RDS terminates with its own FIPS-validated modules where configured); " +
			"every AWS call (S3, KMS) and every archive checksum is made by the Go Cryptographic Module in FIPS 140-3 mode; " +
			"the parquet format reads every row over Go's TLS (pgx, FIPS 140-3 mode); only its schema.sql comes from pg_dump"},
	"EX-NO-OBJECT-LOCK": {ID: "EX-NO-OBJECT-LOCK", NIST: []string{"CP-9"}, Location: "the caller's object_lock_exception (bucket tag " + ObjectLockExceptionTag + ")",
		Reason: "S3 Object Lock is off on this bucket: committed exports can be deleted before the lifecycle expires them; the caller's reason"},
	"EX-MUTABLE-IMAGE": {ID: "EX-MUTABLE-IMAGE", NIST: []string{"CM-14", "SI-7"}, Location: "the caller's allow_mutable_image = true",
		Reason: "the image is referenced by tag, not digest: the caller opted out with allow_mutable_image; what runs can change without a plan"},
}

// exceptBecause records exception id for resource with the reason the
// caller wrote in the plan, after the register's own.
func (r *Result) exceptBecause(id, resource, reason string) {
	r.except(id, resource)
	r.Exceptions[len(r.Exceptions)-1].Reason += ": " + reason
}

// except records exception id for resource.
func (r *Result) except(id, resource string) {
	e := register[id]
	e.Resource = resource
	r.Exceptions = append(r.Exceptions, e)
}
