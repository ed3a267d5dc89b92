// Command devdb runs FerretDB v1 embedded, with the SQLite backend on an on-disk directory,
// so development, demo and tests get a MongoDB wire-protocol server without a mongod binary.
// The first line on stdout is the MongoDB URI (with the real port when -listen ends in :0).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"

	"mall-loyalty/devdb/lazylog"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address; port 0 picks a free port")
	dataDir := flag.String("data-dir", ".devdb-data", "directory for the <db>.sqlite files (created if missing)")
	sqliteParams := flag.String("sqlite-params", "", `extra SQLite URI query, e.g. "_pragma=synchronous(off)"`)
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	// FerretDB allocates heavily per command (documents are converted to JSON for SQLite and back);
	// with Go's default GOGC=100 the collector took about a fifth of the database's CPU. A larger
	// heap target (a few tens of MB here) measured 20-25 % less CPU per insert or update. GOGC in
	// the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	if err := run(*listen, *dataDir, *sqliteParams, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "devdb:", err)
		os.Exit(1)
	}
}

func run(listen, dataDir, sqliteParams, logLevel string) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("invalid -log-level: %w", err)
	}

	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	// The SQLite backend requires an existing directory.
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sqliteURL := url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/", OmitHost: true, RawQuery: sqliteParams}

	db, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    slog.New(lazylog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))),
		Handler:   "sqlite",
		SQLiteURL: sqliteURL.String(),
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go stopWhenOrphaned(ctx, stop)
	go indexIDPaths(ctx, dir, sqliteParams)

	fmt.Println(db.MongoDBURI())
	return db.Run(ctx)
}

// stopWhenOrphaned shuts the database down when the Node process that launched it dies without
// stopping it (SIGKILL in the chaos test, a crashed test runner): the orphan is re-parented.
func stopWhenOrphaned(ctx context.Context, stop context.CancelFunc) {
	parent := os.Getppid()
	ticker := time.NewTicker(500 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if os.Getppid() != parent {
				stop()
				return
			}
		}
	}
}

// indexIDPaths works around a FerretDB v1 SQLite planner miss: the `_id` unique index is built on
// `_ferretdb_sjson->'_id'` but lookups filter on `_ferretdb_sjson->'$._id'`, a different
// expression, so every lookup, update and delete by `_id` scanned the whole table (measured: 2.6 ms
// for the first row of 10,000, 65 ms for the last or a miss). Every second, each collection table
// gets an index on exactly the lookup expression. FerretDB does not list it and dropping the
// collection drops it; it only lets SQLite find rows by `_id` without a scan.
func indexIDPaths(ctx context.Context, dir, params string) {
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			_ = db.Close()
		}
	}()
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			db := dbs[file]
			if db == nil {
				u := url.URL{Scheme: "file", Path: filepath.ToSlash(file), OmitHost: true, RawQuery: "_pragma=busy_timeout(10000)"}
				if params != "" {
					u.RawQuery += "&" + params
				}
				var err error
				if db, err = sql.Open("sqlite", u.String()); err != nil {
					continue
				}
				db.SetMaxOpenConns(1)
				dbs[file] = db
			}
			indexTables(ctx, db)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func indexTables(ctx context.Context, db *sql.DB) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return // no collection yet, or the database is being dropped
	}
	var tables []string
	for rows.Next() {
		var t string
		if rows.Scan(&t) == nil {
			tables = append(tables, t)
		}
	}
	_ = rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE UNIQUE INDEX IF NOT EXISTS "%s" ON "%s" (_ferretdb_sjson->'$._id')`, strings.ReplaceAll(t, `"`, ``)+"_id_path", strings.ReplaceAll(t, `"`, ``))
		_, _ = db.ExecContext(ctx, q)
	}
}
