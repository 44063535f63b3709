"""The event log of runs in SQLite, shared by the workers of one box: its connections
and threads, beside the store's (a writer, a reader, and the event loop's own for
line-ups). Its tables, statements and file: sqlite_tables.py.

The per-token path only appends to a queue. A thread of the log's own commits what piled
up: woken by the first write after a quiet spell, it waits `linger` seconds so that the
tokens of many runs share a commit (less when someone waits, `hurry`: a run's id goes out
only once its record is committed, jewelstream/runs/registry.py `announced`), then writes them all in
one transaction, and again while more come in (group commit, as the conversation log
does). The event loop takes no part in it: no task, timer or executor hop per commit
(those cost ~0.9 ms of CPU per commit, thirty times the commit itself; an answer whose
tokens arrive 50 ms apart paid that on nearly every token). The log's writer connections
sync the disk with `synchronous=NORMAL`: in WAL mode a committed event survives a crash or
`kill -9` of the process (not a power cut, which the answer would not survive either), and
a commit costs no fsync. The writes that wait for their result (a new run's record with
its line-up, runs/turns.py, or its claim of an Idempotency-Key; a cancel; the purge) go
to the same thread, after what was queued before them, as one transaction each.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from jewelstream.runs.log import RUNNING, RunRecord, record_row
from jewelstream.runs.run import encode_json
from jewelstream.runs.sqlite_tables import INSERT_EVENTS, INSERT_RUNS, SCHEMA, insert_lined_up, record_of

log = logging.getLogger(__name__)

class SqliteRunLog:
    spans_boxes = False
    failures = (sqlite3.Error,)

    def __init__(self, path: str, *, linger: float = 0.015) -> None:
        # An in-memory store has no file to share: the log gets a memory database of its own.
        self.path = path if path != ":memory:" else f"file:runs-{uuid.uuid4().hex}?mode=memory&cache=shared"
        self.linger = linger
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="runlog-read")
        self._wdb: sqlite3.Connection | None = None        # the writer thread's
        self._rdb: sqlite3.Connection | None = None
        self._ldb: sqlite3.Connection | None = None        # the event loop's (line-ups)
        # Every write goes to the writer thread through `_pending`, in order: batched rows
        # ("run", "event", "update") and writes that wait ("call"). The loop counts what it
        # queued, the thread what it wrote; the waiters of `flushed` are the loop's alone.
        self._pending: deque[tuple[str, tuple]] = deque()
        self._queued = 0
        self._written = 0
        self._urgent = threading.Event()                   # someone waits: no (more) lingering
        self._waiters: list[tuple[int, asyncio.Future]] = []
        self._wake = threading.Event()
        self._closing = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._writer: threading.Thread | None = None

    async def open(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wdb = await asyncio.to_thread(self._connect, True)
        self._writer = threading.Thread(target=self._write_all, name="runlog-writer", daemon=True)
        self._writer.start()
        self._rdb = await self._read(self._connect, False)
        # The event loop's own, for line-ups (`line_up`): never waits for a lock, and leaves
        # the WAL's checkpoints (the disk's sync) to the writer thread.
        self._ldb = self._connect(False)
        self._ldb.execute("PRAGMA busy_timeout=0")
        self._ldb.execute("PRAGMA synchronous=NORMAL")
        self._ldb.execute("PRAGMA wal_autocheckpoint=0")

    async def close(self) -> None:
        if self._writer is not None:
            self._closing = True
            self._wake.set()
            await asyncio.to_thread(self._writer.join)
            self._settle()
        await self._read(self._rdb.close)
        self._reader.shutdown(wait=True)
        if self._ldb is not None:
            self._ldb.close()

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
        """Run `fn(*args)` on the writer thread, after every write queued before it."""
        done = self._loop.create_future()
        self._queue("call", (fn, args, done))
        self._urgent.set()
        return await done

    async def _read(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn, *args)

    # -- batched writes (the per-token path) ----------------------------------------------

    def create(self, record: RunRecord) -> None:
        self._queue("run", record_row(record))

    def append(self, run_id: str, event_id: int, data: str) -> None:
        self._queue("event", (run_id, event_id, data))

    def finish(self, run_id: str, state: str, last_id: int, ended: float) -> None:
        self._queue("update", ("UPDATE runs SET state = ?, last_id = ?, ended = ? WHERE run_id = ? AND state = ?",
                               (state, last_id, ended, run_id, RUNNING)))

    def touch(self, run_id: str, now: float) -> None:
        self._queue("update", ("UPDATE runs SET watched = ? WHERE run_id = ?", (now, run_id)))

    def refresh_lease(self, pid: int, now: float) -> None:
        self._queue("update", ("UPDATE runs SET lease = ? WHERE pid = ? AND state = ?", (now, pid, RUNNING)))

    def _queue(self, kind: str, item: tuple) -> None:
        self._pending.append((kind, item))
        self._queued += 1
        if not self._wake.is_set():
            self._wake.set()

    def hurry(self) -> None:
        self._urgent.set()

    async def flushed(self) -> None:
        """Wait until everything written so far is committed (or its commit failed: the
        writer logged why, and the runs go on in memory)."""
        target = self._queued
        if self._written >= target:
            return
        waiter = self._loop.create_future()
        self._waiters.append((target, waiter))
        self._settle()          # the writer may have finished before it saw the waiter
        await asyncio.wait([waiter])

    def _settle(self) -> None:
        waiting = []
        for target, waiter in self._waiters:
            if target > self._written:
                waiting.append((target, waiter))
            elif not waiter.done():
                waiter.set_result(None)
        self._waiters = waiting

    # -- the writer thread ------------------------------------------------------------------

    def _write_all(self) -> None:
        """Wait for writes, linger (unless a write waits for its result), write everything
        queued: rows in one transaction per stretch between calls. Until closed."""
        while True:
            if not self._closing:
                self._wake.wait()
                if not self._closing:
                    self._urgent.wait(self.linger)
            self._urgent.clear()
            self._wake.clear()
            items = [self._pending.popleft() for _ in range(len(self._pending))]
            if not items and self._closing:
                self._wdb.close()
                return
            rows: list[tuple[str, tuple]] = []
            for kind, item in items:
                if kind == "call":
                    self._commit_rows(rows)
                    rows = []
                    self._call(*item)
                else:
                    rows.append((kind, item))
            self._commit_rows(rows)
            self._written += len(items)
            if self._waiters:
                self._threadsafe(self._settle)

    def _commit_rows(self, rows: list[tuple[str, tuple]]) -> None:
        if not rows:
            return
        db = self._wdb
        runs = [row for kind, row in rows if kind == "run"]
        events = [row for kind, row in rows if kind == "event"]
        statements = [(sql, (encode_json(batch),)) for sql, batch in ((INSERT_RUNS, runs), (INSERT_EVENTS, events))
                      if batch]
        statements += [row for kind, row in rows if kind == "update"]
        try:
            if len(statements) == 1:       # the usual batch, tokens only: its own transaction
                db.execute(*statements[0])
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                for sql, args in statements:
                    db.execute(sql, args)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except Exception:                   # the disk is full, say: the runs go on in memory
            log.exception("the event log of runs could not commit %d writes", len(rows))

    def _call(self, fn, args: tuple, done: asyncio.Future) -> None:
        try:
            result, error = fn(*args), None
        except Exception as exc:
            result, error = None, exc
        self._threadsafe(_resolve, done, result, error)

    def _threadsafe(self, callback, *args) -> None:
        try:
            self._loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:                 # the loop is closed: nobody waits any more
            pass

    # -- writes that wait --------------------------------------------------------------------

    async def line_up(self, record: RunRecord, since: float) -> list[RunRecord]:
        # At once, on the event loop's own connection, when the file is free: the writer
        # thread gets the interpreter only when the loop lets go of it, so its round trip
        # came back ~1 ms after the question's set-up needed it. Never a wait: a file that
        # another writer holds (another worker, our writer thread) is busy at once, and the
        # line-up goes to the writer thread, which waits for it.
        if self._ldb is not None and not self._ldb.in_transaction:
            try:
                return insert_lined_up(self._ldb, record, since)[1]
            except sqlite3.OperationalError:   # busy or locked
                pass
        return (await self.claim(record, since))[1]

    async def claim(self, record: RunRecord, since: float) -> tuple[RunRecord | None, list[RunRecord]]:
        return await self._write(lambda: insert_lined_up(self._wdb, record, since))

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
        return await self._read(lambda: record_of(
            self._rdb.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()))

    async def find(self, user_id: str, *, key: str | None = None,
                   fingerprint: str | None = None) -> RunRecord | None:
        column, value = ("key", key) if key is not None else ("fingerprint", fingerprint)
        return await self._read(lambda: record_of(self._rdb.execute(
            f"SELECT * FROM runs WHERE user_id = ? AND {column} = ? ORDER BY created DESC LIMIT 1",
            (user_id, value)).fetchone()))

    async def cancel_requests(self, pid: int) -> list[str]:
        return await self._read(lambda: [row[0] for row in self._rdb.execute(
            "SELECT run_id FROM runs WHERE pid = ? AND state = ? AND cancel = 1", (pid, RUNNING))])

    async def read_after(self, run_id: str, after: int) -> tuple[RunRecord | None, list[tuple[int, str]]]:
        def read():
            record = record_of(self._rdb.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone())
            if record is None:
                return None, []
            return record, self._rdb.execute("SELECT id, data FROM run_events WHERE run_id = ? AND id > ? "
                                             "ORDER BY id", (run_id, after)).fetchall()
        return await self._read(read)


def _resolve(done: asyncio.Future, result, error: Exception | None) -> None:
    if done.done():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)
