"""Token usage (issue 14, item 4): asked of the endpoint (`stream_options.include_usage`),
stored per answer in the conversation log, totals per day and agent for staff."""
import json
import time
from dataclasses import replace

from jewelstream.app import create_app
from tests.kit import CONSULTATION, ORCHESTRATOR, STAFF, db_rows
from tests.sse_reader import collect, text_of

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


def prompt_tokens(body: dict) -> int:            # what the fake LLM reports (tests/fake_llm.py)
    return sum(len(str(m.get("content") or "")) for m in body["messages"]) // 4


def logged(settings, user: str) -> list[tuple]:
    return db_rows(settings.db_path, "SELECT agent, prompt_tokens, completion_tokens FROM messages "
                                     "WHERE user_id = ? AND role = 'assistant' ORDER BY id", user)


async def test_usage_is_asked_for_and_stored_with_the_answer(client, fake_llm, settings):
    events = await collect(await client.post(CONSULTATION.format("u1"), json=QUESTION))
    assert text_of(events) == "".join(fake_llm.pieces) and events[-1]["type"] == "done"
    (body,) = fake_llm.requests
    assert body["stream_options"] == {"include_usage": True}
    assert logged(settings, "u1") == [("consultant", prompt_tokens(body), len(fake_llm.pieces))]


async def test_usage_of_tool_rounds_is_summed(client, fake_llm, settings):
    call = {"name": "shop_facts", "arguments": json.dumps({"topic": "доставка"}, ensure_ascii=False)}
    fake_llm.tool_calls_for = lambda body: None if any(m["role"] == "tool" for m in body["messages"]) else [call]
    await collect(await client.post(CONSULTATION.format("u2"), json=QUESTION))
    first, second = fake_llm.requests
    completion = -(-len(call["arguments"]) // fake_llm.tool_piece) + len(fake_llm.pieces)   # bits, then pieces
    assert logged(settings, "u2") == [("consultant", prompt_tokens(first) + prompt_tokens(second), completion)]


async def test_without_the_setting_nothing_is_asked_and_nothing_stored(aiohttp_client, settings, fake_llm):
    client = await aiohttp_client(create_app(replace(settings, llm_usage=False)))
    await collect(await client.post(CONSULTATION.format("u3"), json=QUESTION))
    assert "stream_options" not in fake_llm.requests[0]
    assert logged(settings, "u3") == [("consultant", None, None)]


async def test_staff_see_totals_per_day_and_agent(client, fake_llm):
    await collect(await client.post(CONSULTATION.format("s1"), json=QUESTION))
    await collect(await client.post(ORCHESTRATOR.format("s2"), json={"message": "Подбери кольцо и скажи, что сейчас в моде"}))
    report = await (await client.get("/api/staff/usage?days=7", headers=STAFF)).json()
    today = time.strftime("%Y-%m-%d", time.gmtime())
    rows = {(row["day"], row["agent"]): row for row in report["by_day"]}
    consultant, trend = rows[(today, "consultant")], rows[(today, "trend")]
    assert consultant["answers"] == consultant["reported"] == 2 and trend["answers"] == 1
    assert consultant["completion_tokens"] == 2 * len(fake_llm.pieces)
    assert consultant["prompt_tokens"] > 0 and trend["prompt_tokens"] > 0
    assert report["by_agent"]["consultant"]["completion_tokens"] == 2 * len(fake_llm.pieces)
    assert report["days"] == 7


async def test_usage_is_staff_only_and_checks_its_input(client):
    anonymous = await client.get("/api/staff/usage")
    assert anonymous.status == 401 and (await anonymous.json())["error"] == "staff_only"
    wrong = await client.get("/api/staff/usage", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 403 and any("а" <= ch <= "я" for ch in (await wrong.json())["message"])
    for days in ("0", "400", "x", "²"):          # "²" passes str.isdigit, not int()
        bad = await client.get(f"/api/staff/usage?days={days}", headers=STAFF)
        assert bad.status == 400 and (await bad.json())["error"] == "invalid_days"


async def test_an_endpoint_that_refuses_the_usage_report_is_asked_without_it(client, fake_llm, settings, caplog):
    """Some servers answer 400 to `stream_options`: the answer is asked again without it,
    and every later one goes without it at once (one log line says so)."""
    fake_llm.refuse_usage = True
    for user in ("r1", "r2"):
        events = await collect(await client.post(CONSULTATION.format(user), json=QUESTION))
        assert text_of(events) == "".join(fake_llm.pieces) and events[-1]["type"] == "done"
    assert ["stream_options" in body for body in fake_llm.requests] == [True, False, False]
    assert logged(settings, "r1") == [("consultant", None, None)]
    assert len([r for r in caplog.records if "stream_options" in r.getMessage()]) == 1
