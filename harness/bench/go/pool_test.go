// The Go side of harness/bench/compare_go.sh: sync.Pool doing exactly what
// pool_bench.cpp's PoolGetPut<N> does (get an N-byte object, write one byte,
// put it back), plus plain allocation as the counterpart of MakeUnique<N>.
// Sub-benchmark names mirror the C++ rows: PoolGetPut/1024/threads:2 is
// PoolGetPut<1024>/real_time/threads:2. Run with -cpu 2 so that RunParallel
// uses two goroutines (one per P), as the C++ rows use two threads.
//
// Each size is written out by hand rather than with generics: a generic body
// would reach the type assertion and the write through a runtime dictionary,
// a cost the C++ template (compiled per size) does not pay.
package bench

import (
	"sync"
	"sync/atomic"
	"testing"
)

type object16 struct{ bytes [16]byte }
type object1K struct{ bytes [1024]byte }
type object64K struct{ bytes [65536]byte }

// Package-level pools, like the function-local statics in pool_bench.cpp:
// the 1-thread and 2-thread rows share one pool per size.
var (
	pool16  = sync.Pool{New: func() any { return new(object16) }}
	pool1K  = sync.Pool{New: func() any { return new(object1K) }}
	pool64K = sync.Pool{New: func() any { return new(object64K) }}
)

func BenchmarkPoolGetPut(b *testing.B) {
	b.Run("16/threads:1", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			o := pool16.Get().(*object16)
			o.bytes[0] = 1
			pool16.Put(o)
		}
	})
	b.Run("16/threads:2", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o := pool16.Get().(*object16)
				o.bytes[0] = 1
				pool16.Put(o)
			}
		})
	})
	b.Run("1024/threads:1", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			o := pool1K.Get().(*object1K)
			o.bytes[0] = 1
			pool1K.Put(o)
		}
	})
	b.Run("1024/threads:2", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o := pool1K.Get().(*object1K)
				o.bytes[0] = 1
				pool1K.Put(o)
			}
		})
	})
	b.Run("65536/threads:1", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			o := pool64K.Get().(*object64K)
			o.bytes[0] = 1
			pool64K.Put(o)
		}
	})
	b.Run("65536/threads:2", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				o := pool64K.Get().(*object64K)
				o.bytes[0] = 1
				pool64K.Put(o)
			}
		})
	})
}

// Allocation needs somewhere to escape to, or the compiler puts the object on
// the stack. One sink per goroutine, each on its own cache line, so the two
// goroutines of a parallel row do not fight over a shared variable.
type sink struct {
	p any
	_ [64]byte
}

var (
	sinks    [64]sink
	nextSink atomic.Int32
)

func mySink() *sink { return &sinks[int(nextSink.Add(1))%len(sinks)] }

func BenchmarkAlloc(b *testing.B) {
	b.Run("16/threads:1", func(b *testing.B) {
		s := mySink()
		for i := 0; i < b.N; i++ {
			o := new(object16)
			o.bytes[0] = 1
			s.p = o
		}
	})
	b.Run("16/threads:2", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			s := mySink()
			for pb.Next() {
				o := new(object16)
				o.bytes[0] = 1
				s.p = o
			}
		})
	})
	b.Run("1024/threads:1", func(b *testing.B) {
		s := mySink()
		for i := 0; i < b.N; i++ {
			o := new(object1K)
			o.bytes[0] = 1
			s.p = o
		}
	})
	b.Run("1024/threads:2", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			s := mySink()
			for pb.Next() {
				o := new(object1K)
				o.bytes[0] = 1
				s.p = o
			}
		})
	})
	b.Run("65536/threads:1", func(b *testing.B) {
		s := mySink()
		for i := 0; i < b.N; i++ {
			o := new(object64K)
			o.bytes[0] = 1
			s.p = o
		}
	})
	b.Run("65536/threads:2", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			s := mySink()
			for pb.Next() {
				o := new(object64K)
				o.bytes[0] = 1
				s.p = o
			}
		})
	})
}
