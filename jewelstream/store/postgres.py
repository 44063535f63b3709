"""The PostgreSQL store: one database shared by every node (`JEWELSTREAM_DATABASE_URL`).

The driver is asyncpg (made for asyncio: no threads, its own bounded pool, the binary
protocol, prepared statements cached per connection). At start the database is migrated
and seeded under an advisory lock (postgres_schema.py), then the shop's data is loaded
into memory as on SQLite. Profile reads are batched (one `= ANY($1)` query per burst) and
the conversation log group-committed, with the same classes as SQLite; an answer's
profile update locks the profile's row, so two nodes never lose each other's fields.

A failure of the server or of the connection (refused, dropped, disk full, read-only)
raises `StorageUnavailable` and is kept in `write_error` until a write works again;
`check()` then tries a small write at most once a second. Durability is the server's
(`synchronous_commit`, its WAL): a committed row survives a crash of the node.
"""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Awaitable, Callable

import asyncpg

from jewelstream.data.snapshot import ShopData, product_from_row
from jewelstream.store.batched_reads import BatchedReads
from jewelstream.store.group_commit import GroupCommit
from jewelstream.store.interface import StorageUnavailable
from jewelstream.store.postgres_schema import prepare
from jewelstream.store.shop_data import ShopDataHolder

# What says "the database cannot be used now" rather than "our SQL is wrong".
FAILURES = (OSError, asyncio.TimeoutError, asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError, asyncpg.InsufficientResourcesError,
            asyncpg.ReadOnlySQLTransactionError, asyncpg.CannotConnectNowError,
            asyncpg.OperatorInterventionError)
_UPSERT_PROFILE = ("INSERT INTO profiles (user_id, data, updated) VALUES ($1, $2, $3) "
                   "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated = excluded.updated")


