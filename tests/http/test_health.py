"""/health and /metrics show their details to staff only (Spring Boot's `show-details:
when-authorized`): without the staff token /health answers what a load balancer or the
kiosk page needs and nothing that names a host, a user, an error or the LLM's models;
/metrics (the shop's traffic and LLM usage, the figures /api/staff/usage guards) needs the
staff token or the scrapers' own token."""
from dataclasses import replace

from prometheus_client.parser import text_string_to_metric_families

from jewelstream import keys
from jewelstream.app import create_app
from tests.kit import CONSULTATION, STAFF, STAFF_TOKEN
from tests.sse_reader import collect

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}
PUBLIC = {"status", "storage", "deployment", "llm", "model", "upstream", "agents", "staff_required",
          "kiosk_idle_seconds"}


async def test_without_the_staff_token_health_shows_no_detail(aiohttp_client, settings, fake_llm):
    secret_url = fake_llm.base_url.replace("http://", "http://shop:s3cret@")
    client = await aiohttp_client(create_app(replace(settings, openai_base_url=secret_url)))
    fake_llm.fault = "http500"
    await collect(await client.post(CONSULTATION.format("h"), json=QUESTION))
    asked = len(fake_llm.requests)
    response = await client.get("/health")
    body = await response.json()
    assert response.status == 200 and set(body) == PUBLIC
    assert body["status"] == "ok" and body["llm"] == "openai" and "consultant" in body["agents"]
    assert body["storage"] == {"writable": True}
    assert body["upstream"] == {"state": "failing"}
    assert body["deployment"] == {"store": "sqlite", "in_flight": "this node", "nodes": "single"}
    assert body["staff_required"] is True and body["kiosk_idle_seconds"] == settings.kiosk_idle_seconds
    text = await response.text()
    for detail in ("127.0.0.1", "shop:", "s3cret", "listed", "/models", "chat/completions", "event_loop"):
        assert detail not in text, detail
    assert response.headers["Cache-Control"] == "no-store"
    assert len(fake_llm.requests) == asked          # a public /health never asks the LLM's /models


async def test_with_the_staff_token_health_shows_every_detail(client, fake_llm):
    public = await (await client.get("/health")).json()
    response = await client.get("/health", headers=STAFF)
    body = await response.json()
    assert response.status == 200 and PUBLIC < set(body) and "event_loop" in body
    assert set(body["storage"]) == {"writable", "file", "error", "log_failures"}
    assert body["upstream"]["base_url"] == fake_llm.base_url
    assert body["upstream"]["models"] == {"reachable": True, "listed": ["fake-model"], "has_model": True}
    assert body["deployment"]["open_streams"] == {"this_process": 0, "all_nodes": None}
    for key, value in public.items():           # the public view is a part of the detailed one
        if isinstance(value, dict):
            assert value.items() <= body[key].items(), key
        else:
            assert body[key] == value, key


async def test_a_wrong_token_gets_the_public_view_and_counts_as_a_failed_attempt(client):
    wrong = {"Authorization": "Bearer not-the-token"}
    body = await (await client.get("/health", headers=wrong)).json()
    assert set(body) == PUBLIC
    for _ in range(9):
        await client.get("/health", headers=wrong)
    locked = await client.get("/metrics", headers=STAFF)                # locked out, even with the token
    assert locked.status == 429 and (await locked.json())["error"] == "too_many_attempts"
    health = await client.get("/health", headers=STAFF)                 # a probe is never refused
    assert health.status == 200 and set(await health.json()) == PUBLIC
    assert set(await (await client.get("/health")).json()) == PUBLIC   # a load balancer sends no bearer


async def test_storage_unavailable_is_still_a_503_without_the_token(client):
    store = client.app[keys.STORE]

    async def unwritable():
        return {"writable": False, "file": "present", "error": "disk I/O error at db.internal as shop",
                "log_failures": 0}
    store.check = unwritable
    response = await client.get("/health")
    body = await response.json()
    assert response.status == 503 and body["status"] == "storage_unavailable"
    assert body["storage"] == {"writable": False} and "db.internal" not in await response.text()
    detailed = await (await client.get("/health", headers=STAFF)).json()
    assert detailed["storage"]["error"] == "disk I/O error at db.internal as shop"


async def test_metrics_need_the_staff_token_or_the_metrics_token(aiohttp_client, settings, fake_llm):
    client = await aiohttp_client(create_app(replace(settings, metrics_token="scraper-token")))
    await collect(await client.post(CONSULTATION.format("m"), json=QUESTION))
    anonymous = await client.get("/metrics")
    assert anonymous.status == 401 and (await anonymous.json())["error"] == "forbidden"
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert "jewelstream_llm_tokens" not in await anonymous.text()
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 403 and (await wrong.json())["error"] == "forbidden"
    for token in ("scraper-token", STAFF_TOKEN):
        response = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
        names = {family.name for family in text_string_to_metric_families(await response.text())}
        assert "jewelstream_llm_tokens" in names


async def test_the_metrics_token_unlocks_nothing_else(aiohttp_client, settings, fake_llm):
    client = await aiohttp_client(create_app(replace(settings, metrics_token="scraper-token")))
    scraper = {"Authorization": "Bearer scraper-token"}
    assert set(await (await client.get("/health", headers=scraper)).json()) == PUBLIC
    usage = await client.get("/api/staff/usage", headers=scraper)
    assert usage.status == 403
    analysis = await client.post("/api/orchestrator/m/stream", headers=scraper,
                                 json={"message": "Сколько клиентов?", "explicit_task_type": "analysis"})
    assert analysis.status == 403


async def test_a_probe_with_a_stale_token_is_never_refused(aiohttp_client, settings):
    """A load balancer's probe still sending an old token must not mark the node down once
    the guessing lock-out starts: it gets the public answer."""
    client = await aiohttp_client(create_app(settings))
    statuses = []
    for _ in range(15):
        response = await client.get("/health", headers={"Authorization": "Bearer stale-token"})
        statuses.append(response.status)
        body = await response.json()
    assert statuses == [200] * 15 and set(body) == PUBLIC
