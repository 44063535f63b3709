"""The store, with the latency of each operation observed for /metrics.

A thin wrapper the app puts around whichever backend runs: the awaited operations and
the conversation log's commits are timed into a histogram by operation; everything else
(the shop's data in memory, the store's condition) passes through untouched.
"""
from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import Any

TIMED = frozenset({"update_profile", "messages", "claim_user", "meta", "product"})
# Operations that start their work when called and return it as a future on its way.
STARTED = frozenset({"profile", "refresh_shop_data", "log_message"})


class TimedStore:
    def __init__(self, store: Any, histogram: Any) -> None:
        self._store = store
        self._histogram = histogram

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if name in TIMED:
            return partial(self._timed, name, value)
        if name in STARTED:
            return partial(self._timed_start, name, value)
        return value

    async def _timed(self, name: str, operation, *args, **kwargs) -> Any:
        started = time.perf_counter()
        try:
            return await operation(*args, **kwargs)
        finally:
            self._histogram.labels(name).observe(time.perf_counter() - started)

    def _timed_start(self, name: str, operation, *args, **kwargs) -> asyncio.Future:
        started = time.perf_counter()
        future = operation(*args, **kwargs)
        future.add_done_callback(lambda _: self._histogram.labels(name).observe(time.perf_counter() - started))
        return future
