"""Who may open a stream now, and what happens to open streams at shutdown.

- At most `max_streams` streams at once: past it `503` with `Retry-After`, so an overloaded
  kiosk box says "busy" at once instead of slowing every answer down.
- At most `rate_limit` requests per user id in `rate_window` seconds: past it `429`.
  (0 disables the limit; in-memory, so per worker process.)
- On SIGTERM/SIGINT (`drain`): the listening socket is already closed by aiohttp; running
  answers get `grace` seconds to finish, then each remaining handler is cancelled with
  `SHUTDOWN` and ends its stream with an `error` event ("Сервер перезапускается...").
"""
from __future__ import annotations

import asyncio
import collections
import math
import time
from contextlib import contextmanager

from jewelstream.requests import BadInput

SHUTDOWN = "jewelstream shutdown"       # the cancel message that marks a shutdown


class Traffic:
    def __init__(self, max_streams: int, rate_limit: int, rate_window: float) -> None:
        self.max_streams = max_streams
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.active: set[asyncio.Task] = set()
        self._recent: dict[str, collections.deque] = {}
        self.shutting_down = False

    def check_rate(self, user_id: str) -> None:
        """Count one request of `user_id`; BadInput(429) when over the limit."""
        if self.rate_limit <= 0:
            return
        now = time.monotonic()
        recent = self._recent.setdefault(user_id, collections.deque())
        while recent and recent[0] <= now - self.rate_window:
            recent.popleft()
        if len(recent) >= self.rate_limit:
            retry = max(1, math.ceil(recent[0] + self.rate_window - now))
            raise BadInput(429, "rate_limited", "Слишком много запросов. Подождите немного и попробуйте снова.",
                           headers={"Retry-After": str(retry)})
        recent.append(now)
        if len(self._recent) > 10_000:           # forget idle users, keep memory bounded
            for key in [k for k, q in self._recent.items() if not q or q[-1] <= now - self.rate_window]:
                del self._recent[key]

    @contextmanager
    def stream_slot(self):
        """Hold one of the `max_streams` slots for the current handler task."""
        if self.shutting_down:
            raise BadInput(503, "shutting_down", "Сервер перезапускается. Повторите запрос через минуту.",
                           headers={"Retry-After": "10"})
        if len(self.active) >= self.max_streams:
            raise BadInput(503, "busy", "Сейчас очень много запросов. Попробуйте, пожалуйста, через несколько секунд.",
                           headers={"Retry-After": "5"})
        task = asyncio.current_task()
        self.active.add(task)
        try:
            yield
        finally:
            self.active.discard(task)

    async def drain(self, grace: float) -> None:
        """Let running streams finish for `grace` seconds, then cancel the rest."""
        self.shutting_down = True
        deadline = time.monotonic() + grace
        while self.active and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        remaining = list(self.active)
        for task in remaining:
            task.cancel(SHUTDOWN)
        # Each handler answers the cancellation with an error event and returns.
        if remaining:
            await asyncio.wait(remaining, timeout=5)
