// A Go program for tests/zrt/threads.sh: goroutines, channels, a
// sync.WaitGroup and a map under a sync.Mutex, the garbage collector,
// timers (Go's network poller: epoll and a pipe), and a goroutine that
// spins while another sleeps (sysmon preempts it with SIGURG sent by
// tgkill), an os.Pipe between goroutines (non-blocking descriptors in the
// network poller: edge-triggered epoll). Its output does not depend on
// the interleaving, so it can be compared with a native run.
package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func worker(id int, jobs <-chan int, results chan<- [2]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for n := range jobs {
		s := 0
		for i := 1; i <= n*1000; i++ {
			s += i % (id + 7)
		}
		results <- [2]int{n, n * n}
	}
}

func main() {
	jobs := make(chan int, 8)
	results := make(chan [2]int, 8)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go worker(w, jobs, results, &wg)
	}
	go func() {
		for i := 1; i <= 200; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	sum := 0
	count := 0
	for r := range results {
		sum += r[1]
		count++
	}
	fmt.Printf("channels: %d results, sum of squares %d\n", count, sum)

	var mu sync.Mutex
	words := map[string]int{}
	var wg2 sync.WaitGroup
	text := []string{"alpha", "beta", "gamma", "delta", "alpha", "beta", "alpha"}
	for g := 0; g < 16; g++ {
		wg2.Add(1)
		go func(g int) {
			defer wg2.Done()
			for i := 0; i < 100; i++ {
				mu.Lock()
				words[text[(g+i)%len(text)]]++
				mu.Unlock()
				if i%10 == 0 {
					runtime.Gosched()
				}
			}
		}(g)
	}
	wg2.Wait()
	keys := make([]string, 0, len(words))
	for k := range words {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	total := 0
	for _, k := range keys {
		fmt.Printf("map: %s %d\n", k, words[k])
		total += words[k]
	}
	fmt.Printf("map: total %d\n", total)
	// Allocation heavy work in goroutines: the garbage collector runs
	// with its workers on other threads.
	var wg3 sync.WaitGroup
	lens := make([]int, 4)
	for g := 0; g < 4; g++ {
		wg3.Add(1)
		go func(g int) {
			defer wg3.Done()
			var keep [][]byte
			for i := 0; i < 20000; i++ {
				b := make([]byte, 64+i%512)
				if i%100 == 0 {
					keep = append(keep, b)
				}
			}
			lens[g] = len(keep)
		}(g)
	}
	wg3.Wait()
	fmt.Println("gc:", lens)
	// Timers: sleepers wake in the order of their deadlines.
	ch := make(chan int)
	for i := 0; i < 5; i++ {
		go func(i int) {
			time.Sleep(time.Duration(5-i) * 20 * time.Millisecond)
			ch <- i
		}(i)
	}
	order := []int{}
	for i := 0; i < 5; i++ {
		order = append(order, <-ch)
	}
	fmt.Println("timers: woke in order", order)
	select {
	case <-ch:
		fmt.Println("timers: a value from nowhere")
	case <-time.After(30 * time.Millisecond):
		fmt.Println("timers: time.After fired")
	}
	tick := time.NewTicker(10 * time.Millisecond)
	ticks := 0
	for range tick.C {
		ticks++
		if ticks == 3 {
			break
		}
	}
	tick.Stop()
	fmt.Println("timers: ticks", ticks)
	// A goroutine spins (reading the clock) while main sleeps: with one
	// P, main's timer runs only when the spinner is preempted.
	var stop atomic.Bool
	var spins atomic.Int64
	done := make(chan bool)
	go func() {
		for !stop.Load() {
			_ = time.Now()
			spins.Add(1)
		}
		done <- true
	}()
	time.Sleep(20 * time.Millisecond)
	stop.Store(true)
	<-done
	fmt.Println("preemption: main woke while a goroutine spun:", spins.Load() > 0)
	// os.Pipe: the reader parks in the poller until the writer's data.
	pr, pw, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	go func() {
		buf := make([]byte, 3000)
		for i := 0; i < 100; i++ {
			for j := range buf {
				buf[j] = byte(i + j)
			}
			pw.Write(buf)
		}
		pw.Close()
	}()
	data, err := io.ReadAll(pr)
	fmt.Printf("os.Pipe: %d bytes, sha256 %x, error %v\n", len(data), sha256.Sum256(data), err)
	if len(os.Args) > 1 {
		fmt.Println("args:", os.Args[1:])
	}
}
