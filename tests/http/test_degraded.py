"""Degraded mode (issue 14, item 3): when the LLM fails before its first token, the agent's
grounded draft streams instead, through the same path, with a Russian status line and
`"degraded": true`; a failure after the first token still ends with `error`; `/health`
tells the LLM's state."""
import asyncio
from dataclasses import replace

import pytest

from jewelstream.app import create_app
from tests.kit import CONSULTATION, ORCHESTRATOR, STAFF, db_rows
from tests.live import free_port
from tests.sse_reader import collect, text_of

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


async def _app(aiohttp_client, settings, **changes):
    return await aiohttp_client(create_app(replace(settings, offline_pace=0, **changes)))


FAULTS = {                      # fault of the fake LLM -> settings that make it quick
    "http500": {}, "http429": {}, "busy": {}, "hang": {"first_token_timeout": 0.5},
    "done_no_finish_before_text": {}, "unreachable": {},
}


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_failure_before_the_first_token_streams_the_grounded_draft(aiohttp_client, settings,
                                                                          fake_llm, fault):
    if fault == "unreachable":
        settings = replace(settings, openai_base_url=f"http://127.0.0.1:{free_port()}/v1")
    elif fault == "done_no_finish_before_text":
        fake_llm.fault, fake_llm.pieces = "done_no_finish", []
    else:
        fake_llm.fault = fault
    client = await _app(aiohttp_client, settings, **FAULTS[fault])
    events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format("d"), json=QUESTION)), 15)
    assert [e["type"] for e in events][-2:] == ["metadata", "done"]
    notice = [e for e in events if e["type"] == "status" and e["stage"] == "degraded"]
    assert len(notice) == 1 and "упрощённом" in notice[0]["message"]
    assert "http" not in notice[0]["message"].lower()
    metadata = events[-2]
    assert metadata["degraded"] is True and metadata["products"]
    text = text_of(events)
    # The draft names the products found, with their prices: the cards match the text.
    for product in metadata["products"]:
        assert product["name"] in text
    assert all(product["type"] == "engagement_ring" and product["price"] <= 100000
               for product in metadata["products"])
    rows = db_rows(settings.db_path, "SELECT content, state FROM messages "
                                     "WHERE user_id = 'd' AND role = 'assistant'")
    assert rows == [(text, "complete")]


async def test_a_failure_after_the_first_token_still_ends_with_an_error(client, fake_llm):
    fake_llm.fault = "drop"
    events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format("m"), json=QUESTION)), 10)
    assert events[-1]["type"] == "error" and events[-1]["error"] == "upstream_interrupted"
    assert not [e for e in events if e["type"] == "status" and e["stage"] == "degraded"]
    assert text_of(events) == "".join(fake_llm.pieces[:fake_llm.drop_after])


async def test_an_answer_of_the_llm_is_not_marked_degraded(client, fake_llm):
    events = await collect(await client.post(CONSULTATION.format("ok"), json=QUESTION))
    assert text_of(events) == "".join(fake_llm.pieces)
    assert "degraded" not in events[-2]


async def test_two_agents_one_degraded_both_answer(aiohttp_client, settings, fake_llm):
    """The trend agent's LLM call fails, the consultant's does not: both answers arrive."""
    client = await _app(aiohttp_client, settings)
    fake_llm.fault_for = lambda body: "http500" if "ювелирной моде" in body["messages"][0]["content"] else None
    events = await asyncio.wait_for(collect(await client.post(
        ORCHESTRATOR.format("two"), json={"message": "Подбери кольцо и скажи, что сейчас в моде"})), 15)
    assert events[-1]["type"] == "done"
    data = events[-2]["data"]
    assert set(events[-2]["completed_agents"]) == {"consultant", "trend"}
    degraded = {name for name, meta in data.items() if meta.get("degraded")}
    assert len(degraded) == 1
    (other,) = {"consultant", "trend"} - degraded
    assert "".join(e["content"] for e in events if e["type"] == "token" and e["agent"] == other) \
        == "".join(fake_llm.pieces)


