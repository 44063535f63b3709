"""The event log of runs in PostgreSQL, for a node on PostgreSQL without Redis.

The same two tables as SQLite's (`runs`, `run_events`, migration 0002). The per-token path
only queues; `LingeringBatches` (log.py) commits what piled up in one transaction (after
`linger` seconds, so that the tokens of many runs share it). It uses
the store's bounded pool. Without Redis a deployment is one node: a resumer judges a
producer by its lease and its pid on this box, and followers poll (follow.py). A new
run's record goes in under a per-user advisory lock of its transaction (`claim`), so that
the user's runs line up in one order (runs/turns.py).
"""
from __future__ import annotations

import logging
from dataclasses import fields

import asyncpg

from jewelstream.runs.log import RUNNING, LingeringBatches, RunRecord, record_row

log = logging.getLogger(__name__)

_COLUMNS = [f.name for f in fields(RunRecord)]
_INSERT_RUN = (f"INSERT INTO runs ({', '.join(_COLUMNS)}) VALUES "
               f"({', '.join(f'${n}' for n in range(1, len(_COLUMNS) + 1))}) ON CONFLICT DO NOTHING")
_INSERT_EVENT = "INSERT INTO run_events (run_id, id, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"


class PostgresRunLog:
    spans_boxes = False
    failures = (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError)

    def __init__(self, pool: asyncpg.Pool, *, linger: float = 0.015) -> None:
        self.pool = pool
        self._batches = LingeringBatches(self._write, linger=linger)   # ("run"|"event"|"update", row)

    async def open(self) -> None:
        """Nothing to open: the store's pool is ready and migrated."""

    async def close(self) -> None:
        await self._batches.close()

    # -- batched writes (the per-token path) ----------------------------------------------

    def create(self, record: RunRecord) -> None:
        self._batches.add(("run", record_row(record)))

    def append(self, run_id: str, event_id: int, data: str) -> None:
        self._batches.add(("event", (run_id, event_id, data)))

    def finish(self, run_id: str, state: str, last_id: int, ended: float) -> None:
        self._update("UPDATE runs SET state = $1, last_id = $2, ended = $3 WHERE run_id = $4 AND state = $5",
                     (state, last_id, ended, run_id, RUNNING))

    def touch(self, run_id: str, now: float) -> None:
        self._update("UPDATE runs SET watched = $1 WHERE run_id = $2", (now, run_id))

    def refresh_lease(self, pid: int, now: float) -> None:
        self._update("UPDATE runs SET lease = $1 WHERE pid = $2 AND state = $3", (now, pid, RUNNING))

    def _update(self, sql: str, args: tuple) -> None:
        self._batches.add(("update", (sql, args)))

    def hurry(self) -> None:
        self._batches.hurry()

    async def flushed(self) -> None:
        await self._batches.flushed()

    async def _write(self, batch: list[tuple[str, tuple]]) -> None:
        """One transaction: the records, then the events, then the updates."""
        runs = [row for kind, row in batch if kind == "run"]
        events = [row for kind, row in batch if kind == "event"]
        async with self.pool.acquire() as db, db.transaction():
            if runs:
                await db.executemany(_INSERT_RUN, runs)
            if events:
                await db.executemany(_INSERT_EVENT, events)
            for sql, args in (row for kind, row in batch if kind == "update"):
                await db.execute(sql, *args)

    # -- writes that wait --------------------------------------------------------------------

    async def line_up(self, record: RunRecord, since: float) -> list[RunRecord]:
        return (await self.claim(record, since))[1]

    async def claim(self, record: RunRecord, since: float) -> tuple[RunRecord | None, list[RunRecord]]:
        # The user's runs line up under a lock of the transaction (let go at its end, or
        # when its connection dies): a run sees every run created before it, none after.
        async with self.pool.acquire() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 7231))", record.user_id)
            if not await db.fetchval(_INSERT_RUN + " RETURNING run_id", *record_row(record)):
                return _record(await db.fetchrow("SELECT * FROM runs WHERE user_id = $1 AND key = $2",
                                                 record.user_id, record.key)), []
            rows = await db.fetch("SELECT * FROM runs WHERE user_id = $1 AND run_id != $2 "
                                  "AND (state = $3 OR ended >= $4)", record.user_id, record.run_id, RUNNING, since)
        return None, [_record(row) for row in rows]

    async def request_cancel(self, run_id: str) -> None:
        await self.pool.execute("UPDATE runs SET cancel = true WHERE run_id = $1", run_id)

    async def end_orphan(self, run_id: str, event_id: int, data: str, ended: float) -> bool:
        async with self.pool.acquire() as db, db.transaction():
            changed = await db.execute("UPDATE runs SET state = 'interrupted', last_id = $1, ended = $2 "
                                       "WHERE run_id = $3 AND state = $4", event_id, ended, run_id, RUNNING)
            if changed == "UPDATE 0":
                return False
            await db.execute(_INSERT_EVENT, run_id, event_id, data)
            return True

    async def purge(self, before: float) -> None:
        old = "SELECT run_id FROM runs WHERE coalesce(ended, lease) < $1"
        async with self.pool.acquire() as db, db.transaction():
            await db.execute(f"DELETE FROM run_events WHERE run_id IN ({old})", before)
            await db.execute(f"DELETE FROM runs WHERE run_id IN ({old})", before)

    # -- reads -----------------------------------------------------------------------------

    async def record(self, run_id: str) -> RunRecord | None:
        return _record(await self.pool.fetchrow("SELECT * FROM runs WHERE run_id = $1", run_id))

    async def find(self, user_id: str, *, key: str | None = None,
                   fingerprint: str | None = None) -> RunRecord | None:
        column, value = ("key", key) if key is not None else ("fingerprint", fingerprint)
        return _record(await self.pool.fetchrow(
            f"SELECT * FROM runs WHERE user_id = $1 AND {column} = $2 ORDER BY created DESC LIMIT 1",
            user_id, value))

    async def cancel_requests(self, pid: int) -> list[str]:
        return [row[0] for row in await self.pool.fetch(
            "SELECT run_id FROM runs WHERE pid = $1 AND state = $2 AND cancel", pid, RUNNING)]

    async def read_after(self, run_id: str, after: int) -> tuple[RunRecord | None, list[tuple[int, str]]]:
        async with self.pool.acquire() as db, db.transaction(isolation="repeatable_read", readonly=True):
            record = _record(await db.fetchrow("SELECT * FROM runs WHERE run_id = $1", run_id))
            if record is None:
                return None, []
            rows = await db.fetch("SELECT id, data FROM run_events WHERE run_id = $1 AND id > $2 ORDER BY id",
                                  run_id, after)
        return record, [(row[0], row[1]) for row in rows]


def _record(row) -> RunRecord | None:
    return None if row is None else RunRecord(**dict(row))
