"""PostgreSQL goes away while answers stream (a restart, a network cut): the answer under
way still reaches its end, never a hang or a silent end; new questions get a
503 with a Russian message, never a 500 and never a hang; once the database is back, the
server answers again without a restart."""
from __future__ import annotations

import asyncio
from dataclasses import replace
from urllib.parse import urlsplit

from jewelstream.app import create_app
from tests.cutting_proxy import CuttingProxy
from tests.kit import CONSULTATION
from tests.sse_reader import read_events

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


async def test_with_postgresql_gone_answers_end_and_questions_get_a_503(aiohttp_client, settings, pg_url,
                                                                        fake_llm, caplog):
    address = urlsplit(pg_url)
    proxy = await CuttingProxy(address.port).start()
    through_proxy = pg_url.replace(address.netloc.rsplit("@", 1)[-1], proxy.url.removeprefix("http://"))
    client = await aiohttp_client(create_app(replace(settings, database_url=through_proxy, database_pool=2)))
    fake_llm.gate = asyncio.Event()
    try:
        response = await client.post(CONSULTATION.format("pg-outage"), json=QUESTION)
        assert response.status == 200
        events = read_events(response)
        seen = []
        async for event in events:
            seen.append(event)
            if event["type"] == "token":
                break
        proxy.offline = True
        proxy.cut_all()                                        # the database is gone
        fake_llm.gate.set()
        seen += await asyncio.wait_for(_drain(events), 15)
        # The text needs no database once the LLM writes it: the customer gets all of it
        # (what cannot be logged is counted, /health shows it).
        assert seen[-1]["type"] == "done", seen[-1]
        assert "".join(e["content"] for e in seen if e["type"] == "token") == "".join(fake_llm.pieces)

        refused = await asyncio.wait_for(client.post(CONSULTATION.format("pg-outage-2"), json=QUESTION), 15)
        assert refused.status == 503, refused.status
        body = await refused.json()
        assert body["error"] == "storage_unavailable" and any("а" <= ch <= "я" for ch in body["message"])
        health = await asyncio.wait_for(client.get("/health"), 15)
        assert health.status == 503

        proxy.offline = False                                  # back
        for _ in range(60):
            again = await client.post(CONSULTATION.format("pg-outage-3"), json=QUESTION)
            if again.status == 200:
                break
            await asyncio.sleep(0.5)
        assert again.status == 200
        assert [e async for e in read_events(again)][-1]["type"] == "done"
    finally:
        fake_llm.gate.set()
        proxy.offline = False
        await proxy.close()
    assert not [r for r in caplog.records if r.levelname == "ERROR" and "unhandled" in r.getMessage()]


async def _drain(events) -> list[dict]:
    return [event async for event in events]
