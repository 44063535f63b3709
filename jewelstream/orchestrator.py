"""The orchestrator: plain asyncio around the agents' compiled graphs.

It decides which agents answer (the explicit task type, or `route_message`), runs each
agent's graph once with `stream_mode=["tasks", "custom"]`, and turns LangGraph's parts
into our events:

    ("tasks", {"name": node, "input": ...})        a node starts     -> status
    ("tasks", {"name": node, "result": {...}})     a node finished   -> kept for metadata
    ("custom", "text")                             a piece of the answer, written by
                                                   agents.base.write_answer as the LLM
                                                   produced it       -> token

Several agents run concurrently; their events are merged into one stream as they come and
every token carries its `agent`, so texts never mix. The user's message and each answer
(complete, or cut when the stream stopped part-way) go to the conversation log.
"""
from __future__ import annotations

import asyncio
from typing import AsyncIterator, Mapping

from agents.base import Agent, AgentContext, AnswerLimits
from jewelstream import events
from jewelstream.failures import describe_failure
from jewelstream.requests import ChatRequest
from jewelstream.routing import route_message

RECEIVED = "Обрабатываю запрос..."
ROUTING = "Анализирую ваш запрос..."
_STREAM_MODES = ["tasks", "custom"]


class Orchestrator:
    def __init__(self, agents: Mapping[str, Agent], store, llm, limits: AnswerLimits) -> None:
        self.agents = agents
        self.store = store
        self.llm = llm
        self.limits = limits

    def choose_agents(self, request: ChatRequest, *, staff: bool) -> list[str]:
        """The explicit task type, else the agents the message is about."""
        if request.task_type:
            return [request.task_type]
        routed = [name for name in route_message(request.message, staff=staff)
                  if name in self.agents and (staff or not self.agents[name].staff_only)]
        return routed or ["consultant"]

    async def stream(self, user_id: str, request: ChatRequest, names: list[str], *,
                     staff: bool = False, flat_metadata: bool = False) -> AsyncIterator[dict]:
        """The events of one answer: status* token* metadata done, or error.

        `flat_metadata` gives the consultation endpoint's shape (one agent's keys at the
        top level) instead of the orchestrator's `{"data": {agent: ...}}`.
        """
        if not flat_metadata:
            yield events.status(RECEIVED, stage="received")
            yield events.status(ROUTING, stage="routing")
        log_question = self.store.log_message(user_id, "user", request.message)
        context = AgentContext(store=self.store, llm=self.llm, limits=self.limits, staff=staff)
        inputs = {"user_id": user_id, "message": request.message, "history": request.history}
        runs = [self._run(self.agents[name], inputs, context, headline=not flat_metadata)
                for name in names]
        texts: dict[str, list[str]] = {name: [] for name in names}
        metadata: dict[str, dict] = {}
        streaming = False
        try:
            async for item in (runs[0] if len(runs) == 1 else _merge(runs)):
                if isinstance(item, tuple):            # (agent, its metadata): a run ended
                    metadata[item[0]] = item[1]
                    continue
                if item["type"] == "token":
                    texts[item["agent"]].append(item["content"])
                elif streaming:
                    # Keep the wire order status* token* when several agents run: once
                    # one agent's text flows, the others' remaining status lines are dropped.
                    continue
                streaming = item["type"] == "token" or streaming
                yield item
        except Exception as exc:                       # anything after the stream started
            code, message = describe_failure(exc, mid_answer=any(texts.values()))
            yield events.error(code, message, agent=names[0] if len(names) == 1 else None)
            return
        finally:
            # Runs on success, on error and when the client left (cancellation): the log
            # must still get the answer, marked "cut" unless its agent finished.
            await asyncio.shield(self._log_answers(user_id, log_question, texts, metadata))
        if flat_metadata:
            yield events.consultation_metadata(metadata[names[0]])
        else:
            yield events.orchestrator_metadata(metadata, [n for n in names if n in metadata])
        yield events.done()

    async def _run(self, agent: Agent, inputs: dict, context: AgentContext, *,
                   headline: bool) -> AsyncIterator[dict | tuple]:
        """One pass through one agent's graph: its events, then (name, metadata)."""
        name = agent.name
        if headline:
            yield events.status(agent.headline, stage="agent", agent=name)
        state: dict = {}
        async for mode, part in agent.graph.astream(inputs, context=context, stream_mode=_STREAM_MODES):
            if mode == "custom":                        # never empty (write_answer)
                yield events.token(part, name)
            elif "input" in part:                       # a node starts
                stage = agent.statuses.get(part["name"])
                if stage:
                    yield events.status(stage[1], stage=stage[0], agent=name)
            elif isinstance(part.get("result"), dict):  # a node finished
                state.update(part["result"])
        yield (name, agent.metadata(state))

    async def _log_answers(self, user_id, log_question, texts, metadata) -> None:
        await log_question
        for name, parts in texts.items():
            if parts or name in metadata:
                await self.store.log_message(user_id, "assistant", "".join(parts), agent=name,
                                             state="complete" if name in metadata else "cut")


async def _merge(runs: list[AsyncIterator]) -> AsyncIterator:
    """Items of several async iterators as they come; the first failure stops them all."""
    queue: asyncio.Queue = asyncio.Queue()
    finished = object()

    async def pump(run: AsyncIterator) -> None:
        try:
            async for item in run:
                await queue.put(item)
            await queue.put(finished)
        except Exception as exc:
            await queue.put(exc)

    tasks = [asyncio.create_task(pump(run)) for run in runs]
    try:
        running = len(tasks)
        while running:
            item = await queue.get()
            if item is finished:
                running -= 1
            elif isinstance(item, Exception):
                raise item
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
