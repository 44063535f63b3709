"""Profile reads that arrive together share one query.

Under a burst of questions every request needs its profile first; 200 separate trips to
the database (a thread hop each on SQLite, a pool round trip on PostgreSQL) took a quarter
of a second end to end in a burst of 200 (docs/performance.md). `BatchedReads` collects
the user ids asked for while one query is on its way and answers them all with the next.
A read with none on its way starts at once, before `profile` returns: a question alone
waits for nothing, and on SQLite the reader thread works on it while the request goes on.
The backend gives one function, which starts the query when called: user ids ->
{user_id: profile JSON text}.
"""
from __future__ import annotations

import asyncio
import json
from typing import Awaitable, Callable

ReadMany = Callable[[list[str]], Awaitable[dict[str, str]]]


class BatchedReads:
    def __init__(self, read_many: ReadMany) -> None:
        self.read_many = read_many        # called, it starts the read (a future on its way, or a coroutine)
        self._waiters: dict[str, list[asyncio.Future]] = {}
        self._batch: asyncio.Future | None = None

    def profile(self, user_id: str) -> asyncio.Future:
        """The profile of `user_id` ({} if none), each caller its own copy. The read is on
        its way when this returns, unless one is already: then it goes with the next."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(user_id, []).append(waiter)
        if self._batch is None:
            self._read()
        return waiter

    def _read(self) -> None:
        """Ask for every user waiting in one query; when it is answered, the users who came
        meanwhile go in the next."""
        waiting, self._waiters = self._waiters, {}
        self._batch = batch = asyncio.ensure_future(self.read_many(list(waiting)))
        batch.add_done_callback(lambda _: self._answer(batch, waiting))

    def _answer(self, batch: asyncio.Future, waiting: dict[str, list[asyncio.Future]]) -> None:
        self._batch = None
        error = asyncio.CancelledError() if batch.cancelled() else batch.exception()
        found = batch.result() if error is None else {}
        for user_id, waiters in waiting.items():
            for waiter in waiters:
                if waiter.done():                 # its caller gave up
                    continue
                if error is None:
                    waiter.set_result(json.loads(found.get(user_id, "{}")))
                else:
                    waiter.set_exception(error)
        if self._waiters:
            self._read()

    async def close(self) -> None:
        while self._batch is not None:          # `_answer` runs first, and may start the next
            await asyncio.wait([self._batch])
