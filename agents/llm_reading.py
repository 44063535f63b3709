"""One LLM call read onto the graph's stream, within its bounds: each piece of text is
put on LangGraph's `custom` stream as it arrives; the first-token, stall and total
timeouts, the character bound, the upstream slots; tool-call deltas are collected, never
put on the stream.

It leaves out what to do when a call fails or asks for tools (agents/answering.py) and
what becomes of each piece (the orchestrator turns them into events). Besides text it puts
on the stream the markers `AnswerNote` and `AnswerCut`, which never become tokens.
"""
from __future__ import annotations

import asyncio
import logging
import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, Callable

from langchain_core.messages import BaseMessage

from agents.base import AnswerLimits

log = logging.getLogger(__name__)


class AnswerTimeout(Exception):
    """The LLM did not start (`stage="first_token"`), went silent mid-answer (`"stall"`) or
    did not finish (`"total"`) in time."""

    def __init__(self, stage: str) -> None:
        super().__init__(f"LLM {stage} timeout")
        self.stage = stage


class AnswerBroken(Exception):
    """The LLM's stream ended without a proper answer: it never said it had finished
    (`reason="interrupted"`: `[DONE]` or a closed connection with no `finish_reason`, as
    llama.cpp's server does to an older stream when a newer request arrives), or it
    finished with no text at all (`"empty"`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"LLM answer {reason}")
        self.reason = reason


@dataclass(frozen=True)
class AnswerNote:
    """Put on the graph's stream (never a token): `"queued"`, the answer waits for a free
    upstream slot; `"degraded"`, the LLM failed before its first token and the agent's
    grounded draft follows instead; `"tool"`, a tool step starts (`message`: its Russian
    status line)."""
    kind: str
    message: str = ""


@dataclass(frozen=True)
class ToolProducts:
    """Put on the graph's stream after the text: products a tool returned that the answer
    names (their cards join the agent's metadata, so the cards match the text)."""
    products: tuple[dict, ...]


@dataclass(frozen=True)
class AnswerUsage:
    """Put on the graph's stream after the text: the tokens the endpoint counted for this
    answer, all its calls together (`prompt_tokens`, `completion_tokens`)."""
    tokens: dict


@dataclass(frozen=True)
class AnswerCut:
    """Put on the graph's stream after the text when the answer stopped before the LLM
    ended it on its own: our character bound or the LLM's token limit (`reason="length"`),
    or its content filter. The answer still ends normally; the log marks it cut."""
    reason: str


def text_of(chunk: BaseMessage) -> str:
    """A chunk's text: its own `content` string when it is one (it always is for chat
    completions). `chunk.text` would build a copy on every call, and each token of every
    open answer would then be held three times instead of once."""
    return chunk.content if isinstance(chunk.content, str) else chunk.text


@dataclass
class OptionSupport:
    """A request option some endpoints refuse (an HTTP error whose text names it): used
    until the endpoint refuses it once, then never again, and one log line says so."""
    option: str                             # the log line's name for it
    words: tuple[str, ...]                  # a refusal's text names one of them
    without: str                            # what answers do from then on (the log line)
    statuses: tuple[int, ...] = (400, 422)
    refused: bool = False

    def learn(self, error: BaseException) -> bool:
        """Is `error` the endpoint refusing the option? Then never use it again."""
        status, text = getattr(error, "status_code", None), str(error).lower()
        if status not in self.statuses or not any(word in text for word in self.words):
            return False
        if not self.refused:
            log.warning("the LLM endpoint refuses %s (HTTP %s): %s from now on", self.option, status, self.without)
        self.refused = True
        return True


def usage_reports() -> OptionSupport:
    """Token usage is asked of the endpoint (`stream_options.include_usage`) until it
    refuses that once (some servers answer 400 to a field they do not know)."""
    return OptionSupport("stream_options", ("stream_options", "include_usage"), "no token usage")


@dataclass
class Reading:
    """What the calls of one answer brought: the text pieces (all calls), the tool calls
    the last call asked for, and the tokens the endpoint counted (when it reports usage)."""
    parts: list[str] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)     # prompt_tokens, completion_tokens


