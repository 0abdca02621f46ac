package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Phase is every contender measured on one size of the database.
type Phase struct {
	DBSize int64 `json:"db_size_bytes"`
	// AppDBSize is the second data set's size in this phase (appdata.go).
	AppDBSize int64        `json:"app_db_size_bytes,omitempty"`
	Rows      []Row        `json:"rows"`
	Partner   []PartnerRow `json:"partner,omitempty"`
}

// Row is one contender's summary.
type Row struct {
	ID           string          `json:"id"`
	Label        string          `json:"label"`
	Group        string          `json:"group"`
	Dataset      string          `json:"dataset,omitempty"` // "app": the second data set
	Command      string          `json:"command"`
	ArchiveBytes int64           `json:"archive_bytes"`
	Stats        Stats           `json:"stats"`
	Walls        []time.Duration `json:"walls_ns"`
}

// PartnerRow is the partner's side for one archive format: download every
// object and run the restore command into a fresh database.
type PartnerRow struct {
	Format       string          `json:"format"`
	From         string          `json:"from"` // the contender whose archive it is
	ArchiveBytes int64           `json:"archive_bytes"`
	Restore      string          `json:"restore_command"`
	Stats        Stats           `json:"stats"`
	Walls        []time.Duration `json:"walls_ns"`
}

// uploadAloneOf names, for a streamed contender, the upload-alone row of
// its archive: the overlap target compares the stream with it.
var uploadAloneOf = map[string]string{"ae-default": "up-default", "ae-gzip1": "up-gzip1", "ae-none": "up-none", "app-none": "app-up-none"}

// uploadAlone is the upload-alone row of a streamed contender, if this
// phase measures it: every one in the phase with the partner side, and the
// uncompressed ones (the uncompressed target's limit) in every phase.
func uploadAlone(id string, partner bool) (string, bool) {
	up, ok := uploadAloneOf[id]
	return up, ok && (partner || strings.HasSuffix(id, "-none"))
}

// phase measures cs repeat times each, interleaved (round 1 of every
// contender, then round 2, …). With partner set it also measures upload
// alone of the streamed archives and the partner's restore of each format.
func (b *Bench) phase(ctx context.Context, repeat int, cs []Contender, partner bool) (*Phase, error) {
	name := fmt.Sprintf("%.0fMB", float64(b.dbSize)/1e6)
	p := &Phase{DBSize: b.dbSize}
	for _, c := range cs {
		if c.Dataset == "app" {
			p.AppDBSize = b.appSize
		}
	}
	// Probes: the raw rows' archive sizes, and a warm cache for round 1.
	for _, c := range cs {
		if c.Probe == "" {
			continue
		}
		s, err := b.measure(ctx, c.dbEnv(), c.Probe)
		if err != nil {
			return nil, err
		}
		if b.probed[c.ID], err = strconv.ParseInt(strings.TrimSpace(s.Stdout), 10, 64); err != nil {
			return nil, fmt.Errorf("probe %s: %q: %w", c.ID, s.Stdout, err)
		}
	}
	samples := map[string][]Sample{}
	bytes := map[string]int64{}
	kept := map[string]*Archive{}
	local := map[string]string{} // streamed archives on disk, for upload alone
	for r := 0; r < repeat; r++ {
		logf("%s round %d of %d", name, r+1, repeat)
		for _, c := range cs {
			prefix := fmt.Sprintf("%s/%s/r%d", name, c.ID, r)
			out, err := b.runContender(ctx, c, prefix)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Label, err)
			}
			logf("  %-3s %-42s %6.2fs %5.0f MiB RSS %5.1f CPU s %5.1f server CPU s %s", c.Dataset, c.Label, out.Wall.Seconds(),
				float64(out.MaxRSSKiB)/1024, out.CPUSeconds, out.ServerCPU, mb(out.ArchiveBytes))
			samples[c.ID] = append(samples[c.ID], out.Sample)
			bytes[c.ID] = out.ArchiveBytes
			if up, ok := uploadAlone(c.ID, partner); ok {
				s, err := b.uploadAloneRound(ctx, c.ID, out.Archive, local, fmt.Sprintf("%s/%s/r%d", name, up, r))
				if err != nil {
					return nil, err
				}
				samples[up] = append(samples[up], s)
				bytes[up] = out.ArchiveBytes
			}
			if out.Archive != nil && partner && c.Format != "" && r == repeat-1 {
				kept[c.ID] = out.Archive
				continue
			}
			if err := b.deletePrefix(ctx, prefix+"/"); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range cs {
		r := row(c.ID, c.Label, c.Group, c.command(), bytes[c.ID], samples[c.ID])
		r.Dataset = c.Dataset
		p.Rows = append(p.Rows, r)
		if up, ok := uploadAlone(c.ID, partner); ok {
			label := "upload alone of its archive (" + strings.TrimPrefix(strings.TrimPrefix(c.ID, "ae-"), "app-") + ")"
			u := row(up, label, "upload alone", "s3upload.Uploader.Stream(file), the task's uploader", bytes[up], samples[up])
			u.Dataset = c.Dataset
			p.Rows = append(p.Rows, u)
		}
	}
	if partner {
		rows, err := b.partner(ctx, repeat, cs, kept)
		if err != nil {
			return nil, err
		}
		p.Partner = rows
	}
	return p, nil
}

