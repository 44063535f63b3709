"""The repository's nginx configuration answers its own refusals (no node reachable, a body
or a URL too long, a request it cannot parse) in the app's JSON error shape with a Russian
message, and names no version. Only nginx runs: its one upstream node is a closed port."""
from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from tests import services
from tests.live import free_port


@pytest.fixture(scope="module")
def nginx():
    services.require("nginx", Path(services.NGINX).exists())
    proxy = services.Nginx([free_port()]).start()          # nothing listens there
    yield proxy
    proxy.stop()


def _russian(text: str) -> bool:
    return any("а" <= ch <= "я" for ch in text.lower())


@pytest.mark.parametrize("method,path,extra,status,code", [
    ("GET", "/health", {}, 503, "unavailable"),
    ("POST", "/api/consultation/u1/stream", {"data": b"{" + b" " * 1_100_000 + b"}"}, 413, "body_too_large"),
    ("GET", "/api/consultation/u1/stream?message=" + "a" * 70_000, {}, 414, "url_too_long"),
    ("GET", "/jewelstream-errors/503", {}, 404, "not_found"),
])
async def test_nginx_refusals_are_json_with_a_russian_message(nginx, method, path, extra, status, code):
    async with aiohttp.ClientSession() as session:
        async with session.request(method, nginx.url + path, headers={"Content-Type": "application/json"},
                                   **extra) as response:
            assert response.status == status
            assert response.headers["Content-Type"] == "application/json; charset=utf-8"
            assert response.headers["Server"] == "nginx"            # no version
            body = await response.json()
    assert body["error"] == code and _russian(body["message"])
    if status == 503:
        assert response.headers["Retry-After"] == "10"


async def test_a_request_nginx_cannot_parse_is_json_too(nginx):
    reader, writer = await asyncio.open_connection("127.0.0.1", nginx.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n")
    try:
        head, _, body = (await asyncio.wait_for(reader.read(), 5)).partition(b"\r\n\r\n")
    finally:
        writer.close()
    assert head.startswith(b"HTTP/1.1 400 ") and b'"error": "bad_request"' in body


async def test_nginx_logs_no_question_of_a_get_twin(nginx):
    """The GET twin carries the customer's question in its query string: nginx's access log
    keeps the path, never the query (the app's own log never keeps a user's text)."""
    async with aiohttp.ClientSession() as session:
        async with session.get(nginx.url + "/api/consultation/u-log/stream",
                               params={"message": "кольцо для Тайны Секретовой"}) as response:
            assert response.status == 503
    log = nginx.prefix / "logs" / "access.log"
    for _ in range(50):                                  # nginx writes the line when the request is over
        if "/api/consultation/u-log/stream" in log.read_text():
            break
        await asyncio.sleep(0.05)
    text = log.read_text()
    assert "GET /api/consultation/u-log/stream" in text
    assert "message=" not in text and "%D0" not in text.upper()
