"""The SQLite store: one file on this box (the default, and all a single shop needs).

WAL mode with `synchronous=FULL`, every write committed before it returns: after a crash
or `kill -9`, everything a user told the system and every finished answer is still
there. The file is created, migrated and seeded on first start (migrations.py); work runs
on a writer and a reader thread (sqlite_executor.py); profile reads are batched
(batched_reads.py) and the conversation log group-committed (group_commit.py).

While writes fail, `check()` tries a small write at most once a second, so service resumes
by itself when the disk has room again. Opening fails at once on a database that cannot be
written: better to refuse to start than to lose what users tell us.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from typing import Callable

from jewelstream.data.snapshot import ShopData, data_version, read_shop_data
from jewelstream.store.batched_reads import BatchedReads
from jewelstream.store.group_commit import GroupCommit
from jewelstream.store.interface import StorageUnavailable
from jewelstream.store.migrations import connect
from jewelstream.store.shop_data import ShopDataHolder
from jewelstream.store.sqlite_executor import SqliteExecutor

_UPSERT_PROFILE = ("INSERT INTO profiles (user_id, data, updated) VALUES (?, ?, ?) "
                   "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, updated = excluded.updated")


class SqliteStore(ShopDataHolder):
    """Use `await SqliteStore.open(path)`."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.executor = SqliteExecutor(path)
        self._profiles = BatchedReads(self._read_profiles)
        self._log = GroupCommit(self._insert_messages)
        self._last_probe = 0.0

    @classmethod
    async def open(cls, path: str) -> "SqliteStore":
        store = cls(path)
        try:
            await store.executor.run(store._connect_and_seed)
            await store.executor.run(store.executor.probe)
            await store.executor.open_reader()
        except (StorageUnavailable, sqlite3.Error, OSError) as exc:
            store.executor.shutdown(wait=False)
            raise StorageUnavailable(f"cannot write the database {path!r}: {exc}") from None
        return store

    def _connect_and_seed(self) -> None:
        self.executor.db = db = connect(self.path)
        self.use(read_shop_data(db))

    async def close(self) -> None:
        await self._log.close()
        await self._profiles.close()
        await self.executor.close()

    @property
    def write_error(self) -> str | None:
        return self.executor.write_error

    @property
    def log_failures(self) -> int:
        return self._log.failures

    async def check(self) -> dict:
        """`file` is "present", "missing" (deleted while we run: what we write now would be
        gone at the next start) or "replaced" (another file under the same name)."""
        file = self.executor.file_state()
        now = time.monotonic()
        if self.write_error is not None and file == "present" and now - self._last_probe >= 1.0:
            self._last_probe = now
            try:
                await self.executor.run(self.executor.probe)
            except StorageUnavailable:
                pass
        return {"writable": self.write_error is None and file == "present", "file": file,
                "error": self.write_error, "log_failures": self.log_failures}

    def _data_version(self) -> asyncio.Future:
        return self.executor.start_read(data_version)

    async def _read_shop_data(self) -> ShopData:
        return await self.executor.read(read_shop_data)

    # -- profiles ------------------------------------------------------------------------

    def profile(self, user_id: str) -> asyncio.Future:
        return self._profiles.profile(user_id)

    def _read_profiles(self, user_ids: list[str]) -> asyncio.Future:
        def read(db: sqlite3.Connection) -> dict[str, str]:
            found = {}
            for start in range(0, len(user_ids), 500):       # SQLite's variable limit
                chunk = user_ids[start:start + 500]
                found.update(db.execute(f"SELECT user_id, data FROM profiles WHERE user_id IN "
                                        f"({', '.join('?' * len(chunk))})", chunk).fetchall())
            return found
        return self.executor.start_read(read)

    async def update_profile(self, user_id: str, change: Callable[[dict], dict]) -> dict:
        """Read, `change` and write the profile in one transaction, so two agents updating
        the same user at once never lose each other's fields. Returns the new profile."""
        def update() -> dict:
            with self.executor.transaction() as db:
                row = db.execute("SELECT data FROM profiles WHERE user_id = ?", (user_id,)).fetchone()
                data = change(json.loads(row[0]) if row else {})
                db.execute(_UPSERT_PROFILE, (user_id, json.dumps(data, ensure_ascii=False), time.time()))
                return data
        return await self.executor.run(update)

    # -- the conversation log --------------------------------------------------------------

    def log_message(self, user_id: str, role: str, content: str, *,
                    agent: str | None = None, state: str = "complete",
                    usage: dict | None = None) -> asyncio.Future:
        """`state`: complete, cut (the answer stopped part-way) or failed (no answer: the
        LLM failed before its first token). `usage`: the tokens the LLM endpoint counted."""
        return self._log.add(user_id, role, content, agent, state, usage)

    async def _insert_messages(self, rows: list[tuple]) -> None:
        def insert() -> None:
            with self.executor.transaction() as db:
                db.executemany("INSERT INTO messages (user_id, role, agent, content, state, created, "
                               "prompt_tokens, completion_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        await self.executor.run(insert)

    async def messages(self, user_id: str, limit: int = 100) -> list[dict]:
        def read(db: sqlite3.Connection) -> list[dict]:
            rows = db.execute(
                "SELECT role, agent, content, state, created FROM messages WHERE user_id = ? "
                "ORDER BY id DESC LIMIT ?", (user_id, limit)).fetchall()
            return [dict(row) for row in reversed(rows)]
        return await self.executor.read(read)

    async def usage(self, days: int) -> list[dict]:
        def read(db: sqlite3.Connection) -> list[dict]:
            rows = db.execute(
                "SELECT date(created, 'unixepoch') AS day, agent, count(*) AS answers, "
                "count(prompt_tokens) AS reported, coalesce(sum(prompt_tokens), 0) AS prompt_tokens, "
                "coalesce(sum(completion_tokens), 0) AS completion_tokens FROM messages "
                "WHERE role = 'assistant' AND created >= ? GROUP BY day, agent ORDER BY day DESC, agent",
                (time.time() - days * 86400,)).fetchall()
            return [dict(row) for row in rows]
        return await self.executor.read(read)

    # -- owners of user ids, settings, one product -------------------------------------------

    async def claim_user(self, user_id: str, browser: str) -> str:
        def write() -> str:
            with self.executor.transaction() as db:
                db.execute("INSERT OR IGNORE INTO owners (user_id, browser, created) VALUES (?, ?, ?)",
                           (user_id, browser, time.time()))
                return db.execute("SELECT browser FROM owners WHERE user_id = ?", (user_id,)).fetchone()[0]
        return await self.executor.run(write)

    async def meta(self, key: str, default_factory: Callable[[], str]) -> str:
        def read_or_create() -> str:
            with self.executor.transaction() as db:
                row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
                if row:
                    return row[0]
                value = default_factory()
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
                return value
        return await self.executor.run(read_or_create)

    async def product(self, product_id: str) -> dict | None:
        def read(db: sqlite3.Connection) -> dict | None:
            row = db.execute("SELECT name, type, metal, stones, article, image FROM products WHERE id = ?",
                             (product_id,)).fetchone()
            return None if row is None else {**dict(row), "stones": json.loads(row["stones"])}
        return await self.executor.read(read)
