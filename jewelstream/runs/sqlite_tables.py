"""The SQLite event log's file, tables and statements (sqlite_log.py holds its
connections and threads).

Two tables: `runs` (one record per run: owner, state, producing process and its lease)
and `run_events` (the run's events as JSON text, keyed by run and event id); and a new
run's line-up (runs/turns.py), one write transaction.

The log lives in a file of its own beside the store's (`run_log_path`: `shop.db` ->
`shop-runs.db`). SQLite lets one connection write to a file at a time, and one that finds
the file locked sleeps and tries again with growing pauses (up to 100 ms each): in one
file, the log's commits, which come all the time while answers stream, made the
conversation log's commit of a question wait ~100 ms at every second question, and with
it the first token of the answer (docs/performance.md). The log's content lives for
minutes (`JEWELSTREAM_RUN_RETENTION`) and needs no backup.
"""
from __future__ import annotations

import sqlite3
from dataclasses import fields
from pathlib import Path

from jewelstream.runs.log import RUNNING, RunRecord, record_row


def run_log_path(db_path: str) -> str:
    """The log's file beside the store's: `shop.db` -> `shop-runs.db` (`:memory:` stays)."""
    if db_path == ":memory:" or db_path.startswith("file:"):
        return db_path
    path = Path(db_path)
    return str(path.with_name(f"{path.stem}-runs{path.suffix}"))


SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, browser TEXT, fingerprint TEXT, key TEXT,
    pid INTEGER NOT NULL, created REAL NOT NULL, state TEXT NOT NULL, lease REAL NOT NULL,
    watched REAL, cancel INTEGER NOT NULL, last_id INTEGER NOT NULL, ended REAL);
CREATE UNIQUE INDEX IF NOT EXISTS runs_by_key ON runs(user_id, key) WHERE key IS NOT NULL;
CREATE INDEX IF NOT EXISTS runs_by_fingerprint ON runs(user_id, fingerprint, created);
CREATE TABLE IF NOT EXISTS run_events (
    run_id TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (run_id, id)) WITHOUT ROWID;
"""
COLUMNS = ", ".join(f.name for f in fields(RunRecord))
INSERT_RUN = f"INSERT INTO runs ({COLUMNS}) VALUES ({', '.join('?' * len(fields(RunRecord)))})"
# A batch of rows goes in as one JSON parameter, unpacked by SQLite itself (json_each).
# executemany binds each row in Python and lets go of the GIL around each row's step: with
# the event loop busy, every one of those hand-overs waits up to the interpreter's switch
# interval (5 ms), so a commit of 100 events took ~0.3-1 s and ~4-16 ms of CPU; as one
# statement it takes ~30 ms and ~2 ms (docs/performance.md, "Today").
INSERT_RUNS = (f"INSERT INTO runs ({COLUMNS}) SELECT "
                f"{', '.join(f'value->>{n}' for n in range(len(fields(RunRecord))))} FROM json_each(?)")
# The same user's runs that still run, or ended since a time (line_up).
AHEAD = "SELECT * FROM runs WHERE user_id = ? AND run_id != ? AND (state = ? OR ended >= ?)"
INSERT_EVENTS = ("INSERT OR IGNORE INTO run_events (run_id, id, data) "
                  "SELECT value->>0, value->>1, value->>2 FROM json_each(?)")


def insert_lined_up(db: sqlite3.Connection, record: RunRecord, since: float) -> tuple[RunRecord | None, list[RunRecord]]:
    """One write transaction: the record goes in, and the same user's runs before it come
    back (the box's workers line up one after another: SQLite lets one connection write at
    a time); or, if its Idempotency-Key is taken, the run that holds it, and nothing changes."""
    db.execute("BEGIN IMMEDIATE")
    try:
        try:
            db.execute(INSERT_RUN, record_row(record))
        except sqlite3.IntegrityError:
            holder = record_of(db.execute("SELECT * FROM runs WHERE user_id = ? AND key = ?",
                                        (record.user_id, record.key)).fetchone())
            db.execute("ROLLBACK")
            return holder, []
        ahead = [record_of(row) for row in db.execute(AHEAD, (record.user_id, record.run_id, RUNNING, since))]
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return None, ahead


def record_of(row) -> RunRecord | None:
    if row is None:
        return None
    record = RunRecord(*row)
    record.cancel = bool(record.cancel)
    return record
