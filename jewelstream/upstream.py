"""The HTTP side of `openai` mode: one openai client, and so one connection pool, per
process, built for streaming many answers at once.

langchain-openai's ChatOpenAI still does all the LLM work (the request, each chunk ->
AIMessageChunk, its callbacks, `astream`, which the answer node reads chunk by chunk);
this module only decides how its openai client is built. Two choices differ from the
defaults, both for cost (`python -m tests.bench --profile` shows where it goes), neither
changes what is sent or received:

- Streamed chunks are handed over as the JSON dicts they arrived as. By default the
  openai client builds a pydantic `ChatCompletionChunk` per chunk in pure Python (its
  lenient `construct`, ~70 us a token here) and langchain-openai at once turns it back into
  a dict (`model_dump()`); langchain-openai takes dict chunks as they are (`if not
  isinstance(chunk, dict)` in its `_astream`), so we skip the round trip.
- The pool is sized to the streams we admit (traffic.py refuses more than `max_streams`),
  at most two agents each: httpx's default of 1,000 connections would make the 1,001st
  admitted answer wait for a free connection. Idle connections kept alive stay at httpx's
  100: the pool looks at every idle connection (a socket poll each) whenever a request
  starts or ends, which at 1,000 streams cost seconds of stalls.

Two choices are about faults:

- Redirects are not followed (the SDK's default follows them): a redirect would re-send
  the prompt, customers' words included, to whatever host the answer names. A 3xx is an
  error like any other.
- A 429 or 503 whose `Retry-After` is longer than the first-token budget is not retried:
  the SDK would sleep that long in silence, and the customer would get a timeout at the
  end of it. The response is marked `x-should-retry: false` (the header by which OpenAI's
  servers tell the SDK not to retry), so the answer fails at once with a "busy" message.

Tried and left out: the SDK's aiohttp transport (`openai.DefaultAioHttpClient`) reads a
paced stream for ~30% less CPU than httpx, but when the LLM server drops the connection
mid-answer, aiohttp raises before it hands out the bytes it had already received, so the
last tokens before the break would never reach the client.
"""
from __future__ import annotations

import email.utils
import time

import openai
from langchain_openai._compat import httpx     # the httpx flavour the openai SDK is built on
from openai.types.chat import ChatCompletionChunk

AGENTS_PER_STREAM = 2        # jewelstream.routing.route_message picks one or two agents


class ChunkDictClient(openai.AsyncOpenAI):
    """openai.AsyncOpenAI whose streamed chat chunks stay plain dicts (see above)."""

    def _process_response_data(self, *, data, cast_to, response):
        if cast_to is ChatCompletionChunk and isinstance(data, dict):
            return data
        return super()._process_response_data(data=data, cast_to=cast_to, response=response)


def make_client(*, base_url: str | None, api_key: str, timeout, max_retries: int,
                max_streams: int, patience: float) -> ChunkDictClient:
    """`patience`: the longest wait for an answer to start (the first-token timeout)."""
    async def refuse_long_waits(response) -> None:
        if response.status_code in (429, 503) and (retry_after(response.headers) or 0) > patience:
            response.headers["x-should-retry"] = "false"

    pool = openai.DefaultAsyncHttpxClient(
        timeout=timeout, follow_redirects=False, event_hooks={"response": [refuse_long_waits]},
        limits=httpx.Limits(max_connections=AGENTS_PER_STREAM * max_streams,
                            max_keepalive_connections=100))
    return ChunkDictClient(base_url=base_url, api_key=api_key, timeout=timeout,
                           max_retries=max_retries, http_client=pool)


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
