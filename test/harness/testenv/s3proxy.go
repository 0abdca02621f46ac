package testenv

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// S3 operations the proxy tells apart (by method and query), for faults.
const (
	OpUploadPart       = "UploadPart"
	OpCreateMultipart  = "CreateMultipartUpload"
	OpCompleteMultpart = "CompleteMultipartUpload"
	OpPutObjectTagging = "PutObjectTagging"
	OpPutRetention     = "PutObjectRetention"
	OpPutLegalHold     = "PutObjectLegalHold"
	OpPutObject        = "PutObject"
	OpHeadObject       = "HeadObject"
	OpDeleteObject     = "DeleteObject"
	OpListVersions     = "ListObjectVersions"
	OpOther            = "Other"
)

// Replication modes the proxy emulates on HeadObject answers. moto does not
// replicate and never sends x-amz-replication-status, so the proxy adds the
// header the way S3 reports a source object of a replication rule.
const (
	ReplicationNone      = ""          // no header: no replication rule (moto as is)
	ReplicationCompletes = "completes" // PENDING for the first heads of a key, then COMPLETED
	ReplicationFails     = "fails"     // PENDING, then FAILED
	ReplicationNever     = "never"     // PENDING for ever
)

// S3Proxy sits between a client and moto and forwards every request. It can
// slow down or fail chosen calls, hold one until the test lets it go (to
// send SIGTERM while it is in flight), and emulate replication status, so
// tests act at a known moment of the commit protocol instead of racing a
// fast loopback upload.
type S3Proxy struct {
	URL string

	// PartDelay is added before each UploadPart is forwarded.
	PartDelay time.Duration
	// FailParts makes every UploadPart answer 500 without reaching moto.
	FailParts atomic.Bool
	// FirstPart is closed when the first UploadPart request arrives.
	FirstPart chan struct{}

	mu          sync.Mutex
	fail        map[string]int      // op -> status to answer instead of forwarding
	failKey     map[string]string   // op -> key suffix the failure applies to ("" = any)
	hold        map[string]chan any // op -> closed by the test to let the request go on
	arrived     map[string]chan struct{}
	replication string
	pendingFor  int // heads of a key answered PENDING before the final status
	heads       map[string]int
	counts      map[string]int

	parts  atomic.Int64
	server *httptest.Server
}

// NewS3Proxy starts a proxy to target (moto's endpoint).
func NewS3Proxy(target string, partDelay time.Duration) (*S3Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	p := &S3Proxy{PartDelay: partDelay, FirstPart: make(chan struct{}),
		fail: map[string]int{}, failKey: map[string]string{}, hold: map[string]chan any{},
		arrived: map[string]chan struct{}{}, heads: map[string]int{}, counts: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := Classify(r)
		p.mu.Lock()
		p.counts[op]++
		status, failing := p.fail[op]
		if failing && !strings.HasSuffix(r.URL.Path, p.failKey[op]) {
			failing = false
		}
		hold := p.hold[op]
		arrived := p.arrived[op]
		if arrived != nil {
			close(arrived)
			delete(p.arrived, op)
		}
		p.mu.Unlock()

		if op == OpUploadPart {
			if p.parts.Add(1) == 1 {
				close(p.FirstPart)
			}
			if p.FailParts.Load() {
				failing, status = true, http.StatusInternalServerError
			}
		}
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return // the client gave up: the request never reaches moto
			}
		}
		if failing {
			w.WriteHeader(status)
			if r.Method != http.MethodHead {
				_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the test proxy</Message></Error>`))
			}
			return
		}
		if op == OpUploadPart {
			select {
			case <-time.After(p.PartDelay):
			case <-r.Context().Done():
				return
			}
		}
		if op == OpHeadObject {
			if st := p.replicationStatus(r.URL.Path); st != "" {
				w.Header().Set("x-amz-replication-status", st)
			}
		}
		rp.ServeHTTP(w, r)
	}))
	p.URL = p.server.URL
	return p, nil
}

// Classify names the S3 operation of a path-style request.
func Classify(r *http.Request) string {
	q := r.URL.Query()
	switch r.Method {
	case http.MethodPut:
		switch {
		case q.Has("partNumber") && q.Has("uploadId"):
			return OpUploadPart
		case q.Has("tagging"):
			return OpPutObjectTagging
		case q.Has("retention"):
			return OpPutRetention
		case q.Has("legal-hold"):
			return OpPutLegalHold
		case strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 1:
			return OpPutObject
		}
	case http.MethodPost:
		switch {
		case q.Has("uploads"):
			return OpCreateMultipart
		case q.Has("uploadId"):
			return OpCompleteMultpart
		}
	case http.MethodHead:
		if strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 1 {
			return OpHeadObject
		}
	case http.MethodDelete:
		if !q.Has("uploadId") {
			return OpDeleteObject
		}
	case http.MethodGet:
		if q.Has("versions") {
			return OpListVersions
		}
	}
	return OpOther
}

// Fail makes every request of op answer status without reaching moto, from
// now on; status 0 clears the fault. With keySuffix set, only requests whose
// key ends with it fail.
func (p *S3Proxy) Fail(op string, status int, keySuffix string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if status == 0 {
		delete(p.fail, op)
		return
	}
	p.fail[op], p.failKey[op] = status, keySuffix
}

// Hold makes requests of op wait, from now on, until release is called (or
// the client gives up, in which case moto never sees them). arrived is closed
// when the first held request comes in.
func (p *S3Proxy) Hold(op string) (arrived <-chan struct{}, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch, a := make(chan any), make(chan struct{})
	p.hold[op], p.arrived[op] = ch, a
	var once sync.Once
	return a, func() {
		once.Do(func() {
			p.mu.Lock()
			delete(p.hold, op)
			p.mu.Unlock()
			close(ch)
		})
	}
}

// EmulateReplication sets how HeadObject answers report replication status:
// pendingFor heads of each key answer PENDING, then the mode's final status.
func (p *S3Proxy) EmulateReplication(mode string, pendingFor int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.replication, p.pendingFor = mode, pendingFor
}

func (p *S3Proxy) replicationStatus(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.replication == ReplicationNone {
		return ""
	}
	p.heads[key]++
	if p.replication == ReplicationNever || p.heads[key] <= p.pendingFor {
		return "PENDING"
	}
	if p.replication == ReplicationFails {
		return "FAILED"
	}
	return "COMPLETED"
}

// Count is the number of requests of op seen so far.
func (p *S3Proxy) Count(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[op]
}

// Parts is the number of UploadPart requests seen.
func (p *S3Proxy) Parts() int64 { return p.parts.Load() }

// Close stops the proxy.
func (p *S3Proxy) Close() { p.server.Close() }
