"""HTTP handlers: validate, then answer as a run (jewelstream/runs/) streamed over SSE."""
from __future__ import annotations

import hmac
from pathlib import Path

from aiohttp import web

from jewelstream import keys
from jewelstream.requests import BadInput, ChatRequest, read_get, read_post, user_id_of
from jewelstream.runs import http as runs
from jewelstream.sse import EventStream


def static_dir() -> Path:
    """The kiosk page's folder: inside the package when installed from a wheel (setup.cfg
    ships the repository's static/ as jewelstream/static), else the repository's static/."""
    package = Path(__file__).resolve().parent
    installed = package / "static"
    return installed if installed.is_dir() else package.parent / "static"


STATIC_DIR = static_dir()


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
    if runs.is_reconnect(request):
        return await runs.rejoin(request, user_id)
    chat = await _read(request)
    return await _stream(request, user_id, chat, ["consultant"], staff=False, flat_metadata=True)


async def orchestrator_stream(request: web.Request) -> web.StreamResponse:
    user_id = user_id_of(request)
    if runs.is_reconnect(request):
        return await runs.rejoin(request, user_id)
    chat = await _read(request)
    staff = is_staff(request)
    orchestrator = request.app[keys.ORCHESTRATOR]
    if chat.task_type and chat.task_type not in orchestrator.agents:
        raise BadInput(422, "unknown_task_type", "Этот помощник сейчас недоступен.")
    if chat.task_type and orchestrator.agents[chat.task_type].staff_only and not staff:
        if "Authorization" not in request.headers:
            raise BadInput(401, "staff_only", "Аналитика доступна только сотрудникам магазина.")
        raise BadInput(403, "staff_only", "Аналитика доступна только сотрудникам магазина.")
    names = orchestrator.choose_agents(chat, staff=staff)
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
    return read_get(request)


async def _stream(request: web.Request, user_id: str, chat: ChatRequest, names: list[str], *,
                  staff: bool, flat_metadata: bool) -> web.StreamResponse:
    app = request.app
    settings, traffic, identity = app[keys.SETTINGS], app[keys.TRAFFIC], app[keys.IDENTITY]
    traffic.check_rate(user_id)
    browser = new_browser = None
    if settings.bind_users:            # off: ids are not bound, and no cookie is needed
        browser, new = identity.browser_of(request)
        await identity.check_owner(user_id, browser)
        new_browser = browser if new else None
    with traffic.stream_slot():
        stream = EventStream(request, heartbeat=settings.heartbeat)
        if new_browser:
            identity.set_cookie(stream.response, new_browser)
        # The answer is a run (jewelstream/runs/): it goes on if this connection drops.
        return await runs.answer(request, stream, user_id, browser, lambda: app[keys.ORCHESTRATOR].stream(
            user_id, chat, names, staff=staff, flat_metadata=flat_metadata))
