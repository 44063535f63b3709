"""HTTP handlers: validate, then stream the orchestrator's events over SSE."""
from __future__ import annotations

import hmac
from pathlib import Path

from aiohttp import web

from jewelstream import keys
from jewelstream.requests import BadInput, ChatRequest, read_get, read_post, user_id_of
from jewelstream.sse import ClientGone, EventStream

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


async def health(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    return web.json_response({
        "status": "ok",
        "llm": settings.llm,
        "model": settings.model if settings.llm == "openai" else None,
        "agents": list(request.app[keys.ORCHESTRATOR].agents),
        "staff_required": True,
        "kiosk_idle_seconds": settings.kiosk_idle_seconds,
    })


async def consultation_stream(request: web.Request) -> web.StreamResponse:
    user_id = user_id_of(request)
    chat = await _read(request)
    return await _stream(request, user_id, chat, ["consultant"], staff=False, flat_metadata=True)


async def orchestrator_stream(request: web.Request) -> web.StreamResponse:
    user_id = user_id_of(request)
    chat = await _read(request)
    staff = is_staff(request)
    if chat.task_type == "analysis" and not staff:
        if "Authorization" not in request.headers:
            raise BadInput(401, "staff_only", "Аналитика доступна только сотрудникам магазина.")
        raise BadInput(403, "staff_only", "Аналитика доступна только сотрудникам магазина.")
    names = request.app[keys.ORCHESTRATOR].choose_agents(chat, staff=staff)
    return await _stream(request, user_id, chat, names, staff=staff, flat_metadata=False)


def is_staff(request: web.Request) -> bool:
    """Does the request carry the staff token? Compared in constant time, never logged."""
    token = request.app[keys.SETTINGS].staff_token
    header = request.headers.get("Authorization", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[7:].strip().encode(), token.encode())


async def _read(request: web.Request) -> ChatRequest:
    if request.method == "POST":
        return await read_post(request)
    if "Last-Event-ID" in request.headers:
        # An EventSource reconnecting after the stream ended: never run the question
        # again. 204 tells the browser to stop reconnecting.
        raise web.HTTPNoContent()
    return read_get(request)


async def _stream(request: web.Request, user_id: str, chat: ChatRequest, names: list[str], *,
                  staff: bool, flat_metadata: bool) -> web.StreamResponse:
    settings = request.app[keys.SETTINGS]
    events = request.app[keys.ORCHESTRATOR].stream(user_id, chat, names, staff=staff,
                                                   flat_metadata=flat_metadata)
    stream = EventStream(request, heartbeat=settings.heartbeat)
    await stream.prepare()
    try:
        async for event in events:
            await stream.send(event)
    except ClientGone:
        pass               # closing `events` below cancels the run and the LLM request
    finally:
        await events.aclose()
        await stream.close()
    return stream.response
