package pgdump

import "strings"

// errorLines returns the lines of a --verbose pg_dump's stderr that explain
// a failure (error/fatal/detail/hint), or the last three lines when there
// are none (the progress lines before them say nothing of the failure).
func (b *tailBuffer) errorLines() string {
	var keep []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "error:") || strings.Contains(l, "FATAL") || strings.Contains(l, "DETAIL:") ||
			strings.Contains(l, "HINT:") || strings.Contains(l, "fatal:") {
			keep = append(keep, strings.TrimSpace(l))
		}
	}
	if len(keep) == 0 {
		lines := strings.Split(b.String(), "\n")
		return strings.Join(lines[max(0, len(lines)-3):], "; ")
	}
	return strings.Join(keep, "; ")
}
