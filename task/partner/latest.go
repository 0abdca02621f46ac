package partner

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/advana-export/terraform-aws-advana-export/task/manifest"
)

// Run is one run folder found under the prefix.
type Run struct {
	Folder     string    `json:"folder"`
	Manifest   string    `json:"manifest,omitempty"` // s3://BUCKET/KEY
	RunID      string    `json:"run_id,omitempty"`
	Database   string    `json:"database,omitempty"`
	Format     string    `json:"format,omitempty"` // custom | directory | parquet
	FinishedAt time.Time `json:"finished_at,omitzero"`
	TotalBytes int64     `json:"total_bytes,omitempty"`
	// Problem says why a run with a manifest is not complete here (an object
	// missing or of the wrong size, e.g. still replicating).
	Problem string `json:"problem,omitempty"`
}

// Listing is what Latest found.
type Listing struct {
	Latest     *Run  `json:"latest"`
	Complete   []Run `json:"complete"`
	Incomplete []Run `json:"incomplete,omitempty"`
	// OtherFormat are complete runs of another format than the one asked
	// for: never chosen.
	OtherFormat []Run `json:"other_format,omitempty"`
	// Orphans are folders with objects but no manifest: failed runs, or runs
	// whose manifest has not arrived yet. Never restore from them.
	Orphans []Run `json:"orphans,omitempty"`
}

// Formats are the export formats a manifest names.
var Formats = []string{"custom", "directory", "parquet"}

// Latest lists every run under prefix (PREFIX/DATABASE/DATE/RUN_ID/) and
// returns the newest one whose manifest is present and whose objects are
// all there with the sizes the manifest gives. database, if set, keeps only
// that database's runs; format, if set, only runs of that format, so a
// loader of Parquet sharing a prefix with pg_dump runs is never handed an
// archive.
func Latest(ctx context.Context, c Client, bucket, prefix, database, format string) (Listing, error) {
	prefix = strings.Trim(prefix, "/")
	list := prefix + "/"
	if database != "" {
		list += database + "/"
	}
	sizes := map[string]int64{}
	folders := map[string]bool{}
	var manifests []string
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(list)}
	for {
		out, err := c.ListObjectsV2(ctx, in)
		if err != nil {
			return Listing{}, fmt.Errorf("list s3://%s/%s: %w", bucket, list, err)
		}
		for _, o := range out.Contents {
			key := aws.ToString(o.Key)
			sizes[key] = aws.ToInt64(o.Size)
			rest := strings.Split(strings.TrimPrefix(key, prefix+"/"), "/")
			if len(rest) < 4 { // DATABASE/DATE/RUN_ID/FILE at least
				continue
			}
			folder := path.Join(prefix, rest[0], rest[1], rest[2])
			folders[folder] = true
			if key == folder+"/"+manifest.FileName {
				manifests = append(manifests, key)
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.ContinuationToken = out.NextContinuationToken
	}

	var l Listing
	withManifest := map[string]bool{}
	for _, key := range manifests {
		folder := path.Dir(key)
		withManifest[folder] = true
		run := Run{Folder: "s3://" + bucket + "/" + folder + "/", Manifest: "s3://" + bucket + "/" + key}
		m, err := ReadManifest(ctx, c, bucket, key)
		if err != nil {
			run.Problem = err.Error()
			l.Incomplete = append(l.Incomplete, run)
			continue
		}
		run.RunID, run.Database, run.FinishedAt, run.TotalBytes, run.Format = m.RunID, m.Database, m.FinishedAt, m.TotalBytes, m.Format
		for _, o := range m.Objects {
			k := replicaKey(key, o)
			size, ok := sizes[k]
			switch {
			case !ok:
				run.Problem = "missing " + k
			case size != o.Size:
				run.Problem = fmt.Sprintf("%s is %d bytes, the manifest says %d", k, size, o.Size)
			}
			if run.Problem != "" {
				break
			}
		}
		switch {
		case run.Problem != "":
			l.Incomplete = append(l.Incomplete, run)
		case format != "" && m.Format != format:
			l.OtherFormat = append(l.OtherFormat, run)
		default:
			l.Complete = append(l.Complete, run)
		}
	}
	for folder := range folders {
		if !withManifest[folder] {
			l.Orphans = append(l.Orphans, Run{Folder: "s3://" + bucket + "/" + folder + "/"})
		}
	}
	sort.Slice(l.Complete, func(i, j int) bool { return newer(l.Complete[i], l.Complete[j]) })
	sort.Slice(l.OtherFormat, func(i, j int) bool { return newer(l.OtherFormat[i], l.OtherFormat[j]) })
	sort.Slice(l.Orphans, func(i, j int) bool { return l.Orphans[i].Folder > l.Orphans[j].Folder })
	if len(l.Complete) > 0 {
		l.Latest = &l.Complete[0]
	}
	return l, nil
}

// newer orders runs by finish time, then run id (sortable by start time).
func newer(a, b Run) bool {
	if !a.FinishedAt.Equal(b.FinishedAt) {
		return a.FinishedAt.After(b.FinishedAt)
	}
	return a.RunID > b.RunID
}
