"""OPTIONAL speed-up of `openai` mode over PRIVATE APIs: an optimisation, not the normal
way to use the openai SDK or langchain-openai. Do not copy it as an example.

`JEWELSTREAM_LLM_FASTPATH=1` (the default) turns it on, `0` off; the tests run both ways.
Without it, ChatOpenAI builds its own openai client on our pool (jewelstream/upstream.py)
through public options only, and every answer is the same, byte for byte.

What it does: streamed chunks are handed over as the JSON dicts they arrived as. By
default the openai client builds a pydantic `ChatCompletionChunk` per chunk in pure
Python (its lenient `construct`, ~70 us a token here) and langchain-openai at once turns
it back into a dict (`model_dump()`); langchain-openai takes dict chunks as they are (`if
not isinstance(chunk, dict)` in its `_astream`), so we skip the round trip
(`python -m tests.bench --profile` shows the cost).

And the request skips the SDK's request transform when it is plain. The SDK walks every
request body through its TypedDict types to rename aliased keys and format dates and files;
chat requests have no aliased keys, and a plain text message (a role, a text, maybe a name)
or a plain JSON option has nothing to format, so the walk returns them unchanged, yet it
tries each of the six message shapes on every message (~0.25 ms a message, 2.5 ms for a
question with the recent conversation) and walks the bound tools' schemas on every call
(~2 ms a question under the profiler, a tenth of the server's work before the LLM request).
Plain messages and plain options go in `extra_body` (the SDK's public option for extra JSON
fields, merged over the body after the transform); what `create` reads itself (the model,
`stream`, the response format, the request options) stays where it was, and a request
with any other message (tool calls, pictures) takes the SDK's own way.

And a streamed request with plain messages and options goes over aiohttp
(`StreamingCompletions`) instead of the SDK's httpx client: the request and its headers are
the ones the SDK builds (its own request builder is asked once, at start-up), and so are
its retries (connection failures, 408/409/429/5xx, `Retry-After`, `x-should-retry`) and its
errors (`APIStatusError` by status, `APIConnectionError`, `APITimeoutError`, an `error`
inside the stream). Measured against the httpx path with the harness's upstream: from the
call to the first piece of text ~3.7 ms sooner (one client alone, 55 calls each), and a
streamed answer for about a third less of the server's CPU (compare.py S2 CPU per request
125-132 -> 60-88 ms; S3 p99 gap 355-392 -> 138-163 ms; docs/performance.md).
aiohttp has one trap here: when the connection breaks mid-answer, `readany` raises before
it hands out the bytes it had already received, so the last tokens before the break
would be lost; `ChunkStream._received` passes those on first (why the SDK's own aiohttp
transport was left out before: jewelstream/upstream.py).

And earlier answers go into the request without a walk over their text. langchain-openai's
message converter loops over an assistant message's content to look for audio parts; for a
text that loop runs once per character (~0.2 ms for an answer of 1,800 characters, so a
question with five earlier answers in its history paid ~1 ms before its request left).
`LeanChatOpenAI._get_request_payload` lets ChatOpenAI build the payload with a blank
stand-in for each earlier answer that is text alone, and puts the texts in afterwards.

And the answer's chunks are not kept. LangChain's `BaseChatModel.astream` keeps every chunk
of an answer until it ends (for the end-of-run callbacks) and sets up callbacks and
tracing for each call: ~1,700 live objects an answer at 95 tokens, so 200 answers of 200
tokens hold several hundred thousand for the cyclic GC to scan (a full collection was seen
stopping every stream for 0.4 s), and S3's peak RSS was ~90 MiB higher
(docs/performance.md). When no callback handler is configured (no tracing, no LangGraph
`messages` mode; plain text messages), `LeanChatOpenAI.astream` reads ChatOpenAI's own
`_astream` instead: the same request, the same chunks, each let go once read.

The private parts it relies on, which a new SDK release may change:
- `openai.AsyncOpenAI._process_response_data`, overridden below;
- the client's `_build_request`, `_should_retry`, `_calculate_retry_timeout`,
  `_make_status_error_from_response` and `_make_sse_decoder`, which `StreamingCompletions`
  calls so that its requests, retries and errors are the SDK's;
- aiohttp's `StreamReader._read_nowait` (the bytes received before a break);
- langchain-openai's acceptance of dict chunks in `ChatOpenAI._astream`;
- `ChatOpenAI._get_request_payload`: one message dict per message, in order, and a text
  answer's dict is its role and content alone;
- ChatOpenAI's `root_async_client` / `async_client` fields (set to our client);
- that the SDK's transform leaves a plain text message as it is;
- that a list of options (the bound tools) is not changed in place once sent
  (`_plain_option` walks it once);
- `BaseChatModel._astream` (ChatOpenAI's), and that `astream` adds to its chunks only the
  callbacks and the response metadata from `generation_info`.
If an upgrade breaks it, set `JEWELSTREAM_LLM_FASTPATH=0` and the server works as before.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import openai
from langchain_core.callbacks import AsyncCallbackManager
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.runnables import RunnableConfig, ensure_config
from langchain_openai import ChatOpenAI
from openai._models import FinalRequestOptions
from openai.resources.chat.completions import AsyncCompletions
from openai.types.chat import ChatCompletionChunk

from jewelstream.config import Settings
from jewelstream.upstream import AGENTS_PER_STREAM, httpx, refuse_long_wait

_PLAIN_MESSAGE = frozenset({"role", "content", "name"})


class ChunkDictClient(openai.AsyncOpenAI):
    """openai.AsyncOpenAI whose streamed chat chunks stay plain dicts (see above)."""

    def _process_response_data(self, *, data, cast_to, response):
        if cast_to is ChatCompletionChunk and isinstance(data, dict):
            return data
        return super()._process_response_data(data=data, cast_to=cast_to, response=response)


class PlainMessagesCompletions(AsyncCompletions):
    """`chat.completions` whose plain text messages and plain JSON options (tools, stream
    options, sampling) bypass the request transform (see above)."""

    async def create(self, *, messages, extra_body=None, **params):
        if _plain_messages(messages):
            plain = {name: value for name, value in params.items()
                     if name not in _SDK_ARGUMENTS and _plain_option(value)}
            extra_body = {**plain, **(extra_body or {}), "messages": messages}
            params = {name: value for name, value in params.items() if name not in plain}
            messages = []
        return await super().create(messages=messages, extra_body=extra_body, **params)


# What `create` itself reads (the request's options, the response's shape): never moved.
_SDK_ARGUMENTS = frozenset({"model", "stream", "response_format", "extra_headers", "extra_query", "timeout"})


def _plain_messages(messages) -> bool:
    """Only text messages (a role, a text, maybe a name): what the SDK's transform leaves as is."""
    return all(type(m) is dict and m.keys() <= _PLAIN_MESSAGE and type(m.get("content")) is str
               for m in messages)


