package export

import (
	"sync"
	"time"
)

// everyInterval calls report every ProgressInterval, with the time since it
// started, until stop is called; stop returns after the last report. A
// ProgressInterval of 0 or less turns progress off.
func (r *run) everyInterval(report func(elapsed time.Duration)) (stop func()) {
	if r.cfg.ProgressInterval <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.cfg.ProgressInterval)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				report(time.Since(start))
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
