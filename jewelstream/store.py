"""The SQLite store: catalog, customers and orders, magazine articles, user profiles,
questionnaire progress and the conversation log.

All writes run on one dedicated thread (`sqlite3` is blocking), so the event loop never
waits on the disk; reads of a file database run on a second thread with their own
connection, so that a profile read never queues behind a write (WAL lets one writer and
readers work at once). The file is created and seeded from `jewelstream.seed` on first
start. WAL mode with `synchronous=FULL`, and every write committed before it returns:
after a crash or `kill -9`, everything a user told the system and every finished answer is
still there. Conversation-log rows that arrive while the previous commit is on its way to
the disk share the next transaction (group commit): at 200 questions at once that is a
handful of disk syncs instead of 200. A batch that fails is written again row by row, so a
row that cannot be stored never takes the others with it; a log row that still fails is
logged and counted (`log_failures`), never raised into anyone's stream.

Storage failures (a full disk, a read-only or vanished file) raise `StorageUnavailable`.
The store keeps its condition (`check()`, shown by `/health`): the last write error until a
write succeeds again, and whether the file it opened is still there. While writes fail,
`check()` tries a small write at most once a second, so service resumes by itself when the
disk has room again. Opening fails at once on a database that cannot be written.

Read-mostly data (catalog, articles, sales) is loaded once at start-up and kept in memory:
per request the agents then rank and count in Python without touching the disk. An import
(`python -m jewelstream.data`, another process) bumps its version; `refresh_shop_data`
notices and switches to the new data (jewelstream/data/snapshot.py).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

from jewelstream import seed
from jewelstream.data.loading import insert_demo_data
from jewelstream.data.snapshot import ShopData, data_version, read_shop_data
from jewelstream.data.upgrade import upgrade_products

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, metal TEXT NOT NULL,
    fineness INTEGER NOT NULL, stones TEXT NOT NULL, style TEXT NOT NULL,
    occasions TEXT NOT NULL, recipient TEXT NOT NULL, price INTEGER NOT NULL,
    stock INTEGER NOT NULL, description TEXT NOT NULL, article TEXT,
    sizes TEXT NOT NULL DEFAULT '[]', image TEXT, listed INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, gender TEXT, birth_date TEXT, city TEXT,
    registered TEXT, kind TEXT);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    product_id TEXT NOT NULL REFERENCES products(id), date TEXT NOT NULL,
    quantity INTEGER NOT NULL, amount INTEGER NOT NULL, channel TEXT);
CREATE INDEX IF NOT EXISTS orders_by_date ON orders(date);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, magazine TEXT NOT NULL, title TEXT NOT NULL,
    published TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profiles (
    user_id TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, role TEXT NOT NULL,
    agent TEXT, content TEXT NOT NULL, state TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS messages_by_user ON messages(user_id, id);
CREATE TABLE IF NOT EXISTS owners (
    user_id TEXT PRIMARY KEY, browser TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_PROBE = "x" * 8192       # a write that needs new pages, as a real question would

log = logging.getLogger(__name__)


class StorageUnavailable(Exception):
    """The database cannot be used now: full disk, read-only or vanished file, I/O error."""


class Store:
    """One SQLite file behind a writer thread and a reader thread. Use `await Store.open(path)`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-read")
        self._db: sqlite3.Connection | None = None
        self._rdb: sqlite3.Connection | None = None     # None: reads share the writer (":memory:")
        self._log_rows: list[tuple] = []                 # waiting for the next log commit
        self._log_waiters: list[asyncio.Future] = []
        self._log_writer: asyncio.Task | None = None
        self._profile_waiters: dict[str, list[asyncio.Future]] = {}   # waiting for the next read
        self._profile_reader: asyncio.Task | None = None
        self.write_error: str | None = None      # the last write's failure; None once one succeeds
        self.log_failures = 0                    # conversation-log rows that could not be written
        self._file_id: tuple[int, int] | None = None   # (device, inode) of the file we opened
        self._last_probe = 0.0
        self.catalog: list[dict] = []
        self.articles: list[dict] = []
        self.customers: list[dict] = []
        self.orders: list[dict] = []
        self.data_version = 0                            # of the four lists above
        self._refreshing: asyncio.Future | None = None

    @classmethod
    async def open(cls, path: str) -> "Store":
        """Open (create and seed) the database; StorageUnavailable, with the reason, when it
        cannot be written: better to refuse to start than to lose what users tell us."""
        store = cls(path)
        try:
            await store.run(store._connect_and_seed)
            await store.run(store._probe)
            if path != ":memory:":
                loop = asyncio.get_running_loop()
                store._rdb = await loop.run_in_executor(store._reader, store._connect_reader)
                store._file_id = _file_id(path)
        except (StorageUnavailable, sqlite3.Error, OSError) as exc:
            store._executor.shutdown(wait=False)
            store._reader.shutdown(wait=False)
            raise StorageUnavailable(f"cannot write the database {path!r}: {exc}") from None
        return store

    async def close(self) -> None:
        for task in (self._log_writer, self._profile_reader):
            if task is not None:
                await asyncio.gather(task, return_exceptions=True)
        if self._rdb is not None:
            await self.read(lambda db: db.close())
            self._rdb = None
        if self._db is not None:
            await self.run(self._db.close)
            self._db = None
        self._executor.shutdown(wait=True)
        self._reader.shutdown(wait=True)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(*args)` on the database (writer) thread."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        except sqlite3.Error as exc:
            if _is_storage_failure(exc):
                raise StorageUnavailable(str(exc)) from exc
            raise

    async def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(connection, *args)` on the reader thread with its own connection (on the
        writer's, for an in-memory database: another connection would be another database)."""
        if self._rdb is None:
            return await self.run(fn, self._db, *args)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._reader, fn, self._rdb, *args)
        except sqlite3.Error as exc:
            if _is_storage_failure(exc):
                raise StorageUnavailable(str(exc)) from exc
            raise

    # -- the store's condition (/health) ---------------------------------------------------

    async def check(self) -> dict:
        """{"writable", "file", "error", "log_failures"}: can we store what users tell us?
        `file` is "present", "missing" (deleted while we run: what we write now would be
        gone at the next start) or "replaced" (another file under the same name). While
        writes fail, tries a small write (at most once a second) to see if they work again."""
        file = self._file_state()
        now = time.monotonic()
        if self.write_error is not None and file == "present" and now - self._last_probe >= 1.0:
            self._last_probe = now
            try:
                await self.run(self._probe)
            except StorageUnavailable:
                pass
        return {"writable": self.write_error is None and file == "present", "file": file,
                "error": self.write_error, "log_failures": self.log_failures}

    def _file_state(self) -> str:
        if self._file_id is None:                 # in memory, or not open yet
            return "present"
        try:
            found = _file_id(self.path)
        except OSError:
            found = None
        state = "present" if found == self._file_id else "missing" if found is None else "replaced"
        if state != "present" and self.write_error is None:
            self.write_error = f"the database file is {state}"
            log.error("storage: the database file %s is %s; restart from a backup", self.path, state)
        return state

    def _probe(self) -> None:
        """A write that needs room on the disk, undone in the same transaction."""
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', ?)", (_PROBE,))
            self._db.execute("DELETE FROM meta WHERE key = 'probe'")

    # -- start-up (database thread) ------------------------------------------------------

    def _connect_and_seed(self) -> None:
        self._db = db = connect(self.path)
        self._use(read_shop_data(db))

    def _connect_reader(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=5000")
        return db

    def _use(self, data: ShopData) -> None:
        self.catalog, self.articles = data.catalog, data.articles
        self.customers, self.orders = data.customers, data.orders
        self.data_version = data.version

    async def refresh_shop_data(self) -> None:
        """Switch to the shop's data if an import changed it since it was loaded (an import
        is another process: one tiny query per call). Calls that arrive while a check is on
        its way share it."""
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(self._refresh_shop_data())
        await asyncio.shield(self._refreshing)

    async def _refresh_shop_data(self) -> None:
        try:
            if await self.read(data_version) != self.data_version:
                self._use(await self.read(read_shop_data))
        except StorageUnavailable:
            pass          # answer from the data at hand; the request meets the failure itself

    @contextmanager
    def _transaction(self):
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception; notes in `write_error`
        whether the storage failed (a full disk, a read-only file) or works."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:             # SQLite already rolled back on a full disk
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            if _is_storage_failure(exc):
                if self.write_error is None:
                    log.error("storage: writes fail: %s", exc)
                self.write_error = str(exc)
            raise
        if self.write_error is not None and self._file_state() == "present":
            log.warning("storage: writes work again")
            self.write_error = None

    # -- profiles --------------------------------------------------------------------------

    async def profile(self, user_id: str) -> dict:
        """The user's profile (taste answers, birth date, questionnaire progress...); {} if new.

        Reads that arrive together share one trip to the reader thread (one query for all
        their users): under a burst of questions every request needs its profile first, and
        200 separate thread hops, each waiting for the GIL held by the busy event loop,
        took a quarter of a second end to end in a burst of 200 (docs/performance.md)."""
        waiter = asyncio.get_running_loop().create_future()
        self._profile_waiters.setdefault(user_id, []).append(waiter)
        if self._profile_reader is None or self._profile_reader.done():
            self._profile_reader = asyncio.create_task(self._read_profiles())
        return json.loads(await waiter)

    async def _read_profiles(self) -> None:
        """Answer the waiting profile reads, as many as there are, in one query; again
        while more came in meanwhile. Each waiter gets the JSON text (callers parse their
        own copy, free to change it)."""
        def read(db: sqlite3.Connection, user_ids: list[str]) -> dict[str, str]:
            found = {}
            for start in range(0, len(user_ids), 500):       # SQLite's variable limit
                chunk = user_ids[start:start + 500]
                found.update(db.execute(f"SELECT user_id, data FROM profiles WHERE user_id IN "
                                        f"({', '.join('?' * len(chunk))})", chunk).fetchall())
            return found
        while self._profile_waiters:
            waiting, self._profile_waiters = self._profile_waiters, {}
            try:
                found = await self.read(read, list(waiting))
            except Exception as exc:
                for waiters in waiting.values():
                    _settle(waiters, error=exc)
                continue
            for user_id, waiters in waiting.items():
                _settle(waiters, found.get(user_id, "{}"))

    async def save_profile(self, user_id: str, data: dict) -> None:
        def write() -> None:
            with self._transaction():
                self._db.execute(
                    "INSERT INTO profiles (user_id, data, updated) VALUES (?, ?, ?) "
                    "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                    (user_id, json.dumps(data, ensure_ascii=False), time.time()))
        await self.run(write)

    async def update_profile(self, user_id: str, change: Callable[[dict], dict]) -> dict:
        """Read, `change` and write the profile in one transaction, so two agents updating
        the same user at once never lose each other's fields. Returns the new profile."""
        def update() -> dict:
            with self._transaction():
                row = self._db.execute("SELECT data FROM profiles WHERE user_id = ?", (user_id,)).fetchone()
                data = change(json.loads(row[0]) if row else {})
                self._db.execute(
                    "INSERT INTO profiles (user_id, data, updated) VALUES (?, ?, ?) "
                    "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                    (user_id, json.dumps(data, ensure_ascii=False), time.time()))
                return data
        return await self.run(update)

    # -- the conversation log ----------------------------------------------------------------

    def log_message(self, user_id: str, role: str, content: str, *,
                    agent: str | None = None, state: str = "complete") -> asyncio.Future:
        """Store one message: a future that becomes True once the message is committed, or
        False if it could not be written (logged and counted; it never raises). Await it,
        or not yet: the write goes ahead either way, and cancelling a wait for it does not
        cancel it. `state`: complete, cut (the answer stopped part-way) or failed (no
        answer: the LLM failed before its first token)."""
        committed = asyncio.get_running_loop().create_future()
        self._log_rows.append((user_id, role, agent, content, state, time.time()))
        self._log_waiters.append(committed)
        if self._log_writer is None or self._log_writer.done():
            self._log_writer = asyncio.create_task(self._write_log())
        return committed

    async def _write_log(self) -> None:
        """Commit the waiting log rows, as many as there are, in one transaction; again
        while more came in meanwhile. A batch that fails is written again row by row, each
        in its own transaction: one row that cannot be stored loses only itself."""
        while self._log_rows:
            rows, waiters = self._log_rows, self._log_waiters
            self._log_rows, self._log_waiters = [], []
            try:
                await self.run(self._insert_messages, rows)
                written = [True] * len(rows)
            except Exception:
                written = await self.run(self._insert_each, rows)
            for waiter, ok in zip(waiters, written):
                if not waiter.done():
                    waiter.set_result(ok)

    def _insert_messages(self, rows: list[tuple]) -> None:
        with self._transaction():
            self._db.executemany("INSERT INTO messages (user_id, role, agent, content, state, created) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", rows)

    def _insert_each(self, rows: list[tuple]) -> list[bool]:
        written = []
        for row in rows:
            try:
                self._insert_messages([row])
                written.append(True)
            except Exception as exc:
                self.log_failures += 1
                log.error("conversation log: a %s message of user %s was not written: %s: %s",
                          row[1], row[0], type(exc).__name__, exc)
                written.append(False)
        return written

    async def messages(self, user_id: str, limit: int = 100) -> list[dict]:
        def read(db: sqlite3.Connection) -> list[dict]:
            rows = db.execute(
                "SELECT role, agent, content, state, created FROM messages WHERE user_id = ? "
                "ORDER BY id DESC LIMIT ?", (user_id, limit)).fetchall()
            return [dict(row) for row in reversed(rows)]
        return await self.read(read)

    # -- browser ownership of user ids (see jewelstream/identity.py) -------------------------

    async def claim_user(self, user_id: str, browser: str) -> str:
        """Bind `user_id` to `browser` unless bound already; return the owner's browser."""
        def write() -> str:
            with self._transaction():
                self._db.execute("INSERT OR IGNORE INTO owners (user_id, browser, created) VALUES (?, ?, ?)",
                                 (user_id, browser, time.time()))
                return self._db.execute("SELECT browser FROM owners WHERE user_id = ?",
                                        (user_id,)).fetchone()[0]
        return await self.run(write)

    async def meta(self, key: str, default_factory: Callable[[], str]) -> str:
        """A persistent setting such as the cookie-signing secret; created on first use."""
        def read_or_create() -> str:
            with self._transaction():
                row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
                if row:
                    return row[0]
                value = default_factory()
                self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
                return value
        return await self.run(read_or_create)


def _is_storage_failure(exc: sqlite3.Error) -> bool:
    """The disk or the file failed (full, read-only, I/O, corrupt), not our SQL."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def _file_id(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


def connect(path: str) -> sqlite3.Connection:
    """A connection to the database at `path`, which is created and seeded, or brought up
    to date, first if need be (the store's writer uses one; so does the import command)."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")   # several workers may share the file
    db.executescript(SCHEMA)
    db.execute("BEGIN IMMEDIATE")
    try:
        upgrade_products(db, seed.build_catalog)
        if db.execute("SELECT count(*) FROM products").fetchone()[0] == 0:
            insert_demo_data(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return db


def _settle(waiters: list[asyncio.Future], result: Any = None, *,
            error: BaseException | None = None) -> None:
    """Finish the futures of a batch (those whose waiter gave up are already done)."""
    for waiter in waiters:
        if not waiter.done():
            if error is None:
                waiter.set_result(result)
            else:
                waiter.set_exception(error)
