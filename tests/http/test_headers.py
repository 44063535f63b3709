"""Security headers on the page and static files (issue 10, item 10; the quiet log for bad
HTTP is tests/process/test_process.py)."""
import re
from dataclasses import replace
from html.parser import HTMLParser

from jewelstream.app import create_app

from tests.kit import ROOT

STATIC = ROOT / "static"


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


async def test_a_static_file_that_is_not_there_is_a_json_404_and_nothing_outside_is_served(client):
    for path in ("/static/nope.js", "/static/", "/static/..%2fjewelstream%2fconfig.py",
                 "/static/%2e%2e/%2e%2e/etc/passwd", "/static/%2fetc%2fpasswd",
                 "/static/index.html%00.js"):           # a NUL byte: a 500 (the OS refuses the name)
        response = await client.get(path)
        assert response.status == 404, path
        assert (await response.json())["error"] == "not_found", path     # it was an empty 404 body
    served = await client.get("/static/sse-client.js")
    assert served.status == 200 and "javascript" in served.headers["Content-Type"]
    assert (await served.read()) == (STATIC / "sse-client.js").read_bytes()


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
