"""The orchestrator: plain asyncio around the agents' compiled graphs.

It decides which agents answer (the explicit task type, or `agents.routing.choose_agents`), runs each
agent's graph once with `stream_mode=["tasks", "custom"]`, and turns LangGraph's parts
into our events:

    ("tasks", {"name": node, "input": ...})        a node starts     -> status
    ("tasks", {"name": node, "result": {...}})     a node finished   -> kept for metadata
    ("custom", "text")                             a piece of the answer, written by
                                                   agents.answering.write_answer as the LLM
                                                   produced it       -> token

Several agents run concurrently; their events are merged into one stream as they come and
every token carries its `agent`, so texts never mix. The user's message and each answer go
to the conversation log: complete; cut when it stopped part-way (the client left, the LLM
broke off, or a bound cut it: `AnswerCut`); failed when the LLM failed before any text.
"""
from __future__ import annotations

import asyncio
import copy
import logging
from typing import AsyncIterator, Awaitable, Callable, Mapping

from agents import (Agent, AgentContext, AnswerCut, AnswerLimits, AnswerNote, AnswerUsage, Step, ToolProducts,
                    choose_agents, dialogue_of, for_agents, history_for, updated, word_bounded)
from jewelstream import events
from jewelstream.agent_runs import AgentFailed, merge_runs, with_products
from jewelstream.failures import describe_failure
from jewelstream.requests import ChatRequest
from jewelstream.texts import say

log = logging.getLogger(__name__)
_STREAM_MODES = ["tasks", "custom"]
QUESTION_LATEST = 1.0      # seconds: the question is logged by then, whatever its agents do


