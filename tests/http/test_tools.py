"""Tools for the LLM (issue 14, items 1 and 2), through the fake LLM's real HTTP: tool-call
deltas split across chunks, several calls in one message, arguments split mid-string, then
text; a tool-refusing endpoint; the staff's own tool; at most three rounds."""
import asyncio
import json
from dataclasses import replace

import pytest

from jewelstream.app import create_app
from tests.kit import CONSULTATION, ORCHESTRATOR, STAFF
from tests.sse_reader import collect, read_events, text_of

QUESTION = {"message": "Что-нибудь в стиле минимализма для сестры-студентки"}


@pytest.fixture(params=[True, False], ids=["fastpath", "public-api"])
def settings(settings, request):
    """With the optional fast path (jewelstream/llm_fastpath.py) on and off."""
    return replace(settings, llm_fastpath=request.param)
SEARCH = {"name": "search_catalog",
          "arguments": json.dumps({"kind": "ring", "metals": ["silver"], "budget_max": 15000, "sort": "cheapest"})}
FACTS = {"name": "shop_facts", "arguments": json.dumps({"topic": "доставка"}, ensure_ascii=False)}


async def _app(aiohttp_client, settings, **changes):
    return await aiohttp_client(create_app(replace(settings, **changes)))


def tool_results(body: dict) -> list[dict]:
    return [json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"]


def first_round(calls):
    """Tool calls for a request that carries no tool results yet, then text."""
    return lambda body: None if tool_results(body) else calls


def answer_naming_the_first_product(body: dict) -> list[str]:
    results = tool_results(body)
    if not results:
        return ["Сейчас посмотрю."]
    name = results[0]["products"][0]["name"]
    return ["Нашла для ", "сестры: ", name[:7], name[7:], " — ", "лаконично и недорого."]


async def test_tool_calls_then_text_the_tokens_are_the_text_and_the_cards_match(aiohttp_client, settings, fake_llm):
    fake_llm.tool_calls_for = first_round([SEARCH, FACTS])
    fake_llm.respond = answer_naming_the_first_product
    client = await _app(aiohttp_client, settings)
    events = await collect(await client.post(CONSULTATION.format("t1"), json=QUESTION))
    assert events[-1]["type"] == "done"
    assert len(fake_llm.requests) == 2
    second = fake_llm.requests[1]
    # The tools ran once each, with the parsed arguments: the results are the store's facts.
    found, facts = tool_results(second)
    assert found["products"] and all(p["price"] <= 15000 and p["metal_label"] == "серебро"
                                     for p in found["products"])
    prices = [p["price"] for p in found["products"]]
    assert prices == sorted(prices)
    assert "доставк" in json.dumps(facts, ensure_ascii=False).lower()
    assistant = next(m for m in second["messages"] if m["role"] == "assistant" and m.get("tool_calls"))
    assert [c["function"]["name"] for c in assistant["tool_calls"]] == ["search_catalog", "shop_facts"]
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == json.loads(SEARCH["arguments"])
    # Only the text after the tools is tokens: exactly it, no tool JSON.
    expected = "".join(answer_naming_the_first_product(second))
    assert text_of(events) == expected
    assert not any("{" in e["content"] or "search_catalog" in e["content"] for e in events if e["type"] == "token")
    statuses = [e["message"] for e in events if e["type"] == "status" and e["stage"] == "tool"]
    assert statuses == ["Ищу в каталоге...", "Смотрю сведения о магазине..."]
    # The product the answer names is in the metadata.
    metadata = events[-2]
    named = found["products"][0]["id"]
    assert named in metadata["recommendations"]
    assert any(p["id"] == named and p["name"] in expected for p in metadata["products"])


async def test_the_common_case_is_one_call_with_the_tools_bound(client, fake_llm):
    events = await collect(await client.post(CONSULTATION.format("t2"), json=QUESTION))
    assert text_of(events) == "".join(fake_llm.pieces)
    assert len(fake_llm.requests) == 1
    names = [t["function"]["name"] for t in fake_llm.requests[0]["tools"]]
    assert names == ["search_catalog", "product_details", "shop_facts"]      # no staff tool
    assert "Черновик ответа" in fake_llm.requests[0]["messages"][0]["content"]  # the facts stay


async def test_product_details_by_article(aiohttp_client, settings, fake_llm, store):
    product = next(p for p in store.catalog if p.get("article") and p.get("sizes"))
    fake_llm.tool_calls_for = first_round([{"name": "product_details",
                                            "arguments": json.dumps({"query": product["article"]})}])
    fake_llm.respond = lambda body: ["Есть, артикул ", product["article"], "."] if tool_results(body) else ["…"]
    client = await _app(aiohttp_client, settings)
    events = await collect(await client.post(CONSULTATION.format("t3"), json={"message": "А это кольцо есть в 17 размере?"}))
    (result,) = tool_results(fake_llm.requests[1])
    assert result["products"][0]["id"] == product["id"] and result["products"][0]["sizes"] == product["sizes"]
    assert [e["message"] for e in events if e.get("stage") == "tool"] == ["Уточняю наличие..."]
    assert product["id"] in events[-2]["recommendations"]


async def test_the_search_tool_keeps_refused_stones_out_and_finds_a_ring_size(aiohttp_client, settings, fake_llm):
    fake_llm.tool_calls_for = first_round([{"name": "search_catalog", "arguments": json.dumps(
        {"kind": "ring", "excluded_stones": ["diamond"], "ring_size": 19, "limit": 8})}])
    fake_llm.respond = lambda body: ["Вот кольца."]
    client = await _app(aiohttp_client, settings)
    events = await collect(await client.post(CONSULTATION.format("t4"), json={"message": "Кольцо без бриллиантов"}))
    assert events[-1]["type"] == "done"
    (result,) = tool_results(fake_llm.requests[1])
    assert result["products"] and all("бриллиант" not in p["stones_labels"] and 19 in p["sizes"]
                                      for p in result["products"])


async def test_staff_get_the_figures_tool_and_customers_do_not(client, fake_llm):
    fake_llm.tool_calls_for = first_round([{"name": "staff_figures",
                                            "arguments": json.dumps({"question": "выручка за всё время"},
                                                                    ensure_ascii=False)}])
    fake_llm.respond = lambda body: ["Готово."]
    events = await collect(await client.post(ORCHESTRATOR.format("s1"), headers=STAFF,
                                             json={"message": "Выручка за всё время", "explicit_task_type": "analysis"}))
    assert events[-1]["type"] == "done"
    assert "staff_figures" in [t["function"]["name"] for t in fake_llm.requests[0]["tools"]]
    (figure,) = tool_results(fake_llm.requests[1])
    assert "₽" in figure["figure"]
    fake_llm.requests.clear()
    await collect(await client.post(ORCHESTRATOR.format("c1"), json={"message": "Выручка за всё время",
                                                                          "explicit_task_type": "consultant"}))
    assert "staff_figures" not in [t["function"]["name"] for t in fake_llm.requests[0]["tools"]]
    assert "error" in tool_results(fake_llm.requests[1])[0]      # asked anyway: refused


async def test_at_most_three_tool_rounds_then_an_answer_without_tools(aiohttp_client, settings, fake_llm):
    fake_llm.tool_calls_for = lambda body: [FACTS]                # it would call tools for ever
    client = await _app(aiohttp_client, settings)
    events = await collect(await client.post(CONSULTATION.format("t4"), json=QUESTION))
    assert events[-1]["type"] == "done" and text_of(events) == "".join(fake_llm.pieces)
    assert len(fake_llm.requests) == 4 and "tools" not in fake_llm.requests[3]
    assert len([e for e in events if e.get("stage") == "tool"]) == 3


async def test_auto_notices_an_endpoint_refusing_tools_and_logs_once(aiohttp_client, settings, fake_llm, caplog):
    fake_llm.refuse_tools = True
    client = await _app(aiohttp_client, settings, llm_tools="auto")
    with caplog.at_level("WARNING", logger="agents.tools"):
        for user in ("r1", "r2"):
            events = await collect(await client.post(CONSULTATION.format(user), json=QUESTION))
            assert events[-1]["type"] == "done" and text_of(events) == "".join(fake_llm.pieces)
            assert "degraded" not in events[-2]
    assert len([r for r in caplog.records if "refuses tools" in r.getMessage()]) == 1
    # The first question: refused with tools, answered without; the second: without at once.
    assert ["tools" in body for body in fake_llm.requests] == [True, False, False]


@pytest.mark.parametrize("mode", ["off", "on"])
async def test_off_never_sends_tools_and_on_always_does(aiohttp_client, settings, fake_llm, mode):
    fake_llm.refuse_tools = True
    client = await _app(aiohttp_client, settings, llm_tools=mode)
    events = await collect(await client.post(CONSULTATION.format("m"), json=QUESTION))
    assert all(("tools" in body) is (mode == "on") for body in fake_llm.requests)
    assert events[-2].get("degraded") is (True if mode == "on" else None)   # "on": a refusal is a failure


async def test_offline_mode_answers_without_tools(offline_client):
    events = await collect(await offline_client.post(CONSULTATION.format("o"), json=QUESTION))
    assert events[-1]["type"] == "done" and text_of(events)


async def test_the_text_after_a_tool_round_still_streams(client, fake_llm):
    """The gate: the fake holds the rest of its answer until our client saw the first piece."""
    fake_llm.tool_calls_for = first_round([FACTS])
    fake_llm.gate = asyncio.Event()
    response = await client.post(CONSULTATION.format("g"), json=QUESTION)
    seen = []
    async for event in read_events(response):
        seen.append(event)
        if event["type"] == "token" and not fake_llm.gate.is_set():
            assert event["content"] == fake_llm.pieces[0] and fake_llm.completed == 1   # the tool round only
            fake_llm.gate.set()
    assert fake_llm.gate.is_set() and text_of(seen) == "".join(fake_llm.pieces)
