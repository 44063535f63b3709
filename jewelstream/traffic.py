"""Who may open a stream now, and what happens to open streams at shutdown.

- At most `max_streams` streams at once: past it `503` with `Retry-After`, so an overloaded
  kiosk box says "busy" at once instead of slowing every answer down.
- At most `rate_limit` requests per user id and `address_limit` per client address in
  `rate_window` seconds: past either `429` (the address limit holds when a client makes
  up a new user id for each request). `rate_limit=0` turns both off. In memory, so per
  worker process; with Redis (`shared`, shared_traffic.py) counted across all nodes (per
  process again while Redis errs).
- With Redis, the open streams of all nodes are counted too, and past `max_total` (if
  set) a new stream gets the same `503` as past the per-process limit.
- Both are checked before any database work, so a refusal costs no write.
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

from jewelstream.requests import Refusal

SHUTDOWN = "jewelstream shutdown"       # the cancel message that marks a shutdown


class Traffic:
    def __init__(self, max_streams: int, rate_limit: int, rate_window: float,
                 address_limit: int = 0, shared=None, max_total: int = 0) -> None:
        self.max_streams = max_streams
        self.rate_limit = rate_limit
        self.address_limit = address_limit
        self.rate_window = rate_window
        self.active: set[asyncio.Task] = set()
        self._by_user: dict[str, collections.deque] = {}
        self._by_address: dict[str, collections.deque] = {}
        self.shutting_down = False
        self.shared = shared                   # a SharedTraffic: the counts in Redis
        self.max_total = max_total             # open streams of all nodes (0: no limit)

    async def admit(self, user_id: str, address: str = "") -> None:
        """`check_rate`, in Redis when the limits are shared by the nodes."""
        if self.shared is None or self.rate_limit <= 0:
            return self.check_rate(user_id, address)
        wait = await self.shared.wait_seconds(user_id, address, self.rate_limit, self.address_limit,
                                              self.rate_window)
        if wait is None:                       # Redis is away: this process counts alone
            return self.check_rate(user_id, address)
        if wait > 0:
            raise self._limited(math.ceil(wait))

    def check_rate(self, user_id: str, address: str = "") -> None:
        """Count one request of `user_id` from `address`; Refusal(429) when over a limit
        (a refused request is not counted)."""
        if self.rate_limit <= 0:
            return
        now = time.monotonic()
        by_user = self._recent(self._by_user, user_id, now)
        by_address = self._recent(self._by_address, address, now)
        for recent, limit in ((by_user, self.rate_limit), (by_address, self.address_limit)):
            if limit > 0 and len(recent) >= limit:
                raise self._limited(math.ceil(recent[0] + self.rate_window - now))
        by_user.append(now)
        by_address.append(now)

    @staticmethod
    def _limited(retry: int) -> Refusal:
        return Refusal(429, "rate_limited", headers={"Retry-After": str(max(1, retry))})

    def _recent(self, table: dict[str, collections.deque], key: str, now: float) -> collections.deque:
        """The times of `key`'s requests within the window."""
        if len(table) > 10_000 and key not in table:      # forget idle keys, keep memory bounded
            for idle in [k for k, q in table.items() if not q or q[-1] <= now - self.rate_window]:
                del table[idle]
        recent = table.setdefault(key, collections.deque())
        while recent and recent[0] <= now - self.rate_window:
            recent.popleft()
        return recent

    @contextmanager
    def stream_slot(self):
        """Hold one of the `max_streams` slots for the current handler task."""
        if self.shutting_down:
            raise Refusal(503, "shutting_down", headers={"Retry-After": "10"})
        shared = self.shared
        over_total = shared is not None and 0 < self.max_total <= shared.total
        if len(self.active) >= self.max_streams or over_total:
            raise Refusal(503, "busy", headers={"Retry-After": "5"})
        task = asyncio.current_task()
        self.active.add(task)
        if shared is not None:
            shared.stream_opened(id(task))
        try:
            yield
        finally:
            self.active.discard(task)
            if shared is not None:
                shared.stream_closed(id(task))

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
