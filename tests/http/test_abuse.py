"""Guessing the staff token or run ids, flooding with made-up user ids, slow bodies (issue 10, items 5, 6, 11)."""
import asyncio
import logging
from dataclasses import replace

import pytest

from jewelstream.app import create_app
from jewelstream.callers import MAX_FAILURES
from jewelstream.runs.http import UNKNOWN_RUN_LIMIT
from tests.kit import CONSULTATION, ORCHESTRATOR, db_rows
from tests.sse_reader import collect, read_events

ANALYSIS = {"message": "Сколько у нас клиентов?", "explicit_task_type": "analysis"}


async def test_guessing_the_staff_token_is_limited_per_address(client, fake_llm, caplog):
    caplog.set_level(logging.WARNING, logger="jewelstream.callers")
    for n in range(MAX_FAILURES):
        wrong = await client.post(ORCHESTRATOR.format("g1"), json=ANALYSIS, headers={"Authorization": f"Bearer guess-{n}"})
        assert wrong.status == 403
    locked = await client.post(ORCHESTRATOR.format("g1"), json=ANALYSIS, headers={"Authorization": "Bearer guess-x"})
    assert locked.status == 429 and 0 < int(locked.headers["Retry-After"]) <= 60
    assert (await locked.json())["error"] == "too_many_attempts"
    # Locked out means no more comparisons: even the right token waits out the minute.
    right = await client.post(ORCHESTRATOR.format("g1"), json=ANALYSIS, headers={"Authorization": "Bearer staff-secret"})
    assert right.status == 429
    assert fake_llm.requests == []
    # Customers of the same address without a token are served as before.
    customer = await client.post(ORCHESTRATOR.format("g2"), json={"message": "Подбери кольцо"})
    assert customer.status == 200
    await collect(customer)
    failures = [r.getMessage() for r in caplog.records if r.name == "jewelstream.callers"]
    assert len(failures) == MAX_FAILURES and "127.0.0.1" in failures[0]
    assert not any("guess" in line for line in caplog.text.splitlines())


