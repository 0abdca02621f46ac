// Package logging sets up the task's logrus logger: JSON, one line per
// event, to stdout for the awslogs driver, with every known secret value
// replaced before a line is written.
package logging

import (
	"io"
	"strings"
	"sync"

	"github.com/sirupsen/logrus"
)

// New returns a JSON logger writing to out.
func New(out io.Writer) (*logrus.Logger, *Redactor) {
	log := logrus.New()
	log.SetOutput(out)
	log.SetFormatter(&logrus.JSONFormatter{
		TimestampFormat: "2006-01-02T15:04:05.000Z07:00",
		FieldMap:        logrus.FieldMap{logrus.FieldKeyMsg: "message"},
	})
	r := &Redactor{}
	log.AddHook(r)
	return log, r
}

// Redactor is a logrus hook that replaces secret values (the database
// password, an IAM token) in messages and string fields. It is the second
// line of defence: nothing logs a secret on purpose.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string
}

// Add registers values that must never appear in a log line.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if len(v) >= 4 { // shorter strings would blank out ordinary words
			r.secrets = append(r.secrets, v)
		}
	}
}

// Redact returns s with every registered secret replaced.
func (r *Redactor) Redact(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, "[REDACTED]")
	}
	return s
}

// Levels implements logrus.Hook.
func (r *Redactor) Levels() []logrus.Level { return logrus.AllLevels }

// Fire implements logrus.Hook.
func (r *Redactor) Fire(e *logrus.Entry) error {
	e.Message = r.Redact(e.Message)
	for k, v := range e.Data {
		switch x := v.(type) {
		case string:
			e.Data[k] = r.Redact(x)
		case error:
			e.Data[k] = r.Redact(x.Error())
		}
	}
	return nil
}
