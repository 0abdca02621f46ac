package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// timeBin is GNU time: -v reports the peak RSS and CPU of what it ran.
const timeBin = "/usr/bin/time"

// Sample is one measured run of a shell command.
type Sample struct {
	Wall       time.Duration
	MaxRSSKiB  int64   // largest single process of the tree (ru_maxrss of the children)
	CPUSeconds float64 // user + system of the whole tree, server side not included
	ServerCPU  float64 // the PostgreSQL backends' CPU seconds (sessions that ended)
	Stdout     string
}

// measure runs script (see timed) and adds the CPU the database server
// spent on it: the postmaster's reaped children before and after, once the
// backends of the command's sessions have exited.
func (b *Bench) measure(ctx context.Context, env []string, script string) (Sample, error) {
	before, err := processCPU(b.pg.PID())
	if err != nil {
		return Sample{}, fmt.Errorf("server CPU: %w", err)
	}
	s, err := timed(ctx, b.work, b.env(env), script)
	if err != nil {
		return s, err
	}
	time.Sleep(200 * time.Millisecond) // the postmaster reaps the backends
	after, err := processCPU(b.pg.PID())
	if err != nil {
		return Sample{}, fmt.Errorf("server CPU: %w", err)
	}
	s.ServerCPU = after - before
	return s, nil
}

// timed runs script with bash under `/usr/bin/time -v` in dir with env
// added to the bench's environment. Wall time is taken around the whole run.
func timed(ctx context.Context, dir string, env []string, script string) (Sample, error) {
	f, err := os.CreateTemp("", "bench-time-")
	if err != nil {
		return Sample{}, err
	}
	f.Close()
	defer os.Remove(f.Name())
	cmd := exec.CommandContext(ctx, timeBin, "-v", "-o", f.Name(), "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return Sample{}, fmt.Errorf("%s: %w\n%s%s", short(script), err, tail(stderr.String(), 2000), tail(stdout.String(), 2000))
	}
	s := Sample{Wall: wall, Stdout: stdout.String()}
	report, err := os.ReadFile(f.Name())
	if err != nil {
		return Sample{}, err
	}
	if err := parseTimeV(report, &s); err != nil {
		return Sample{}, fmt.Errorf("%s: %w", short(script), err)
	}
	return s, nil
}

// parseTimeV reads GNU time's -v report.
func parseTimeV(report []byte, s *Sample) error {
	var user, sys float64
	var found int
	sc := bufio.NewScanner(bytes.NewReader(report))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		switch k {
		case "User time (seconds)":
			user, _ = strconv.ParseFloat(v, 64)
			found++
		case "System time (seconds)":
			sys, _ = strconv.ParseFloat(v, 64)
			found++
		case "Maximum resident set size (kbytes)":
			s.MaxRSSKiB, _ = strconv.ParseInt(v, 10, 64)
			found++
		}
	}
	if found != 3 {
		return fmt.Errorf("no CPU/RSS figures in the report of %s -v: %q", timeBin, tail(string(report), 500))
	}
	s.CPUSeconds = user + sys
	return nil
}

// Stats is the median of several samples.
type Stats struct {
	N          int
	Wall       time.Duration
	MinWall    time.Duration
	MaxWall    time.Duration
	MaxRSSKiB  int64
	CPUSeconds float64
	ServerCPU  float64
}

func summarize(samples []Sample) Stats {
	if len(samples) == 0 {
		return Stats{}
	}
	walls := make([]time.Duration, len(samples))
	rss := make([]int64, len(samples))
	cpu := make([]float64, len(samples))
	server := make([]float64, len(samples))
	for i, s := range samples {
		walls[i], rss[i], cpu[i], server[i] = s.Wall, s.MaxRSSKiB, s.CPUSeconds, s.ServerCPU
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(rss, func(i, j int) bool { return rss[i] < rss[j] })
	return Stats{N: len(samples), MinWall: walls[0], MaxWall: walls[len(walls)-1],
		Wall: walls[len(walls)/2]/2 + walls[(len(walls)-1)/2]/2, MaxRSSKiB: rss[len(rss)-1],
		CPUSeconds: median(cpu), ServerCPU: median(server)}
}

// median of xs (sorts them).
func median(xs []float64) float64 {
	sort.Float64s(xs)
	n := len(xs)
	return (xs[n/2] + xs[(n-1)/2]) / 2
}

func short(script string) string {
	script = strings.Join(strings.Fields(script), " ")
	if len(script) > 160 {
		return script[:160] + "…"
	}
	return script
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// fileSize is the size of path, or of every file under it.
func fileSize(path string) (int64, error) {
	var total int64
	err := filepath.Walk(path, func(_ string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			total += fi.Size()
		}
		return nil
	})
	return total, err
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat times.
const clockTicks = 100

// processCPU is the CPU seconds of pid and of every child it has reaped
// (utime + stime + cutime + cstime): for the postmaster, the work of the
// backends that served finished sessions.
func processCPU(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndex(s, ")")+1:]) // state ppid … ; utime is field 14 overall
	if len(fields) < 15 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	var ticks int64
	for _, f := range fields[11:15] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return float64(ticks) / clockTicks, nil
}