async def test_failures_are_counted_per_client_address_behind_a_trusted_proxy(aiohttp_client, settings):
    client = await aiohttp_client(create_app(replace(settings, trusted_proxies=("127.0.0.0/8",))))
    for n in range(MAX_FAILURES):
        await client.post(ORCHESTRATOR.format("g3"), json=ANALYSIS, headers={
            "Authorization": f"Bearer guess-{n}", "X-Forwarded-For": "203.0.113.7"})
    same = await client.post(ORCHESTRATOR.format("g3"), json=ANALYSIS, headers={
        "Authorization": "Bearer x", "X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
    assert same.status == 429              # the client nearest the proxy is 203.0.113.7
    other = await client.post(ORCHESTRATOR.format("g3"), json=ANALYSIS, headers={
        "Authorization": "Bearer staff-secret", "X-Forwarded-For": "203.0.113.8"})
    assert other.status == 200
    await other.read()


async def test_made_up_user_ids_hit_the_address_limit(aiohttp_client, settings, db_path):
    client = await aiohttp_client(create_app(replace(settings, rate_limit=100, address_rate_limit=3)))
    for n in range(3):
        await collect(await client.post(ORCHESTRATOR.format(f"rot{n}"), json={"message": "кольцо"}))
    limited = await client.post(ORCHESTRATOR.format("rot9"), json={"message": "кольцо"})
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    # Refused before any database work: the new id was not claimed.
    assert db_rows(db_path, "SELECT * FROM owners WHERE user_id = 'rot9'") == []


async def test_a_busy_server_refuses_before_any_write(aiohttp_client, settings, fake_llm, db_path):
    fake_llm.gate = asyncio.Event()
    client = await aiohttp_client(create_app(replace(settings, max_streams=1)))
    held = await client.post(ORCHESTRATOR.format("first"), json={"message": "кольцо"})
    events = read_events(held)
    while (await events.__anext__())["type"] != "token":
        pass
    busy = await client.post(ORCHESTRATOR.format("newcomer"), json={"message": "кольцо"})
    assert busy.status == 503
    assert db_rows(db_path, "SELECT * FROM owners WHERE user_id = 'newcomer'") == []
    fake_llm.gate.set()
    assert [e async for e in events][-1]["type"] == "done"


async def test_a_body_slower_than_a_byte_a_second_times_out(aiohttp_client, settings, fake_llm):
    client = await aiohttp_client(create_app(replace(settings, body_timeout=1.0)))
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(b"POST /api/consultation/slow/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 40\r\n\r\n{")
    await writer.drain()

    async def trickle():
        for byte in b'"message": "':
            await asyncio.sleep(0.6)
            writer.write(bytes([byte]))

    sender = asyncio.create_task(trickle())
    try:
        status = await asyncio.wait_for(reader.readline(), 5)
        assert b" 408 " in status, status
        head, _, body = (await asyncio.wait_for(reader.read(), 5)).partition(b"\r\n\r\n")
        assert b'"error": "body_timeout"' in body
    finally:
        sender.cancel()
        writer.close()
    assert fake_llm.requests == []


async def test_made_up_run_ids_hit_a_limit_that_a_runs_owner_never_meets(aiohttp_client, settings, fake_llm):
    client = await aiohttp_client(create_app(replace(settings, trusted_proxies=("127.0.0.0/8",))))
    own = await client.post(CONSULTATION.format("guesser"), json={"message": "кольцо"})
    run_id = own.headers["X-Run-Id"]
    await collect(own)
    guesser = {"X-Forwarded-For": "203.0.113.9"}

    async def made_up(n: int):
        method, path = ("GET", "stream") if n % 2 else ("POST", "cancel")
        response = await client.request(method, f"/api/runs/madeup{n}/{path}", headers=guesser)
        return response.status, response.headers.get("Retry-After"), await response.json()

    answers = await asyncio.gather(*(made_up(n) for n in range(UNKNOWN_RUN_LIMIT + 20)))
    assert sorted(status for status, _, _ in answers) == [404] * UNKNOWN_RUN_LIMIT + [429] * 20
    for status, retry_after, body in answers:
        if status == 429:
            assert 0 < int(retry_after) <= 60
            assert body["error"] == "rate_limited" and "Подождите" in body["message"]
    # The owner's own run is still resumed and cancelled from the locked address...
    resumed = await client.get(f"/api/runs/{run_id}/stream", headers={**guesser, "Last-Event-ID": "1"})
    assert resumed.status == 200 and (await collect(resumed))[-1]["type"] == "done"
    cancelled = await client.post(f"/api/runs/{run_id}/cancel", headers=guesser)
    assert cancelled.status == 200
    # ...and other addresses' unknown ids are still a plain 404.
    other = await client.get("/api/runs/madeup-x/stream", headers={"X-Forwarded-For": "203.0.113.10"})
    assert other.status == 404


async def test_a_body_declared_over_the_limit_is_refused_at_once_and_the_connection_closed(client, fake_llm):
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(b"POST /api/consultation/big/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 100000000000\r\n\r\n{")
    await writer.drain()
    try:               # not after JEWELSTREAM_BODY_TIMEOUT (10 s) of waiting for 100 GB
        answer = await asyncio.wait_for(reader.read(), 3)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ") and b'"error": "body_too_large"' in body
    assert fake_llm.requests == []


@pytest.mark.parametrize("header", ["Authorization: Bearer ", "Authorization: ", "Idempotency-Key: ", "Last-Event-ID: ",
                                    "X-Request-Id: abcdefgh", "Cookie: jewelstream_browser=", "Origin: http://",
                                    "Referer: http://", "Sec-Fetch-Site: ", "Content-Type: application/json; x=",
                                    "Host: 127.0.0.1"])
@pytest.mark.parametrize("odd", [b"\xff\xfe", "кл.ы".encode()], ids=["not utf-8", "not ascii"])
async def test_header_bytes_that_are_not_ascii_are_never_a_500(client, fake_llm, header, odd):
    """A client may send any byte in a header value; aiohttp hands bytes that are not UTF-8
    over as lone surrogates, which a `str.encode()` refuses (a bearer token of them was a
    500), and `hmac.compare_digest` refuses strings that are not ASCII (a cookie's
    signature of Cyrillic letters was a 500)."""
    body = b'{"message": "\xd0\xba\xd0\xbe\xd0\xbb\xd1\x8c\xd1\x86\xd0\xbe"}'
    for method, path in (("POST", "/api/consultation/bytes/stream"), ("GET", "/health"),
                         ("GET", "/api/staff/usage"), ("GET", "/metrics"), ("GET", "/api/runs/nowhere/stream")):
        reader, writer = await asyncio.open_connection(client.host, client.port)
        head = f"{method} {path} HTTP/1.1\r\n".encode() + b"Connection: close\r\nContent-Type: application/json\r\n"
        if not header.startswith("Host"):
            head += b"Host: 127.0.0.1\r\n"
        writer.write(head + header.encode() + odd + b"\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode()
                     + (body if method == "POST" else b""))
        try:
            answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)   # the head is enough
        finally:
            writer.close()
        status = int(answer.split(b" ", 2)[1])
        assert status < 500, (method, path, answer)
