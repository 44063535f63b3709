"""The resumes that follow each run on this worker, at most `MAX_FOLLOWERS` at once.

A client follows an answer with one stream at a time: a resume after a dropped connection
replaces the old stream (whose socket the server may not have seen close yet). So a new
resume is never refused; past the bound it *displaces* the oldest follower of that run:
its handler task is cancelled with `DISPLACED`, and its stream ends with an `error` event
(`resumed_elsewhere`, no id). A caller can thus hold at most `MAX_FOLLOWERS` stream slots
with one run, however many resumes it sends (each slot is one of `JEWELSTREAM_MAX_STREAMS`).

In memory, per worker process, also with Redis: what the bound protects is the process's
own stream slots (`JEWELSTREAM_MAX_STREAMS`), so a run may have four followers in each
process, and each process keeps the rest of its slots for others; the open streams of all
nodes have their own bound in Redis (`JEWELSTREAM_MAX_STREAMS_TOTAL`). A count per run in
Redis would bound the resumes of all nodes, but displacing the oldest then means stopping
a follower on another node (a message it must poll for), and a node that dies leaves its
followers counted until an expiry: more moving parts for a bound no process needs.
What it leaves out: the question's own stream (it is not a resume; questions are
rate-limited).
"""
from __future__ import annotations

import asyncio
import collections
from contextlib import contextmanager

MAX_FOLLOWERS = 4
DISPLACED = "jewelstream resumed elsewhere"       # the cancel message of a displaced follower


class Followers:
    def __init__(self, limit: int = MAX_FOLLOWERS) -> None:
        self.limit = limit
        self._by_run: dict[str, collections.deque[asyncio.Task]] = {}

    @contextmanager
    def following(self, run_id: str):
        """The current handler task follows `run_id` while inside; the oldest follower
        beyond the limit is displaced."""
        task = asyncio.current_task()
        tasks = self._by_run.setdefault(run_id, collections.deque())
        while len(tasks) >= self.limit:
            tasks.popleft().cancel(DISPLACED)
        tasks.append(task)
        try:
            yield
        finally:
            if task in tasks:
                tasks.remove(task)
            if not tasks:
                self._by_run.pop(run_id, None)
