"""The HTTP side of runs: answering a question as a run, resuming, cancelling.

- `answer` (called by the question handlers): start a run, or join the one that holds the
  request's `Idempotency-Key` (`422` if that run asked another question), and follow it
  on this response (`X-Run-Id` header); `make_events(stale)` once it is the run's turn
  (turns.py). `reserve`: a keyless question's record goes to the log before the checks.
- `rejoin`: an `EventSource` reconnecting to a GET twin with `Last-Event-ID` continues the
  newest run of that user and URL; `204` once it is over and delivered (or if none).
- `resume`: `GET /api/runs/{run_id}/stream` with `Last-Event-ID` (header, or
  `?last_event_id=`): the events after that id with their ids, then the live ones; at
  most `MAX_FOLLOWERS` resumes of one run at once, a newer one displaces the oldest
  (runs/followers.py).
- `cancel`: `POST /api/runs/{run_id}/cancel`.

Only the run's owner (the browser bound to its user id, jewelstream/identity.py), staff or
a trusted backend (jewelstream/callers.py) may resume or cancel it (`403`); an unknown or
expired run is `404`. A client address that asked for `UNKNOWN_RUN_LIMIT` run ids found
nowhere within a minute gets `429` for the next ones until the minute is over (each cost
up to `FRESH_WAIT` of polling the log); runs that exist are still served. With Redis the
count is of all nodes (attempts.py).
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import re
import secrets
from urllib.parse import urlencode

from aiohttp import web

from jewelstream import events as wire
from jewelstream import keys
from jewelstream.requests import ChatRequest, Refusal
from jewelstream.runs.follow import follow
from jewelstream.runs.followers import DISPLACED
from jewelstream.runs.log import RunRecord
from jewelstream.runs.producer import stop
from jewelstream.runs.registry import Runs
from jewelstream.runs.run import Run
from jewelstream.sse import ClientGone, EventStream, encode_event
from jewelstream.texts import say
from jewelstream.traffic import SHUTDOWN

log = logging.getLogger(__name__)

_RUN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_KEY = re.compile(r"[\x21-\x7e]{1,200}")            # visible ASCII, as Idempotency-Key drafts say
FRESH_WAIT = 0.5          # seconds an unknown run id is looked for (its record may be in flight)
UNKNOWN_RUN_LIMIT = 60    # run ids found nowhere per client address and minute; then 429


def reserve(request: web.Request, user_id: str, browser: str | None, *,
            since: float) -> tuple[RunRecord, asyncio.Future | None] | None:
    """A question without an Idempotency-Key: its run's record, sent to the log now with
    its line-up (turns.py), while the request's checks run (a key's goes in with its claim)."""
    if "Idempotency-Key" in request.headers:
        return None
    runs, fingerprint = request.app[keys.RUNS], twin_fingerprint(request) if request.method == "GET" else None
    record = runs.record(secrets.token_urlsafe(16), user_id, browser, fingerprint=fingerprint)
    return record, runs.line_up(record, since)


async def answer(request: web.Request, stream: EventStream, user_id: str, browser: str | None,
                 make_events, chat: ChatRequest, *, since: float,
                 place: tuple[RunRecord, asyncio.Future | None] | None = None) -> web.StreamResponse:
    runs = request.app[keys.RUNS]
    if place is not None:                      # reserved: no key, its record on its way
        return await deliver(request, stream, runs.start(place[0], make_events, since=since, lined_up=place[1]), 0)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _KEY.fullmatch(key):
        raise Refusal(400, "bad_idempotency_key")
    if request.method == "GET":
        fingerprint = twin_fingerprint(request)
    else:                                      # only a key's question is ever compared
        fingerprint = question_fingerprint(request, chat) if key is not None else None
    record = runs.record(secrets.token_urlsafe(16), user_id, browser, fingerprint=fingerprint, key=key)
    ahead = None
    if key is not None:
        with _log_reachable(runs):
            holder, ahead = await runs.claim(record, since)
        if holder is not None and _record_of(holder).fingerprint != fingerprint:
            raise Refusal(422, "idempotency_key_reused")   # another question: never the first one's answer
        if holder is not None:                 # a retry: join the run, ask the LLM nothing
            return await deliver(request, stream, holder, last_event_id(request))
    run = runs.start(record, make_events, since=since, ahead=ahead)
    return await deliver(request, stream, run, 0)


async def rejoin(request: web.Request, user_id: str) -> web.StreamResponse:
    runs = request.app[keys.RUNS]
    fingerprint = twin_fingerprint(request)
    target = runs.local_by(user_id, fingerprint=fingerprint)
    if target is None and runs.log is not None:
        with _log_reachable(runs):
            target = await runs.log.find(user_id, fingerprint=fingerprint)
    if target is None or not _may_access(request, _record_of(target)):
        raise web.HTTPNoContent()              # nothing to continue: the browser stops
    return await _resume(request, target)


async def resume(request: web.Request) -> web.StreamResponse:
    return await _resume(request, await _find(request))


async def cancel(request: web.Request) -> web.Response:
    target = await _find(request)
    record = _record_of(target)
    if record.ended is not None:               # nothing left to stop
        return web.json_response({"run_id": record.run_id, "status": "finished"})
    runs = request.app[keys.RUNS]
    with _log_reachable(runs):
        await runs.cancel(record.run_id)
    return web.json_response({"run_id": record.run_id, "status": "stopping"})


async def _resume(request: web.Request, target: Run | RunRecord) -> web.StreamResponse:
    record, after = _record_of(target), last_event_id(request)
    if request.app[keys.RUNS].expired(record):
        raise Refusal(404, "run_not_found")
    if after > _sent_so_far(target) and (record.ended is not None or isinstance(target, Run)):
        raise Refusal(400, "bad_last_event_id")  # an id this run never sent (the log may lag
                                                 # behind another worker's live run: checked at its end)
    if record.ended is not None and after >= record.last_id:
        raise web.HTTPNoContent()              # over and delivered
    settings, traffic = request.app[keys.SETTINGS], request.app[keys.TRAFFIC]
    with traffic.stream_slot(), request.app[keys.RUNS].followers.following(record.run_id):
        stream = EventStream(request, heartbeat=settings.heartbeat, write_timeout=settings.write_timeout)
        return await deliver(request, stream, target, after)


async def deliver(request: web.Request, stream: EventStream, target: Run | RunRecord,
                  after: int) -> web.StreamResponse:
    """Follow the run on `stream` from event `after` until it ends or the client leaves."""
    runs = request.app[keys.RUNS]
    run = target if isinstance(target, Run) else None
    stream.response.headers["X-Run-Id"] = _record_of(target).run_id
    if run is not None:
        runs.attach(run)
    try:
        if run is None or not run.quiet:
            await _prepare(stream, runs, run)
        sent = False
        async for chunk, last_id in follow(runs, target, after):
            if not stream.response.prepared:   # an answer being set up: the headers leave
                await _prepare(stream, runs, run)      # with its first lines (Run.quiet)
            await stream.send_encoded(chunk, last_id)
            sent = True
        if not stream.response.prepared:
            await _prepare(stream, runs, run)
        if not sent and after > await _final_id(runs, target):
            # The client claimed an id past the run's end: never a stream without its end.
            await stream.send_encoded(encode_event(None, wire.error("bad_last_event_id", say("bad_last_event_id"))),
                                      after)
    except ClientGone:
        pass                                   # the run goes on for the resume window
    except _failures(runs) as exc:              # the log went away while we read it
        log.warning("runs: the event log failed while following run %s: %r", _record_of(target).run_id, exc)
        with contextlib.suppress(ClientGone):  # no id: a later resume goes on from the last one
            error = wire.error("runs_unavailable", say("runs_unavailable"))
            await stream.send_encoded(encode_event(None, error), stream.last_id)
    except asyncio.CancelledError as exc:
        if SHUTDOWN not in exc.args and DISPLACED not in exc.args:
            raise                              # the client went away
        asyncio.current_task().uncancel()
        if DISPLACED in exc.args:              # a newer resume of the run took this one's place
            with contextlib.suppress(ClientGone):
                if not stream.response.prepared:
                    await stream.prepare()
                error = wire.error("resumed_elsewhere", say("resumed_elsewhere"))
                await stream.send_encoded(encode_event(None, error), stream.last_id)
        # The grace period of a shutdown is over: stop the run, deliver its last event.
        elif run is not None and stop(run, "shutting_down"):
            await _deliver_rest(stream, runs, run, stream.last_id)
    finally:
        if run is not None:
            runs.detach(run)
        await stream.close()
    return stream.response


async def _prepare(stream: EventStream, runs: Runs, run: Run | None) -> None:
    if run is not None:
        await runs.announced(run)              # its id goes out once the log can resume it
    await stream.prepare()


def _sent_so_far(target: Run | RunRecord) -> int:
    """The id of the run's last event yet (for another worker's live run, as last logged)."""
    return len(target.events) if isinstance(target, Run) else target.last_id


async def _final_id(runs: Runs, target: Run | RunRecord) -> int:
    """The id of an ended run's last event (a record read again: the log has it all now)."""
    if isinstance(target, Run) or runs.log is None:
        return _sent_so_far(target)
    record = await runs.log.record(target.run_id)
    return record.last_id if record is not None else 0


