"""Operations: /metrics in the Prometheus text format, one JSON log line per request with
the request id that the response also carries."""
import asyncio
import json
import logging
from dataclasses import replace

from prometheus_client.parser import text_string_to_metric_families

from jewelstream.app import create_app
from tests.kit import CONSULTATION as URL, STAFF
from tests.sse_reader import collect, read_events


async def samples(client) -> dict:
    response = await client.get("/metrics", headers=STAFF)
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(await response.text()) for s in family.samples}


async def test_answers_requests_first_token_and_store_latency_are_counted(aiohttp_client, settings, fake_llm):
    # The degraded mode off: a failure before the first token ends the answer with an error.
    client = await aiohttp_client(create_app(replace(settings, degraded_mode=False)))
    events = await collect(await client.post(URL.format("m1"), json={"message": "Кольцо"}))
    assert events[-1]["type"] == "done"
    fake_llm.fault = "http500"
    failed = await collect(await client.post(URL.format("m2"), json={"message": "Кольцо"}))
    code = failed[-1]["error"]
    assert code.startswith("upstream_")
    endpoint = "/api/consultation/{user_id}/stream"
    found = await samples(client)
    assert found[("jewelstream_answers_total", (("endpoint", endpoint), ("outcome", "done")))] == 1
    assert found[("jewelstream_answers_total", (("endpoint", endpoint), ("outcome", code)))] == 1
    assert found[("jewelstream_upstream_errors_total", (("code", code),))] == 1
    assert found[("jewelstream_requests_total", (("endpoint", endpoint), ("method", "POST"), ("status", "200")))] == 2
    assert found[("jewelstream_time_to_first_token_seconds_count", (("endpoint", endpoint),))] == 1
    assert found[("jewelstream_answer_duration_seconds_count", (("endpoint", endpoint),))] == 2
    assert found[("jewelstream_active_answers", ())] == 0
    assert found[("jewelstream_store_seconds_count", (("operation", "claim_user"),))] >= 1
    assert found[("jewelstream_store_seconds_count", (("operation", "log_message"),))] >= 3
    # The fake LLM reports usage (stream_options.include_usage): what the log stores, counted.
    (body, *_) = fake_llm.requests
    prompt = sum(len(str(m.get("content") or "")) for m in body["messages"]) // 4
    assert found[("jewelstream_llm_tokens_total", (("kind", "input"),))] == prompt
    assert found[("jewelstream_llm_tokens_total", (("kind", "output"),))] == len(fake_llm.pieces)


async def test_one_json_line_per_request_with_its_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="jewelstream.requests")
    response = await client.post(URL.format("log"), json={"message": "Кольцо"})
    await collect(response)
    chosen = await client.get("/health", headers={"X-Request-Id": "proxy-req-12345"})
    refused = await client.post(URL.format("log"), data="{", headers={"Content-Type": "application/json"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "jewelstream.requests"]
    assert [(line["endpoint"], line["status"]) for line in lines] == [
        ("/api/consultation/{user_id}/stream", 200), ("/health", 200),
        ("/api/consultation/{user_id}/stream", 400)]
    assert lines[0]["request_id"] == response.headers["X-Request-Id"] and len(lines[0]["request_id"]) == 32
    assert lines[0]["run_id"] == response.headers["X-Run-Id"] and lines[0]["client"] == "127.0.0.1"
    assert lines[1]["request_id"] == chosen.headers["X-Request-Id"] == "proxy-req-12345"
    assert lines[2]["request_id"] == refused.headers["X-Request-Id"]
    assert "Кольцо" not in caplog.text                         # what users say is never logged


async def test_a_client_that_leaves_mid_answer_is_counted_as_499_not_as_a_server_error(
        aiohttp_client, settings, fake_llm, caplog):
    """A customer who presses Stop, reloads or closes the tab is not a 5xx (an alert on the
    rate of 500s would fire for every one of them): 499, nginx's "client closed request"."""
    caplog.set_level(logging.INFO, logger="jewelstream.requests")
    client = await aiohttp_client(create_app(replace(settings, resume_window=0)))
    fake_llm.gate = asyncio.Event()                  # one piece, then the LLM waits
    response = await client.post(URL.format("leaver"), json={"message": "Кольцо"})
    async for event in read_events(response):
        if event["type"] == "token":
            break
    response.close()
    await asyncio.wait_for(fake_llm.client_closed.wait(), 2)
    endpoint = "/api/consultation/{user_id}/stream"
    for _ in range(100):                             # the line is written as the handler ends
        lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "jewelstream.requests"]
        if any(line["endpoint"] == endpoint for line in lines):
            break
        await asyncio.sleep(0.02)
    assert [line["status"] for line in lines if line["endpoint"] == endpoint] == [499]
    found = await samples(client)
    assert (("jewelstream_requests_total", (("endpoint", endpoint), ("method", "POST"), ("status", "500")))
            not in found)
    assert found[("jewelstream_requests_total", (("endpoint", endpoint), ("method", "POST"), ("status", "499")))] == 1
