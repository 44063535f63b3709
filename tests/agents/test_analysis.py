"""The analysis agent: its graph on its own (offline writer), then through the
orchestrator endpoint with the fake LLM, including the staff-only gate."""
from functools import partial
import json


from agents import analysis
from agents.sales import analyse_sales
from jewelstream.store import SqliteStore
from tests.kit import ORCHESTRATOR, run_graph, STAFF
from tests.sse_reader import collect, text_of


run = partial(run_graph, analysis.graph, staff=True)          # (store, message, history=(), *, user, staff)


async def test_segments_question(store):
    state = await run(store, "Покажи сегменты клиентов по RFM")
    assert state["topics"] == ["segments"]
    assert state["answer"] == analysis.draft_answer(state)        # offline: the draft, as is
    assert "Чемпионы" in state["answer"] and "Под угрозой ухода" in state["answer"]
    meta = analysis.metadata(state)
    assert set(meta) == {"total_customers", "patterns", "segments", "forecast", "figure"}
    assert meta["figure"] is None                # no single figure asked
    assert meta["total_customers"] == len(store.customers)
    assert sum(s["count"] for s in meta["segments"]) == meta["total_customers"]


async def test_forecast_and_seasonality_questions(store):
    forecast = await run(store, "Какой прогноз выручки на следующие три месяца?")
    assert forecast["topics"] == ["forecast"]
    assert "Прогноз выручки" in forecast["answer"] and "₽" in forecast["answer"]
    season = await run(store, "Есть ли сезонность продаж? Когда пик?")
    assert season["topics"] == ["seasonality"] and "декабрь" in season["answer"]


async def test_overview_when_the_question_is_general(store):
    state = await run(store, "Что скажешь о наших клиентах?")
    assert state["topics"] == []
    for part in ("Клиентов в базе", "средний чек", "Сезонность", "Прогноз выручки"):
        assert part in state["answer"]


async def test_stream_through_the_orchestrator(client, fake_llm, db_path):
    pieces = ["Чемпионов", " у нас", " немало", ", а пик", " продаж", " — декабрь", "."]
    fake_llm.respond = lambda body: pieces
    question = "Какие сегменты клиентов у нас есть?"
    response = await client.post(ORCHESTRATOR.format("staff1"), headers=STAFF,
                                 json={"message": question, "explicit_task_type": "analysis"})
    assert response.status == 200
    events = await collect(response)
    assert text_of(events, "analysis") == "".join(pieces)
    statuses = [e["message"] for e in events if e["type"] == "status"]
    assert analysis.AGENT.headline in statuses
    store = await SqliteStore.open(db_path)
    try:
        figures = analyse_sales(store.customers, store.orders, store.catalog)
    finally:
        await store.close()
    expected = json.loads(json.dumps({key: figures[key] for key in
                                      ("total_customers", "patterns", "segments", "forecast")}))
    expected["figure"] = None
    assert events[-2] == {"type": "metadata", "data": {"analysis": expected},
                          "completed_agents": ["analysis"]}
    assert events[-1]["type"] == "done"
    messages = fake_llm.requests[-1]["messages"]
    assert messages[-1] == {"role": "user", "content": question}
    assert "только эти цифры" in messages[0]["content"] and "Чемпионы" in messages[0]["content"]


async def test_analysis_needs_the_staff_token(client, fake_llm):
    body = {"message": "Сегменты клиентов", "explicit_task_type": "analysis"}
    anonymous = await client.post(ORCHESTRATOR.format("u1"), json=body)
    assert anonymous.status == 401 and (await anonymous.json())["error"] == "staff_only"
    wrong = await client.post(ORCHESTRATOR.format("u1"), json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status == 403 and (await wrong.json())["error"] == "staff_only"
    assert fake_llm.requests == []