async def _deliver_rest(stream: EventStream, runs: Runs, run: Run, after: int) -> None:
    try:
        async with asyncio.timeout(2):
            async for chunk, last_id in follow(runs, run, after):
                await stream.send_encoded(chunk, last_id)
    except (ClientGone, TimeoutError):
        pass


async def _find(request: web.Request) -> Run | RunRecord:
    """The run of the path's run_id, if it exists, is not expired and the caller may see it.
    An id found nowhere is a failed attempt of the caller's address (`UNKNOWN_RUNS`)."""
    runs = request.app[keys.RUNS]
    run_id = request.match_info["run_id"]
    well_formed = _RUN_ID.fullmatch(run_id) is not None
    target = runs.local(run_id) if well_formed else None
    if target is None and runs.log is not None and well_formed:
        with _log_reachable(runs):
            target = await runs.log.record(run_id)
    if target is None and well_formed:
        # Only a guesser asks for many ids that never existed: past the limit no more
        # lookups (a run that exists is still found above, so its owner is never refused).
        await request.app[keys.UNKNOWN_RUNS].attempt(request.app[keys.CALLERS].of(request).address)
        if runs.log is not None:
            target = await _fresh(runs, run_id)
    if target is None or runs.expired(_record_of(target)):
        raise Refusal(404, "run_not_found")
    if not _may_access(request, _record_of(target)):
        raise Refusal(403, "run_forbidden")
    return target


