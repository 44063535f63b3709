"""What real OpenAI-compatible servers do that OpenAI does not (issue 14, item 5), each
reproduced by the fake LLM over real HTTP: one request at a time, `max_completion_tokens`
ignored, `finish_reason: "length"`, an empty answer."""
import asyncio
from dataclasses import replace

from jewelstream.app import create_app
from tests.kit import CONSULTATION, ORCHESTRATOR, STAFF, db_rows
from tests.sse_reader import collect

TWO_AGENTS = {"message": "Подбери кольцо и скажи, что сейчас в моде"}


async def _app(aiohttp_client, settings, **changes):
    return await aiohttp_client(create_app(replace(settings, offline_pace=0, **changes)))


def texts(events) -> dict[str, str]:
    out: dict[str, str] = {}
    for event in events:
        if event["type"] == "token":
            out[event["agent"]] = out.get(event["agent"], "") + event["content"]
    return out


async def test_one_slot_server_two_agents_both_answer_with_the_concurrency_setting(
        aiohttp_client, settings, fake_llm):
    """Each answer takes longer than the first-token timeout; the second waits its turn in
    our queue (with a status line), and that wait does not count against the timeout."""
    fake_llm.one_at_a_time, fake_llm.delay = True, 0.06     # ~0.9 s per answer
    # The first answer's text starts after both agents reached the queue: a status line that
    # comes once text flows is dropped (the wire order is status* token*).
    fake_llm.ttft = 0.2
    client = await _app(aiohttp_client, settings, llm_concurrency=1, first_token_timeout=0.6)
    events = await asyncio.wait_for(collect(await client.post(ORCHESTRATOR.format("slot"),
                                                              json=TWO_AGENTS)), 15)
    assert events[-1]["type"] == "done"
    assert texts(events) == {"consultant": "".join(fake_llm.pieces), "trend": "".join(fake_llm.pieces)}
    assert not any(meta.get("degraded") for meta in events[-2]["data"].values())
    queued = [e for e in events if e["type"] == "status" and e["stage"] == "queued"]
    assert len(queued) == 1 and any("а" <= ch <= "я" for ch in queued[0]["message"])
    assert len(fake_llm.requests) == 2


async def test_one_slot_server_without_the_setting_one_answer_is_the_draft(aiohttp_client, settings, fake_llm):
    """Without the setting, the second request waits in the server past the first-token
    timeout: its agent answers with its grounded draft, the other agent's answer stands."""
    fake_llm.one_at_a_time, fake_llm.delay = True, 0.06
    client = await _app(aiohttp_client, settings, first_token_timeout=0.6)
    events = await asyncio.wait_for(collect(await client.post(ORCHESTRATOR.format("slot"),
                                                              json=TWO_AGENTS)), 15)
    assert events[-1]["type"] == "done"
    data = events[-2]["data"]
    assert sorted(bool(meta.get("degraded")) for meta in data.values()) == [False, True]
    assert "".join(fake_llm.pieces) in texts(events).values()


async def test_the_length_bound_is_sent_as_max_tokens_too_and_a_server_honouring_only_it_stops(
        aiohttp_client, settings, fake_llm):
    """llama.cpp's server ignores `max_completion_tokens` (a limit of 5 gave 2,017 tokens)."""
    fake_llm.honours = "max_tokens"
    fake_llm.pieces = [f"слово{i} " for i in range(50)]
    client = await _app(aiohttp_client, settings, max_answer_tokens=5)
    events = await collect(await client.post(CONSULTATION.format("mt"), json={"message": "Кольцо"}))
    body = fake_llm.requests[0]
    assert body["max_tokens"] == 5 and body["max_completion_tokens"] == 5
    assert events[-1]["type"] == "done" and events[-2]["cut"] == "length"
    assert "".join(e["content"] for e in events if e["type"] == "token") == "".join(fake_llm.pieces[:5])


