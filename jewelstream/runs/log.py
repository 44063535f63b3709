"""What the event log of runs keeps, and the interface every backend offers.

Three backends: SQLite (sqlite_log.py) and PostgreSQL (postgres_log.py), shared by the
workers of one box, and Redis Streams (redis_log.py), shared by every node (a stream per run for the events, a hash per run for
the record). Writes that sit on the per-token path (`create`,
`append`, `finish`, `touch`, `refresh_lease`) return at once and are committed in batches;
the others wait for their answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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


class RunLog(Protocol):
    # Shared by several boxes (Redis): a producer is judged by its lease alone, not by its
    # pid, and `read_after` waits for the next events itself instead of being polled.
    spans_boxes: bool

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    def create(self, record: RunRecord) -> None: ...
    async def claim(self, record: RunRecord) -> RunRecord | None:
        """Create now; if the user's Idempotency-Key is taken, the run that holds it."""
    def append(self, run_id: str, event_id: int, data: str) -> None: ...
    def finish(self, run_id: str, state: str, last_id: int, ended: float) -> None: ...
    def touch(self, run_id: str, now: float) -> None: ...
    def refresh_lease(self, pid: int, now: float) -> None: ...
    async def flushed(self) -> None: ...
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