# Lists of options found plain, by id: the tools' list comes back with every call (bound
# once, at start-up), and its schemas are ~130 values to walk on each.
# Each list is held here, so that its id stays its own; there are a few (the tools of each
# kind of binding), and the cap keeps one-off lists from piling up.
_PLAIN_LISTS: dict[int, list] = {}


def _plain_option(value) -> bool:
    """`_plain_json`, walking a list only the first time it is seen."""
    if type(value) is list and _PLAIN_LISTS.get(id(value)) is value:
        return True
    plain = _plain_json(value)
    if plain and type(value) is list and len(_PLAIN_LISTS) < 16:
        _PLAIN_LISTS[id(value)] = value
    return plain


def _plain_json(value) -> bool:
    """Text, numbers, booleans, None, and lists and str-keyed dicts of them: what the SDK's
    transform returns unchanged (no dates, files or models to convert)."""
    kind = type(value)
    if kind is dict:
        return all(type(key) is str and _plain_json(item) for key, item in value.items())
    if kind is list:
        return all(map(_plain_json, value))
    return kind in (str, int, float, bool) or value is None


class StreamingCompletions(PlainMessagesCompletions):
    """`chat.completions` whose plain streamed requests go over aiohttp (see above): the SDK's
    headers, retries and errors, without its request and response machinery. Anything else
    (a request that is not streamed or not plain, raw responses) is the SDK's own."""

    def __init__(self, client: ChunkDictClient, *, connections: int, connect_timeout: float,
                 read_timeout: float, patience: float) -> None:
        super().__init__(client)
        self._connections, self._patience = connections, patience
        self._timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout, sock_read=read_timeout)
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        # The request the SDK would send, built once by the SDK itself: its URL and headers.
        self._options = FinalRequestOptions.construct(method="post", url="/chat/completions", json_data={})
        template = client._build_request(self._options)
        self._url = str(template.url)
        self._headers = {name: value for name, value in template.headers.items()
                         if name not in ("host", "connection", "content-length", "accept-encoding")}
        # A proxy from the environment (HTTPS_PROXY, NO_PROXY...), as httpx honours it: looked
        # up once here. aiohttp's own `trust_env` looks it up (and reads ~/.netrc) on a
        # thread for every request.
        scheme, host = urlsplit(self._url).scheme, urlsplit(self._url).hostname or ""
        self._proxy = None if proxy_bypass(host) else getproxies().get(scheme)

    async def create(self, *, messages, stream=False, **params):
        extra_body = params.get("extra_body") or {}
        if not (stream is True and type(params.get("model")) is str and params.keys().isdisjoint(_SDK_ARGUMENTS - {"model"})
                and type(extra_body) is dict and _plain_json(extra_body)
                and _plain_messages(messages)
                and all(_plain_option(value) for name, value in params.items() if name != "extra_body")):
            return await super().create(messages=messages, stream=stream, **params)
        body = {name: value for name, value in params.items() if name != "extra_body"}
        body.update(messages=messages, stream=True, **extra_body)
        return await self._send(json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode())

    async def _send(self, body: bytes) -> "ChunkStream":
        client, session = self._client, self._open()
        for retries_taken in range(client.max_retries + 1):
            remaining = client.max_retries - retries_taken
            headers = {**self._headers, "x-stainless-retry-count": str(retries_taken)}
            try:
                response = await session.post(self._url, data=body, headers=headers, allow_redirects=False,
                                              proxy=self._proxy)
                if response.status < 300:
                    return ChunkStream(response, client._make_sse_decoder(), self._request)
                content = await _read_and_release(response)
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = _transport_error(exc, self._request())
                if not remaining:
                    raise error from exc
                await asyncio.sleep(client._calculate_retry_timeout(remaining, self._options))
                continue
            failed = httpx.Response(response.status, headers=list(response.raw_headers), content=content,
                                    request=self._request())
            refuse_long_wait(failed, self._patience)
            if not (remaining and client._should_retry(failed)):
                raise client._make_status_error_from_response(failed)
            await asyncio.sleep(client._calculate_retry_timeout(remaining, self._options, failed.headers))
        raise AssertionError("unreachable")

    def _request(self):
        """The request as the SDK's errors carry it (only when one is raised)."""
        return httpx.Request("POST", self._url)

    def _open(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            self._session_loop = loop          # a session serves the loop it was made in
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, limit_per_host=0),
                timeout=self._timeout, cookie_jar=aiohttp.DummyCookieJar())
        return self._session

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


