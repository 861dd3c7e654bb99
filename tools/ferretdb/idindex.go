package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	// The SQLite driver FerretDB itself uses (registered as "sqlite").
	_ "modernc.org/sqlite"
)

// FerretDB 1.24's SQLite backend looks a document up by `_ferretdb_sjson->'$._id' = ?`, while the unique
// index it creates for `_id` is on `_ferretdb_sjson->"_id"`: SQLite does not see that they are the same
// expression, so every exact `_id` lookup (find, update, upsert, delete by `_id`) reads every row of the
// table (EXPLAIN: SCAN). An index on the exact expression the lookups use makes them index searches.
// FerretDB never sees this index (it keeps its own list of indexes); dropping or renaming a collection
// takes it along, as SQLite does for every index of a table.

// idIndexSuffix names the extra index of each table.
const idIndexSuffix = "_cxbot_id"

// idIndexEveryDefault is how often new tables (collections created since) get their index: 2 s, or
// CXBOT_FERRETDB_ID_INDEX_EVERY (a Go duration; 0 indexes at start only, as tests of that path need).
func idIndexEveryDefault() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("CXBOT_FERRETDB_ID_INDEX_EVERY")); err == nil && d >= 0 {
		return d
	}
	return 2 * time.Second
}

// tablesWithoutIDIndex lists the collection tables of one SQLite file that lack the extra index.
const tablesWithoutIDIndex = `
SELECT name FROM sqlite_master
WHERE type = 'table' AND name NOT LIKE '\_ferretdb\_%' ESCAPE '\' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
  AND name || '` + idIndexSuffix + `' NOT IN (SELECT name FROM sqlite_master WHERE type = 'index')`

// indexIDs gives every collection table of every database file in dir the extra `_id` index. Each file is
// opened for the round and closed after it: a database dropped since (its file deleted) must not be held open,
// and one created again under the same name is a new file. The first error is returned; the other files are
// still indexed.
func indexIDs(ctx context.Context, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return err
	}
	var first error
	for _, file := range files {
		if err := indexPath(ctx, file); err != nil {
			first = firstErr(first, fmt.Errorf("%s: %w", filepath.Base(file), err))
		}
	}
	return first
}

func indexPath(ctx context.Context, file string) error {
	// mode=rw: never create a file FerretDB has just deleted.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return indexFile(ctx, db)
}

func indexFile(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, tablesWithoutIDIndex)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("index %s: %w", table, err)
		}
	}
	return nil
}

func firstErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// keepIDIndexes indexes the tables of collections created while the server runs, until ctx ends.
func keepIDIndexes(ctx context.Context, dir string, every time.Duration, report func(error)) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := indexIDs(ctx, dir); err != nil && ctx.Err() == nil {
				report(err)
			}
		}
	}
}
