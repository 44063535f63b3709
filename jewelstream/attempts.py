"""Failed attempts per client address, in a sliding window: once an address made `limit`
of them within `window` seconds, it is refused (`429` with `Retry-After`, the `code`
given) until the oldest of them leaves the window.

Used for wrong bearer tokens (jewelstream/callers.py) and for run ids that do not exist
(jewelstream/runs/http.py): what only a guesser does often, so a legitimate client never
meets the limit. In memory, so per worker process; the count of addresses kept is bounded
(addresses quiet for a window are forgotten first). With Redis (`shared`, set at start-up:
shared_traffic.py), `attempt` counts in Redis for all nodes together, and in memory again
while Redis errs. (The wrong tokens stay per process: `Callers.of` is checked, synchronously,
on every request that carries a bearer.)
"""
from __future__ import annotations

import collections
import math
import time

from jewelstream.requests import Refusal

_MAX_ADDRESSES = 10_000


class FailedAttempts:
    def __init__(self, limit: int, window: float, code: str, kind: str = "failures") -> None:
        self.limit = limit
        self.window = window
        self.code = code                       # the refusal's `error` (texts.py)
        self._times: dict[str, collections.deque] = {}
        self.shared = None                     # a SharedTraffic: the count of all nodes
        self.kind = kind                       # what fails, in the shared count's key

    async def attempt(self, address: str) -> None:
        """Refusal(429) while `address` is over the limit; else count one failure of it: in
        Redis when shared (unless Redis cannot tell), else here."""
        if self.shared is not None:
            wait = await self.shared.attempt(self.kind, address, self.limit, self.window)
            if wait is not None:
                if wait > 0:
                    raise self._refusal(wait)
                return
        self.refuse_if_locked(address)
        self.count(address)

    def refuse_if_locked(self, address: str) -> None:
        """Refusal(429) while `address` has `limit` failures within the window."""
        failures = self._times.get(address)
        if not failures:
            return
        now = time.monotonic()
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if len(failures) >= self.limit:
            raise self._refusal(failures[0] + self.window - now)

    def _refusal(self, wait: float) -> Refusal:
        return Refusal(429, self.code, headers={"Retry-After": str(max(1, math.ceil(wait)))})

    def count(self, address: str) -> int:
        """Count one failure of `address`; the failures within the window, this one included."""
        now = time.monotonic()
        if len(self._times) >= _MAX_ADDRESSES and address not in self._times:
            for quiet in [k for k, q in self._times.items() if not q or q[-1] <= now - self.window]:
                del self._times[quiet]
        failures = self._times.setdefault(address, collections.deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        failures.append(now)
        return len(failures)