async def test_openai_itself_gets_only_max_completion_tokens(settings):
    from jewelstream.llm import make_chat_model
    model = make_chat_model(replace(settings, openai_base_url="https://api.openai.com/v1"))
    assert model.extra_body is None and model.max_tokens == settings.max_answer_tokens
    await model.http_async_client.aclose()


async def test_an_answer_the_server_cut_is_marked_and_stored_to_its_last_sentence(
        aiohttp_client, settings, fake_llm):
    fake_llm.finish = "length"
    fake_llm.pieces = ["Кольцо с сапфиром ", "подойдёт к вечеру. ", "Серьги из бел"]
    client = await _app(aiohttp_client, settings)
    events = await collect(await client.post(CONSULTATION.format("len"), json={"message": "Кольцо"}))
    assert events[-1]["type"] == "done" and events[-2]["cut"] == "length"
    assert "".join(e["content"] for e in events if e["type"] == "token") == "".join(fake_llm.pieces)
    rows = db_rows(settings.db_path, "SELECT content, state FROM messages WHERE user_id = 'len' AND role = 'assistant'")
    assert rows == [("Кольцо с сапфиром подойдёт к вечеру.", "cut")]


async def test_our_character_bound_cuts_at_a_word_boundary(aiohttp_client, settings, fake_llm):
    fake_llm.pieces = ["Кольцо с сапфиром подойдёт к вечернему платью"]
    client = await _app(aiohttp_client, settings, max_answer_chars=30)
    events = await collect(await client.post(CONSULTATION.format("wb"), json={"message": "Кольцо"}))
    assert "".join(e["content"] for e in events if e["type"] == "token") == "Кольцо с сапфиром подойдёт к"
    assert events[-2]["cut"] == "length"


async def test_an_empty_answer_is_an_error(aiohttp_client, settings, fake_llm):
    fake_llm.pieces = []
    client = await _app(aiohttp_client, settings)
    events = await collect(await client.post(CONSULTATION.format("empty"), json={"message": "Кольцо"}))
    assert events[-1]["type"] == "error" and events[-1]["error"] == "upstream_error"


async def test_one_agent_failing_mid_answer_does_not_end_the_others(aiohttp_client, settings, fake_llm):
    """The trend agent's stream breaks after a few pieces; the consultant's answer completes,
    and the stream ends with metadata naming the failed agent and `done`."""
    fake_llm.fault_for = lambda body: "drop" if "ювелирной моде" in body["messages"][0]["content"] else None
    client = await _app(aiohttp_client, settings)
    events = await asyncio.wait_for(collect(await client.post(ORCHESTRATOR.format("fail1"),
                                                              json=TWO_AGENTS)), 15)
    assert events[-1]["type"] == "done"
    metadata = events[-2]
    assert metadata["completed_agents"] == ["consultant"]
    assert metadata["failed_agents"]["trend"]["error"] == "upstream_interrupted"
    assert any("а" <= ch <= "я" for ch in metadata["failed_agents"]["trend"]["message"])
    assert texts(events)["consultant"] == "".join(fake_llm.pieces)
    assert texts(events)["trend"] == "".join(fake_llm.pieces[:fake_llm.drop_after])
    rows = db_rows(settings.db_path, "SELECT agent, state FROM messages WHERE user_id = 'fail1' "
                                     "AND role = 'assistant' ORDER BY agent")
    assert rows == [("consultant", "complete"), ("trend", "cut")]


async def test_a_base_url_without_v1_logs_the_status_and_the_url(aiohttp_client, settings, fake_llm, caplog):
    base = fake_llm.base_url.removesuffix("/v1")
    client = await _app(aiohttp_client, settings, openai_base_url=base)
    with caplog.at_level("WARNING"):
        events = await collect(await client.post(CONSULTATION.format("nov1"), json={"message": "Кольцо"}))
    assert events[-2]["degraded"] is True
    assert any("status=404" in line and f"url={base}/chat/completions" in line for line in caplog.messages)
    health = (await (await client.get("/health", headers=STAFF)).json())["upstream"]
    assert health["last_error"] == {"kind": health["last_error"]["kind"], "status": 404,
                                    "url": f"{base}/chat/completions"}
