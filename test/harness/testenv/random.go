package testenv

import (
	"crypto/rand"
	"encoding/hex"
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// UniqueID returns a short lower-case id for names that must not collide
// between parallel tests (S3 buckets, databases).
func UniqueID() string { return randomHex(4) }
