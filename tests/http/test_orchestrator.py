"""POST/GET /api/orchestrator/{user_id}/stream: routing, several agents at once, every agent."""
import asyncio

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.graph import END, START, StateGraph

from agents.answering import write_answer
from agents.base import Agent, AgentContext, AnswerLimits, InputState
from jewelstream.llm import make_chat_model
from jewelstream.orchestrator import Orchestrator
from jewelstream.requests import ChatRequest
from jewelstream import keys
from tests.kit import CONSULTATION, ORCHESTRATOR, STAFF
from tests.sse_reader import collect, read_events, text_of

# Which agent a request to the fake LLM comes from, by the opening of its system prompt.
PROMPT_OPENINGS = {"консультант": "consultant", "эксперт по ювелирной моде": "trend",
                   "лучшая подруга": "girlfriend", "аналитик": "analysis", "анкету": "taste"}


def agent_of(body: dict) -> str:
    system = body["messages"][0]["content"]
    return next(agent for opening, agent in PROMPT_OPENINGS.items() if opening in system)


def answer_for(agent: str) -> list[str]:
    return [f"<{agent}>", " ответ", f" агента {agent}", " по", "-русски", "."]


async def test_two_agents_stream_concurrently_and_never_mix(client, fake_llm):
    fake_llm.respond = lambda body: answer_for(agent_of(body))
    fake_llm.gate = asyncio.Event()      # each LLM call sends one piece, then waits
    response = await client.post(ORCHESTRATOR.format("pair"), json={"message": "Подбери кольцо и скажи, что сейчас в моде"})
    events, first_token_from = [], set()
    async for event in read_events(response):
        events.append(event)
        if event["type"] == "token":
            first_token_from.add(event["agent"])
            # Released only when BOTH agents have streamed: a sequential run would hang here.
            if first_token_from == {"consultant", "trend"}:
                fake_llm.gate.set()
    assert fake_llm.gate.is_set()
    for agent in ("consultant", "trend"):
        assert text_of(events, agent) == "".join(answer_for(agent))
    metadata = next(e for e in events if e["type"] == "metadata")
    assert sorted(metadata["completed_agents"]) == ["consultant", "trend"]
    assert {"recommendations", "products", "extracted_preferences"} <= metadata["data"]["consultant"].keys()
    assert {"trends", "trend_scores", "emerging_trends"} <= metadata["data"]["trend"].keys()
    assert events[-1] == {"type": "done", "message": "Готово"}


async def test_status_lines_follow_the_brief(client):
    events = await collect(await client.post(ORCHESTRATOR.format("st"), json={
        "message": "Какие украшения сейчас в моде?", "explicit_task_type": "trend"}))
    statuses = [e["message"] for e in events if e["type"] == "status"]
    assert statuses[:3] == ["Обрабатываю запрос...", "Анализирую ваш запрос...", "Анализирую модные тенденции..."]
    order = [e["type"] for e in events]
    assert order.index("token") > max(i for i, t in enumerate(order) if t == "status")


ROUTED = [("Что сейчас модно в ювелирке?", "trend"), ("Подбери серьги маме до 20 тысяч", "consultant"),
          ("Мне сегодня грустно, поддержи меня", "girlfriend"), ("Хочу пройти анкету вкуса", "taste")]


@pytest.mark.parametrize("message,agent", ROUTED)
async def test_automatic_routing_through_the_endpoint(client, message, agent):
    events = await collect(await client.post(ORCHESTRATOR.format("auto"), json={"message": message}))
    metadata = next(e for e in events if e["type"] == "metadata")
    assert metadata["completed_agents"][0] == agent


