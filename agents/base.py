"""What every agent shares: the one interface the orchestrator sees, the run-time context
a graph gets, and the answer-writing step.

An agent is a compiled LangGraph graph plus a little description (`Agent`). Every graph
takes the same input state (`user_id`, `message`, `history`) and writes its answer in one
node with `write_answer`, which puts each piece of the LLM's answer on the graph's stream
(LangGraph's `custom` stream mode) as it arrives; the orchestrator sends those pieces as
tokens, a status line when each node starts, and reads the metadata from the final state.

Dependencies reach the nodes through LangGraph's run-time context (`AgentContext`), not
through globals, so a graph is compiled once and serves every request.
"""
from __future__ import annotations

import asyncio
import re
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, TypedDict, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime

# The offline writer streams what follows this heading in the system prompt; a real LLM
# reads the same draft as a grounded starting point.
DRAFT_HEADING = "Черновик ответа (факты верны, перепиши своими словами):"
HISTORY_TURNS = 12           # earlier messages the LLM sees


_T = TypeVar("_T")


def per_store(fn: Callable[[Any], _T]) -> Callable[[Any], _T]:
    """Memoize `fn(store)`, a pure function of the store's read-mostly data (catalog,
    articles, customers, orders), so figures like trend scores or RFM segments are computed
    once per version of that data (`store.data_version`, bumped by an import), not on every
    request. The memo lives as long as the store does. The result is shared: callers read
    it, never change it."""
    memo: "weakref.WeakKeyDictionary[Any, tuple[Any, _T]]" = weakref.WeakKeyDictionary()

    def cached(store: Any) -> _T:
        version = getattr(store, "data_version", None)
        if store not in memo or memo[store][0] != version:
            memo[store] = (version, fn(store))
        return memo[store][1]

    cached.__doc__, cached.__wrapped__ = fn.__doc__, fn
    return cached


class InputState(TypedDict):
    user_id: str
    message: str
    history: list[dict]      # [{"role": "user"|"assistant", "content": str}], oldest first


class AgentStore(Protocol):
    """What the agents need from the store (every backend of jewelstream.store provides it)."""
    catalog: list[dict]
    articles: list[dict]
    customers: list[dict]
    orders: list[dict]
    data_version: int          # changes when an import replaced any of the four lists

    async def profile(self, user_id: str) -> dict: ...
    async def update_profile(self, user_id: str, change: Callable[[dict], dict]) -> dict: ...


@dataclass(frozen=True)
class AnswerLimits:
    max_chars: int = 4000               # stop reading the LLM past this many characters
    first_token_timeout: float = 30.0
    stall_timeout: float = 20.0         # the longest silence between two pieces of text
    total_timeout: float = 120.0


@dataclass(frozen=True)
class AgentContext:
    """LangGraph run-time context (`runtime.context` in a node)."""
    store: AgentStore
    llm: BaseChatModel
    limits: AnswerLimits = field(default_factory=AnswerLimits)
    staff: bool = False
    shop_facts: Any = None                      # agents.shop_facts.ShopFacts (None: defaults)


@dataclass(frozen=True)
class Agent:
    """The orchestrator's view of one agent."""
    name: str
    graph: Any                                  # a compiled StateGraph
    headline: str                               # the status when the agent starts
    statuses: Mapping[str, tuple[str, str]]     # node -> (stage, Russian status at its start)
    metadata: Callable[[dict], dict]            # final state -> this agent's metadata
    staff_only: bool = False
    # final state -> changes to the user's dialogue state (agents.dialogue); None: nothing
    # beyond who answered. The orchestrator writes them after the answer.
    remember: Callable[[dict], dict] | None = None
    # (profile, message) -> does the message read as the next step of this agent's flow in
    # progress (the questionnaire's next answer)? Routing keeps such a message with it.
    accepts: Callable[[dict, str], bool] | None = None
    title: str = ""                             # its Russian name on the page ("Консультант")


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
class AnswerCut:
    """Put on the graph's stream after the text when the answer stopped before the LLM
    ended it on its own: our character bound or the LLM's token limit (`reason="length"`),
    or its content filter. The answer still ends normally; the log marks it cut."""
    reason: str


_GREETING = re.compile(r"^\s*(?:привет|здравствуй\w*|добр\w+ (?:день|вечер|утро|ночи))\s*[!,.]*\s*",
                       re.IGNORECASE)
