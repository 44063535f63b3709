"""Security headers on the page and static files, and quiet logs for bad HTTP (issue 10, item 10)."""
import asyncio
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from jewelstream.app import create_app

STATIC = Path(__file__).resolve().parent.parent / "static"


async def test_the_page_and_static_files_carry_security_headers(client):
    for path in ("/", "/static/app.js", "/static/style.css", "/health"):
        response = await client.get(path)
        assert response.status == 200, path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert not re.search(r"\d", response.headers["Server"]), response.headers["Server"]


async def test_streams_and_errors_carry_them_too(client):
    response = await client.post("/api/consultation/h1/stream", json={"message": "кольцо"})
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Server"] == "jewelstream"
    await response.read()
    missing = await client.get("/nope")
    assert missing.status == 404 and missing.headers["Server"] == "jewelstream"


async def test_frame_ancestors_is_a_setting(aiohttp_client, settings):
    client = await aiohttp_client(create_app(replace(settings, frame_ancestors="'self' https://shell.example")))
    policy = (await client.get("/")).headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://shell.example" in policy


def test_the_page_has_no_inline_script_or_style():
    class Inline(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            names = dict(attrs)
            if tag == "script" and not names.get("src"):
                self.found.append("<script> without src")
            self.found.extend(f"{tag} {name}=" for name in names if name == "style" or name.startswith("on"))

        def handle_data(self, data):
            if self.lasttag == "style" and data.strip():
                self.found.append("<style>")

    parser = Inline()
    parser.feed((STATIC / "index.html").read_text())
    assert parser.found == []
    for script in STATIC.glob("*.js"):
        assert not re.search(r"setAttribute\(\s*['\"](style|on\w+)['\"]|\beval\(|new Function\(",
                             script.read_text()), script.name


async def test_a_request_the_http_parser_rejects_logs_one_line(live_server):
    for raw in (b"GET / HTTP/1.1\r\nHost: x\r\nBad header line\r\n\r\n",
                b"POST /api/consultation/u/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
        reader, writer = await asyncio.open_connection("127.0.0.1", live_server.port)
        writer.write(raw)
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 10)
        assert b" 400 " in status, status
        writer.close()
    async with __import__("aiohttp").ClientSession() as session:       # still serving, and logged
        async with session.get(live_server.url + "/health") as response:
            assert response.status == 200
    log = live_server.log_path.read_text()
    assert "bad HTTP request" in log
    assert "Traceback" not in log, log[-2000:]
