"""Errors as JSON with a Russian message, never an HTML page and never a bare 500."""
from __future__ import annotations

import json
import logging

from aiohttp import web

from jewelstream.requests import Refusal
from jewelstream.store import StorageUnavailable
from jewelstream.texts import say

log = logging.getLogger(__name__)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def error_response(status: int, code: str, message: str, headers=None, extra=None) -> web.Response:
    return web.json_response({"error": code, "message": message, **(extra or {})},
                             status=status, headers=headers, dumps=readable_json)


def readable_json(value) -> str:
    """JSON with the Russian text as it is (UTF-8), not as \\u escapes: readable in curl."""
    return json.dumps(value, ensure_ascii=False)


@web.middleware
async def json_errors(request: web.Request, handler):
    try:
        return await handler(request)
    except Refusal as exc:
        response = error_response(exc.status, exc.code, exc.message, exc.headers, exc.extra)
        if (exc.headers or {}).get("Connection") == "close":
            # The body is still coming (too slow, or too large): answer, then close at once
            # (aiohttp would otherwise keep reading it for up to 10 s before closing).
            await response.prepare(request)
            await response.write_eof()
            request.protocol.force_close()
        return response
    except StorageUnavailable as exc:
        # A full disk or a read-only database before the stream started: the store has
        # logged it and /health shows it; the client may try again later.
        log.warning("storage unavailable in %s %s: %s", request.method, request.path, exc)
        return error_response(503, "storage_unavailable", say("storage_unavailable"), {"Retry-After": "30"})
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status, "http_error")
        allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None   # a 405 names the methods
        return error_response(exc.status, code, say(code), allow)
    except Exception:
        # A bug of ours: log it, and still answer the client in its own language.
        log.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, "internal_error", say("internal_error"))