async def _fresh(runs: Runs, run_id: str) -> RunRecord | None:
    """A run started on another worker a moment ago may still be on its way to the log."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FRESH_WAIT
    with _log_reachable(runs):
        while loop.time() < deadline:
            await asyncio.sleep(0.05)
            if (target := await runs.log.record(run_id)) is not None:
                return target
    return None


def _failures(runs: Runs) -> tuple[type[BaseException], ...]:
    return runs.log.failures if runs.log is not None else ()


@contextlib.contextmanager
def _log_reachable(runs: Runs):
    """The event log's database or Redis unreachable, before any answer went out: 503."""
    try:
        yield
    except _failures(runs) as exc:
        log.warning("runs: the event log cannot be reached: %r", exc)
        raise Refusal(503, "runs_unavailable", headers={"Retry-After": "30"}) from exc


def _may_access(request: web.Request, record: RunRecord) -> bool:
    """Staff and trusted backends (a service key) may; with users bound to browsers, the
    browser that asked (a run a backend asked for has none: backends and staff only)."""
    caller = request.app[keys.CALLERS].of(request)
    if caller.staff or caller.service or not request.app[keys.SETTINGS].bind_users:
        return True
    browser, _ = request.app[keys.IDENTITY].browser_of(request)
    return record.browser is not None and hmac.compare_digest(browser, record.browser)


def _record_of(target: Run | RunRecord) -> RunRecord:
    return target.record if isinstance(target, Run) else target


def last_event_id(request: web.Request) -> int:
    raw = request.headers.get("Last-Event-ID", request.query.get("last_event_id", "0")).strip() or "0"
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:      # "²" is a digit to isdigit
        raise Refusal(400, "bad_last_event_id")
    return int(raw)


def is_reconnect(request: web.Request) -> bool:
    """An EventSource reconnecting to a GET twin (it sends the id it saw last)."""
    return request.method == "GET" and "Last-Event-ID" in request.headers


def question_fingerprint(request: web.Request, chat: ChatRequest) -> str:
    """A POST's endpoint and question (as the client sent it), digested: a retry with the
    same Idempotency-Key must ask the same."""
    question = json.dumps([chat.message, chat.history, chat.task_type], ensure_ascii=False)
    return f"POST {request.path} {hashlib.sha256(question.encode()).hexdigest()}"


def twin_fingerprint(request: web.Request) -> str:
    query = sorted((k, v) for k, v in request.query.items() if k != "last_event_id")
    return f"{request.path}?{urlencode(query)}"
