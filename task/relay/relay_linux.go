package relay

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// splice relays with splice(2) and tee(2). Every fd is in blocking mode
// (Fd puts it there), so each call waits only where it should: poll for
// src (the producer; timed for Idle), tee for room in the verifier's pipe,
// splice for room in the destination pipe. Each wait ends when the process
// at the other end exits, which is how the caller stops a relay.
func (r *Relay) splice() error {
	src, dst, tee := int(r.src.Fd()), int(r.dst.Fd()), -1
	if r.tee != nil {
		tee = int(r.tee.Fd())
	}
	for _, fd := range []int{src, dst, tee} {
		if fd >= 0 {
			_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETPIPE_SZ, PipeBytes) // best effort
		}
	}
	moved := false
	for {
		if err := r.waitReadable(src); err != nil {
			return err
		}
		want, teed := PipeBytes, false
		if tee >= 0 {
			// Duplicate what src's pipe holds into the verifier's, then move
			// exactly that much on: the verifier sees every byte, in order,
			// until it stops reading.
			n, err := retry(func() (int64, error) { return unix.Tee(src, tee, PipeBytes, 0) })
			switch {
			case errors.Is(err, unix.EPIPE):
				tee = -1 // the verifier exited; its exit status says whether it liked the archive
				continue
			case refused(err) && !moved:
				return errNoSplice
			case err != nil:
				return fmt.Errorf("relay: tee: %w", err)
			case n == 0:
				return nil // src's end
			}
			want, teed = int(n), true
		}
		// Without a tee one splice moves what is there (up to want); after
		// one, the loop moves all that was teed, which is in src's pipe.
		for left := want; left > 0; {
			n, err := retry(func() (int64, error) { return unix.Splice(src, nil, dst, nil, left, unix.SPLICE_F_MOVE) })
			switch {
			case refused(err) && !moved:
				return errNoSplice
			case err != nil:
				return fmt.Errorf("relay: splice: %w", err)
			case n == 0 && teed:
				return fmt.Errorf("relay: the source ended inside bytes it had already shown")
			case n == 0:
				return nil // src's end
			}
			moved = true
			left -= int(n)
			r.n.Add(n)
			if !teed {
				break
			}
		}
	}
}

// refused: the kernel or the container's seccomp profile does not allow
// the call here (EINVAL: not a pipe, or a kernel without it; ENOSYS: no
// such call; EPERM: a seccomp filter that denies it), so copying is the
// way, as long as nothing has moved yet.
func refused(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM)
}

// waitReadable waits until src has bytes or has ended, and times the wait.
func (r *Relay) waitReadable(src int) error {
	r.waiting.Store(time.Now().UnixNano())
	defer r.waiting.Store(0)
	fds := []unix.PollFd{{Fd: int32(src), Events: unix.POLLIN}}
	_, err := retry(func() (int64, error) { n, err := unix.Poll(fds, -1); return int64(n), err })
	if err != nil {
		return fmt.Errorf("relay: poll: %w", err)
	}
	return nil
}

// retry repeats a call a signal interrupted.
func retry(f func() (int64, error)) (int64, error) {
	for {
		n, err := f()
		if !errors.Is(err, unix.EINTR) {
			return n, err
		}
	}
}
