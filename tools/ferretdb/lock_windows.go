//go:build windows

package main

// lockDir is a no-op on Windows: run one cxbot per data directory there.
func lockDir(dir string) (func(), error) {
	return func() {}, nil
}
