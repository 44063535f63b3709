"""How an answer ends when the LLM misbehaves (issue 10, items 3, 4 and 11): the length
bound cuts inside a chunk, a stall between pieces ends the answer, a finish_reason ends it
at once, a stream that ends without one was cut off, an answer with no text is an error,
a long Retry-After fails fast, a redirect is not followed. The log says what happened."""
import asyncio
import time
from dataclasses import replace

import pytest

from jewelstream.app import create_app
from tests.fake_llm import FakeLLM
from tests.kit import CONSULTATION, db_rows
from tests.sse_reader import collect, read_events, text_of

@pytest.fixture(params=[True, False], ids=["fastpath", "public-api"])
def settings(settings, request):
    """Every test here runs with the optional fast path (jewelstream/llm_fastpath.py) on
    and off: the answers must be the same."""
    return replace(settings, llm_fastpath=request.param)
QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


async def _app(aiohttp_client, settings, **changes):
    return await aiohttp_client(create_app(replace(settings, **changes)))


def answers(settings, user_id: str) -> list[tuple]:
    return db_rows(settings.db_path, "SELECT content, state FROM messages "
                                     "WHERE user_id = ? AND role = 'assistant' ORDER BY id", user_id)


def is_russian(text: str) -> bool:
    return any("а" <= ch <= "я" for ch in text.lower())


async def test_the_length_bound_cuts_inside_one_huge_chunk(aiohttp_client, settings, fake_llm):
    client = await _app(aiohttp_client, settings, max_answer_chars=4000)
    fake_llm.pieces = ["ж" * 2_000_000]
    events = await collect(await client.post(CONSULTATION.format("big"), json=QUESTION))
    assert events[-1]["type"] == "done"
    assert text_of(events) == "ж" * 4000
    assert answers(settings, "big") == [("ж" * 4000, "cut")]


async def test_a_stall_after_five_tokens_ends_the_answer_within_the_stall_timeout(
        aiohttp_client, settings, fake_llm):
    client = await _app(aiohttp_client, settings, stall_timeout=0.5)
    fake_llm.fault, fake_llm.stall_after = "stall", 5
    response = await client.post(CONSULTATION.format("stall"), json=QUESTION)
    tokens, fifth_at, last = 0, None, None
    async for event in read_events(response):
        if event["type"] == "token":
            tokens += 1
            fifth_at = time.monotonic() if tokens == 5 else fifth_at
        last = event
    assert tokens == 5
    assert last["type"] == "error" and last["error"] == "upstream_stalled" and is_russian(last["message"])
    assert time.monotonic() - fifth_at < 0.5 + 1
    await asyncio.wait_for(fake_llm.client_closed.wait(), 2)     # the LLM request is closed
    assert answers(settings, "stall") == [("".join(fake_llm.pieces[:5]), "cut")]


async def test_a_finish_reason_ends_the_answer_without_waiting_for_done(client, fake_llm, settings):
    fake_llm.fault = "finish_no_done"
    events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format("fin"), json=QUESTION)), 5)
    assert events[-1]["type"] == "done" and text_of(events) == "".join(fake_llm.pieces)
    assert answers(settings, "fin") == [("".join(fake_llm.pieces), "complete")]
    await asyncio.wait_for(fake_llm.client_closed.wait(), 2)


async def test_a_stream_without_a_finish_reason_is_interrupted_not_complete(client, fake_llm, settings):
    for fault in ("done_no_finish", "close_no_finish"):
        fake_llm.fault = fault
        events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format(fault), json=QUESTION)), 5)
        assert events[-1]["type"] == "error" and events[-1]["error"] == "upstream_interrupted", fault
        assert not [e for e in events if e["type"] in ("metadata", "done")]
        assert text_of(events) == "".join(fake_llm.pieces)
        assert answers(settings, fault) == [("".join(fake_llm.pieces), "cut")]


async def test_an_answer_without_text_is_an_error_logged_as_failed(client, fake_llm, settings):
    fake_llm.pieces = []
    events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format("empty"), json=QUESTION)), 5)
    assert events[-1]["type"] == "error" and events[-1]["error"] == "upstream_error"
    assert answers(settings, "empty") == [("", "failed")]


async def test_a_failure_before_the_first_token_is_logged_as_failed(aiohttp_client, fake_llm, settings):
    client = await _app(aiohttp_client, settings, degraded_mode=False)
    fake_llm.fault = "http500"
    events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format("e500"), json=QUESTION)), 10)
    assert events[-1]["type"] == "error"
    assert answers(settings, "e500") == [("", "failed")]


async def test_a_retry_after_longer_than_the_first_token_budget_fails_fast(aiohttp_client, settings, fake_llm):
    client = await _app(aiohttp_client, settings, first_token_timeout=5, degraded_mode=False)
    fake_llm.fault, fake_llm.retry_after = "busy", "60"
    started = time.monotonic()
    events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format("busy"), json=QUESTION)), 10)
    assert time.monotonic() - started < 2
    last = events[-1]
    assert last["type"] == "error" and last["error"] == "upstream_busy" and is_russian(last["message"])
    assert len(fake_llm.requests) == 1                 # no retry after a long Retry-After


async def test_a_redirect_to_another_host_is_not_followed(client, fake_llm):
    elsewhere = await FakeLLM().start()
    try:
        fake_llm.fault = "redirect"
        fake_llm.redirect_to = elsewhere.base_url.replace("127.0.0.1", "localhost") + "/chat/completions"
        events = await asyncio.wait_for(collect(await client.post(CONSULTATION.format("redir"), json=QUESTION)), 10)
        # Not an answer of the LLM: the degraded mode's draft (tests/http/test_degraded.py).
        assert next(e for e in events if e["type"] == "metadata")["degraded"] is True
        assert elsewhere.requests == []                # the prompt never left for the other host
    finally:
        await elsewhere.close()