class PostgresStore(ShopDataHolder):
    """Use `await PostgresStore.open(url, pool_size=...)`."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__()
        self.pool = pool
        self.write_error: str | None = None
        self._profiles = BatchedReads(self._read_profiles)
        self._log = GroupCommit(self._insert_messages)
        self._last_probe = 0.0

    @classmethod
    async def open(cls, url: str, *, pool_size: int = 10) -> "PostgresStore":
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=pool_size, timeout=10,
                                             command_timeout=30)
        except (*FAILURES, asyncpg.PostgresError) as exc:
            raise StorageUnavailable(f"cannot reach the database: {exc}") from None
        store = cls(pool)
        try:
            async with pool.acquire() as db:
                await prepare(db)
            store.use(await store._read_shop_data())
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        await self._log.close()
        await self._profiles.close()
        await self.pool.close()

    @property
    def log_failures(self) -> int:
        return self._log.failures

    async def _run(self, work: Callable[[asyncpg.Connection], Awaitable[Any]], *, write: bool = True) -> Any:
        """`work(connection)` on a pooled connection (in a transaction when it writes);
        failures of the database become StorageUnavailable and, for writes, `write_error`."""
        try:
            async with self.pool.acquire() as db:
                if not write:
                    return await work(db)
                async with db.transaction():
                    result = await work(db)
        except FAILURES as exc:
            if write:
                self.write_error = f"{type(exc).__name__}: {exc}"
            raise StorageUnavailable(str(exc)) from exc
        if write:
            self.write_error = None
        return result

    async def check(self) -> dict:
        """`file` is always "present": the files are the database server's."""
        now = time.monotonic()
        if self.write_error is not None and now - self._last_probe >= 1.0:
            self._last_probe = now
            try:
                await self._run(lambda db: db.execute(
                    "INSERT INTO meta (key, value) VALUES ('probe', 'x') ON CONFLICT (key) "
                    "DO UPDATE SET value = excluded.value"))
            except StorageUnavailable:
                pass
        return {"writable": self.write_error is None, "file": "present",
                "error": self.write_error, "log_failures": self.log_failures}

    # -- the shop's data -------------------------------------------------------------------

    async def _data_version(self) -> int:
        value = await self._run(lambda db: db.fetchval("SELECT value FROM meta WHERE key = 'data_version'"),
                                write=False)
        return int(value) if value else 0

    async def _read_shop_data(self) -> ShopData:
        async def read(db: asyncpg.Connection) -> ShopData:
            async with db.transaction(isolation="repeatable_read", readonly=True):
                version = await db.fetchval("SELECT value FROM meta WHERE key = 'data_version'")
                return ShopData(
                    version=int(version) if version else 0,
                    catalog=[product_from_row(row) for row in
                             await db.fetch("SELECT * FROM products WHERE listed = 1 ORDER BY id")],
                    articles=[dict(row) for row in await db.fetch("SELECT * FROM articles ORDER BY published, id")],
                    customers=[dict(row) for row in await db.fetch("SELECT * FROM customers ORDER BY id")],
                    orders=[dict(row) for row in await db.fetch("SELECT * FROM orders ORDER BY date, id")])
        return await self._run(read, write=False)

    # -- profiles ------------------------------------------------------------------------

    def profile(self, user_id: str) -> asyncio.Future:
        return self._profiles.profile(user_id)

    async def _read_profiles(self, user_ids: list[str]) -> dict[str, str]:
        rows = await self._run(lambda db: db.fetch(
            "SELECT user_id, data FROM profiles WHERE user_id = ANY($1::text[])", user_ids), write=False)
        return {row["user_id"]: row["data"] for row in rows}

    async def update_profile(self, user_id: str, change: Callable[[dict], dict]) -> dict:
        async def update(db: asyncpg.Connection) -> dict:
            # The row exists (maybe empty) and is locked until the commit: no lost update.
            await db.execute("INSERT INTO profiles (user_id, data, updated) VALUES ($1, '{}', $2) "
                             "ON CONFLICT (user_id) DO NOTHING", user_id, time.time())
            row = await db.fetchval("SELECT data FROM profiles WHERE user_id = $1 FOR UPDATE", user_id)
            data = change(json.loads(row))
            await db.execute(_UPSERT_PROFILE, user_id, json.dumps(data, ensure_ascii=False), time.time())
            return data
        return await self._run(update)

    # -- the conversation log --------------------------------------------------------------

    def log_message(self, user_id: str, role: str, content: str, *,
                    agent: str | None = None, state: str = "complete",
                    usage: dict | None = None) -> asyncio.Future:
        return self._log.add(user_id, role, content, agent, state, usage)

    async def _insert_messages(self, rows: list[tuple]) -> None:
        await self._run(lambda db: db.executemany(
            "INSERT INTO messages (user_id, role, agent, content, state, created, prompt_tokens, "
            "completion_tokens) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", rows))

    async def usage(self, days: int) -> list[dict]:
        rows = await self._run(lambda db: db.fetch(
            "SELECT to_char(to_timestamp(created) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, agent, "
            "count(*) AS answers, count(prompt_tokens) AS reported, "
            "coalesce(sum(prompt_tokens), 0) AS prompt_tokens, "
            "coalesce(sum(completion_tokens), 0) AS completion_tokens FROM messages "
            "WHERE role = 'assistant' AND created >= $1 GROUP BY day, agent ORDER BY day DESC, agent",
            time.time() - days * 86400), write=False)
        return [{**dict(row), "prompt_tokens": int(row["prompt_tokens"]),
                 "completion_tokens": int(row["completion_tokens"])} for row in rows]

    async def messages(self, user_id: str, limit: int = 100) -> list[dict]:
        rows = await self._run(lambda db: db.fetch(
            "SELECT role, agent, content, state, created FROM messages WHERE user_id = $1 "
            "ORDER BY id DESC LIMIT $2", user_id, limit), write=False)
        return [dict(row) for row in reversed(rows)]

    # -- owners of user ids, settings, one product -------------------------------------------

    async def claim_user(self, user_id: str, browser: str) -> str:
        async def claim(db: asyncpg.Connection) -> str:
            await db.execute("INSERT INTO owners (user_id, browser, created) VALUES ($1, $2, $3) "
                             "ON CONFLICT (user_id) DO NOTHING", user_id, browser, time.time())
            return await db.fetchval("SELECT browser FROM owners WHERE user_id = $1", user_id)
        return await self._run(claim)

    async def meta(self, key: str, default_factory: Callable[[], str]) -> str:
        async def read_or_create(db: asyncpg.Connection) -> str:
            await db.execute("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                             key, default_factory())
            return await db.fetchval("SELECT value FROM meta WHERE key = $1", key)
        return await self._run(read_or_create)

    async def product(self, product_id: str) -> dict | None:
        row = await self._run(lambda db: db.fetchrow(
            "SELECT name, type, metal, stones, article, image FROM products WHERE id = $1", product_id),
            write=False)
        return None if row is None else {**dict(row), "stones": json.loads(row["stones"])}
