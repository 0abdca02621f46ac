package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// dbSecret is the JSON that RDS and Secrets Manager store for a database
// (the "credentials for Amazon RDS database" secret type). port may be a
// number or a string.
type dbSecret struct {
	Username string          `json:"username"`
	Password string          `json:"password"`
	Host     string          `json:"host"`
	Port     json.RawMessage `json:"port"`
	DBName   string          `json:"dbname"`
}

// loadConn reads the secret (if any), then lets the standard libpq variables
// override single fields, so one secret can point at a replica's host.
func loadConn(getenv func(string) string, p *problems) Conn {
	var c Conn
	if raw := strings.TrimSpace(getenv(EnvDBSecret)); raw != "" {
		var s dbSecret
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			// The JSON error can quote the text around the fault, which may be
			// the password: say where, never what.
			var syn *json.SyntaxError
			where := ""
			if errors.As(err, &syn) {
				where = fmt.Sprintf(" (syntax error at byte %d)", syn.Offset)
			}
			p.add(EnvDBSecret, "is not a valid JSON object"+where,
				`give the RDS secret format {"username":…,"password":…,"host":…,"port":5432,"dbname":…}`)
		} else {
			c.User, c.Password, c.Host, c.DBName = s.Username, s.Password, s.Host, s.DBName
			if len(s.Port) > 0 && string(s.Port) != "null" {
				port, err := strconv.Atoi(strings.Trim(string(s.Port), `"`))
				if err != nil {
					p.add(EnvDBSecret+" port", "is not a whole number", "store the port as 5432 or \"5432\"")
				} else {
					c.Port = port
				}
			}
		}
	}
	override := func(dst *string, name string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	override(&c.Host, "PGHOST")
	override(&c.User, "PGUSER")
	override(&c.DBName, "PGDATABASE")
	override(&c.SSLMode, "PGSSLMODE")
	if v := getenv("PGPASSWORD"); v != "" {
		c.Password = v
	}
	if v := strings.TrimSpace(getenv("PGPORT")); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil {
			p.add("PGPORT", fmt.Sprintf("%q is not a whole number", v), "set PGPORT=5432")
		} else {
			c.Port = port
		}
	}
	if c.Port == 0 {
		c.Port = 5432
	}
	return c
}

// Env returns the libpq environment for child processes (pg_dump, psql).
func (c Conn) Env() []string {
	env := []string{
		"PGHOST=" + c.Host, "PGPORT=" + strconv.Itoa(c.Port), "PGUSER=" + c.User,
		"PGDATABASE=" + c.DBName, "PGSSLMODE=" + c.SSLMode,
		"PGAPPNAME=advana-export", "PGCONNECT_TIMEOUT=10",
	}
	if c.Password != "" {
		env = append(env, "PGPASSWORD="+c.Password)
	}
	return env
}

// String describes the connection without its password, also when the
// database name is a connection URI that carries one.
func (c Conn) String() string {
	db := c.DBName
	if u, err := url.Parse(db); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
			db = u.String()
		}
	}
	return fmt.Sprintf("%s@%s:%d/%s (sslmode=%s)", c.User, c.Host, c.Port, db, c.SSLMode)
}

// uriPassword is the password inside a connection URI given as the
// database name (libpq accepts one there), or "".
func uriPassword(db string) string {
	if !strings.Contains(db, "://") {
		return ""
	}
	u, err := url.Parse(db)
	if err != nil {
		// Unparseable: the whole value may hold a password, so treat all of it as one.
		return db
	}
	if u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}
