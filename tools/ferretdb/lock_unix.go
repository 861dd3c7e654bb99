//go:build !windows

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockDir takes an exclusive lock on <dir>/cxbot.lock for as long as this process runs, so two servers
// never share one data directory: cxbot relies on being the only writer of its embedded database. The
// kernel drops the lock when the process ends, however it ends, so a crash never leaves it behind.
func lockDir(dir string) (func(), error) {
	path := filepath.Join(dir, "cxbot.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		owner, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("the data directory %s is in use by another cxbot process (pid %s)", dir, strings.TrimSpace(string(owner)))
		}
		return nil, err
	}
	// Who holds it, for the message above: the cxbot process that started this server.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getppid())+"\n"), 0)
	return func() { f.Close() }, nil
}