class ChunkStream:
    """What the SDK's AsyncStream is to ChatOpenAI, over an aiohttp response: an async context
    manager and iterator of the answer's chunks as dicts, up to `[DONE]`."""

    def __init__(self, response: aiohttp.ClientResponse, decoder, request) -> None:
        self.response = response
        self._request = request
        self._iterator = self._chunks(decoder)
        self._drained = self._closed = False

    def __aiter__(self):
        return self._iterator

    async def __anext__(self):
        return await self._iterator.__anext__()

    async def __aenter__(self) -> "ChunkStream":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        """Give the connection back when the answer was read to its end, else close it (an
        answer given up mid-way: the LLM server sees it and stops writing)."""
        if self._closed:
            return
        self._closed = True
        if self._drained:
            self.response.release()
        else:
            self.response.close()

    async def _chunks(self, decoder):
        try:
            async for event in decoder.aiter_bytes(self._received()):
                if event.data.startswith("[DONE]"):
                    await self._drain()
                    return
                data = event.json()
                if isinstance(data, dict) and data.get("error"):      # as the SDK's stream does
                    error = data["error"]
                    message = error.get("message") if isinstance(error, dict) else None
                    raise openai.APIError(message=message if isinstance(message, str) and message
                                          else "An error occurred during streaming",
                                          request=self._request(), body=error)
                yield data
            self._drained = True
        finally:
            await self.close()

    async def _received(self):
        """The body's bytes as they come. When the connection breaks, aiohttp raises before
        it hands out what it had already received: that part is passed on first, so the
        last tokens before the break still reach the customer."""
        content = self.response.content
        while True:
            try:
                data = await content.readany()
            except (aiohttp.ClientError, TimeoutError) as exc:
                if rest := content._read_nowait(-1):
                    yield rest
                raise _transport_error(exc, self._request()) from exc
            if not data:
                return
            yield data

    async def _drain(self) -> None:
        """Read what follows `[DONE]` (the body's end), so the connection can be reused."""
        try:
            await self.response.read()
            self._drained = True
        except (aiohttp.ClientError, TimeoutError):
            pass


