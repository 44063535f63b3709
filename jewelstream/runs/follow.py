"""The events of a run after a given id, as wire bytes, until the run ends.

A run produced in this process is followed in memory: each event as soon as it exists.
Any other run is read from the event log, which is polled every `POLL` seconds while the
run goes on (a log shared by boxes, Redis, waits for the next events itself) (the producer commits every few milliseconds, so an event reaches a follower
on another worker well within 100 ms). Such a follower marks the run as watched (the
producer's resume window counts it as attached), and when the producer is gone (its
process died, or its lease went stale) it ends the run itself: an `error` event saying
the answer was interrupted, logged like any other event, so every resumer sees the same.
"""
from __future__ import annotations

import asyncio
import time
from typing import AsyncIterator

from jewelstream import events as wire
from jewelstream.runs.log import RUNNING, RunRecord
from jewelstream.runs.producer import INTERRUPTED
from jewelstream.runs.liveness import producer_gone
from jewelstream.runs.registry import Runs
from jewelstream.runs.run import Run, encode_json

POLL = 0.05
TOUCH_EVERY = 1.0

Chunk = tuple[bytes, int]          # events' wire bytes, and the id of the last of them


def follow(runs: Runs, target: Run | RunRecord, after: int) -> AsyncIterator[Chunk]:
    if isinstance(target, Run):
        return _in_memory(target, after)
    return _from_log(runs, target.run_id, after)


async def _in_memory(run: Run, seen: int) -> AsyncIterator[Chunk]:
    while True:
        if run.ready(seen):                    # (a run that ends is never quiet)
            chunk = b"".join(run.events[seen:])
            seen = len(run.events)
            yield chunk, seen
        elif not run.running:
            return
        else:
            await run.changed(seen)


async def _from_log(runs: Runs, run_id: str, seen: int) -> AsyncIterator[Chunk]:
    log, touched = runs.log, 0.0
    while True:
        record, rows = await log.read_after(run_id, seen)
        if rows:
            seen = rows[-1][0]
            yield b"".join(_wire(event_id, data) for event_id, data in rows), seen
        if record is None or record.state != RUNNING:
            return                             # the record was read first: nothing is left
        if runs.local(run_id) is not None:     # a producer here took it over (idempotency)
            async for chunk in _in_memory(runs.local(run_id), seen):
                yield chunk
            return
        if producer_gone(record, same_box=not log.spans_boxes):
            text = encode_json(wire.error(*INTERRUPTED))
            if await log.end_orphan(run_id, seen + 1, text, time.time()):
                yield _wire(seen + 1, text), seen + 1
                return
            continue                           # another resumer ended it first: read that
        now = time.time()
        if now - touched >= TOUCH_EVERY and runs.window > 0:
            log.touch(run_id, now)
            touched = now
        if not log.spans_boxes:
            await asyncio.sleep(POLL)          # a log shared by boxes waits in read_after


def _wire(event_id: int, data: str) -> bytes:
    return f"id: {event_id}\ndata: {data}\n\n".encode()

