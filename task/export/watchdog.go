package export

import (
	"fmt"
	"sync"
	"time"

	"github.com/advana-export/terraform-aws-advana-export/task/config"
)

// stallError is the message of a run the watchdog stopped.
func stallError(timeout time.Duration, what string) error {
	return fmt.Errorf("no dump progress for %s (%s): the database connection stalled (a failover, a dropped network path, or a lock pg_dump waits for); pg_dump was stopped. Raise %s if the database really pauses this long", timeout, what, config.EnvStallTimeout)
}

// watchdog calls onStall once when idle() reports more than timeout, checking
// a few times per timeout, until stop is called. A timeout of 0 turns it off.
func watchdog(timeout time.Duration, idle func() time.Duration, onStall func()) (stop func()) {
	if timeout <= 0 {
		return func() {}
	}
	tick := min(max(timeout/4, 10*time.Millisecond), 5*time.Second)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if idle() > timeout {
					onStall()
					return
				}
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}

// growthTimer reports how long size() has not grown: the directory format's
// progress is the dump folder on disk.
func growthTimer(size func() int64) func() time.Duration {
	last, since := int64(-1), time.Now()
	return func() time.Duration {
		if n := size(); n != last {
			last, since = n, time.Now()
		}
		return time.Since(since)
	}
}
