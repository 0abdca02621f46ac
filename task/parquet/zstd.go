package parquet

import (
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// arrow-go compresses each Parquet page with a zstd encoder from a
// sync.Pool, made with the level's default window (8 MiB at level 3): the
// encoder holds about twice that as history, and the pool is emptied at
// every other garbage collection, so encoders are made again and again.
// A page is about 1 MiB (the data page size), so a window of pageWindow
// loses nothing, and a free list that the collector does not empty keeps
// the few encoders the writers use. Registered for the whole program:
// this package is the only Parquet writer in it. Decoding is arrow-go's.
func init() {
	compress.RegisterCodec(compress.Codecs.Zstd, &zstdCodec{Codec: mustCodec(compress.Codecs.Zstd), free: map[zstd.EncoderLevel]chan *zstd.Encoder{}})
}

// pageWindow is the zstd window for one page.
const pageWindow = 2 << 20

// freeEncoders is how many idle encoders are kept per level.
const freeEncoders = 16

type zstdCodec struct {
	compress.Codec // arrow-go's, for decoding
	mu             sync.Mutex
	free           map[zstd.EncoderLevel]chan *zstd.Encoder
}

func mustCodec(c compress.Compression) compress.Codec {
	codec, err := compress.GetCodec(c)
	if err != nil {
		panic(err)
	}
	return codec
}

func (z *zstdCodec) Encode(dst, src []byte) []byte {
	return z.EncodeLevel(dst, src, compress.DefaultCompressionLevel)
}

func (z *zstdCodec) EncodeLevel(dst, src []byte, level int) []byte {
	l := zstd.SpeedDefault
	if level != compress.DefaultCompressionLevel {
		l = zstd.EncoderLevelFromZstd(level)
	}
	z.mu.Lock()
	free, ok := z.free[l]
	if !ok {
		free = make(chan *zstd.Encoder, freeEncoders)
		z.free[l] = free
	}
	z.mu.Unlock()
	var enc *zstd.Encoder
	select {
	case enc = <-free:
	default:
		enc, _ = zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(l),
			zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(pageWindow), zstd.WithLowerEncoderMem(true))
	}
	out := enc.EncodeAll(src, dst[:0])
	select {
	case free <- enc:
	default:
	}
	return out
}
