"""One run in the process that produces it: its events in memory, and who follows it.

Events are kept as the bytes that go on the wire (`id: N` + `data:`), encoded once, so a
follower writes them as they are, and one that is behind writes its backlog in one go.
A follower that has seen everything waits on a future of its own (one that leaves cancels
only its own); the next event wakes them all.

`attached` counts the streams following the run in this process. When it drops to zero
the resume window opens (registry.py decides what happens when it closes).
"""
from __future__ import annotations

import asyncio
import json
import time

from jewelstream.runs.log import RUNNING, RunRecord

encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class Run:
    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self.events: list[bytes] = []          # events[i] is the event with id i + 1
        self.attached = 0
        self.task: asyncio.Task | None = None  # the producer
        self.stop_reason: str | None = None    # why the producer was cancelled
        self.window: asyncio.TimerHandle | None = None
        self.logged: asyncio.Future | None = None   # done once the log holds the record
        self._waiters: list[asyncio.Future] = []     # followers that have seen every event

    @property
    def id(self) -> str:
        return self.record.run_id

    @property
    def running(self) -> bool:
        return self.record.state == RUNNING

    def add(self, data: dict) -> tuple[int, str]:
        """Append an event; returns its id and JSON text (for the log)."""
        event_id = len(self.events) + 1
        text = encode_json(data)
        self.events.append(f"id: {event_id}\ndata: {text}\n\n".encode())
        self._wake()
        return event_id, text

    def end(self, state: str) -> None:
        self.record.state = state
        self.record.last_id = len(self.events)
        self.record.ended = time.time()
        self._wake()

    async def changed(self, seen: int) -> None:
        """Return once there is an event after `seen`, or the run has ended."""
        if len(self.events) > seen or not self.running:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter                           # a follower that leaves cancels its own only

    def _wake(self) -> None:
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