ONGOING = "Разговор уже идёт: не здоровайся снова, продолжай его."


def chat_messages(system: str, draft: str, history: list[dict], message: str) -> list[BaseMessage]:
    """The prompt: our instructions, facts and draft as the system message; the user's own
    words only ever as user messages, never spliced into the system prompt.

    Greetings belong to the start of a conversation only: once there is a history (the
    client's, or the server's own, see agents.dialogue), a greeting at the start of the
    draft is dropped and the LLM is told not to greet again."""
    if history:
        draft = _GREETING.sub("", draft, count=1)
        draft = draft[:1].upper() + draft[1:]
        system = f"{system}\n{ONGOING}"
    past = [HumanMessage(item["content"]) if item["role"] == "user" else AIMessage(item["content"])
            for item in history[-HISTORY_TURNS:]]
    return [SystemMessage(f"{system}\n\n{DRAFT_HEADING}\n{draft}"), *past, HumanMessage(message)]


def text_of(chunk: BaseMessage) -> str:
    """A chunk's text: its own `content` string when it is one (it always is for chat
    completions). `chunk.text` would build a copy on every call, and each token of every
    open answer would then be held three times instead of once."""
    return chunk.content if isinstance(chunk.content, str) else chunk.text


async def write_answer(runtime: Runtime[AgentContext], messages: list[BaseMessage]) -> str:
    """Stream the answer from the LLM onto the graph's stream, and return its text.

    Called in the node that answers. Each piece of text is written to LangGraph's stream
    (`custom` mode) the moment langchain-openai yields it, so it leaves for the client as
    the LLM produces it, and it is the same text we collect here, never produced twice.
    Only what this function writes becomes a token: an LLM call made for anything else
    (extraction, routing) can never leak into the answer.

    What bounds the answer, all with one timer per answer (rescheduled at each piece, a
    timer handle rather than a task per token):
    - the first-token timeout, then at most `stall_timeout` between two pieces and
      `total_timeout` in all (AnswerTimeout);
    - the character bound, which servers that ignore `max_completion_tokens` honour too,
      and which cuts inside a piece (one chunk may carry megabytes): an AnswerCut follows
      the text; leaving the loop closes the upstream request;
    - the LLM's `finish_reason` ends the answer at once: a server that never sends
      `[DONE]` does not hold it. A stream that ends without one was cut off, and one with
      no text at all is no answer (AnswerBroken).

    Why not LangGraph's `messages` mode, which finds the chunks through LangChain's
    callbacks: it costs a callback handler on every node and every chunk (in the 200-stream
    benchmark, about 0.35 ms per request, a seventh of the server's work before the first
    token), and it needs a filter on the node name to keep other LLM calls out.
    """
    ctx, emit = runtime.context, runtime.stream_writer
    limits = ctx.limits
    loop = asyncio.get_running_loop()
    last_moment = loop.time() + limits.total_timeout
    parts: list[str] = []
    room = limits.max_chars
    finish = None
    stage = "first_token"                         # what the running deadline stands for
    stream = ctx.llm.astream(messages)
    try:
        async with asyncio.timeout(limits.first_token_timeout) as deadline:
            async for chunk in stream:
                text = text_of(chunk)
                if text:
                    if len(text) > room:
                        text, finish = text[:room], "length"
                    if text:
                        emit(text)
                        parts.append(text)
                        room -= len(text)
                        stall_until = loop.time() + limits.stall_timeout
                        stage = "stall" if stall_until < last_moment else "total"
                        deadline.reschedule(min(stall_until, last_moment))
                        if len(parts) == 1:
                            # Let the first token reach the client before we parse the rest
                            # of a burst the server may have sent in one read: no await below
                            # waits when the bytes are already here, and LangGraph's stream
                            # needs a few turns of the event loop to carry a piece out (1 ms
                            # covers them, once per answer).
                            await asyncio.sleep(0.001)
                finish = finish or chunk.response_metadata.get("finish_reason")
                if finish:
                    break
    except TimeoutError:
        raise AnswerTimeout(stage) from None
    finally:
        await stream.aclose()
    if finish is None:
        raise AnswerBroken("interrupted")
    if not parts:
        raise AnswerBroken("empty")
    if finish != "stop":
        emit(AnswerCut(finish))
    return "".join(parts)
