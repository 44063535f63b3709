"""What the event log of runs keeps, and the interface every backend offers.

Three backends: SQLite (sqlite_log.py) and PostgreSQL (postgres_log.py), shared by the
workers of one box, and Redis Streams (redis_log.py), shared by every node (a stream per run for the events, a hash per run for
the record). Writes that sit on the per-token path (`create`,
`append`, `finish`, `touch`, `refresh_lease`) return at once and are committed in batches;
the others wait for their answer. A new run's record goes in with its line-up (`line_up`,
or `claim` with an Idempotency-Key), which waits: it tells the run which of its user's
runs are ahead of it (runs/turns.py).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Awaitable, Callable, Protocol

log = logging.getLogger(__name__)

RUNNING = "running"
# How a run ended: its last event was `done` / an `error` of the answer itself / the stop
# of a person or of the resume window / its producer died (found out by a resumer).
ENDED = ("done", "error", "stopped", "interrupted")


@dataclass
class RunRecord:
    run_id: str
    user_id: str
    browser: str | None          # the owner's browser (jewelstream/identity.py), if bound
    fingerprint: str | None      # the GET twin's URL, so an EventSource reconnect finds it
    key: str | None              # the client's Idempotency-Key
    pid: int                     # the producing process
    created: float
    state: str = RUNNING
    lease: float = 0.0           # refreshed by the producer while it runs
    watched: float | None = None  # a follower on another worker was here (resume window)
    cancel: bool = False          # someone asked to stop it from another worker
    last_id: int = 0
    ended: float | None = None


# A record as a row, its fields in order: `dataclasses.astuple` would deep-copy each value
# (~30 us a run, on the way to the LLM request), and every field is a plain value.
record_row: Callable[[RunRecord], tuple] = attrgetter(*(f.name for f in fields(RunRecord)))


class RunLog(Protocol):
    # Shared by several boxes (Redis): a producer is judged by its lease alone, not by its
    # pid, and `read_after` waits for the next events itself instead of being polled.
    spans_boxes: bool
    # What its reads and waiting writes raise when the database or Redis cannot be reached
    # (runs/http.py answers 503 then, or ends a stream it follows with an `error` event).
    failures: tuple[type[BaseException], ...]

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    def create(self, record: RunRecord) -> None: ...
    async def line_up(self, record: RunRecord, since: float) -> list[RunRecord]:
        """Create now, and atomically with it: the same user's other runs already in the log
        that still run or ended at `since` or later (runs/turns.py). Of two runs of a user,
        the one created later sees the other: the log's order is the users' turns."""
    async def claim(self, record: RunRecord, since: float) -> tuple[RunRecord | None, list[RunRecord]]:
        """`line_up` (None, the runs ahead); but if the user's Idempotency-Key is taken,
        (the run that holds it, []) and nothing is created."""
    def append(self, run_id: str, event_id: int, data: str) -> None: ...
    def finish(self, run_id: str, state: str, last_id: int, ended: float) -> None: ...
    def touch(self, run_id: str, now: float) -> None: ...
    def refresh_lease(self, pid: int, now: float) -> None: ...
    async def flushed(self) -> None: ...
    def hurry(self) -> None:
        """Someone waits for what is queued (a run's id, `flushed`): write it without lingering."""
    async def request_cancel(self, run_id: str) -> None: ...
    async def cancel_requests(self, pid: int) -> list[str]: ...
    async def record(self, run_id: str) -> RunRecord | None: ...
    async def find(self, user_id: str, *, key: str | None = None,
                   fingerprint: str | None = None) -> RunRecord | None: ...
    async def read_after(self, run_id: str, after: int) -> tuple[RunRecord | None, list[tuple[int, str]]]:
        """The run's record, then its events after `after` (read in this order, so an
        ended record means every event is in the list)."""
    async def end_orphan(self, run_id: str, event_id: int, data: str, ended: float) -> bool:
        """Append the last event and mark the run interrupted, if it still runs."""
    async def purge(self, before: float) -> None: ...


class LingeringBatches:
    """The batched writes of an asyncio backend (PostgreSQL, Redis): items queue in order;
    a task waits `linger` seconds, so that the tokens of many runs share a batch, hands all
    that piled up to `send` (one transaction, one pipeline), and again while more came in.
    `hurry` cuts the wait short (someone waits: a run's id goes out once its record is in).
    A batch that fails is logged and dropped: the runs go on in memory. (SQLite's log
    batches on a thread of its own instead: sqlite_log.py.)"""

    def __init__(self, send: Callable[[list], Awaitable[None]], *, linger: float) -> None:
        self.send, self.linger = send, linger
        self._items: list = []
        self._committed: asyncio.Future | None = None   # done when the queued batch is
        self._in_flight: asyncio.Future | None = None   # done when the batch being sent is
        self._task: asyncio.Task | None = None
        self._hurry = False                             # someone waits: no lingering
        self._lingering: asyncio.Future | None = None

    def add(self, item) -> None:
        """Queue `item`."""
        self._items.append(item)
        if self._committed is None:
            self._committed = asyncio.get_running_loop().create_future()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._send_batches())

    def hurry(self) -> None:
        """Someone waits: send what is queued without (more) lingering."""
        self._hurry = True
        if self._lingering is not None and not self._lingering.done():
            self._lingering.set_result(None)

    async def flushed(self) -> None:
        """Wait until everything added so far is written (or its batch failed)."""
        latest = self._committed or self._in_flight     # batches are sent in order
        if latest is not None:
            await asyncio.wait([latest])

    async def close(self) -> None:
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _send_batches(self) -> None:
        if not self._hurry:
            loop = asyncio.get_running_loop()
            self._lingering = loop.create_future()
            timer = loop.call_later(self.linger, _settle, self._lingering)
            await self._lingering
            timer.cancel()
            self._lingering = None
        self._hurry = False
        while self._committed is not None:
            batch, committed = self._items, self._committed
            self._in_flight = committed
            self._items, self._committed = [], None
            try:
                await self.send(batch)
            except Exception:                   # the database is gone: the runs go on in memory
                log.exception("the event log of runs could not write a batch of %d", len(batch))
            committed.set_result(None)


def _settle(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)