async def test_health_reports_the_llm_state(client, fake_llm):
    fresh = (await (await client.get("/health", headers=STAFF)).json())["upstream"]
    assert fresh["state"] == "unknown" and fresh["failures_in_a_row"] == 0
    fake_llm.fault = "http500"
    for _ in range(2):
        await collect(await client.post(CONSULTATION.format("h"), json=QUESTION))
    failing = (await (await client.get("/health", headers=STAFF)).json())["upstream"]
    assert failing["state"] == "failing" and failing["failures_in_a_row"] == 2
    assert failing["last_failure"] and failing["last_success"] is None
    assert failing["last_error"]["status"] == 500
    assert failing["last_error"]["url"] == fake_llm.base_url + "/chat/completions"
    fake_llm.fault = None
    await collect(await client.post(CONSULTATION.format("h"), json=QUESTION))
    healed = (await (await client.get("/health", headers=STAFF)).json())["upstream"]
    assert healed["state"] == "ok" and healed["failures_in_a_row"] == 0 and healed["last_success"]
    assert healed["last_error"]["status"] == 500          # the last error stays visible


async def test_health_says_whether_the_endpoint_lists_the_model(aiohttp_client, settings, fake_llm):
    client = await _app(aiohttp_client, settings)
    models = (await (await client.get("/health", headers=STAFF)).json())["upstream"]["models"]
    assert models == {"reachable": True, "listed": ["fake-model"], "has_model": True}
    wrong = await _app(aiohttp_client, settings, openai_base_url=fake_llm.base_url.removesuffix("/v1"),
                       model="other")
    models = (await (await wrong.get("/health", headers=STAFF)).json())["upstream"]["models"]
    assert models["reachable"] is False and models["error"]["status"] == 404
    assert models["error"]["url"] == fake_llm.base_url.removesuffix("/v1") + "/models"


async def test_an_llm_url_with_credentials_works_and_health_never_shows_them(aiohttp_client, settings, fake_llm):
    """A base URL with a user and password (a proxy's basic auth) is asked (the fast path's
    aiohttp refused such a URL beside the SDK's Authorization header: every answer was
    degraded); /health shows it to staff without them, also in the last error's URL."""
    secret_url = fake_llm.base_url.replace("http://", "http://shop:s3cret@")
    client = await _app(aiohttp_client, settings, openai_base_url=secret_url)
    events = await collect(await client.post(CONSULTATION.format("h"), json=QUESTION))
    assert text_of(events) == "".join(fake_llm.pieces) and events[-1]["type"] == "done"
    fake_llm.fault = "http500"
    await collect(await client.post(CONSULTATION.format("h"), json=QUESTION))
    health = await (await client.get("/health", headers=STAFF)).text()
    assert "s3cret" not in health and "shop:" not in health
    upstream = (await (await client.get("/health", headers=STAFF)).json())["upstream"]
    assert upstream["base_url"] == fake_llm.base_url
    assert upstream["last_error"]["url"] == fake_llm.base_url + "/chat/completions"


async def test_offline_mode_has_no_upstream_state(offline_client):
    assert (await (await offline_client.get("/health", headers=STAFF)).json())["upstream"] is None


async def test_metrics_count_degraded_answers(client, fake_llm):
    from prometheus_client.parser import text_string_to_metric_families

    await collect(await client.post(CONSULTATION.format("mx"), json=QUESTION))
    fake_llm.fault = "http500"
    await collect(await client.post(CONSULTATION.format("mx"), json=QUESTION))
    text = await (await client.get("/metrics", headers=STAFF)).text()
    found = {(s.name, tuple(sorted(s.labels.items()))): s.value
             for family in text_string_to_metric_families(text) for s in family.samples}
    endpoint = (("endpoint", "/api/consultation/{user_id}/stream"),)
    assert found[("jewelstream_answers_total", (*endpoint, ("outcome", "done")))] == 1
    assert found[("jewelstream_answers_total", (*endpoint, ("outcome", "degraded")))] == 1
