"""The event log's Redis goes away (a restart, a network cut): a resume, a rejoin or a
cancel that needs it gets a 503 with a Russian message, never a 500; a resume that was
following the run from the log ends with an `error` event, never silently."""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

import aiohttp

from jewelstream.app import create_app
from tests.cutting_proxy import CuttingProxy
from tests.kit import CONSULTATION
from tests.sse_reader import read_numbered

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


async def test_with_redis_gone_a_resume_is_a_503_or_ends_with_an_error(aiohttp_client, settings, fake_llm,
                                                                       redis_server, caplog):
    proxy = await CuttingProxy(redis_server.port).start()
    on_redis = replace(settings, redis_url=proxy.url.replace("http://", "redis://") + "/0",
                       redis_prefix=f"o{uuid.uuid4().hex[:8]}:")
    producer = await aiohttp_client(create_app(on_redis))
    other = await aiohttp_client(create_app(on_redis))              # another node
    fake_llm.gate = asyncio.Event()
    try:
        response = await producer.post(CONSULTATION.format("outage"), json=QUESTION)
        run_id = response.headers["X-Run-Id"]
        cookie = response.cookies["jewelstream_browser"].value
        other.session.cookie_jar.update_cookies({"jewelstream_browser": cookie})
        seen = []
        async for event_id, event in read_numbered(response):
            seen.append(event_id)
            if event["type"] == "token":
                break
        following = await other.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": str(seen[-1])})
        assert following.status == 200                             # read from Redis, waiting for more
        await asyncio.sleep(0.3)
        proxy.offline = True
        proxy.cut_all()                                            # Redis is gone
        rest = await asyncio.wait_for(_all(following), 10)
        assert rest[-1][0] is None and rest[-1][1]["type"] == "error"
        assert rest[-1][1]["error"] == "runs_unavailable" and "через минуту" in rest[-1][1]["message"]

        again = await other.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": str(seen[-1])})
        assert again.status == 503 and again.headers["Retry-After"] == "30"
        body = await again.json()
        assert body["error"] == "runs_unavailable" and "через минуту" in body["message"]
        stop = await other.post(f"/api/runs/{run_id}/cancel")
        assert stop.status == 503
    finally:
        fake_llm.gate.set()
        proxy.offline = False
        await proxy.close()
    assert not [r for r in caplog.records if r.levelname == "ERROR" and "unhandled" in r.getMessage()]


async def _all(response) -> list:
    return [item async for item in read_numbered(response)]
