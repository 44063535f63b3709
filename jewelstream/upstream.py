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

Tried and left out: the SDK's aiohttp transport (`openai.DefaultAioHttpClient`) reads a
paced stream for ~30% less CPU than httpx, but when the LLM server drops the connection
mid-answer, aiohttp raises before it hands out the bytes it had already received, so the
last tokens before the break would never reach the client.
"""
from __future__ import annotations

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
                max_streams: int) -> ChunkDictClient:
    pool = openai.DefaultAsyncHttpxClient(timeout=timeout, limits=httpx.Limits(
        max_connections=AGENTS_PER_STREAM * max_streams, max_keepalive_connections=100))
    return ChunkDictClient(base_url=base_url, api_key=api_key, timeout=timeout,
                           max_retries=max_retries, http_client=pool)
