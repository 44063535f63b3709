"""Load limits: concurrent streams (503) and per-user rate (429)."""
import asyncio
from dataclasses import replace

from jewelstream import keys
from jewelstream.app import create_app
from tests.kit import CONSULTATION, STAFF
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


async def test_with_redis_the_open_streams_of_all_nodes_are_counted_and_limited(aiohttp_client, several_nodes,
                                                                                 fake_llm):
    """A limit of 3 open streams for all nodes: two open on the first node, one on the
    second; the second node, with one stream of its own, refuses the next with 503."""
    fake_llm.gate = asyncio.Event()                      # every answer waits after its first piece
    nodes = replace(several_nodes, max_streams_total=3, bind_users=False)
    first, second = [await aiohttp_client(create_app(nodes)) for _ in range(2)]

    async def open_stream(node, user: str):
        response = await node.post(CONSULTATION.format(user), json={"message": "кольцо"})
        assert response.status == 200
        events = read_events(response)
        while (await events.__anext__())["type"] != "token":
            pass
        return events

    async def total_seen_by(node, expected: int) -> None:
        while node.app[keys.TRAFFIC].shared.total != expected:
            await asyncio.sleep(0.01)

    held = [await open_stream(first, "a1"), await open_stream(first, "a2")]
    await asyncio.wait_for(total_seen_by(first, 2), 5)
    held.append(await open_stream(second, "b1"))
    await asyncio.wait_for(total_seen_by(second, 3), 5)
    busy = await second.post(CONSULTATION.format("b2"), json={"message": "кольцо"})
    assert busy.status == 503 and (await busy.json())["error"] == "busy"
    health = await (await second.get("/health", headers=STAFF)).json()
    assert health["deployment"]["open_streams"] == {"this_process": 1, "all_nodes": 3}
    fake_llm.gate.set()
    for events in held:
        assert [e async for e in events][-1]["type"] == "done"
    shared = second.app[keys.TRAFFIC].shared

    async def none_open() -> None:                         # closed streams leave the set
        while await shared.redis.zcard(f"{nodes.redis_prefix}streams"):
            await asyncio.sleep(0.01)
    await asyncio.wait_for(none_open(), 5)
