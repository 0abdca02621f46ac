package testenv

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// S3Proxy sits between a client and moto and forwards every request. It can
// slow down or fail the UploadPart calls, so tests can act while a
// multipart upload is in flight (kill pg_dump, send SIGTERM, lose S3) at a
// known moment instead of racing a fast loopback upload.
type S3Proxy struct {
	URL string

	// PartDelay is added before each UploadPart is forwarded.
	PartDelay time.Duration
	// FailParts makes every UploadPart answer 500 without reaching moto.
	FailParts atomic.Bool
	// FirstPart is closed when the first UploadPart request arrives.
	FirstPart chan struct{}

	parts  atomic.Int64
	server *httptest.Server
}

// NewS3Proxy starts a proxy to target (moto's endpoint).
func NewS3Proxy(target string, partDelay time.Duration) (*S3Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	p := &S3Proxy{PartDelay: partDelay, FirstPart: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Method == http.MethodPut && q.Has("partNumber") && q.Has("uploadId") {
			if p.parts.Add(1) == 1 {
				close(p.FirstPart)
			}
			if p.FailParts.Load() {
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the test proxy</Message></Error>`))
				return
			}
			select {
			case <-time.After(p.PartDelay):
			case <-r.Context().Done():
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	p.URL = p.server.URL
	return p, nil
}

// Parts is the number of UploadPart requests seen.
func (p *S3Proxy) Parts() int64 { return p.parts.Load() }

// Close stops the proxy.
func (p *S3Proxy) Close() { p.server.Close() }
