"""HTTP handlers: validate, then answer as a run (jewelstream/runs/) streamed over SSE.

Before a stream, in this order, the cheap refusals (no database work): the input, the
caller's bearer (callers.py), the stream limit (503), the rate limits (429); then the
owner of the user id (a write on first use) and the history's assistant turns (a read).
"""
from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from jewelstream import keys
from jewelstream.history import verified_history
from jewelstream.identity import NEW_BROWSER
from jewelstream.middlewares import readable_json
from jewelstream.requests import ChatRequest, Refusal, read_get, read_post, user_id_of
from jewelstream.runs import http as runs
from jewelstream.runs.registry import LOG_WAIT
from jewelstream.sse import EventStream
from jewelstream.store import StorageUnavailable


def static_dir() -> Path:
    """The kiosk page's folder: inside the package when installed from a wheel (setup.cfg
    ships the repository's static/ as jewelstream/static), else the repository's static/."""
    package = Path(__file__).resolve().parent
    installed = package / "static"
    return installed if installed.is_dir() else package.parent / "static"


STATIC_DIR = static_dir()


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


async def static_file(request: web.Request) -> web.FileResponse:
    """A file of the page's folder. A missing file, a folder, a path out of it or a name no
    file can have (a NUL byte, which the OS refuses with an error) is a JSON 404 (aiohttp's
    static route answered a missing file with an empty 404 of its own)."""
    root = STATIC_DIR.resolve()
    if "\x00" in request.match_info["path"]:
        raise web.HTTPNotFound()
    path = (root / request.match_info["path"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path)


def deployment(settings, traffic=None) -> dict:
    """Where what is kept and what is in flight live, so how many nodes may serve, and
    (given `traffic`) the open streams (of all nodes: as this process last heard from Redis)."""
    several = bool(settings.database_url and settings.redis_url)
    kind = {"store": "postgresql" if settings.database_url else "sqlite",
            "in_flight": "redis" if settings.redis_url else "this node",
            "nodes": "several" if several else "single"}
    if traffic is None:
        return kind
    return {**kind, "open_streams": {"this_process": len(traffic.active),
                                     "all_nodes": traffic.shared.total if traffic.shared else None}}


async def health(request: web.Request) -> web.Response:
    """200 and "ok" while the server can answer and keep what it is told; 503 while the
    database cannot be written (full disk, read-only or vanished file).

    The details (the LLM's address, its last error and models, the storage's error text,
    which may name the database's host and user, the load) only with the staff token, as
    Spring Boot's `show-details: when-authorized`; anyone else (a load balancer, the kiosk
    page) gets what it needs: whether to send traffic here, and the page's settings."""
    settings = request.app[keys.SETTINGS]
    storage = await request.app[keys.STORE].check()
    openai = settings.llm == "openai"
    body = {
        "status": "ok" if storage["writable"] else "storage_unavailable",
        "storage": {"writable": storage["writable"]},
        "deployment": deployment(settings),
        "llm": settings.llm,
        "model": settings.model if openai else None,    # the page's mode badge names it
        "upstream": {"state": request.app[keys.UPSTREAM].report()["state"]} if openai else None,
        "agents": list(request.app[keys.ORCHESTRATOR].agents),
        "staff_required": True,
        "kiosk_idle_seconds": settings.kiosk_idle_seconds,
    }
    if _staff_for_health(request):
        body.update(storage=storage, deployment=deployment(settings, request.app[keys.TRAFFIC]),
                    upstream=await _upstream(request) if openai else None,
                    event_loop=type(asyncio.get_running_loop()).__module__.split(".")[0])   # uvloop or asyncio
    # Never kept by a cache: the answer depends on the caller's token and changes.
    return web.json_response(body, status=200 if storage["writable"] else 503,
                             headers={"Cache-Control": "no-store", "Vary": "Authorization"})


async def agent_list(request: web.Request) -> web.Response:
    """The agents a client may name (`explicit_task_type`), with their Russian titles and
    whether only staff may ask them: the page builds its choice from this."""
    return web.json_response([{"name": agent.name, "title": agent.title or agent.name, "staff_only": agent.staff_only}
                              for agent in request.app[keys.ORCHESTRATOR].agents.values()], dumps=readable_json)


async def metrics(request: web.Request) -> web.Response:
    """The Prometheus text format (jewelstream/metrics.py), for staff or a scraper with the
    metrics token: the shop's traffic and its LLM usage, which /api/staff/usage guards too."""
    caller = request.app[keys.CALLERS].of(request)
    if not (caller.staff or caller.metrics):
        if caller.bearer:
            raise Refusal(403, "forbidden")
        raise Refusal(401, "forbidden", headers={"WWW-Authenticate": "Bearer"})
    return web.Response(body=request.app[keys.METRICS].exposition(),
                        headers={"Content-Type": CONTENT_TYPE_LATEST})


async def _upstream(request: web.Request) -> dict:
    """The LLM's state (llm_health.py) and whether it lists its models."""
    upstream = request.app[keys.UPSTREAM]
    client = getattr(request.app[keys.LLM], "root_async_client", None)
    models = await upstream.probe_models(client) if client is not None else None
    return {**upstream.report(), "models": models}


async def consultation_stream(request: web.Request) -> web.StreamResponse:
    user_id = user_id_of(request)
    if runs.is_reconnect(request):
        return await runs.rejoin(request, user_id)
    chat = await _read(request)
    read_at, turn = time.time(), request.app[keys.ORCHESTRATOR].read_turn(user_id)
    return await _stream(request, user_id, chat, ["consultant"], staff=False, flat_metadata=True,
                         turn=turn, read_at=read_at)


async def orchestrator_stream(request: web.Request) -> web.StreamResponse:
    user_id = user_id_of(request)
    if runs.is_reconnect(request):
        return await runs.rejoin(request, user_id)
    staff = is_staff(request)
    chat = await _read(request)
    orchestrator = request.app[keys.ORCHESTRATOR]
    if chat.task_type and chat.task_type not in orchestrator.agents:
        raise Refusal(422, "unknown_task_type", names=", ".join(orchestrator.agents))
    if chat.task_type and orchestrator.agents[chat.task_type].staff_only and not staff:
        raise Refusal(401 if "Authorization" not in request.headers else 403, "staff_only")
    read_at, turn = time.time(), orchestrator.read_turn(user_id)
    # Without a task type the answer chooses its agents from the profile it reads.
    names = [chat.task_type] if chat.task_type else None
    return await _stream(request, user_id, chat, names, staff=staff, flat_metadata=False, turn=turn, read_at=read_at)


async def staff_usage(request: web.Request) -> web.Response:
    """Staff only: the LLM's token usage per day and agent (`?days=`, 1 to 366, default 30),
    and the totals per agent, from the conversation log."""
    if not is_staff(request):
        status = 403 if "Authorization" in request.headers else 401
        raise Refusal(status, "staff_only")
    raw = request.query.get("days", "30")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 366:   # "²" is a digit to isdigit
        raise Refusal(400, "invalid_days")
    rows = await request.app[keys.STORE].usage(int(raw))
    agents: dict[str, dict] = {}
    for row in rows:
        total = agents.setdefault(row["agent"], {"answers": 0, "reported": 0, "prompt_tokens": 0,
                                                 "completion_tokens": 0})
        for key in total:
            total[key] += row[key]
    return web.json_response({"days": int(raw), "by_day": rows, "by_agent": agents})


def _staff_for_health(request: web.Request) -> bool:
    """The staff token for /health's details; a caller locked out for guessing (a probe with
    a stale token) still gets the public answer, never a 429 that marks the node down."""
    try:
        return is_staff(request)
    except Refusal:
        return False


def is_staff(request: web.Request) -> bool:
    """Does the request carry the staff token? Compared in constant time, never logged;
    Refusal(429) while the caller's address is locked out for guessing (callers.py)."""
    return request.app[keys.CALLERS].of(request).staff


async def _read(request: web.Request) -> ChatRequest:
    if request.method == "POST":
        return await read_post(request, request.app[keys.SETTINGS].body_timeout)
    return read_get(request)


async def _stream(request: web.Request, user_id: str, chat: ChatRequest, names: list[str] | None, *,
                  staff: bool, flat_metadata: bool, turn: asyncio.Future, read_at: float) -> web.StreamResponse:
    app = request.app
    settings, traffic, identity = app[keys.SETTINGS], app[keys.TRAFFIC], app[keys.IDENTITY]
    caller = app[keys.CALLERS].of(request)
    with traffic.stream_slot():
        await traffic.admit(user_id, caller.address)
        # Not bound: with the setting off, and for trusted backends (a service key).
        browser, new = identity.browser_of(request) if settings.bind_users and not caller.service else (None, False)
        # The run's record goes to the event log now, with its place in the user's line
        # (jewelstream/runs/turns.py), while the checks below and the turn's reads go on.
        place = runs.reserve(request, user_id, browser, since=read_at)
        try:
            if not (await app[keys.STORE].check())["writable"]:
                raise StorageUnavailable("writes fail")  # 503 before the stream: we could not keep the question
            if browser is not None:
                await identity.check_owner(user_id, browser)
                if new:
                    request[NEW_BROWSER] = browser     # its cookie goes on whatever response follows
            asked = chat                       # as the client sent it (an Idempotency-Key's question)
            if chat.history:
                chat = dataclasses.replace(chat, history=await verified_history(app[keys.STORE], user_id,
                                                                                chat.history))
        except BaseException as exc:
            ended = app[keys.RUNS].release(*place) if place is not None else None   # refused: its place given up
            if ended is not None and not isinstance(exc, asyncio.CancelledError):
                # The refusal goes out once the log has the end (a client that left waits for nothing).
                await asyncio.wait([ended], timeout=LOG_WAIT)
            raise
        stream = EventStream(request, heartbeat=settings.heartbeat, write_timeout=settings.write_timeout)
        # The answer is a run (jewelstream/runs/): it goes on if this connection drops. It
        # answers after the user's earlier answers; if they may have changed the profile
        # (`stale`), it reads the profile again instead of the turn read at the start.
        endpoint = request.match_info.route.resource.canonical
        return await runs.answer(request, stream, user_id, browser, lambda stale: app[keys.METRICS].observed(
            endpoint, app[keys.ORCHESTRATOR].stream(user_id, chat, names, staff=staff, flat_metadata=flat_metadata,
                                                    turn=None if stale else turn)), asked, since=read_at,
                           place=place)
