"""Disconnects and upstream faults: every stream ends cleanly and the server stays healthy."""
import asyncio
import socket
from dataclasses import replace

import pytest

from jewelstream.app import create_app
from tests.kit import CONSULTATION, db_rows
from tests.sse_reader import collect, read_events, text_of

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


async def _app(aiohttp_client, settings, **changes):
    return await aiohttp_client(create_app(replace(settings, **changes)))


@pytest.mark.parametrize("fault", ["hang_mid", "hang"])
async def test_client_leaving_closes_the_llm_request_within_a_second(aiohttp_client, fake_llm, settings, fault):
    """With no resume window (JEWELSTREAM_RESUME_WINDOW=0): mid-answer (after a token) and
    before the first token alike."""
    client = await _app(aiohttp_client, settings, resume_window=0)
    fake_llm.fault = fault
    tasks_before = len(asyncio.all_tasks())
    response = await client.post(CONSULTATION.format("gone"), json=QUESTION)
    async for event in read_events(response):
        if event["type"] == "token" or event.get("stage") == "answer":
            break
    await asyncio.sleep(0.1)                    # the LLM request is open now
    assert fake_llm.in_flight == 1
    response.close()
    await asyncio.wait_for(fake_llm.client_closed.wait(), 1.0)
    await asyncio.sleep(0.2)
    assert fake_llm.in_flight == 0
    assert len(asyncio.all_tasks()) <= tasks_before      # no run, pinger or pump left behind
    # Nothing is lost: the question, and the cut answer marked as such.
    rows = db_rows(settings.db_path, "SELECT role, content, state FROM messages WHERE user_id = 'gone' ORDER BY id")
    assert rows[0] == ("user", QUESTION["message"], "complete")
    if fault == "hang_mid":
        assert rows[1] == ("assistant", fake_llm.pieces[0], "cut")
    # No task is left behind: the next request streams normally.
    fake_llm.fault = None
    assert text_of(await collect(await client.post(CONSULTATION.format("gone"), json=QUESTION))) == "".join(fake_llm.pieces)


FAULTS = [
    ("http500", {}, "upstream_error", 2),          # retried once (before any token), then error
    ("http429", {}, "upstream_busy", 2),           # a rate limit: retried once, then "busy"
    ("drop", {}, "upstream_interrupted", 1),
    ("hang", {"first_token_timeout": 0.5}, "upstream_timeout", 1),
    ("hang_mid", {"total_timeout": 0.8}, "upstream_timeout", 1),
]


@pytest.mark.parametrize("fault,changes,code,requests", FAULTS, ids=[f[0] for f in FAULTS])
async def test_upstream_fault_ends_the_stream_with_a_russian_error(aiohttp_client, settings, fake_llm,
                                                                  fault, changes, code, requests):
    """With the degraded mode off (for a failure before the first token: see
    tests/http/test_degraded.py for the mode on)."""
    client = await _app(aiohttp_client, settings, degraded_mode=False, **changes)
    fake_llm.fault = fault
    response = await client.post(CONSULTATION.format("f"), json=QUESTION)
    assert response.status == 200
    events = await asyncio.wait_for(collect(response), 10)
    last = events[-1]
    assert last["type"] == "error" and last["error"] == code
    assert any("а" <= ch <= "я" for ch in last["message"].lower())
    assert "Error" not in last["message"] and "http" not in last["message"].lower()
    assert not [e for e in events if e["type"] in ("metadata", "done")]
    assert len(fake_llm.requests) == requests
    if fault == "drop":
        assert text_of(events) == "".join(fake_llm.pieces[:fake_llm.drop_after])
    fake_llm.fault = None
    healthy = await client.get("/health")
    assert healthy.status == 200
    assert text_of(await collect(await client.post(CONSULTATION.format("f"), json=QUESTION))) == "".join(fake_llm.pieces)


async def test_unreachable_llm_endpoint(aiohttp_client, settings):
    with socket.socket() as probe:                 # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = await _app(aiohttp_client, settings, openai_base_url=f"http://127.0.0.1:{port}/v1",
                        degraded_mode=False)
    events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format("f"), json=QUESTION)), 15)
    assert events[-1]["type"] == "error" and events[-1]["error"] == "upstream_unavailable"
