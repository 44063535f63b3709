"""The trend agent: its graph on its own (offline writer), then through the orchestrator
endpoint with the fake LLM: full figures for staff, a short answer with catalog pieces on
the subject asked for customers."""
from functools import partial
import re

import pytest

from agents import trend
from agents.trend_goods import TREND_GOODS
from jewelstream.store import SqliteStore
from tests.kit import ORCHESTRATOR, run_graph, STAFF
from tests.sse_reader import collect, text_of

CARD_KEYS = {"id", "name", "type", "type_label", "metal", "metal_label", "fineness", "stones",
             "stones_labels", "price", "stock", "description"}


run = partial(run_graph, trend.graph, staff=True)          # (store, message, history=(), *, user, staff)


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
    response = await client.post(ORCHESTRATOR.format("u1"), headers=STAFF,
                                 json={"message": question, "explicit_task_type": "trend"})
    assert response.status == 200
    events = await collect(response)
    assert text_of(events, "trend") == "".join(pieces)
    assert trend.AGENT.headline in [e["message"] for e in events if e["type"] == "status"]
    store = await SqliteStore.open(db_path)          # the same figures, computed offline
    try:
        expected = trend.metadata(await run(store, question))
    finally:
        await store.close()
    assert events[-2] == {"type": "metadata", "data": {"trend": expected}, "completed_agents": ["trend"]}
    data = expected
    assert {"trends", "trend_scores", "emerging_trends", "sources", "products"} <= set(data)
    assert data["detail"] == "full"
    assert data["trend_scores"] == {t["label"]: t["score"] for t in data["trends"]}
    assert events[-1]["type"] == "done"
    system = fake_llm.requests[-1]["messages"][0]["content"]
    assert "не придумывай других источников" in system and data["sources"][0]["title"] in system
    assert fake_llm.requests[-1]["messages"][-1] == {"role": "user", "content": question}


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


@pytest.mark.parametrize("message,kind,metal,stone", [
    ("Какие серьги сейчас носят?", {"earrings"}, None, None),
    ("какие кольца в тренде", {"ring", "engagement_ring", "wedding_band"}, None, None),
    ("Серебро сейчас в моде?", None, {"silver"}, None),
    ("что модно из подвесок", {"pendant"}, None, None),
    ("А что с жемчугом?", None, None, "pearl"),
    ("Какие браслеты из золота сейчас актуальны?", {"bracelet"}, {"yellow_gold", "white_gold", "rose_gold"}, None),
])
async def test_a_customer_gets_a_short_answer_on_the_subject_with_pieces(store, message, kind, metal, stone):
    state = await run(store, message, staff=False)
    answer, meta = state["answer"], trend.metadata(state)
    assert answer == trend.draft_answer(state)
    assert 2 <= len(sentences(answer)) <= 5 and len(answer) < 700, answer
    assert "индекс" not in answer and "упоминаний" not in answer
    products = meta["products"]
    assert products and meta["recommendations"] == [p["id"] for p in products]
    by_id = {p["id"]: p for p in store.catalog}
    for card in products:
        assert CARD_KEYS <= set(card) and card["name"] in answer and card["stock"] > 0
        product = by_id[card["id"]]
        assert kind is None or product["type"] in kind
        assert metal is None or product["metal"] in metal
        assert stone is None or stone in product["stones"]
        assert TREND_GOODS[card["trend"]](product)          # it stands for the trend it is shown for
    labels = {r["code"]: r["label"] for r in state["trends"]}
    for code in state["named"]:                              # each named trend has pieces of the subject
        assert labels[code] in answer or state["focus"]
    assert meta["detail"] == "brief"


async def test_staff_get_the_full_figures_on_the_subject(store):
    state = await run(store, "Какие серьги сейчас носят?", staff=True)
    answer = state["answer"]
    assert "индекс" in answer and "упоминаний" in answer and len(answer) > 700
    by_code = {r["code"]: r for r in state["trends"]}
    for code in state["named"]:
        assert by_code[code]["label"] in answer
    assert state["pieces"] and all(p["name"] in answer for p in state["pieces"])
    assert all(p["type"] == "earrings" for p in state["pieces"])


async def test_a_trend_no_piece_stands_for_shows_none(store):
    state = await run(store, "Асимметричные серьги в моде?", staff=False)
    assert state["focus"] == ["mismatched_earrings"]
    assert all(p["trend"] != "mismatched_earrings" for p in state["pieces"])


async def test_customer_over_http_gets_cards_and_staff_get_figures(offline_client):
    question = {"message": "Какие серьги сейчас носят?"}
    customer = await collect(await offline_client.post(ORCHESTRATOR.format("c1"), json=question))
    meta = customer[-2]["data"]["trend"]
    text = text_of(customer, "trend")
    assert meta["products"] and all(p["type"] == "earrings" for p in meta["products"])
    assert len(sentences(text)) <= 5 and "индекс" not in text
    staff = await collect(await offline_client.post(ORCHESTRATOR.format("s1"), json=question, headers=STAFF))
    assert "индекс" in text_of(staff, "trend") and staff[-2]["data"]["trend"]["detail"] == "full"
