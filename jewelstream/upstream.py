"""The HTTP side of `openai` mode: one connection pool per process, built for streaming
many answers at once, through the openai SDK's public options only.

langchain-openai's ChatOpenAI does all the LLM work (the request, each chunk ->
AIMessageChunk, `astream`, which the answer node reads chunk by chunk); this module only
builds the httpx pool it sends through (`ChatOpenAI(http_async_client=...)`):

- The pool is sized to the streams we admit (traffic.py refuses more than `max_streams`),
  at most two agents each: httpx's default of 1,000 connections would make the 1,001st
  admitted answer wait for a free connection. Idle connections kept alive stay at httpx's
  100: the pool looks at every idle connection (a socket poll each) whenever a request
  starts or ends, which at 1,000 streams cost seconds of stalls.
- Redirects are not followed (the SDK's default follows them): a redirect would re-send
  the prompt, customers' words included, to whatever host the answer names. A 3xx is an
  error like any other.
- A 429 or 503 whose `Retry-After` is longer than the first-token budget is not retried:
  the SDK would sleep that long in silence, and the customer would get a timeout at the
  end of it. The response is marked `x-should-retry: false` (the header by which OpenAI's
  servers tell the SDK not to retry), so the answer fails at once with a "busy" message.

What it leaves out: the optional speed-up over the SDK's private methods
(jewelstream/llm_fastpath.py), which streams plain requests over aiohttp with the same
headers, retries, redirects (none) and `refuse_long_wait`. Tried and left out here: the
SDK's own aiohttp transport (`openai.DefaultAioHttpClient`) reads a paced stream for ~30%
less CPU than httpx, but when the LLM server drops the connection mid-answer, aiohttp
raises before it hands out the bytes it had already received, so the last tokens before
the break would never reach the client (the fast path hands them on itself).
"""
from __future__ import annotations

import email.utils
import importlib
import time

import openai

AGENTS_PER_STREAM = 2        # agents.routing picks one or two agents
# The HTTP library the installed openai SDK is built on (httpx, or httpx2 for openai>=3):
# the one whose AsyncClient `openai.DefaultAsyncHttpxClient` is.
httpx = importlib.import_module(next(
    kind.__module__ for kind in openai.DefaultAsyncHttpxClient.__mro__
    if kind.__name__ == "AsyncClient" and not kind.__module__.startswith("openai")).split(".")[0])


def make_timeout(*, total: float, connect: float):
    return httpx.Timeout(total, connect=connect)


def make_pool(*, timeout, max_streams: int, patience: float):
    """The httpx pool every upstream request goes through. `patience`: the longest wait
    for an answer to start (the first-token timeout)."""
    async def refuse_long_waits(response) -> None:
        refuse_long_wait(response, patience)

    return openai.DefaultAsyncHttpxClient(
        timeout=timeout, follow_redirects=False, event_hooks={"response": [refuse_long_waits]},
        limits=httpx.Limits(max_connections=AGENTS_PER_STREAM * max_streams,
                            max_keepalive_connections=100))


def refuse_long_wait(response, patience: float) -> None:
    """Mark a 429/503 whose Retry-After is longer than `patience` as not to be retried."""
    if response.status_code in (429, 503) and (retry_after(response.headers) or 0) > patience:
        response.headers["x-should-retry"] = "false"


def retry_after(headers) -> float | None:
    """Seconds a server asks us to wait (`Retry-After`: seconds or a date; `retry-after-ms`)."""
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        return email.utils.mktime_tz(parsed) - time.time() if parsed else None