// benchRows are the phase's rows on the bench's own data set (the second
// data set's rows have their own table).
func (p *Phase) benchRows() []Row {
	var out []Row
	for _, r := range p.Rows {
		if r.Dataset == "" {
			out = append(out, r)
		}
	}
	return out
}

func row(id, label, group, command string, bytes int64, samples []Sample) Row {
	r := Row{ID: id, Label: label, Group: group, Command: command, ArchiveBytes: bytes, Stats: summarize(samples)}
	for _, s := range samples {
		r.Walls = append(r.Walls, s.Wall)
	}
	return r
}

// uploadAloneRound keeps a local copy of a streamed archive (downloaded
// once, untimed) and uploads it alone to key's folder, then removes that.
func (b *Bench) uploadAloneRound(ctx context.Context, id string, a *Archive, local map[string]string, prefix string) (Sample, error) {
	if local[id] == "" {
		m, err := b.manifest(ctx, a.Manifest)
		if err != nil {
			return Sample{}, err
		}
		if len(m.Objects) != 1 {
			return Sample{}, fmt.Errorf("%s: want one archive object, manifest lists %d", id, len(m.Objects))
		}
		file := filepath.Join(b.work, id+"-"+filepath.Base(m.Objects[0].Path))
		if err := b.download(ctx, m.Objects[0].Key, file); err != nil {
			return Sample{}, err
		}
		local[id] = file
	}
	s, err := b.uploadAlone(ctx, local[id], prefix+"/"+filepath.Base(local[id]))
	if err != nil {
		return Sample{}, err
	}
	return s, b.deletePrefix(ctx, prefix+"/")
}

// partnerScript downloads an archive's objects and restores them the way
// the README tells the partner to.
const partnerScript = `aws --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --recursive --only-show-errors "s3://$BUCKET/$PREFIX" "$DL"
cd "$DL"
`

// partner measures download + restore of every kept archive into a fresh
// database, repeat times, interleaved.
func (b *Bench) partner(ctx context.Context, repeat int, cs []Contender, kept map[string]*Archive) ([]PartnerRow, error) {
	samples := map[string][]Sample{}
	for r := 0; r < repeat; r++ {
		logf("partner round %d of %d", r+1, repeat)
		for _, c := range cs {
			a := kept[c.ID]
			if a == nil {
				continue
			}
			target := fmt.Sprintf("restore_%s_%d", strings.ReplaceAll(c.ID, "-", "_"), r)
			if err := b.pg.CreateDatabase(ctx, target); err != nil {
				return nil, err
			}
			dl := filepath.Join(b.work, "download-"+target)
			url := fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", b.pg.User, b.pg.Password, b.pg.Host, b.pg.Port, target)
			s, err := b.measure(ctx, []string{"TARGET_DATABASE_URL=" + url, "PREFIX=" + a.Prefix, "DL=" + dl},
				partnerScript+a.Restore)
			os.RemoveAll(dl)
			if err != nil {
				return nil, fmt.Errorf("partner restore of %s: %w", a.Format, err)
			}
			logf("  %-42s %6.2fs", a.Format, s.Wall.Seconds())
			samples[c.ID] = append(samples[c.ID], s)
			if _, err := b.pg.Query(ctx, "postgres", fmt.Sprintf("drop database %q", target)); err != nil {
				return nil, err
			}
		}
	}
	var rows []PartnerRow
	for _, c := range cs {
		a := kept[c.ID]
		if a == nil {
			continue
		}
		pr := PartnerRow{Format: a.Format, From: c.ID, ArchiveBytes: a.Bytes, Restore: a.Restore, Stats: summarize(samples[c.ID])}
		for _, s := range samples[c.ID] {
			pr.Walls = append(pr.Walls, s.Wall)
		}
		rows = append(rows, pr)
		if err := b.deletePrefix(ctx, a.Prefix); err != nil {
			return nil, err
		}
	}
	return rows, nil
}
