"""Where SQLite work runs: a writer thread and a reader thread, and the disk's condition.

`sqlite3` is blocking, so all writes run on one dedicated thread and the event loop never
waits on the disk; reads of a file database run on a second thread with their own
connection, so that a profile read never queues behind a write (WAL lets one writer and
readers work at once). An in-memory database has one connection: reads share the writer's.

Storage failures (a full disk, a read-only or vanished file) raise `StorageUnavailable`.
The executor keeps the condition `/health` shows: the last write error until a write
succeeds again (`write_error`), and whether the file it opened is still there (`file_state`).
"""
from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable

from jewelstream.store.interface import StorageUnavailable

log = logging.getLogger(__name__)

PROBE = "x" * 8192       # a write that needs new pages, as a real question would


class SqliteExecutor:
    def __init__(self, path: str) -> None:
        self.path = path
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-read")
        self.db: sqlite3.Connection | None = None       # the writer's connection
        self._rdb: sqlite3.Connection | None = None     # None: reads share the writer (":memory:")
        self.write_error: str | None = None
        self._file_id: tuple[int, int] | None = None    # (device, inode) of the file we opened
        self._reads: deque[tuple[Callable[..., Any], tuple, asyncio.Future]] = deque()
        self._reading = False                           # a trip to the reader thread is on its way

    async def open_reader(self) -> None:
        """Give reads their own connection (a file database only) and note the file's id."""
        if self.path != ":memory:":
            self._rdb = await asyncio.get_running_loop().run_in_executor(self._reader, self._connect_reader)
            self._file_id = file_id(self.path)

    def _connect_reader(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=5000")
        return db

    async def close(self) -> None:
        if self._rdb is not None:
            await self.read(lambda db: db.close())
            self._rdb = None
        if self.db is not None:
            await self.run(self.db.close)
            self.db = None
        self.shutdown(wait=True)

    def shutdown(self, *, wait: bool) -> None:
        self._writer.shutdown(wait=wait)
        self._reader.shutdown(wait=wait)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(*args)` on the writer thread."""
        return await self._on_writer(fn, *args)

    async def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(connection, *args)` on the reader thread with its own connection."""
        return await self.start_read(fn, *args)

    def start_read(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        """`read`, handed to the reader thread before this returns: the thread works on it
        while the caller goes on (a coroutine would start only when awaited). Reads asked
        for together (a question's profile and the shop data's version) share one trip:
        the thread runs all that are waiting and hands the results back at once; two trips
        in a row cost a question's set-up ~0.4 ms more, mostly passing the interpreter lock
        back and forth."""
        if self._rdb is None:
            return self._on_writer(fn, self.db, *args)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._reads.append((fn, args, future))
        if not self._reading:
            self._reading = True
            self._reader.submit(self._read_waiting, loop)
        return future

    def _read_waiting(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the reader thread: every read waiting, then their results in one callback."""
        self._reading = False           # reads asked from now on start another trip
        done = []
        while self._reads:
            fn, args, future = self._reads.popleft()
            try:
                done.append((future, _storage_errors(fn, self._rdb, *args), None))
            except Exception as exc:
                done.append((future, None, exc))
        if done:
            loop.call_soon_threadsafe(_settle_reads, done)

    def _on_writer(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        return asyncio.get_running_loop().run_in_executor(self._writer, _storage_errors, fn, *args)

    @contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception (writer thread); notes in
        `write_error` whether the storage failed (a full disk, a read-only file) or works."""
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:             # SQLite already rolled back on a full disk
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if is_storage_failure(exc):
                if self.write_error is None:
                    log.error("storage: writes fail: %s", exc)
                self.write_error = str(exc)
            raise
        if self.write_error is not None and self.file_state() == "present":
            log.warning("storage: writes work again")
            self.write_error = None

    def probe(self) -> None:
        """A write that needs room on the disk, undone in the same transaction."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', ?)", (PROBE,))
            db.execute("DELETE FROM meta WHERE key = 'probe'")

    def file_state(self) -> str:
        """"present", "missing" (deleted while we run) or "replaced" (another file)."""
        if self._file_id is None:                 # in memory, or not open yet
            return "present"
        try:
            found = file_id(self.path)
        except OSError:
            found = None
        state = "present" if found == self._file_id else "missing" if found is None else "replaced"
        if state != "present" and self.write_error is None:
            self.write_error = f"the database file is {state}"
            log.error("storage: the database file %s is %s; restart from a backup", self.path, state)
        return state


def _settle_reads(done: list[tuple[asyncio.Future, Any, Exception | None]]) -> None:
    for future, result, error in done:
        if future.done():               # its caller gave up
            continue
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)


def _storage_errors(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)`, with a failure of the disk or the file raised as StorageUnavailable."""
    try:
        return fn(*args)
    except sqlite3.Error as exc:
        if is_storage_failure(exc):
            raise StorageUnavailable(str(exc)) from exc
        raise


def is_storage_failure(exc: sqlite3.Error) -> bool:
    """The disk or the file failed (full, read-only, I/O, corrupt), not our SQL."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def file_id(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino
