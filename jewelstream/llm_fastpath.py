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
- langchain-openai's acceptance of dict chunks in `ChatOpenAI._astream`;
- ChatOpenAI's `root_async_client` / `async_client` fields (set to our client);
- that the SDK's transform leaves a plain text message as it is;
- `BaseChatModel._astream` (ChatOpenAI's), and that `astream` adds to its chunks only the
  callbacks and the response metadata from `generation_info`.
If an upgrade breaks it, set `JEWELSTREAM_LLM_FASTPATH=0` and the server works as before.
"""
from __future__ import annotations

from typing import Any, AsyncIterator

import openai
from langchain_core.callbacks import AsyncCallbackManager
from langchain_core.messages import AIMessageChunk
from langchain_core.runnables import RunnableConfig, ensure_config
from langchain_openai import ChatOpenAI
from openai.resources.chat.completions import AsyncCompletions
from openai.types.chat import ChatCompletionChunk

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
        if all(type(m) is dict and m.keys() <= _PLAIN_MESSAGE and type(m.get("content")) is str
               for m in messages):
            plain = {name: value for name, value in params.items()
                     if name not in _SDK_ARGUMENTS and _plain_json(value)}
            extra_body = {**plain, **(extra_body or {}), "messages": messages}
            params = {name: value for name, value in params.items() if name not in plain}
            messages = []
        return await super().create(messages=messages, extra_body=extra_body, **params)


# What `create` itself reads (the request's options, the response's shape): never moved.
_SDK_ARGUMENTS = frozenset({"model", "stream", "response_format", "extra_headers", "extra_query", "timeout"})


def _plain_json(value) -> bool:
    """Text, numbers, booleans, None, and lists and str-keyed dicts of them: what the SDK's
    transform returns unchanged (no dates, files or models to convert)."""
    kind = type(value)
    if kind is dict:
        return all(type(key) is str and _plain_json(item) for key, item in value.items())
    if kind is list:
        return all(map(_plain_json, value))
    return kind in (str, int, float, bool) or value is None


def fastpath_clients(*, pool, base_url: str | None, api_key: str, timeout, max_retries: int) -> dict:
    """ChatOpenAI's client fields, set to a ChunkDictClient on `pool`."""
    client = ChunkDictClient(base_url=base_url, api_key=api_key, timeout=timeout,
                             max_retries=max_retries, http_client=pool)
    return {"root_async_client": client, "async_client": PlainMessagesCompletions(client)}


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
