package export

import (
	"context"
	"io"
	"path"

	"github.com/advana-export/terraform-aws-advana-export/task/s3upload"
)

// uploadSink streams one file into a multipart upload through a pipe.
type uploadSink struct {
	path string
	pw   *io.PipeWriter
	done chan error
	obj  s3upload.Object
}

func (p *parquetRun) openSink(ctx context.Context, relPath string) *uploadSink {
	pr, pw := io.Pipe()
	s := &uploadSink{path: relPath, pw: pw, done: make(chan error, 1)}
	go func() {
		obj, err := p.up.Stream(ctx, path.Join(p.prefix, relPath), pr, nil)
		s.obj = obj
		// Unblock the writer if the upload failed first.
		pr.CloseWithError(err)
		s.done <- err
	}()
	return s
}

func (s *uploadSink) Write(b []byte) (int, error) {
	n, err := s.pw.Write(b)
	if err != nil {
		return n, &Error{Kind: KindStorage, Err: err}
	}
	return n, nil
}

// Close ends the file and waits for its upload to complete.
func (s *uploadSink) Close() error {
	s.pw.Close()
	if err := <-s.done; err != nil {
		return &Error{Kind: KindStorage, Err: err}
	}
	return nil
}

// Abort fails the upload, which aborts its multipart upload.
func (s *uploadSink) Abort(err error) {
	s.pw.CloseWithError(err)
	<-s.done
}
