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

TIMED = frozenset({"profile", "update_profile", "messages", "claim_user", "meta", "product",
                   "refresh_shop_data"})


class TimedStore:
    def __init__(self, store: Any, histogram: Any) -> None:
        self._store = store
        self._histogram = histogram

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if name in TIMED:
            return partial(self._timed, name, value)
        if name == "log_message":
            return partial(self._timed_log, value)
        return value

    async def _timed(self, name: str, operation, *args, **kwargs) -> Any:
        started = time.perf_counter()
        try:
            return await operation(*args, **kwargs)
        finally:
            self._histogram.labels(name).observe(time.perf_counter() - started)

    def _timed_log(self, log_message, *args, **kwargs) -> asyncio.Future:
        started = time.perf_counter()
        committed = log_message(*args, **kwargs)
        committed.add_done_callback(
            lambda _: self._histogram.labels("log_message").observe(time.perf_counter() - started))
        return committed
