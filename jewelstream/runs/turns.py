"""A user's answers one after another ("double texting": LangGraph's `enqueue`).

A question of a user whose earlier answer is still going (an API client, two tabs, a
double tap) waits until that run has ended: done, cut, stopped, failed, abandoned when its
resume window closed, or its producer died. Then the answer reads the user's profile and
goes on from the state the earlier turn left, instead of both answering from one snapshot
and the later write losing the earlier one's changes.

- The line is one browser's (the user id's owner, jewelstream/identity.py). Without a
  browser (`JEWELSTREAM_BIND_USERS=0`, a service caller) the server cannot tell who is
  behind an id: many clients may share it (kiosks on one id, a load test), and no run is
  held for another's.
- The order is the event log's own record of runs. A run's record goes in with its line-up
  (`RunLog.line_up`, or `claim` with an Idempotency-Key), which tells it, in the same step,
  which of its user's runs are already in the log and still run: those are ahead of it. Of
  two runs of one user, on any worker or node, the later one in the log waits for the
  earlier one, never the other way round. Without a log, the runs that started before it
  in this worker are ahead of it.
- Nothing is locked: a wait ends when the run ahead ends (in memory here; its record in the
  log elsewhere, looked at every `POLL` seconds), when its producer is found gone by the
  test a resume uses (liveness.py), or when `Runs.turn_limit` (the answer's own time limit)
  is over: then the run ends with the error `still_answering`.
- While it waits, the run says so in a status line (stage `waiting`). A cancel, a closed
  resume window or a shutdown stop a waiting run like any other.
- The profile the caller read before the run started (`since`) is used as it is unless a
  run ahead waited or ended after that read: `take_turn` says `stale`, and the answer reads
  it again. A user with no run under way pays the line-up alone: the record's write, which
  the log made anyway, now waited for.

Leaves out: what the answer does with the profile (jewelstream/orchestrator.py).
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Callable

from jewelstream import events as wire
from jewelstream.runs.liveness import producer_gone
from jewelstream.runs.log import RUNNING, RunRecord
from jewelstream.runs.run import Run
from jewelstream.texts import say

if TYPE_CHECKING:
    from jewelstream.runs.registry import Runs

log = logging.getLogger(__name__)

POLL = 0.05                 # seconds between two looks at the log's record of a run ahead


class TurnTimeout(Exception):
    """The runs ahead did not end within the limit."""


async def take_turn(runs: Runs, run: Run, since: float, publish: Callable[[dict], None]) -> bool:
    """Wait until every run of the user ahead of `run` has ended; True if the profile read
    at `since` may be stale (someone waited, or a run ahead ended after it)."""
    ahead, stale = await _ahead(runs, run, since)
    if not ahead:
        return stale
    publish(wire.status(say("waiting"), stage="waiting"))
    try:
        async with asyncio.timeout(runs.turn_limit):
            for target in ahead:
                await _ended(runs, target)
    except TimeoutError:
        raise TurnTimeout from None
    return True


async def _ahead(runs: Runs, run: Run, since: float) -> tuple[list[Run | RunRecord], bool]:
    """The runs ahead that still run, and whether any of them ended after `since`: the
    same browser's. A run of no browser (`JEWELSTREAM_BIND_USERS=0`, a service caller) is in
    no line: many clients may share its user id."""
    browser = run.record.browser
    if browser is None:
        return [], False
    if run.lined_up is not None:
        try:
            records = await asyncio.shield(run.lined_up)
        except Exception as exc:        # the log cannot be reached: this worker's order only
            log.warning("runs: run %s could not line up in the event log: %r", run.id, exc)
        else:
            targets = [runs.local(record.run_id) or record for record in records if record.browser == browser]
            ahead = [target for target in targets if _running(target) and not _gone(runs, target)]
            # A run ahead whose producer died may have written the profile at any moment.
            return ahead, any(target not in ahead and (_ended_at(target) or since) >= since for target in targets)
    earlier = [other for other in runs.earlier(run) if other.record.browser == browser]
    return ([other for other in earlier if other.running],
            any((other.record.ended or 0) >= since for other in earlier))


async def _ended(runs: Runs, target: Run | RunRecord) -> None:
    """Return once `target` has ended, or its producer is gone."""
    if isinstance(target, Run):
        if target.running:
            await asyncio.wait([target.task])
        return
    while True:
        try:
            record = await runs.log.record(target.run_id)
        except runs.log.failures as exc:   # nobody can tell: the answer goes on
            log.warning("runs: the event log cannot be reached while run %s waits: %r", target.run_id, exc)
            return
        if record is None or record.state != RUNNING or _gone(runs, record):
            return
        if runs.local(target.run_id) is not None:  # reserved here, started since: in memory
            await _ended(runs, runs.local(target.run_id))
            return
        await asyncio.sleep(POLL)


def _gone(runs: Runs, target: Run | RunRecord) -> bool:
    return isinstance(target, RunRecord) and producer_gone(target, same_box=not runs.log.spans_boxes)


def _running(target: Run | RunRecord) -> bool:
    return target.running if isinstance(target, Run) else target.state == RUNNING


def _ended_at(target: Run | RunRecord) -> float | None:
    return target.record.ended if isinstance(target, Run) else target.ended