@pytest.mark.parametrize("agent,message,keys", [
    ("consultant", "Помолвочное кольцо из белого золота до 150 тысяч", {"recommendations", "products", "extracted_preferences"}),
    ("girlfriend", "Я родилась 3 апреля, что мне надеть на свидание?", {"zodiac_sign"}),
    ("analysis", "Какие у нас сегменты клиентов и прогноз на три месяца?", {"total_customers", "patterns", "segments"}),
    ("trend", "Что сейчас в моде?", {"trends", "trend_scores", "emerging_trends"}),
    ("taste", "Давайте пройдём анкету", {"current_question_index", "is_complete", "profile"}),
])
async def test_every_agent_answers_offline_in_russian(offline_client, agent, message, keys):
    response = await offline_client.post(ORCHESTRATOR.format(f"off-{agent}"), headers=STAFF,
                                         json={"message": message, "explicit_task_type": agent})
    events = await collect(response)
    assert events[-1]["type"] == "done", events[-1]
    text = text_of(events, agent)
    cyrillic = sum("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in text)
    assert len(text) > 80 and cyrillic > len(text) / 2
    assert len([e for e in events if e["type"] == "token"]) > 10
    metadata = next(e for e in events if e["type"] == "metadata")
    assert keys <= metadata["data"][agent].keys()
    if agent == "girlfriend":
        assert metadata["data"][agent]["zodiac_sign"] == "Овен" and "Овен" in text


async def test_get_twin_with_explicit_task_type(client, fake_llm):
    response = await client.get(ORCHESTRATOR.format("get"), params={"message": "Что в моде?", "explicit_task_type": "trend"})
    events = await collect(response)
    assert text_of(events, "trend") == "".join(fake_llm.pieces)
    assert next(e for e in events if e["type"] == "metadata")["completed_agents"] == ["trend"]


async def test_wire_order_holds_with_two_agents(client, fake_llm):
    fake_llm.respond = lambda body: answer_for(agent_of(body))
    events = await collect(await client.post(ORCHESTRATOR.format("order"), json={
        "message": "Подбери кольцо и расскажи, что сейчас в моде"}))
    kinds = [e["type"] for e in events]
    first_token = kinds.index("token")
    assert "status" not in kinds[first_token:]
    assert kinds[-2:] == ["metadata", "done"]


async def test_only_the_answer_step_becomes_tokens(fake_llm, settings, store):
    """An LLM call a graph makes for anything else (here: a side question streamed in an
    earlier node) never reaches the client: only what write_answer reads is a token."""
    fake_llm.respond = lambda body: (["по", "бочный"] if "побочный" in body["messages"][0]["content"]
                                     else ["от", "вет"])

    class State(InputState, total=False):
        aside: str

    async def think(state, runtime):
        pieces = [c.content async for c in runtime.context.llm.astream([SystemMessage("побочный"), HumanMessage("?")])]
        return {"aside": "".join(pieces)}

    async def respond(state, runtime):
        await write_answer(runtime, [SystemMessage("основной"), HumanMessage(state["message"])])
        return {}

    builder = StateGraph(State, context_schema=AgentContext, input_schema=InputState)
    builder.add_node("think", think)
    builder.add_node("respond", respond)
    builder.add_edge(START, "think")
    builder.add_edge("think", "respond")
    builder.add_edge("respond", END)
    agent = Agent(name="probe", graph=builder.compile(), headline="…", statuses={},
                  metadata=lambda state: {"aside": state.get("aside")})
    llm = make_chat_model(settings)
    orchestrator = Orchestrator({"probe": agent}, store, llm, AnswerLimits())
    events = [e async for e in orchestrator.stream("u-probe", ChatRequest("Привет", []), ["probe"])]

    assert "".join(e["content"] for e in events if e["type"] == "token") == "ответ"
    assert events[-2]["data"]["probe"] == {"aside": "побочный"}       # the side call did run
    assert len(fake_llm.requests) == 2


@pytest.mark.parametrize("path, body", [
    (CONSULTATION, {"message": "Ищу серебряные серьги до 20000 рублей"}),
    (ORCHESTRATOR, {"message": "Ищу серебряные серьги до 20000 рублей"}),
    (ORCHESTRATOR, {"message": "Расскажи про мой знак зодиака", "task_type": "girlfriend"}),
    (ORCHESTRATOR, {"message": "Я ищу кольцо. Какие сейчас тренды?"}),
])
async def test_a_turn_reads_the_profile_once(client, path, body):
    """Routing, the dialogue state and every agent's graph share one read of the profile
    (each read is a trip to the database; the consultant's turn made two)."""
    store = client.server.app[keys.STORE]
    reads = []
    read = store.profile

    async def counted(user_id):
        reads.append(user_id)
        return await read(user_id)

    store.profile = counted
    events = await collect(await client.post(path.format("once"), json=body))
    assert events[-1]["type"] == "done"
    assert reads == ["once"]
