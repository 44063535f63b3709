"""The event log of runs in the server's SQLite file, shared by the workers of one box.

Two tables: `runs` (one record per run: owner, state, producing process and its lease)
and `run_events` (the run's events as JSON text, keyed by run and event id). The log has
its own connections and threads, beside the store's: a writer and a reader.

The per-token path only appends a row to a list. A writer task commits what piled up in
one transaction, then again while more came in (group commit, as the conversation log
does), after waiting `linger` seconds so that the tokens of many runs share a commit. The
log's writer connection syncs the disk with `synchronous=NORMAL`: in WAL mode a committed
event survives a crash or `kill -9` of the process (not a power cut, which the answer
would not survive either), and a commit costs no fsync.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, fields

from jewelstream.runs.log import RUNNING, RunRecord

log = logging.getLogger(__name__)

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
_COLUMNS = ", ".join(f.name for f in fields(RunRecord))
_INSERT_RUN = f"INSERT INTO runs ({_COLUMNS}) VALUES ({', '.join('?' * len(fields(RunRecord)))})"


class SqliteRunLog:
    spans_boxes = False

    def __init__(self, path: str, *, linger: float = 0.015) -> None:
        # An in-memory store has no file to share: the log gets a memory database of its own.
        self.path = path if path != ":memory:" else f"file:runs-{uuid.uuid4().hex}?mode=memory&cache=shared"
        self.linger = linger
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="runlog")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="runlog-read")
        self._wdb: sqlite3.Connection | None = None
        self._rdb: sqlite3.Connection | None = None
        self._runs: list[tuple] = []           # waiting for the next commit, in this order:
        self._events: list[tuple] = []
        self._updates: list[tuple[str, tuple]] = []
        self._committed: asyncio.Future | None = None   # done when the pending batch is
        self._in_flight: asyncio.Future | None = None   # done when the batch being written is
        self._task: asyncio.Task | None = None

    async def open(self) -> None:
        self._wdb = await self._write(self._connect, True)
        self._rdb = await self._read(self._connect, False)

    async def close(self) -> None:
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self._read(self._rdb.close)
        await self._write(self._wdb.close)
        self._writer.shutdown(wait=True)
        self._reader.shutdown(wait=True)

    def _connect(self, writer: bool) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                             uri=self.path.startswith("file:"))
        db.execute("PRAGMA busy_timeout=5000")
        if writer:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        return db

    async def _write(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn, *args)

    async def _read(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn, *args)

    # -- batched writes (the per-token path) ----------------------------------------------

    def create(self, record: RunRecord) -> None:
        self._runs.append(astuple(record))
        self._wake()

    def append(self, run_id: str, event_id: int, data: str) -> None:
        self._events.append((run_id, event_id, data))
        self._wake()

    def finish(self, run_id: str, state: str, last_id: int, ended: float) -> None:
        self._update("UPDATE runs SET state = ?, last_id = ?, ended = ? WHERE run_id = ? AND state = ?",
                     (state, last_id, ended, run_id, RUNNING))

    def touch(self, run_id: str, now: float) -> None:
        self._update("UPDATE runs SET watched = ? WHERE run_id = ?", (now, run_id))

    def refresh_lease(self, pid: int, now: float) -> None:
        self._update("UPDATE runs SET lease = ? WHERE pid = ? AND state = ?", (now, pid, RUNNING))

    def _update(self, sql: str, args: tuple) -> None:
        self._updates.append((sql, args))
        self._wake()

    def _wake(self) -> None:
        if self._committed is None:
            self._committed = asyncio.get_running_loop().create_future()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._commit_batches())

    async def flushed(self) -> None:
        """Wait until everything written so far is committed (or its commit failed: the
        writer logged why, and the runs go on in memory)."""
        latest = self._committed or self._in_flight   # batches are committed in order
        if latest is not None:
            await asyncio.wait([latest])

    async def _commit_batches(self) -> None:
        await asyncio.sleep(self.linger)
        while self._committed is not None:
            batch = self._runs, self._events, self._updates
            committed = self._in_flight = self._committed
            self._runs, self._events, self._updates, self._committed = [], [], [], None
            try:
                await self._write(self._commit, *batch)
            except Exception:                   # the disk is full, say: the runs go on in memory
                log.exception("the event log of runs could not commit %d events", len(batch[1]))
            committed.set_result(None)

    def _commit(self, runs: list, events: list, updates: list) -> None:
        db = self._wdb
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(_INSERT_RUN, runs)
            db.executemany("INSERT OR IGNORE INTO run_events (run_id, id, data) VALUES (?, ?, ?)", events)
            for sql, args in updates:
                db.execute(sql, args)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- writes that wait --------------------------------------------------------------------

    async def claim(self, record: RunRecord) -> RunRecord | None:
        def insert() -> RunRecord | None:
            try:
                self._wdb.execute(_INSERT_RUN, astuple(record))
                return None
            except sqlite3.IntegrityError:
                return _record(self._wdb.execute("SELECT * FROM runs WHERE user_id = ? AND key = ?",
                                                 (record.user_id, record.key)).fetchone())
        return await self._write(insert)

    async def request_cancel(self, run_id: str) -> None:
        await self._write(lambda: self._wdb.execute("UPDATE runs SET cancel = 1 WHERE run_id = ?", (run_id,)))

    async def end_orphan(self, run_id: str, event_id: int, data: str, ended: float) -> bool:
        def end() -> bool:
            db = self._wdb
            db.execute("BEGIN IMMEDIATE")
            try:
                changed = db.execute("UPDATE runs SET state = 'interrupted', last_id = ?, ended = ? "
                                     "WHERE run_id = ? AND state = ?", (event_id, ended, run_id, RUNNING)).rowcount
                if changed:
                    db.execute("INSERT OR IGNORE INTO run_events (run_id, id, data) VALUES (?, ?, ?)",
                               (run_id, event_id, data))
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return bool(changed)
        return await self._write(end)

    async def purge(self, before: float) -> None:
        def purge() -> None:
            old = "SELECT run_id FROM runs WHERE coalesce(ended, lease) < ?"
            self._wdb.execute("BEGIN IMMEDIATE")
            self._wdb.execute(f"DELETE FROM run_events WHERE run_id IN ({old})", (before,))
            self._wdb.execute(f"DELETE FROM runs WHERE run_id IN ({old})", (before,))
            self._wdb.execute("COMMIT")
        await self._write(purge)

    # -- reads -----------------------------------------------------------------------------

    async def record(self, run_id: str) -> RunRecord | None:
        return await self._read(lambda: _record(
            self._rdb.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()))

    async def find(self, user_id: str, *, key: str | None = None,
                   fingerprint: str | None = None) -> RunRecord | None:
        column, value = ("key", key) if key is not None else ("fingerprint", fingerprint)
        return await self._read(lambda: _record(self._rdb.execute(
            f"SELECT * FROM runs WHERE user_id = ? AND {column} = ? ORDER BY created DESC LIMIT 1",
            (user_id, value)).fetchone()))

    async def cancel_requests(self, pid: int) -> list[str]:
        return await self._read(lambda: [row[0] for row in self._rdb.execute(
            "SELECT run_id FROM runs WHERE pid = ? AND state = ? AND cancel = 1", (pid, RUNNING))])

    async def read_after(self, run_id: str, after: int) -> tuple[RunRecord | None, list[tuple[int, str]]]:
        def read():
            record = _record(self._rdb.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone())
            if record is None:
                return None, []
            return record, self._rdb.execute("SELECT id, data FROM run_events WHERE run_id = ? AND id > ? "
                                             "ORDER BY id", (run_id, after)).fetchall()
        return await self._read(read)


def _record(row) -> RunRecord | None:
    if row is None:
        return None
    record = RunRecord(*row)
    record.cancel = bool(record.cancel)
    return record
