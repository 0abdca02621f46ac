// Package testenv starts the throwaway servers that tests, the demo and the
// benchmark run against: a PostgreSQL 15 server in a temporary directory on a
// free loopback port, and a moto server that emulates AWS (StartMotoIAM: one
// that enforces IAM, so each identity may do only what its policies allow).
// Each server is a real child process; Stop ends it and removes what it left
// on disk.
package testenv
