"""The conversation log's writes, group-committed.

Rows that arrive while the previous commit is on its way to the disk share the next
transaction: at 200 questions at once that is a handful of disk syncs instead of 200. A
batch that fails is written again row by row, so a row that cannot be stored never takes
the others with it; a row that still fails is logged and counted (`failures`), never
raised into anyone's stream. The backend gives one function that inserts rows
(user_id, role, agent, content, state, created) in one transaction.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Awaitable, Callable

log = logging.getLogger(__name__)

InsertRows = Callable[[list[tuple]], Awaitable[None]]


class GroupCommit:
    def __init__(self, insert: InsertRows) -> None:
        self.insert = insert
        self.failures = 0
        self._rows: list[tuple] = []
        self._waiters: list[asyncio.Future] = []
        self._writer: asyncio.Task | None = None

    def add(self, user_id: str, role: str, content: str, agent: str | None, state: str,
            usage: dict | None = None) -> asyncio.Future:
        """A future that becomes True once the row is committed, or False if it could not
        be written. The write goes ahead whether or not anyone awaits it. A row is
        (user_id, role, agent, content, state, created, prompt_tokens, completion_tokens)."""
        committed = asyncio.get_running_loop().create_future()
        usage = usage or {}
        self._rows.append((user_id, role, agent, content, state, time.time(),
                           usage.get("prompt_tokens"), usage.get("completion_tokens")))
        self._waiters.append(committed)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return committed

    async def _write(self) -> None:
        while self._rows:
            rows, waiters = self._rows, self._waiters
            self._rows, self._waiters = [], []
            try:
                await self.insert(rows)
                written = [True] * len(rows)
            except Exception:
                written = [await self._insert_one(row) for row in rows]
            for waiter, ok in zip(waiters, written):
                if not waiter.done():
                    waiter.set_result(ok)

    async def _insert_one(self, row: tuple) -> bool:
        try:
            await self.insert([row])
            return True
        except Exception as exc:
            self.failures += 1
            log.error("conversation log: a %s message of user %s was not written: %s: %s",
                      row[1], row[0], type(exc).__name__, exc)
            return False

    async def close(self) -> None:
        """Wait for the writes on their way."""
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)
