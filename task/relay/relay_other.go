//go:build !linux

package relay

func (r *Relay) splice() error { return errNoSplice }