async def _read_and_release(response: aiohttp.ClientResponse) -> bytes:
    try:
        return await response.read()
    finally:
        response.release()


def _transport_error(exc: BaseException, request) -> openai.APIConnectionError:
    """An aiohttp error as the SDK raises it: a timeout, or a connection that failed."""
    if isinstance(exc, TimeoutError):
        return openai.APITimeoutError(request=request)
    return openai.APIConnectionError(request=request)


def fastpath_clients(*, pool, base_url: str | None, api_key: str, timeout, max_retries: int,
                     connections: int = AGENTS_PER_STREAM * Settings.max_streams,
                     connect_timeout: float = Settings.connect_timeout, read_timeout: float = Settings.total_timeout,
                     patience: float = Settings.first_token_timeout) -> dict:
    """ChatOpenAI's client fields: a ChunkDictClient on `pool` for what the SDK does itself,
    and StreamingCompletions for streamed answers."""
    client = ChunkDictClient(base_url=base_url, api_key=api_key, timeout=timeout,
                             max_retries=max_retries, http_client=pool)
    completions = StreamingCompletions(client, connections=connections, connect_timeout=connect_timeout,
                                       read_timeout=read_timeout, patience=patience)
    return {"root_async_client": client, "async_client": completions}


class LeanChatOpenAI(ChatOpenAI):
    """ChatOpenAI whose `astream` lets each chunk go once read (see above); with callbacks
    to serve, or anything but plain messages, it is ChatOpenAI's own."""

    async def astream(self, input: Any, config: RunnableConfig | None = None, *,
                      stop: list[str] | None = None, **kwargs: Any) -> AsyncIterator[AIMessageChunk]:
        config = ensure_config(config)
        messages = self._convert_input(input).to_messages()
        callbacks = AsyncCallbackManager.configure(config.get("callbacks"), self.callbacks, self.verbose)
        if (callbacks.handlers or self.rate_limiter or self.disable_streaming or "structured_output_format" in kwargs
                or "ls_structured_output_format" in kwargs or not all(type(m.content) is str for m in messages)):
            async for message in super().astream(messages, config, stop=stop, **kwargs):
                yield message
            return
        async for chunk in self._astream(messages, stop=stop, **kwargs):
            message = chunk.message
            if chunk.generation_info:         # finish_reason, model_name...: as astream does
                message.response_metadata = {**chunk.generation_info, **message.response_metadata}
            yield message

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
        """ChatOpenAI's payload, with each earlier plain answer's text put in directly (see
        above): ChatOpenAI's converter walks an answer's text character by character."""
        messages = self._convert_input(input_).to_messages()
        texts = {i: message.content for i, message in enumerate(messages) if _plain_answer(message)}
        if not texts:
            return super()._get_request_payload(messages, stop=stop, **kwargs)
        payload = super()._get_request_payload([_BLANK_ANSWER if i in texts else message
                                                for i, message in enumerate(messages)], stop=stop, **kwargs)
        if "messages" not in payload:       # the Responses API: its own converter, on the real messages
            return super()._get_request_payload(messages, stop=stop, **kwargs)
        for i, text in texts.items():
            payload["messages"][i]["content"] = text
        return payload


_BLANK_ANSWER = AIMessage("")


def _plain_answer(message) -> bool:
    """An earlier answer that is text alone: what ChatOpenAI turns into {"content": text,
    "role": "assistant"} and nothing more."""
    return (type(message) is AIMessage and type(message.content) is str and not message.tool_calls
            and not message.invalid_tool_calls and not message.additional_kwargs and message.name is None
            and not message.response_metadata)
