"""Profile reads that arrive together share one query.

Under a burst of questions every request needs its profile first; 200 separate trips to
the database (a thread hop each on SQLite, a pool round trip on PostgreSQL) took a quarter
of a second end to end in a burst of 200 (docs/performance.md). `BatchedReads` collects
the user ids asked for while one query is on its way and answers them all with the next.
The backend gives one function: user ids -> {user_id: profile JSON text}.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any, Awaitable, Callable

ReadMany = Callable[[list[str]], Awaitable[dict[str, str]]]


class BatchedReads:
    def __init__(self, read_many: ReadMany) -> None:
        self.read_many = read_many
        self._waiters: dict[str, list[asyncio.Future]] = {}
        self._reader: asyncio.Task | None = None

    async def profile(self, user_id: str) -> dict:
        """The profile of `user_id` ({} if none); each caller gets its own copy."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(user_id, []).append(waiter)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read())
        return json.loads(await waiter)

    async def _read(self) -> None:
        """Answer the waiting reads in one query; again while more came in meanwhile."""
        while self._waiters:
            waiting, self._waiters = self._waiters, {}
            try:
                found = await self.read_many(list(waiting))
            except Exception as exc:
                for waiters in waiting.values():
                    settle(waiters, error=exc)
                continue
            for user_id, waiters in waiting.items():
                settle(waiters, found.get(user_id, "{}"))

    async def close(self) -> None:
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


def settle(waiters: list[asyncio.Future], result: Any = None, *,
           error: BaseException | None = None) -> None:
    """Finish the futures of a batch (those whose waiter gave up are already done)."""
    for waiter in waiters:
        if not waiter.done():
            if error is None:
                waiter.set_result(result)
            else:
                waiter.set_exception(error)
