package s3upload

import (
	"bytes"
	"io"
)

// bytesReader is a seekable body, so the SDK can compute the checksum
// header before sending and retry without buffering again.
type bytesReader struct {
	b []byte
	r *bytes.Reader
}

func (b *bytesReader) reader() *bytes.Reader {
	if b.r == nil {
		b.r = bytes.NewReader(b.b)
	}
	return b.r
}

func (b *bytesReader) Read(p []byte) (int, error) { return b.reader().Read(p) }

func (b *bytesReader) Seek(off int64, whence int) (int64, error) {
	return b.reader().Seek(off, whence)
}

var _ io.ReadSeeker = (*bytesReader)(nil)
