"""Load limits: concurrent streams (503) and per-user rate (429)."""
import asyncio
from dataclasses import replace

from jewelstream.app import create_app
from tests.kit import CONSULTATION
from tests.sse_reader import collect, read_events, text_of


async def test_more_streams_than_the_limit_get_503_with_retry_after(aiohttp_client, settings, fake_llm):
    fake_llm.gate = asyncio.Event()              # every answer waits after its first piece
    client = await aiohttp_client(create_app(replace(settings, max_streams=3, bind_users=False)))
    open_streams = []
    for n in range(3):
        response = await client.post(CONSULTATION.format(f"u{n}"), json={"message": "кольцо"})
        assert response.status == 200
        events = read_events(response)
        while (await events.__anext__())["type"] != "token":
            pass
        open_streams.append((response, events))
    busy = await client.post(CONSULTATION.format("u9"), json={"message": "кольцо"})
    assert busy.status == 503
    assert int(busy.headers["Retry-After"]) > 0
    assert (await busy.json())["error"] == "busy"
    fake_llm.gate.set()
    for response, events in open_streams:
        rest = [e async for e in events]
        assert rest[-1]["type"] == "done"
    # Slots are given back: the next request streams normally.
    again = await client.post(CONSULTATION.format("u9"), json={"message": "кольцо"})
    assert text_of(await collect(again)) == "".join(fake_llm.pieces)


async def test_per_user_rate_limit_gives_429(aiohttp_client, settings, fake_llm):
    client = await aiohttp_client(create_app(replace(settings, rate_limit=2, rate_window=60)))
    for _ in range(2):
        await collect(await client.post(CONSULTATION.format("fast"), json={"message": "кольцо"}))
    limited = await client.post(CONSULTATION.format("fast"), json={"message": "кольцо"})
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert (await limited.json())["error"] == "rate_limited"
    other = await client.post(CONSULTATION.format("slow"), json={"message": "кольцо"})
    assert other.status == 200
    await collect(other)


async def test_with_redis_the_rate_limits_count_across_nodes(aiohttp_client, several_nodes, fake_llm):
    """Two nodes (apps) on one Redis: the user's third request is refused by the node it
    has not asked yet, and so is an address's fifth whatever user ids it names."""
    nodes = replace(several_nodes, rate_limit=2, address_rate_limit=4, rate_window=60, bind_users=False)
    first, second = [await aiohttp_client(create_app(nodes)) for _ in range(2)]
    await collect(await first.post(CONSULTATION.format("fast"), json={"message": "кольцо"}))
    await collect(await second.post(CONSULTATION.format("fast"), json={"message": "кольцо"}))
    for node in (first, second):
        limited = await node.post(CONSULTATION.format("fast"), json={"message": "кольцо"})
        assert limited.status == 429 and 0 < int(limited.headers["Retry-After"]) <= 60
        assert (await limited.json())["error"] == "rate_limited"
    await collect(await first.post(CONSULTATION.format("other-1"), json={"message": "кольцо"}))
    await collect(await second.post(CONSULTATION.format("other-2"), json={"message": "кольцо"}))
    by_address = await first.post(CONSULTATION.format("other-3"), json={"message": "кольцо"})
    assert by_address.status == 429
