package compress

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// dumpLike returns about n bytes shaped like a text-heavy COPY section of
// an application database: uuid, timestamps, jsonb, free text from a small
// vocabulary, numbers. docs/profile.md profiles the streaming path on it.
func dumpLike(n int) []byte {
	words := []string{"pallet", "freight", "customs", "delayed", "cleared", "warehouse", "north", "south",
		"carrier", "fragile", "express", "standard", "inspection", "signed", "returned", "damaged"}
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString("COPY public.shipments (id, ref, created_at, attrs, note, weight) FROM stdin;\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%d\t%08x-%04x-%04x-%04x-%012x\t2026-%02d-%02d %02d:%02d:%02d.%06d+00\t",
			i, rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff,
			1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(1000000))
		fmt.Fprintf(&b, `{"city": "%s", "zip": "%05d", "tags": ["%s", "%s"], "priority": %d}`+"\t",
			words[rng.IntN(len(words))], rng.IntN(100000), words[rng.IntN(len(words))], words[rng.IntN(len(words))], rng.IntN(5))
		for w := 0; w < 8+rng.IntN(16); w++ {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "\t%d.%02d\n", rng.IntN(10000), rng.IntN(100))
	}
	return b.Bytes()
}

// BenchmarkStreamPath is the default export's work on the archive between
// pg_dump and the network: zstd level 3 (the zstd program, then the Go
// encoder), then the manifest's SHA-256. It reports CPU seconds per op of
// this process and its children, what the export pays on a 2-core task.
// go test -run x -bench StreamPath -cpuprofile cpu.out ./task/compress
func BenchmarkStreamPath(b *testing.B) {
	data := dumpLike(256 << 20)
	for _, program := range []string{"zstd", "no-such-zstd-program"} {
		b.Run(name(program), func(b *testing.B) {
			old := Program
			Program = program
			defer func() { Program = old }()
			b.SetBytes(int64(len(data)))
			before := cpuSeconds()
			for b.Loop() {
				r, err := NewZstd(bytes.NewReader(data), 3)
				if err != nil {
					b.Fatal(err)
				}
				h := sha256.New()
				n, err := io.Copy(h, r)
				if err != nil {
					b.Fatal(err)
				}
				r.Close()
				b.ReportMetric(float64(len(data))/float64(n), "ratio")
			}
			b.ReportMetric((cpuSeconds()-before)/float64(b.N), "cpu-s/op")
		})
	}
}

func name(program string) string {
	if program == "zstd" {
		return "program"
	}
	return "go-encoder"
}

func cpuSeconds() float64 {
	var s float64
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		_ = syscall.Getrusage(who, &ru)
		s += time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	return s
}
