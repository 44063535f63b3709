"""Reading and checking what a client sent, before any byte of a stream goes out.

Bad input gets a `Refusal` (status, code, Russian message), which the error middleware
turns into JSON such as `{"error": "message_too_long", "message": "Сообщение слишком..."}`.
Limits (docs/wire.md): message up to 4,000 characters (not only invisible ones), body up
to 64 KiB (enforced by the app's `client_max_size`), history of `{"role", "content"}`
items, user ids of `[A-Za-z0-9_-]{1,64}`. A body must arrive within `body_timeout` seconds (408 otherwise), so a
client that sends a byte now and then cannot hold a request open.
Text must be storable: JSON may spell a lone surrogate (`"\ud800"`), which no database,
log or socket can store, or a NUL (`"\u0000"`), which PostgreSQL's text cannot hold; both
are refused here.
"""
from __future__ import annotations

import asyncio
import json
import re
import unicodedata
from dataclasses import dataclass

from aiohttp import web

from agents import AGENTS
from jewelstream.texts import say

MAX_BODY = 64 * 1024
MAX_MESSAGE = 4000
MAX_HISTORY = 40
TASK_TYPES = tuple(AGENTS)                # the explicit_task_type values: the agents' names
_USER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Refusal(Exception):
    """A request refused before any answer: its HTTP status (400/415/422 bad input, 401/403
    who may not, 408/413 the body, 429 too many, 503 not now), its code (`error` on the
    wire) and that code's Russian text (jewelstream/texts.py, filled with `values`);
    `extra` adds fields to the JSON body (such as a `hint` for developers)."""

    def __init__(self, status: int, code: str, *, headers: dict | None = None, extra: dict | None = None,
                 **values) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, say(code, **values), headers
        self.extra = extra or {}


@dataclass(frozen=True)
class ChatRequest:
    message: str
    history: list[dict]
    task_type: str | None = None       # None: route automatically


def user_id_of(request: web.Request) -> str:
    user_id = request.match_info.get("user_id", "")
    if not _USER_ID.fullmatch(user_id):
        raise Refusal(400, "invalid_user_id")
    return user_id


async def read_post(request: web.Request, timeout: float) -> ChatRequest:
    """The JSON body of a POST, which must arrive within `timeout` seconds."""
    if (request.content_length or 0) > MAX_BODY:
        # Refused before a byte of it is read; the connection closes (the body may follow).
        raise Refusal(413, "body_too_large", headers={"Connection": "close"})
    try:
        async with asyncio.timeout(timeout):
            raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise Refusal(413, "body_too_large") from None
    except TimeoutError:
        # The rest of the body may still come: the connection is closed after the answer.
        raise Refusal(408, "body_timeout", headers={"Connection": "close"}) from None
    try:
        body = json.loads(raw.decode("utf-8-sig"))       # a byte order mark may lead (RFC 8259 allows it)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: JSON nested deeper than the parser's recursion limit (a few KB of "[").
        raise Refusal(400, "invalid_json") from None
    if not isinstance(body, dict):
        raise Refusal(400, "invalid_json")
    return ChatRequest(message=_message(body.get("message")),
                       history=_history(body.get("conversation_history")),
                       task_type=_task_type(body.get("explicit_task_type")))


def read_get(request: web.Request) -> ChatRequest:
    """The query string of the GET twin (for EventSource, which cannot POST)."""
    query = request.query
    return ChatRequest(message=_message(query.get("message")), history=[],
                       task_type=_task_type(query.get("explicit_task_type")))


def _message(value) -> str:
    if not isinstance(value, str) or not _has_visible_text(value):
        raise Refusal(422, "message_required")
    if len(value) > MAX_MESSAGE:
        raise Refusal(422, "message_too_long", limit=MAX_MESSAGE)
    if not _is_unicode_text(value):
        raise Refusal(422, "invalid_text")
    return value.strip()


def _has_visible_text(value: str) -> bool:
    """False for a message of nothing but white space, invisible format characters (a
    zero-width space, a byte order mark, direction marks) and control characters."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc") for ch in value)


def _is_unicode_text(value: str) -> bool:
    """False for a string with a lone surrogate (valid JSON, but not encodable text) or a
    NUL (PostgreSQL's text cannot hold it: the question would be lost from the log)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _history(value) -> list[dict]:
    if value is None:
        return []
    bad = Refusal(422, "invalid_history")
    if not isinstance(value, list):
        raise bad
    history = []
    for item in value:
        if (not isinstance(item, dict) or item.get("role") not in ("user", "assistant")
                or not isinstance(item.get("content"), str) or len(item["content"]) > MAX_MESSAGE
                or not _is_unicode_text(item["content"])):
            raise bad
        history.append({"role": item["role"], "content": item["content"]})
    return history[-MAX_HISTORY:]


def _task_type(value) -> str | None:
    if value is None or value == "":
        return None
    if value not in TASK_TYPES:
        raise Refusal(422, "unknown_task_type", names=", ".join(TASK_TYPES))
    return value
