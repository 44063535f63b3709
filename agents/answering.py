"""The answer-writing step every agent's answer node calls: `write_answer` streams the
LLM's answer onto the graph's stream piece by piece (agents/llm_reading.py), lets the LLM
call the shop's tools (agents/tools.py) for at most three rounds, and falls back to the
agent's grounded draft when the LLM fails before its first piece (degraded mode).

It leaves out the prompt (agents.base.chat_messages) and what becomes of each piece (the
orchestrator turns them into events).
"""
from __future__ import annotations

import asyncio

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langgraph.runtime import Runtime

from agents.base import AgentContext
from agents.llm_reading import (AnswerBroken, AnswerCut, AnswerNote, AnswerTimeout,  # noqa: F401
                                AnswerUsage, Reading, ToolProducts, stream_answer, text_of, word_bounded)
from agents.tools import STATUSES, mentioned, run_tool

MAX_TOOL_ROUNDS = 3


async def write_answer(runtime: Runtime[AgentContext], messages: list[BaseMessage], *,
                       named: list[dict] | None = None) -> str:
    """Stream the answer from the LLM onto the graph's stream, and return its text.

    Called in the node that answers. Each piece of text is written to LangGraph's stream
    (`custom` mode) the moment langchain-openai yields it, so it leaves for the client as
    the LLM produces it, and it is the same text we collect here, never produced twice.
    Only what this function writes becomes a token: an LLM call made for anything else
    (extraction, routing) can never leak into the answer.

    With tools (`ctx.tools`, bound once at start-up), the first call is the same one call
    as without: the facts are in the prompt, and most answers need nothing more. When the
    LLM asks for tools, each step sends its status line, the tools run against the store,
    and the LLM is asked again, at most MAX_TOOL_ROUNDS times; products a tool returned
    that the answer names follow the text (`ToolProducts`), and go into `named` when the
    caller passes a list (the consultant's cards are then the pieces its answer presents,
    agents.presented). An endpoint that refuses tools
    (`auto` mode) is asked again without them, and never with them again; one that refuses
    `stream_options` (the usage report) likewise goes on without it (`usage_reports`).

    When the LLM fails before its first piece (unreachable, an HTTP error, the first-token
    timeout, a stream cut off before any text) and the context has a `fallback` writer,
    the agent's grounded draft is streamed instead through the same loop, after an
    `AnswerNote("degraded")`. A failure after the first piece is raised: text cannot be
    taken back. An empty answer is raised too (AnswerBroken("empty")). Each outcome is
    reported to the context's `watch` (the server's LLM health), and the tokens the
    endpoint counted go out as an `AnswerUsage`.
    """
    ctx, emit = runtime.context, runtime.stream_writer
    if ctx.asked is not None:          # runs once this task waits: the request is out by then
        asyncio.get_running_loop().call_soon(ctx.asked)
    reading = Reading()
    try:
        text = await _answer(ctx, messages, emit, reading, named)
    except Exception as error:
        if ctx.watch is not None:
            ctx.watch.failed(error)
        if reading.parts or ctx.fallback is None or (isinstance(error, AnswerBroken) and error.reason == "empty"):
            raise
        emit(AnswerNote("degraded"))
        return await stream_answer(ctx.fallback, messages, ctx.limits, emit, Reading(), slots=None)
    if ctx.watch is not None:
        ctx.watch.succeeded()
    if reading.usage:
        emit(AnswerUsage(reading.usage))
    return text


async def _answer(ctx: AgentContext, messages: list[BaseMessage], emit, reading: Reading, named) -> str:
    """The answer as asked; asked again without token usage if the endpoint refuses it."""
    try:
        return await _answer_as_asked(ctx, messages, emit, reading, named)
    except Exception as error:
        if reading.parts or ctx.usage is None or ctx.usage.refused or not ctx.usage.learn(error):
            raise
        return await _answer_as_asked(ctx, messages, emit, reading, named)


async def _answer_as_asked(ctx: AgentContext, messages: list[BaseMessage], emit, reading: Reading,
                           named: list[dict] | None) -> str:
    tools = ctx.tools
    if tools is None or not tools.support.usable():
        return await _call(ctx, ctx.llm, messages, emit, reading)
    try:
        return await _with_tools(ctx, messages, emit, reading, named)
    except Exception as error:
        if reading.parts or not tools.support.learn(error):
            raise
        return await _call(ctx, ctx.llm, messages, emit, reading)


def _call(ctx: AgentContext, model, messages: list[BaseMessage], emit, reading: Reading):
    """One LLM call onto the stream, within the upstream slots, usage asked if it may be."""
    return stream_answer(model, messages, ctx.limits, emit, reading, slots=ctx.llm_slots,
                         without_usage=ctx.usage is not None and ctx.usage.refused)


async def _with_tools(ctx: AgentContext, messages: list[BaseMessage], emit, reading: Reading,
                      named: list[dict] | None) -> str:
    """The LLM with the tools bound, asked again after each round of tool calls; the last
    round without tools, so that it answers."""
    found: dict[str, dict] = {}                    # product id -> card, from every tool call
    for round_ in range(MAX_TOOL_ROUNDS + 1):
        model = ctx.tools.staff if ctx.staff else ctx.tools.customer
        if round_ == MAX_TOOL_ROUNDS:
            model = ctx.llm
        before = len(reading.parts)
        await _call(ctx, model, messages, emit, reading)
        if not reading.calls:
            break
        results = []
        for call in reading.calls:
            emit(AnswerNote("tool", STATUSES.get(call["name"], "Уточняю...")))
            result = await asyncio.to_thread(run_tool, call["name"], call.get("args") or {}, ctx.store,
                                             staff=ctx.staff, shop_facts=ctx.shop_facts)
            found.update((product["id"], product) for product in result.products)
            results.append(ToolMessage(result.content, tool_call_id=call.get("id") or call["name"]))
        said = "".join(reading.parts[before:])
        messages = [*messages, AIMessage(said, tool_calls=reading.calls), *results]
    text = "".join(reading.parts)
    if said := mentioned(list(found.values()), text):
        emit(ToolProducts(tuple(said)))
        if named is not None:
            named.extend(said)
    return text
