package testenv

import (
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// TCPProxy forwards TCP connections to a target (a PostgreSQL server) and
// can freeze: once FreezeAfter bytes have gone from the server to clients it
// stops forwarding in both directions but keeps every connection open, the
// way a half-dead network path or a failed-over database looks to libpq: no
// error, no data, for ever.
type TCPProxy struct {
	Addr string // host:port to connect to
	Host string
	Port int

	// FreezeAfter is the number of server-to-client bytes after which the
	// proxy freezes; 0 never freezes.
	FreezeAfter atomic.Int64
	// Frozen is closed when the proxy freezes.
	Frozen chan struct{}

	l        net.Listener
	target   string
	sent     atomic.Int64
	freezeMu sync.Once
	mu       sync.Mutex
	conns    []net.Conn
	closed   chan struct{}
	wg       sync.WaitGroup
}

// NewTCPProxy listens on a free loopback port and forwards to target.
func NewTCPProxy(target string) (*TCPProxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	a := l.Addr().(*net.TCPAddr)
	p := &TCPProxy{Addr: a.String(), Host: a.IP.String(), Port: a.Port, Frozen: make(chan struct{}), closed: make(chan struct{}), l: l, target: target}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *TCPProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(s, c, false)
		go p.pipe(c, s, true)
	}
}

// pipe copies from src to dst until either ends or the proxy freezes;
// counted marks the server-to-client direction.
func (p *TCPProxy) pipe(dst, src net.Conn, counted bool) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if counted {
				if limit := p.FreezeAfter.Load(); limit > 0 && p.sent.Add(int64(n)) > limit {
					p.freezeMu.Do(func() { close(p.Frozen) })
				}
			}
			select {
			case <-p.Frozen:
				<-p.closed // hold the connection open, silent, until Close
				return
			default:
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				_ = dst.Close()
			}
			return
		}
	}
}

// Close stops listening, drops every connection and waits for its
// goroutines.
func (p *TCPProxy) Close() {
	close(p.closed)
	p.l.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
