"""What every agent shares: the one interface the orchestrator sees, the run-time context
a graph gets, and the prompt. (The answer-writing step is agents/answering.py.)

An agent is a compiled LangGraph graph plus a little description (`Agent`). Every graph
takes the same input state (`user_id`, `message`, `history`) and writes its answer in one
node with `agents.answering.write_answer`, which puts each piece of the LLM's answer on the graph's stream
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
from typing import Any, Awaitable, Callable, Mapping, NotRequired, Protocol, TypeVar, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

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
    # The customer's profile as read at the start of this turn: the orchestrator reads it
    # once for routing and the dialogue state and passes it on; a graph run without it
    # reads it from the store (`profile_of`).
    profile: NotRequired[dict]


class AgentStore(Protocol):
    """What the agents need from the store (every backend of jewelstream.store provides it)."""
    catalog: list[dict]
    articles: list[dict]
    customers: list[dict]
    orders: list[dict]
    data_version: int          # changes when an import replaced any of the four lists

    def profile(self, user_id: str) -> Awaitable[dict]: ...
    async def update_profile(self, user_id: str, change: Callable[[dict], dict]) -> dict: ...


async def profile_of(state: InputState, store: AgentStore) -> dict:
    """The turn's profile: the one the graph was given, else the store's."""
    return state["profile"] if "profile" in state else await store.profile(state["user_id"])


@dataclass(frozen=True)
class AnswerLimits:
    max_chars: int = 4000               # stop reading the LLM past this many characters
    first_token_timeout: float = 30.0
    stall_timeout: float = 20.0         # the longest silence between two pieces of text
    total_timeout: float = 120.0
    usage_wait: float = 0.0             # after the finish, how long a usage report may take


class LLMWatch(Protocol):
    """Told of each answer's outcome (the server keeps the LLM's health from it)."""

    def succeeded(self) -> None: ...
    def failed(self, error: BaseException) -> None: ...


@dataclass(frozen=True)
class AgentContext:
    """LangGraph run-time context (`runtime.context` in a node)."""
    store: AgentStore
    llm: BaseChatModel
    limits: AnswerLimits = field(default_factory=AnswerLimits)
    staff: bool = False
    shop_facts: Any = None                      # agents.shop_facts.ShopFacts (None: defaults)
    # Degraded mode: the writer of the grounded draft when the LLM fails before its first
    # token (agents.offline.OfflineWriter); None: such a failure ends the answer.
    fallback: BaseChatModel | None = None
    watch: LLMWatch | None = None
    llm_slots: asyncio.Semaphore | None = None  # concurrent upstream requests; None: no limit
    tools: Any = None                           # agents.tools.ToolBox; None: no tools
    usage: Any = None                           # agents.llm_reading.usage_reports(); None: not asked
    # Called (soon, once the node first waits) when its answer is being asked of the LLM:
    # the answer's set-up is over and its request on its way. The orchestrator's own writes
    # (the question's row) wait for it, so that they never compete with the set-up.
    asked: Callable[[], Any] | None = None


@dataclass(frozen=True)
class Step:
    """Put on the graph's stream by a node that takes more than one step: the next one
    starts (its status line, as a node's start gives its own). A step a person can see
    needs no graph step of its own, and each of those costs LangGraph about a millisecond
    of CPU per question (docs/performance.md)."""
    name: str


def step(runtime: Any, name: str) -> None:
    """Announce step `name` of the running node (see `Step`)."""
    runtime.stream_writer(Step(name))


@dataclass(frozen=True)
class Agent:
    """The orchestrator's view of one agent."""
    name: str
    graph: Any                                  # a compiled StateGraph
    headline: str                               # the status when the agent starts
    statuses: Mapping[str, tuple[str, str]]     # node or Step -> (stage, Russian status at its start)
    metadata: Callable[[dict], dict]            # final state -> this agent's metadata
    staff_only: bool = False
    # final state -> changes to the user's dialogue state (agents.dialogue); None: nothing
    # beyond who answered. The orchestrator writes them after the answer.
    remember: Callable[[dict], dict] | None = None
    # (profile, message) -> does the message read as the next step of this agent's flow in
    # progress (the questionnaire's next answer)? Routing keeps such a message with it.
    accepts: Callable[[dict, str], bool] | None = None
    title: str = ""                             # its Russian name on the page ("Консультант")


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


