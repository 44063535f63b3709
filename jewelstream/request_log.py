"""One JSON line per request, with a request id the response also carries.

The id is the client's `X-Request-Id` when it sends a sane one (a proxy's, so its log and
ours meet), else a new one; it goes back in the `X-Request-Id` header of every response,
streams included. When the handler is done (for a stream: when the stream ends) the line
goes to the `jewelstream.requests` logger: time, id, method, the route's pattern, status,
milliseconds, the client's address (jewelstream/callers.py), the run id of an answer; a
client that left before its response ended is status 499, as in nginx's logs. The
same moment counts the request in /metrics. Left out: bodies and user texts (never logged).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid

from aiohttp import web

from jewelstream import keys

log = logging.getLogger("jewelstream.requests")

REQUEST_ID = web.RequestKey("request_id", str)
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
CLIENT_CLOSED = 499


@web.middleware
async def request_log(request: web.Request, handler):
    given = request.headers.get("X-Request-Id", "")
    request[REQUEST_ID] = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
    started = time.monotonic()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    except asyncio.CancelledError:
        # The client went away (Stop, a reload, a closed tab) and aiohttp cancelled the
        # handler: not a server error. 499 is nginx's "client closed request".
        status = CLIENT_CLOSED
        raise
    finally:
        _record(request, status, time.monotonic() - started)


def _record(request: web.Request, status: int, seconds: float) -> None:
    resource = request.match_info.route.resource
    endpoint = resource.canonical if resource is not None else "unmatched"
    request.app[keys.METRICS].requests.labels(endpoint, request.method, str(status)).inc()
    if log.isEnabledFor(logging.INFO):
        log.info(json.dumps({
            "time": round(time.time(), 3), "request_id": request[REQUEST_ID], "method": request.method,
            "endpoint": endpoint, "status": status, "ms": round(seconds * 1000, 1),
            "client": request.app[keys.CALLERS].address(request),
            "run_id": request.get(RUN_ID)}, ensure_ascii=False))


async def add_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: the id goes out with the headers (of a stream, too)."""
    if REQUEST_ID in request:
        response.headers["X-Request-Id"] = request[REQUEST_ID]
        if "X-Run-Id" in response.headers:
            request[RUN_ID] = response.headers["X-Run-Id"]


RUN_ID = web.RequestKey("run_id", str)
