"""One run in the process that produces it: its events in memory, and who follows it.

Events are kept as the bytes that go on the wire (`id: N` + `data:`), encoded once, so a
follower writes them as they are, and one that is behind writes its backlog in one go.
A follower that has seen everything waits on a future of its own (one that leaves cancels
only its own); the next event wakes them all.

While the answer is being set up, its status lines wait (at most `QUIET` seconds after the
first) and go out with what follows: the work of the question (the search, the LLM
request) comes first, the customer sees the status a few milliseconds later, and the
response's headers and first lines leave in one write. Any other event (a token, an error,
the end) ends the wait at once (`quiet`).

`attached` counts the streams following the run in this process. When it drops to zero
the resume window opens (registry.py decides what happens when it closes).
"""
from __future__ import annotations

import asyncio
import json
import time

from jewelstream.runs.log import RUNNING, RunRecord

encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

QUIET = 0.05      # seconds the first status lines of an answer may wait for what follows


class Run:
    def __init__(self, record: RunRecord) -> None:
        self.record = record
        self.events: list[bytes] = []          # events[i] is the event with id i + 1
        self.attached = 0
        self.task: asyncio.Task | None = None  # the producer
        self.stop_reason: str | None = None    # why the producer was cancelled
        self.window: asyncio.TimerHandle | None = None
        self.logged: asyncio.Future | None = None   # done once the log holds the record
        self.lined_up: asyncio.Future | None = None  # its line-up: the user's runs ahead of it
        self._waiters: list[asyncio.Future] = []     # followers that have seen every event
        self.quiet = True                      # only status lines so far, and not for long
        self._quiet_timer: asyncio.TimerHandle | None = None

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
        if not self.quiet:
            self._wake()
        elif data.get("type") != "status":
            self._speak()
        elif self._quiet_timer is None:
            self._quiet_timer = asyncio.get_running_loop().call_later(QUIET, self._speak)
        return event_id, text

    def end(self, state: str) -> None:
        self.record.state = state
        self.record.last_id = len(self.events)
        self.record.ended = time.time()
        self._speak()

    def ready(self, seen: int) -> bool:
        """Are there events after `seen` to send now?"""
        return len(self.events) > seen and not self.quiet

    async def changed(self, seen: int) -> None:
        """Return once there are events after `seen` to send, or the run has ended."""
        if self.ready(seen) or not self.running:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter                           # a follower that leaves cancels its own only

    def _speak(self) -> None:
        """The quiet start is over: what is held goes out, and every event from now on."""
        self.quiet = False
        if self._quiet_timer is not None:
            self._quiet_timer.cancel()
            self._quiet_timer = None
        self._wake()

    def _wake(self) -> None:
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
