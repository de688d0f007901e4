// The Go twin of pool_bench.cpp's pipeline, PoolHandoff<1024> and
// NewDeleteHandoff<1024>: goroutines in pairs, each pair with a bounded
// 64-cell single-producer single-consumer ring of its own. The even goroutine
// of a pair takes a 1 KiB object (sync.Pool Get, or new), writes one byte and
// pushes it; the odd one pops it and gives it back (Put, or drops it for the
// garbage collector). Run with -cpu 2, so 2 to 16 goroutines share two Ps as
// the C++ threads share the two cores.
//
// Names line up with the C++ rows once compare_go.sh drops "Handoff/":
// Handoff/PoolHandoff/1024/threads:4 is PoolHandoff<1024>/real_time/threads:4,
// Handoff/AllocHandoff/1024/threads:4 is NewDeleteHandoff<1024>/real_time/threads:4.
package bench

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// handoffRing has HandoffQueue's shape: 64 cells, a head the consumer
// advances, a tail the producer advances, each index on a cache line of its
// own, and a yield (runtime.Gosched, not a channel) while full or empty.
//
// The cells are plain pointers, not atomics. Go has no relaxed or release
// operations: every atomic store is sequentially consistent (an XCHG on
// amd64), so atomic cells would add a full fence per handoff that the C++
// relaxed cells do not pay. A plain cell is still race-free: the producer
// writes it before its atomic store of tail, the consumer reads it after its
// atomic load of tail (and the reverse through head), which orders them under
// the Go memory model just as release/acquire orders the C++ relaxed cells.
// The two index stores remain fences here and plain moves in C++.
//
// One difference stays on purpose: runtime.Gosched yields to other
// goroutines, never the OS thread (no sched_yield, unlike C++'s
// std::this_thread::yield). So when the two Ms of a pair end up on one core
// (other load on the machine), the waiting side spins through its OS time
// slice. Measured with taskset -c 0 (Go 1.19, machine busy with other work as
// well, so rough): PoolHandoff/1024/threads:2 stays at about 140 ns,
// AllocHandoff rises to about 3.2 µs, the C++ rows stay near 70 ns. Why only
// the alloc row suffers is a guess, not measured: garbage collection may keep
// splitting the pair across the two Ps, where the pool row settles on one.
// Figures from a busy machine are not comparable.
type handoffRing struct {
	cells [64]*object1K
	_     [64]byte
	head  atomic.Uint64
	_     [64]byte
	tail  atomic.Uint64
	_     [64]byte
}

const handoffCells = 64

func (q *handoffRing) push(p *object1K) {
	tail := q.tail.Load()
	for tail-q.head.Load() == handoffCells {
		runtime.Gosched()
	}
	q.cells[tail%handoffCells] = p
	q.tail.Store(tail + 1)
}

func (q *handoffRing) pop() *object1K {
	head := q.head.Load()
	for q.tail.Load() == head {
		runtime.Gosched()
	}
	p := q.cells[head%handoffCells] // left in the cell, as in C++: at most 64 stay reachable
	q.head.Store(head + 1)
	return p
}

// Package-level, like the C++ statics: one ring per pair (16 threads, 8
// pairs), and a pool of its own, as FromPool<N> has.
var (
	handoffRings  [8]handoffRing
	poolHandoff1K = sync.Pool{New: func() any { return new(object1K) }}
)

// Written out by hand per side, like the rest of the file: each goroutine
// makes one indirect call into its loop, and the loop itself calls nothing
// through a function value.
func poolTake(q *handoffRing, n int) {
	for i := 0; i < n; i++ {
		o := poolHandoff1K.Get().(*object1K)
		o.bytes[0] = 1
		q.push(o)
	}
}

func poolGive(q *handoffRing, n int) {
	for i := 0; i < n; i++ {
		poolHandoff1K.Put(q.pop())
	}
}

func allocTake(q *handoffRing, n int) {
	for i := 0; i < n; i++ {
		o := new(object1K)
		o.bytes[0] = 1
		q.push(o)
	}
}

func allocGive(q *handoffRing, n int) {
	for i := 0; i < n; i++ {
		q.pop() // dropped: the collector frees it
	}
}

// runHandoff runs threads goroutines, every one of them the same number of
// iterations, and reports ns/op as Google Benchmark reports the C++ row.
//
// What the C++ figure means: with UseRealTime and threads:T, Google Benchmark
// runs the loop n times on each thread (n is per thread), adds the threads'
// wall times and divides by T (the mean wall time of a thread), then divides
// by the iterations of all threads together, T*n. An iteration is one side's
// step (take+touch+push, or pop+give), so one object handed over is two
// iterations, and the figure is wall time / (T*n): the machine's throughput,
// not one thread's latency.
//
// The Go figure means the same: b.N is taken as the total over all
// goroutines, as RunParallel takes it in the rows above, so each goroutine
// runs n = ceil(b.N/T) iterations (equal counts keep each pair's ring
// balanced, so it is empty again at the end), and the reported ns/op is wall
// time / (T*n), overriding testing's wall/b.N, which would be off by the
// rounding. Wall time runs from releasing the goroutines (already started
// and waiting) to the last one finishing, as the C++ threads start together
// after a barrier; the C++ mean over threads differs from that only by the
// producer finishing its last pushes up to 64 cells ahead of its consumer.
func runHandoff(b *testing.B, threads int, take, give func(*handoffRing, int)) {
	n := (b.N + threads - 1) / threads
	start := make(chan struct{})
	var done sync.WaitGroup
	done.Add(threads)
	for t := 0; t < threads; t++ {
		q := &handoffRings[t/2]
		side := give
		if t%2 == 0 {
			side = take
		}
		go func() {
			defer done.Done()
			<-start
			side(q, n)
		}()
	}
	b.ResetTimer()
	began := time.Now()
	close(start)
	done.Wait()
	wall := time.Since(began)
	b.StopTimer()
	b.ReportMetric(float64(wall.Nanoseconds())/float64(threads*n), "ns/op")
}

func BenchmarkHandoff(b *testing.B) {
	for _, threads := range []int{2, 4, 8, 16} {
		threads := threads
		b.Run(fmt.Sprintf("PoolHandoff/1024/threads:%d", threads), func(b *testing.B) {
			runHandoff(b, threads, poolTake, poolGive)
		})
	}
	for _, threads := range []int{2, 4, 8, 16} {
		threads := threads
		b.Run(fmt.Sprintf("AllocHandoff/1024/threads:%d", threads), func(b *testing.B) {
			runHandoff(b, threads, allocTake, allocGive)
		})
	}
}