class Orchestrator:
    def __init__(self, agents: Mapping[str, Agent], store, llm, limits: AnswerLimits,
                 shop_facts=None, *, fallback=None, watch=None, llm_slots=None, tools=None,
                 usage=None, on_usage=None) -> None:
        self.agents = agents
        self.on_usage = on_usage          # told each answer's token usage (the metrics)
        self.store = store
        self.limits = limits
        self.shop_facts = shop_facts
        # What every answer's graph gets: the LLM, the degraded mode's writer, the LLM's
        # health watch, the upstream slots, the tools and whether the endpoint takes the
        # usage report (agents.base.AgentContext).
        self.llm = llm
        self.context_parts = {"llm": llm, "fallback": fallback, "watch": watch, "llm_slots": llm_slots,
                              "tools": tools, "usage": usage}

    def read_turn(self, user_id: str) -> asyncio.Future:
        """What a turn needs from the store before its agents run, started now: the shop's
        data checked for a newer import, and the user's profile (a future of it, done when
        both are). On SQLite both go to the reader thread at once, in one trip, and are back
        by the time the request's checks and the run's start are done (started later, one
        after the other, they held each answer back by about a millisecond)."""
        fresh, profile = self.store.refresh_shop_data(), self.store.profile(user_id)
        turn = asyncio.ensure_future(_after(fresh, profile))
        turn.add_done_callback(_retrieved)        # a request refused before it reads it
        return turn

    async def choose_agents(self, user_id: str, request: ChatRequest, turn: Awaitable[dict], *,
                            staff: bool) -> list[str]:
        """The explicit task type, else the agents the conversation is about now (the
        turn's profile, `read_turn`, tells). A customer asking about the shop's sales or
        customers (and not answering a flow in progress) gets the analyst, which without
        the staff flag in its context only words a polite refusal."""
        if request.task_type:
            return [request.task_type]
        return choose_agents(for_agents(request.message), await turn, self.agents, staff=staff)

    async def stream(self, user_id: str, request: ChatRequest, names: list[str] | None, *,
                     staff: bool = False, flat_metadata: bool = False,
                     turn: Awaitable[dict] | None = None) -> AsyncIterator[dict]:
        """The events of one answer: status* token* metadata done, or error.

        `names`: the agents that answer, or None: those the conversation is about now
        (`choose_agents`, from the turn's profile). `flat_metadata` gives the consultation
        endpoint's shape (one agent's keys at the top level) instead of the orchestrator's
        `{"data": {agent: ...}}`. `turn`: the caller's `read_turn`, if it started it; the
        turn reads the profile once and hands it to the agents' graphs. (A user's answers
        come one after another: jewelstream/runs/turns.py; the caller passes no turn when
        an earlier answer may have changed the profile since it read it.)
        """
        if not flat_metadata:
            yield events.status(say("received"), stage="received")
            yield events.status(say("routing"), stage="routing")
        # The question goes to the log once an agent asks the LLM (the answer's set-up is
        # over), or its first token or its end, whichever comes first (at the latest
        # QUESTION_LATEST): the log's commit, on a thread of its own, took the interpreter
        # from the set-up (it and the run's record together held each answer back ~1.2-1.5
        # ms, docs/performance.md).
        log_question = Deferred(lambda: self.store.log_message(user_id, "user", request.message),
                                latest=QUESTION_LATEST)
        turn = turn or self.read_turn(user_id)
        names = names or await self.choose_agents(user_id, request, turn, staff=staff)
        profile = await turn
        context = AgentContext(store=self.store, limits=self.limits, staff=staff,
                               shop_facts=self.shop_facts, asked=log_question.now, **self.context_parts)
        # An English request is read in Russian (agents.language.english); the log and the
        # dialogue keep what the customer wrote.
        inputs = {"user_id": user_id, "message": for_agents(request.message),
                  "history": history_for(dialogue_of(profile), request.history)}
        # Each agent gets its own copy of the profile when several answer together.
        runs = {name: self._run(self.agents[name],
                                {**inputs, "profile": profile if len(names) == 1 else copy.deepcopy(profile)},
                                context, headline=not flat_metadata)
                for name in names}
        texts: dict[str, list[str]] = {name: [] for name in names}
        metadata: dict[str, dict] = {}
        states: dict[str, dict] = {}
        cut: dict[str, str] = {}                       # agent -> why a bound cut its answer
        failures: dict[str, Exception] = {}            # agents that failed while others answer
        degraded: set[str] = set()                     # agents that answered with their draft
        extras: dict[str, dict] = {}                   # agent -> its tools' products, its usage
        failed = False
        streaming = False
        try:
            async for item in (runs[names[0]] if len(runs) == 1 else merge_runs(runs)):
                if isinstance(item, tuple):            # (agent, final state): a run ended
                    states[item[0]] = item[1]
                    metadata[item[0]] = self.agents[item[0]].metadata(item[1])
                    continue
                if isinstance(item, AgentFailed):      # one of several agents failed
                    failures[item.agent] = item.error
                    if len(failures) == len(names):
                        raise item.error
                    continue
                if item["type"] == "cut":              # ours only: never on the wire
                    cut[item["agent"]] = item["reason"]
                    log.info("answer cut: agent=%s reason=%s", item["agent"], item["reason"])
                    continue
                if item["type"] in ("products", "usage"):   # ours: for the metadata, the log
                    extras.setdefault(item["agent"], {})[item["type"]] = item
                    if item["type"] == "usage" and self.on_usage is not None:
                        self.on_usage(item["tokens"])
                    continue
                if item["type"] == "note":             # ours: becomes a status line
                    if item["kind"] == "degraded":
                        degraded.add(item["agent"])
                    item = events.status(item["message"] or say(item["kind"]), stage=item["kind"],
                                         agent=item["agent"])
                if item["type"] == "token":
                    if not streaming:
                        # The customer's question is in the log before they see any answer
                        # to it: a crash after the first token loses nothing they gave.
                        await asyncio.shield(log_question.now())
                    texts[item["agent"]].append(item["content"])
                elif streaming:
                    # Keep the wire order status* token* when several agents run: once
                    # one agent's text flows, the others' remaining status lines are dropped.
                    continue
                streaming = item["type"] == "token" or streaming
                yield item
        except Exception as exc:                       # anything after the stream started
            failed = True
            code, message = describe_failure(exc, mid_answer=any(texts.values()))
            yield events.error(code, message, agent=names[0] if len(names) == 1 else None)
            return
        finally:
            # Runs on success, on error and when the client left (cancellation): the log
            # must still get the answer, marked "cut" unless its agent finished.
            await asyncio.shield(self._log_answers(user_id, log_question, texts, metadata, cut,
                                                   failed or bool(failures), extras))
            await asyncio.shield(self._remember(user_id, request.message, names, texts, states))
        for name in degraded & metadata.keys():
            metadata[name] = {**metadata[name], "degraded": True}
        for name in cut.keys() & metadata.keys():
            metadata[name] = {**metadata[name], "cut": cut[name]}
        for name in extras.keys() & metadata.keys():
            if "products" in extras[name]:
                metadata[name] = with_products(metadata[name], extras[name]["products"]["products"])
        if flat_metadata:
            yield events.consultation_metadata(metadata[names[0]])
        else:
            failed_agents = {name: dict(zip(("error", "message"),
                                            describe_failure(error, mid_answer=bool(texts[name]))))
                             for name, error in failures.items()}
            yield events.orchestrator_metadata(metadata, [n for n in names if n in metadata],
                                               failed=failed_agents)
        yield events.done()

    async def _run(self, agent: Agent, inputs: dict, context: AgentContext, *,
                   headline: bool) -> AsyncIterator[dict | tuple]:
        """One pass through one agent's graph: its events, then (name, final state)."""
        name = agent.name
        if headline:
            yield events.status(agent.headline, stage="agent", agent=name)
        state: dict = {}
        async for mode, part in agent.graph.astream(inputs, context=context, stream_mode=_STREAM_MODES):
            if mode == "custom":                        # never empty (write_answer)
                if isinstance(part, Step):              # a node's next step starts
                    stage = agent.statuses.get(part.name)
                    if stage:
                        yield events.status(stage[1], stage=stage[0], agent=name)
                elif isinstance(part, AnswerCut):
                    yield {"type": "cut", "agent": name, "reason": part.reason}
                elif isinstance(part, AnswerNote):
                    yield {"type": "note", "kind": part.kind, "message": part.message, "agent": name}
                elif isinstance(part, ToolProducts):
                    yield {"type": "products", "products": part.products, "agent": name}
                elif isinstance(part, AnswerUsage):
                    yield {"type": "usage", "tokens": part.tokens, "agent": name}
                else:
                    yield events.token(part, name)
            elif "input" in part:                       # a node starts
                stage = agent.statuses.get(part["name"])
                if stage:
                    yield events.status(stage[1], stage=stage[0], agent=name)
            elif isinstance(part.get("result"), dict):  # a node finished
                state.update(part["result"])
        yield (name, state)

    async def _log_answers(self, user_id, log_question, texts, metadata, cut, failed, extras) -> None:
        """The answers in the log, after the question. (The store logs and counts a row it
        cannot write; that never reaches the stream.)"""
        await log_question.now()
        for name, parts in texts.items():
            if parts or name in metadata or failed:
                state = ("complete" if name in metadata and name not in cut
                         else "cut" if parts or name in metadata else "failed")
                text = "".join(parts)
                if name in cut:              # a bound cut it: keep it to a sentence or a word
                    text = word_bounded(text, at_start=True)
                usage = extras.get(name, {}).get("usage")
                await self.store.log_message(user_id, "assistant", text, agent=name, state=state,
                                             usage=usage and usage["tokens"])

    async def _remember(self, user_id: str, message: str, names: list[str], texts: dict,
                        states: dict) -> None:
        """Update the dialogue state (agents.dialogue) after an answer: who answered, what
        each agent wants the next turn to know, the exchange itself. Only finished answers
        count; the profile's other keys are left as they are. A failure here is not the
        answer's: the customer already has it, and the next turn starts afresh."""
        if not states or getattr(self.store, "write_error", None) is not None:
            return        # nothing finished, or the disk refuses writes (its own checks tell)
        changes: dict = {"agent": next(name for name in names if name in states), "flow": None}
        for name in reversed([name for name in names if name in states]):   # the first asked wins
            remember = self.agents[name].remember
            changes.update(remember(states[name]) if remember else {})
        answers = ["".join(texts[name]) for name in states]

        def change(profile: dict) -> dict:
            return {**profile, "dialogue": updated(dialogue_of(profile), changes,
                                                   message=message, answers=answers)}
        try:
            await self.store.update_profile(user_id, change)
        except Exception:  # noqa: BLE001 - see the docstring
            pass


class Deferred:
    """A write that starts when `now()` first asks for it, or `latest` seconds from now."""

    def __init__(self, start: Callable[[], asyncio.Future], *, latest: float) -> None:
        self._start = start
        self._future: asyncio.Future | None = None
        self._timer = asyncio.get_running_loop().call_later(latest, self.now)

    def now(self) -> asyncio.Future:
        """The write's future (a future of its outcome), started if it was not yet."""
        if self._future is None:
            self._timer.cancel()
            self._future = self._start()
        return self._future


async def _after(first: Awaitable, second: Awaitable[dict]) -> dict:
    await first
    return await second


def _retrieved(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()
