"""With Redis (several nodes), the limits a guesser or a flood meets count on every node:
the run ids found nowhere per client address (runs/http.py) as the rate limits do; when
Redis errs, each process counts on its own again (the limit per process still holds),
never a 500."""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

from jewelstream import keys
from jewelstream.app import create_app
from jewelstream.shared_traffic import SharedTraffic
from tests.cutting_proxy import CuttingProxy
from tests.kit import CONSULTATION
from tests.live import free_port
from tests.sse_reader import collect, text_of

LIMIT = 6


async def _unknown(node, n: int) -> int:
    return (await node.get(f"/api/runs/nowhere-{uuid.uuid4().hex[:8]}-{n}/stream")).status


async def test_unknown_run_ids_count_across_nodes(aiohttp_client, several_nodes, monkeypatch):
    monkeypatch.setattr("jewelstream.app.UNKNOWN_RUN_LIMIT", LIMIT)
    monkeypatch.setattr("jewelstream.runs.http.FRESH_WAIT", 0.05)
    first, second = [await aiohttp_client(create_app(several_nodes)) for _ in range(2)]
    statuses = [await _unknown(node, n) for n, node in enumerate([first, second] * (LIMIT // 2))]
    assert statuses == [404] * LIMIT
    for node in (first, second):                    # the address used its guesses on both nodes
        refused = await node.get(f"/api/runs/nowhere-{uuid.uuid4().hex[:8]}/stream")
        assert refused.status == 429 and (await refused.json())["error"] == "rate_limited"
        assert 0 < int(refused.headers["Retry-After"]) <= 60
    other = await aiohttp_client(create_app(replace(several_nodes, redis_prefix=f"x{uuid.uuid4().hex[:8]}:")))
    assert await _unknown(other, 0) == 404         # another deployment's count is its own


async def test_with_redis_gone_the_limits_count_per_process_and_questions_are_answered(
        aiohttp_client, settings, fake_llm, redis_server):
    """Redis unreachable: a question is still answered (its run lives in this process's
    memory), not refused with a 500 by the shared rate limit, which counts in memory."""
    proxy = await CuttingProxy(redis_server.port).start()
    on_redis = replace(settings, redis_url=proxy.url.replace("http://", "redis://") + "/0",
                       redis_prefix=f"g{uuid.uuid4().hex[:8]}:", rate_limit=3, address_rate_limit=3, rate_window=60)
    node = await aiohttp_client(create_app(on_redis))
    try:
        proxy.offline = True
        proxy.cut_all()
        statuses = []
        for n in range(4):
            asked = node.post(CONSULTATION.format(f"gone{n}"), json={"message": "кольцо"})
            response = await asyncio.wait_for(asked, 15)
            statuses.append(response.status)
            if response.status == 200:
                assert text_of(await collect(response)) == "".join(fake_llm.pieces)
        assert statuses == [200, 200, 200, 429]    # this process's own count
    finally:
        proxy.offline = False
        await proxy.close()


async def test_with_redis_gone_unknown_run_ids_meet_the_limit_of_the_process(aiohttp_client, settings, monkeypatch):
    monkeypatch.setattr("jewelstream.app.UNKNOWN_RUN_LIMIT", LIMIT)
    monkeypatch.setattr("jewelstream.runs.http.FRESH_WAIT", 0.05)
    node = await aiohttp_client(create_app(settings))
    unknown = node.app[keys.UNKNOWN_RUNS]
    unknown.shared = SharedTraffic(f"redis://127.0.0.1:{free_port()}/0", prefix="gone:")   # nobody listens
    try:
        assert [await _unknown(node, n) for n in range(LIMIT + 1)] == [404] * LIMIT + [429]
    finally:
        await unknown.shared.close()
