"""Requests from other sites, other host names and other body types (issue 10, item 7)."""
from dataclasses import replace

import pytest

from jewelstream.app import create_app
from tests.kit import ORCHESTRATOR, db_rows
from tests.sse_reader import collect, text_of

QUESTION = {"message": "Подбери кольцо"}


async def _refused(response, status: int, code: str) -> None:
    assert response.status == status
    body = await response.json()
    assert body["error"] == code and any("а" <= ch <= "я" for ch in body["message"].lower())


async def test_a_post_must_be_json(client, fake_llm):
    plain = await client.post(ORCHESTRATOR.format("p1"), data='{"message": "Подбери кольцо"}',
                              headers={"Content-Type": "text/plain"})
    await _refused(plain, 415, "json_required")
    form = await client.post(ORCHESTRATOR.format("p1"), data={"message": "Подбери кольцо"})
    await _refused(form, 415, "json_required")
    assert fake_llm.requests == []


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "https://evil.example"},                      # a browser without Sec-Fetch-*
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://other.localhost"},
    {"Origin": "null"},                                      # a sandboxed frame, a file
    {"Referer": "https://evil.example/page.html"},           # an older browser's link
])
async def test_another_site_cannot_post_for_the_visitor(client, fake_llm, db_path, headers):
    response = await client.post(ORCHESTRATOR.format("victim"), json=QUESTION, headers=headers)
    await _refused(response, 403, "cross_site")
    assert fake_llm.requests == []
    assert db_rows(db_path, "SELECT * FROM messages WHERE user_id = 'victim'") == []


async def test_a_link_from_another_site_runs_and_resets_nothing(client, fake_llm, db_path):
    # The visitor answers the questionnaire, then follows a link on another site to the
    # GET twin: the browser sends its SameSite=Lax cookie with such a navigation.
    body = {"message": "Классика", "explicit_task_type": "taste"}
    await collect(await client.post(ORCHESTRATOR.format("vic"), json=body))
    before = db_rows(db_path, "SELECT data FROM profiles WHERE user_id = 'vic'")
    link = await client.get(ORCHESTRATOR.format("vic"), params={"message": "начать заново", "explicit_task_type": "taste"},
                            headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    await _refused(link, 403, "cross_site")
    assert db_rows(db_path, "SELECT data FROM profiles WHERE user_id = 'vic'") == before
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("path", ["/api/runs/r1/cancel", "/api/runs/r1/stream", "/api/anything"])
async def test_every_api_path_refuses_other_sites(client, path):
    response = await client.post(path, headers={"Origin": "https://evil.example"})
    await _refused(response, 403, "cross_site")


async def test_the_page_itself_and_non_browser_clients_pass(client, fake_llm):
    same_origin = await client.post(ORCHESTRATOR.format("p2"), json=QUESTION, headers={
        "Origin": f"http://{client.host}:{client.port}", "Sec-Fetch-Site": "same-origin"})
    assert same_origin.status == 200 and text_of(await collect(same_origin))
    typed = await client.get(ORCHESTRATOR.format("p2"), params=QUESTION, headers={"Sec-Fetch-Site": "none"})
    assert typed.status == 200 and text_of(await collect(typed))
    curl_like = await client.post(ORCHESTRATOR.format("p3"), json=QUESTION)       # no Origin, no Sec-Fetch-*
    assert curl_like.status == 200 and text_of(await collect(curl_like))


async def test_named_origins_get_cors_with_a_preflight(aiohttp_client, settings, fake_llm):
    shop = "https://shop.example"
    client = await aiohttp_client(create_app(replace(settings, cors_origins=(shop,))))
    preflight = await client.options(ORCHESTRATOR.format("c1"), headers={
        "Origin": shop, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == shop
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert {"content-type", "authorization"} <= {h.strip().lower() for h in
                                                 preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert "Origin" in preflight.headers.getall("Vary")
    response = await client.post(ORCHESTRATOR.format("c1"), json=QUESTION, headers={"Origin": shop, "Sec-Fetch-Site": "cross-site"})
    assert response.status == 200 and response.headers["Access-Control-Allow-Origin"] == shop
    assert text_of(await collect(response))
    # An error to a named origin is readable by its script too.
    bad = await client.post(ORCHESTRATOR.format("c1"), json={}, headers={"Origin": shop})
    assert bad.status == 422 and bad.headers["Access-Control-Allow-Origin"] == shop
    # Any other origin: no preflight, no CORS headers, no answer.
    other = await client.options(ORCHESTRATOR.format("c1"), headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    await _refused(other, 403, "cross_site")
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "rebind.attacker.test:80"])
async def test_an_unknown_host_name_is_refused(client, fake_llm, host):
    response = await client.post(ORCHESTRATOR.format("h1"), json=QUESTION, headers={"Host": host})
    await _refused(response, 400, "host_not_allowed")
    page = await client.get("/", headers={"Host": host})
    await _refused(page, 400, "host_not_allowed")
    assert fake_llm.requests == []


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "[::1]:8000", "kiosk.localhost", "10.1.2.3:8000"])
async def test_loopback_names_and_addresses_are_served_by_default(client, host):
    assert (await client.get("/health", headers={"Host": host})).status == 200


async def test_allowed_hosts_names_the_hosts(aiohttp_client, settings):
    client = await aiohttp_client(create_app(replace(settings, allowed_hosts=("shop.example", ".kiosk.example"))))
    for host, status in (("shop.example", 200), ("a.kiosk.example:8443", 200), ("kiosk.example", 200),
                         ("127.0.0.1", 400), ("evil.example", 400), ("shop.example.evil", 400)):
        assert (await client.get("/health", headers={"Host": host})).status == status, host