async def stream_answer(llm, messages: list[BaseMessage], limits: AnswerLimits,
                        emit: Callable[[Any], None], reading: Reading, *,
                        slots: asyncio.Semaphore | None, without_usage: bool = False) -> str:
    """One LLM call read to its end onto the stream; `reading` collects what it brought.

    What bounds the answer, all with one timer per answer (rescheduled at each piece, a
    timer handle rather than a task per token):
    - a free upstream slot first (`slots`, the concurrency setting): while none is free an
      `AnswerNote("queued")` goes out, and that wait (at most `total_timeout`) does not
      count against the timeouts below;
    - the first-token timeout, then at most `stall_timeout` between two pieces and
      `total_timeout` in all (AnswerTimeout); tool-call deltas count as pieces here, but
      they never go on the stream;
    - the character bound, which servers that ignore `max_completion_tokens` honour too,
      and which cuts inside a piece (one chunk may carry megabytes) at the last word
      boundary: an AnswerCut follows the text; leaving the loop closes the upstream request;
    - the LLM's `finish_reason` ends the answer at once: a server that never sends
      `[DONE]` does not hold it (only a usage report right behind it is waited for, at
      most `usage_wait`). A stream that ends without one was cut off, and one with no text
      and no tool call is no answer (AnswerBroken).

    Why not LangGraph's `messages` mode, which finds the chunks through LangChain's
    callbacks: it costs a callback handler on every node and every chunk (in the 200-stream
    benchmark, about 0.35 ms per request, a seventh of the server's work before the first
    token), and it needs a filter on the node name to keep other LLM calls out.
    """
    if slots is not None:
        if slots.locked():
            emit(AnswerNote("queued"))
        async with asyncio.timeout(limits.total_timeout):
            await slots.acquire()
    try:
        return await _read_stream(llm, messages, limits, emit, reading, without_usage)
    finally:
        if slots is not None:
            slots.release()


async def _read_stream(llm, messages, limits: AnswerLimits, emit, reading: Reading, without_usage: bool) -> str:
    loop = asyncio.get_running_loop()
    last_moment = loop.time() + limits.total_timeout
    parts = reading.parts
    first = len(parts)                            # this call's text starts here
    room = limits.max_chars - sum(map(len, parts))
    finish = None
    stage = "first_token"                         # what the running deadline stands for
    tool_chunks = []
    reading.calls = []
    stream = llm.astream(messages, stream_usage=False) if without_usage else llm.astream(messages)
    try:
        async with asyncio.timeout(limits.first_token_timeout) as deadline:
            async for chunk in stream:
                text = text_of(chunk)
                if text or chunk.tool_call_chunks:
                    if chunk.tool_call_chunks:        # collected, never on the stream
                        tool_chunks.append(chunk)
                    if len(text) > room:
                        text, finish = word_bounded(text[:room], at_start=not parts), "length"
                    if text:
                        emit(text)
                        parts.append(text)
                        room -= len(text)
                    stall_until = loop.time() + limits.stall_timeout
                    stage = "stall" if stall_until < last_moment else "total"
                    deadline.reschedule(min(stall_until, last_moment))
                    if len(parts) == 1 and text:
                        # Let the first token reach the client before we parse the rest
                        # of a burst the server may have sent in one read: no await below
                        # waits when the bytes are already here, and LangGraph's stream
                        # needs a few turns of the event loop to carry a piece out (1 ms
                        # covers them, once per answer).
                        await asyncio.sleep(0.001)
                if chunk.usage_metadata:
                    _count(reading.usage, chunk.usage_metadata)
                    if finish:
                        break                     # the report right behind the finish
                if finish is None and (finish := chunk.response_metadata.get("finish_reason")):
                    if limits.usage_wait and not chunk.usage_metadata:
                        stage = "usage"           # wait a moment for the report
                        deadline.reschedule(loop.time() + limits.usage_wait)
                        continue
                if finish:
                    break
    except TimeoutError:
        if stage != "usage":
            raise AnswerTimeout(stage) from None
    finally:
        await stream.aclose()
    if finish is None:
        raise AnswerBroken("interrupted")
    if tool_chunks:
        reading.calls = reduce(operator.add, tool_chunks).tool_calls
    if len(parts) == first and not reading.calls:
        raise AnswerBroken("empty")
    if finish not in ("stop", "tool_calls"):
        emit(AnswerCut(finish))
    return "".join(parts[first:])


def _count(usage: dict[str, int], report: dict) -> None:
    for ours, theirs in (("prompt_tokens", "input_tokens"), ("completion_tokens", "output_tokens")):
        usage[ours] = usage.get(ours, 0) + int(report.get(theirs) or 0)


def word_bounded(text: str, *, at_start: bool) -> str:
    """`text` cut back to its last sentence end, else its last space (a cut piece must not
    end mid-word); all of it when it has neither and nothing precedes it."""
    for ends in (".!?…", " \n"):
        cut = max(text.rfind(ch) for ch in ends)
        if cut > 0:
            return text[:cut + 1] if ends != " \n" else text[:cut]
    return text if at_start else ""
