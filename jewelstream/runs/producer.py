"""The producer of a run: one task that drives the orchestrator's events into the run.

First it takes the user's turn (turns.py: the user's earlier answers end first), then it
makes the answer's events (`make_events(stale)`: stale, the profile read before may be
out of date). It numbers the events (the run's `add`), puts the run's id on the first
one, and hands each to the event log. It reads the orchestrator as fast as the LLM writes, whoever follows:
a slow or vanished client no longer holds the answer back.

Stop means stop: `stop(run, reason)` cancels the task, which closes the orchestrator's
generator, and with it the graph run and the LLM request (the conversation log marks the
answer cut); the run's last event is then an `error` with the reason as its code.
"""
from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator, Awaitable, Callable

from jewelstream import events as wire
from jewelstream.failures import describe_failure
from jewelstream.runs.log import RunLog
from jewelstream.runs.run import Run
from jewelstream.runs.turns import TurnTimeout
from jewelstream.texts import say

log = logging.getLogger(__name__)

INTERRUPTED = ("interrupted", say("interrupted"))


async def produce(run: Run, make_events: Callable[[bool], AsyncIterator[dict]], event_log: RunLog | None,
                  on_end: Callable[[Run], None], crowded: Callable[[], bool] = lambda: False, *,
                  turn: Callable[[Callable[[dict], None]], Awaitable[bool]] | None = None) -> None:
    def publish(event: dict) -> None:
        event_id, text = run.add(event if run.events else {**event, "run_id": run.id})
        if event_log is not None:
            event_log.append(run.id, event_id, text)

    state = "error"
    events = None
    try:
        # The user's earlier answers first (turns.py); then ours, from a fresh profile if
        # they may have changed it.
        stale = await turn(publish) if turn is not None else False
        events = make_events(stale)
        async for event in events:
            publish(event)
            if event.get("type") == "done":
                state = "done"
            if event.get("type") == "token" and crowded():
                # Other answers are under way: let them have a turn before our next piece.
                # Text that piled up while the loop was busy (a socket read brings several
                # pieces, and reading them costs no wait) then goes out piece by piece,
                # answers taking turns, instead of each answer in a burst every second or
                # so (docs/performance.md: S3's gaps). Alone, an answer keeps its bursts:
                # one write for several pieces is cheaper, and nobody waits behind it.
                await asyncio.sleep(0)
    except asyncio.CancelledError:
        if run.stop_reason is None:
            raise                              # the event loop is going away
        asyncio.current_task().uncancel()
        publish(wire.error(run.stop_reason, say(run.stop_reason)))
        state = "stopped"
    except TurnTimeout:
        publish(wire.error("still_answering", say("still_answering")))
    except Exception as exc:                   # the orchestrator reports its own failures
        publish(wire.error(*describe_failure(exc)))
    finally:
        if events is not None:
            await events.aclose()
        run.end(state)
        on_end(run)


def stop(run: Run, reason: str) -> bool:
    """Cancel the run's producer with `reason` ("stopped", "abandoned" or "shutting_down": a code of jewelstream/texts.py); False if over."""
    if not run.running or run.stop_reason is not None or run.task is None:
        return False
    run.stop_reason = reason
    run.task.cancel()
    return True
