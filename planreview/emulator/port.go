package emulator

import (
	"fmt"
	"net"
)

// FreePort asks the kernel for an unused loopback TCP port. Another process
// may take it before the caller binds it; the servers here are started on it
// immediately, which keeps that window small.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
