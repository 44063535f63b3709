"""The runs of one worker process, and the chores that keep the event log honest.

- `start` registers a run and starts its producer; `local` finds a run produced here.
- The resume window: `attach`/`detach` count the streams that follow a run here; when the
  last one leaves, the run goes on for `window` seconds (followers on other workers mark
  the log while they follow, and that counts as attached), then stops ("abandoned"). A
  window of 0 stops it at once, as before runs existed.
- `claim` holds an Idempotency-Key for a new run, or names the run that holds it.
- A new run takes its user's turn before it answers (runs/turns.py): its record goes to
  the log with its line-up (or its claim), which names the user's runs ahead of it;
  without a log, `earlier` (the user's runs that started here before it) does.
- Chores, while this worker produces runs: stop those someone asked to cancel from another
  worker (the log's `cancel` flag, looked at every `CANCEL_POLL` seconds), refresh the
  lease that tells resumers on other workers that the producer is alive, purge runs past
  their retention.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time

from jewelstream.runs.followers import Followers
from jewelstream.runs.log import RunLog, RunRecord
from jewelstream.runs.producer import produce, stop
from jewelstream.runs.run import Run
from jewelstream.runs.turns import take_turn

log = logging.getLogger(__name__)

CANCEL_POLL = 0.25          # seconds: a cancel from another worker lands within this
LEASE_EVERY = 1.0           # seconds between lease refreshes
LOG_WAIT = 2.0              # seconds a new run's id waits for its record (then: memory only)
PURGE_EVERY = 60.0
SKEW = 1.0                  # seconds the clocks of boxes sharing a log (Redis) may differ


class Runs:
    def __init__(self, log: RunLog | None, *, window: float, retention: float, turn_limit: float = 120.0) -> None:
        self.log = log
        self.window = window
        self.retention = retention
        self.turn_limit = turn_limit           # seconds a run waits for its user's earlier ones
        self.pid = os.getpid()
        self._local: dict[str, Run] = {}
        self._keys: dict[tuple[str, str], Run] = {}
        self._fingerprints: dict[tuple[str, str], Run] = {}
        self._chores: asyncio.Task | None = None
        self._last_purge = 0.0                 # kept across quiet spells: at most every PURGE_EVERY
        self._closing: set[asyncio.Task] = set()
        self._producing: set[str] = set()      # runs whose producer has not ended
        self.followers = Followers()           # the resumes that follow each run here
        self._users: dict[str, list[Run]] = {}  # each user's runs here, in the order they started
        self._lining: dict[str, asyncio.Future] = {}   # each user's last line-up still on its way

    def record(self, run_id: str, user_id: str, browser: str | None, *,
               fingerprint: str | None = None, key: str | None = None) -> RunRecord:
        now = time.time()
        return RunRecord(run_id, user_id, browser, fingerprint, key, self.pid, now, lease=now)

    def line_up(self, record: RunRecord, since: float) -> asyncio.Future | None:
        """Send the run's record to the log now, with its line-up (the user's runs ahead of
        it, turns.py); None without a log. A run of no browser is in no line: the future of
        its record's commit. `since`: when the caller read the user's profile for the
        answer. The user's runs of this worker line up in the order they came."""
        if self.log is None:
            return None
        if record.browser is None:     # in no line (turns.py): the record goes with the next batch
            self.log.create(record)
            return asyncio.ensure_future(self.log.flushed())
        # A margin for the clocks of other boxes: an end that may have come after the
        # profile was read counts as one (the profile is read again).
        line_up = self.log.line_up(record, since - (SKEW if self.log.spans_boxes else 0.0))
        before = self._lining.get(record.user_id)
        if before is not None and not before.done():
            line_up = _after(before, line_up)
        lined_up = self._lining[record.user_id] = asyncio.ensure_future(line_up)
        lined_up.add_done_callback(_retrieved)
        lined_up.add_done_callback(lambda _: self._lining.get(record.user_id) is lined_up
                                   and self._lining.pop(record.user_id))
        return lined_up

    def release(self, record: RunRecord, lined_up: asyncio.Future | None) -> asyncio.Task | None:
        """A run lined up and never started (its request was refused): its record ends once
        it is in the log, written without lingering (nobody waits for it then). The task is
        done when the end is written: a refusal that waits for it before it goes out leaves
        no running record behind, so the browser's next question, on any worker or node,
        does not wait for a run that will never answer."""
        if lined_up is None:
            return None
        ended = asyncio.ensure_future(self._end_released(record, lined_up))
        self._closing.add(ended)
        ended.add_done_callback(self._closing.discard)
        return ended

    async def _end_released(self, record: RunRecord, lined_up: asyncio.Future) -> None:
        await asyncio.wait([lined_up])
        self.log.finish(record.run_id, "stopped", 0, time.time())
        self.log.hurry()
        await self.log.flushed()

    def start(self, record: RunRecord, make_events, *, since: float, lined_up: asyncio.Future | None = None,
              ahead: list[RunRecord] | None = None) -> Run:
        """Register the run and start its producer, which takes its user's turn first
        (runs/turns.py) and then drives `make_events(stale)`. The run's record goes to the
        log with its line-up (`line_up`), unless it is on its way (`lined_up`) or `claim`
        wrote it (`ahead`: the runs it found ahead). `since`: as for `line_up`."""
        run = Run(record)
        self._local[run.id] = run
        if record.key:
            self._keys[record.user_id, record.key] = run
        if record.fingerprint:
            self._fingerprints[record.user_id, record.fingerprint] = run
        self._users.setdefault(record.user_id, []).append(run)
        if self.log is not None:
            if ahead is not None:
                lined_up = asyncio.get_running_loop().create_future()
                lined_up.set_result(ahead)
            run.logged = lined_up or self.line_up(record, since)
            run.lined_up = run.logged if record.browser is not None else None   # in no line: turns.py
        self._producing.add(run.id)
        run.task = asyncio.create_task(produce(run, make_events, self.log, self._ended, self._crowded,
                                               turn=lambda publish: take_turn(self, run, since, publish)))
        run.task.add_done_callback(lambda _: run.running and self._end_unstarted(run))
        if self.log is not None and (self._chores is None or self._chores.done()):
            self._chores = asyncio.create_task(self._do_chores())
        return run

    def earlier(self, run: Run) -> list[Run]:
        """The runs of the run's user that started here before it (and are not forgotten)."""
        line = self._users.get(run.record.user_id, [])
        return line[:line.index(run)] if run in line else []

    async def announced(self, run: Run) -> None:
        """Return once the log holds the run's record (at most `LOG_WAIT` seconds): whoever
        learns the run's id may resume it on any worker or node at once, and if this process
        dies the moment after, that resume finds the run and ends it as interrupted instead
        of answering 404."""
        if run.logged is not None and not run.logged.done():
            self.log.hurry()          # a record in no line lingers with the events till now
            await asyncio.wait([run.logged], timeout=LOG_WAIT)

    def local(self, run_id: str) -> Run | None:
        return self._local.get(run_id)

    def local_by(self, user_id: str, *, key: str | None = None, fingerprint: str | None = None) -> Run | None:
        return self._keys.get((user_id, key)) if key else self._fingerprints.get((user_id, fingerprint))

    async def claim(self, record: RunRecord, since: float) -> tuple[Run | RunRecord | None, list[RunRecord] | None]:
        """(None, the runs ahead in the log) if `record.key` is now this run's (its record
        is in the log, lined up: `start(ahead=...)`); else (the run or record holding it, None)."""
        held = self._keys.get((record.user_id, record.key))
        if held is not None or self.log is None:
            return held, None
        holder, ahead = await self.log.claim(record, since - (SKEW if self.log.spans_boxes else 0.0))
        return (self._local.get(holder.run_id, holder), None) if holder else (None, ahead)

    def expired(self, record: RunRecord) -> bool:
        return record.ended is not None and record.ended + self.retention < time.time()

    def attach(self, run: Run) -> None:
        run.attached += 1
        if run.window is not None:
            run.window.cancel()
            run.window = None

    def detach(self, run: Run) -> None:
        run.attached -= 1
        if run.attached or not run.running:
            return
        if self.window <= 0:
            stop(run, "abandoned")
        else:
            run.window = asyncio.get_running_loop().call_later(self.window, self._window_closed, run)

    def _window_closed(self, run: Run) -> None:
        run.window = None
        if run.attached or not run.running:
            return
        if self.log is None:
            stop(run, "abandoned")
            return
        task = asyncio.create_task(self._watched_elsewhere(run))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _watched_elsewhere(self, run: Run) -> None:
        try:
            record = await self.log.record(run.id)
        except self.log.failures:           # nobody can follow it from the log either
            log.warning("runs: the event log cannot be reached; run %s is stopped", run.id)
            record = None
        left = (record.watched or 0) + self.window - time.time() if record else 0
        if run.attached or not run.running:
            return
        if left > 0:
            run.window = asyncio.get_running_loop().call_later(left, self._window_closed, run)
        else:
            stop(run, "abandoned")

    async def cancel(self, run_id: str) -> None:
        """Stop a run, here or (through the log) on the worker that produces it."""
        run = self._local.get(run_id)
        if run is not None:
            stop(run, "stopped")
            await asyncio.wait([run.task], timeout=1)
        elif self.log is not None:
            await self.log.request_cancel(run_id)

    async def stop_all(self, reason: str) -> None:
        """Stop every run still going here (shutdown) and wait for their last events."""
        tasks = [run.task for run in self._local.values() if stop(run, reason)]
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        if self.log is not None:
            await self.log.flushed()
        if self._chores is not None:
            self._chores.cancel()

    def _crowded(self) -> bool:
        return len(self._producing) > 1

    def _ended(self, run: Run) -> None:
        self._producing.discard(run.id)
        if run.window is not None:
            run.window.cancel()
            run.window = None
        if self.log is not None:
            self.log.finish(run.id, run.record.state, run.record.last_id, run.record.ended)
            # Once the log holds the end, resumes read it there; memory is let go.
            forget = asyncio.ensure_future(self.log.flushed())
        else:
            forget = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_later(self.retention, forget.set_result, None)
        forget.add_done_callback(lambda _: self._forget(run))

    def _end_unstarted(self, run: Run) -> None:
        """The producer was cancelled before it began: end the run all the same."""
        run.end("stopped")
        self._ended(run)

    def _forget(self, run: Run) -> None:
        self._local.pop(run.id, None)
        record = run.record
        line = self._users.get(record.user_id, [])
        if run in line:
            line.remove(run)
        if not line:
            self._users.pop(record.user_id, None)
        if record.key and self._keys.get((record.user_id, record.key)) is run:
            del self._keys[record.user_id, record.key]
        if record.fingerprint and self._fingerprints.get((record.user_id, record.fingerprint)) is run:
            del self._fingerprints[record.user_id, record.fingerprint]

    async def _do_chores(self) -> None:
        last_lease = time.time()               # a new run's record holds a fresh lease
        while True:
            # The first round comes a poll after a run starts, not during its answer's set-up.
            await asyncio.sleep(CANCEL_POLL)
            if not any(run.running for run in self._local.values()):
                return
            now = time.time()
            try:
                if now - last_lease >= LEASE_EVERY:
                    self.log.refresh_lease(self.pid, now)
                    last_lease = now
                if now - self._last_purge >= PURGE_EVERY:
                    self._last_purge = now
                    await self.log.purge(now - self.retention)
                for run_id in await self.log.cancel_requests(self.pid):
                    run = self._local.get(run_id)
                    if run is not None:
                        stop(run, "stopped")
            except Exception:                  # a locked or failing disk: try again soon
                log.exception("runs: a chore of the event log failed")


async def _after(first: asyncio.Future, then):
    await asyncio.wait([first])
    return await then


def _retrieved(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()
