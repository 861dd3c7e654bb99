// Command cxbot-ferretdb runs FerretDB 1.24 (SQLite backend) as an embedded,
// MongoDB-wire-compatible server for cxbot's local default and its tests.
//
// Usage: cxbot-ferretdb -listen 127.0.0.1:27018 -data ./data/ferretdb
//
// It prints "READY <host:port>" on stdout once it accepts connections and
// shuts down cleanly on SIGTERM or SIGINT. With -exit-on-stdin-eof it also
// shuts down when its stdin closes, so a parent that dies without cleaning up
// (SIGKILL, crash) does not leave the server running.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free one)")
	data := flag.String("data", "./data/ferretdb", "directory for the SQLite files")
	logLevel := flag.String("log-level", "error", "FerretDB log level (debug, info, warn, error)")
	stdinEOF := flag.Bool("exit-on-stdin-eof", false, "shut down when stdin is closed (the parent process went away)")
	indexEvery := flag.Duration("id-index-every", idIndexEveryDefault(),
		"how often collections created while running get their _id lookup index; 0: only at start (default from CXBOT_FERRETDB_ID_INDEX_EVERY)")
	flag.Parse()

	if err := run(*listen, *data, *logLevel, *stdinEOF, *indexEvery); err != nil {
		fmt.Fprintln(os.Stderr, "cxbot-ferretdb:", err)
		os.Exit(1)
	}
}

func run(listen, data, logLevel string, stdinEOF bool, indexEvery time.Duration) error {
	dir, err := filepath.Abs(data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return err
	}
	defer unlock()

	addr := listen
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("bad -listen %q: %w", listen, err)
	}
	if port == "0" {
		// Reserve a free port, then hand it to FerretDB.
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return err
		}
		addr = l.Addr().String()
		l.Close()
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level(logLevel)}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	// The `_id` lookups' own index (see idindex.go): on the existing tables before the server starts, so a
	// large table is indexed while nothing else writes; then on each new table while it runs.
	if err := indexIDs(ctx, dir); err != nil {
		logger.Warn("could not index _id lookups", "err", err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    logger,
	})
	if err != nil {
		return err
	}
	if stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-done:
			return fmt.Errorf("ferretdb stopped during start-up: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ferretdb did not listen on %s within 30s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("READY %s\n", addr)
	kept := make(chan struct{})
	go func() {
		defer close(kept)
		if indexEvery > 0 {
			keepIDIndexes(ctx, dir, indexEvery, func(err error) { logger.Warn("could not index _id lookups", "err", err) })
		}
	}()
	// The keeper stops with ctx; wait for it before the data directory is unlocked.
	defer func() {
		stop()
		<-kept
	}()

	err = <-done
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func level(name string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		return slog.LevelError
	}
	return l
}
