"""The trend agent: its graph on its own (offline writer), then through the orchestrator
endpoint with the fake LLM."""

from agents import trend
from agents.base import AgentContext
from jewelstream.llm import OfflineWriter
from jewelstream.store import Store
from tests.sse_reader import collect, text_of

URL = "/api/orchestrator/{}/stream"


async def run(store, message):
    context = AgentContext(store=store, llm=OfflineWriter(pace=0))
    return await trend.graph.ainvoke({"user_id": "u1", "message": message, "history": []},
                                     context=context)


async def test_overview_cites_top_and_emerging_trends(store):
    state = await run(store, "Какие сейчас модные тенденции в украшениях?")
    assert state["focus"] == []
    assert state["answer"] == trend.draft_answer(state)          # offline: the draft, as is
    meta = trend.metadata(state)
    top = meta["trends"][0]
    assert top["score"] == 1.0 and top["label"] in state["answer"]
    assert [t["score"] for t in meta["trends"]] == sorted((t["score"] for t in meta["trends"]), reverse=True)
    assert meta["trend_scores"][top["label"]] == 1.0
    assert meta["emerging_trends"] and "Набирают популярность" in state["answer"]
    for item in meta["emerging_trends"]:
        assert item["label"] in state["answer"] and item["recent"] > item["previous"]
    # Every source is a stored article, and the answer names it with its magazine.
    stored = {(a["title"], a["magazine"], a["published"]) for a in store.articles}
    assert meta["sources"]
    for source in meta["sources"]:
        assert (source["title"], source["magazine"], source["published"]) in stored
    first = meta["sources"][0]
    assert f"«{first['title']}» ({first['magazine']}," in state["answer"]


async def test_focus_on_a_named_trend(store):
    state = await run(store, "А что с жемчугом?")
    assert state["focus"] == ["pearls"]
    assert state["answer"].startswith("Жемчуг — ")
    pearls = next(r for r in state["trends"] if r["code"] == "pearls")
    assert pearls["articles"][0]["title"] in state["answer"]


async def test_stream_through_the_orchestrator(client, fake_llm, db_path):
    pieces = ["Сейчас", " в моде", " выращенные", " бриллианты", " и броши", "."]
    fake_llm.respond = lambda body: pieces
    question = "Что сейчас в тренде?"
    response = await client.post(URL.format("u1"), json={"message": question, "explicit_task_type": "trend"})
    assert response.status == 200
    events = await collect(response)
    assert text_of(events, "trend") == "".join(pieces)
    assert trend.AGENT.headline in [e["message"] for e in events if e["type"] == "status"]
    store = await Store.open(db_path)          # the same figures, computed offline
    try:
        expected = trend.metadata(await run(store, question))
    finally:
        await store.close()
    assert events[-2] == {"type": "metadata", "data": {"trend": expected}, "completed_agents": ["trend"]}
    data = expected
    assert set(data) == {"trends", "trend_scores", "emerging_trends", "sources"}
    assert data["trend_scores"] == {t["label"]: t["score"] for t in data["trends"]}
    assert events[-1]["type"] == "done"
    system = fake_llm.requests[-1]["messages"][0]["content"]
    assert "не придумывай других источников" in system and data["sources"][0]["title"] in system
    assert fake_llm.requests[-1]["messages"][-1] == {"role": "user", "content": question}
