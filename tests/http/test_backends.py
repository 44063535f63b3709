"""Trusted backends with service keys, and the 403 that says what to do (issue 10, item 12)."""
import asyncio
import os
import re
from dataclasses import replace
from subprocess import PIPE

import aiohttp
import pytest

from jewelstream.app import create_app
from tests.kit import CONSULTATION, ROOT
from tests.sse_reader import collect

README = ROOT / "README.md"
KEY = "backend-key-1"


async def _cookieless(client):
    """A second client of the same server that keeps no cookies (a backend, or curl)."""
    return aiohttp.ClientSession(str(client.make_url("")), cookie_jar=aiohttp.DummyCookieJar())


async def test_a_service_key_acts_for_any_user_without_a_cookie(aiohttp_client, settings, fake_llm):
    client = await aiohttp_client(create_app(replace(settings, api_keys=("other-key", KEY))))
    async with await _cookieless(client) as backend:
        for _ in range(2):
            async with backend.post(CONSULTATION.format("customer-42"), json={"message": "кольцо"},
                                    headers={"Authorization": f"Bearer {KEY}"}) as response:
                assert response.status == 200 and "Set-Cookie" not in response.headers
                assert (await collect(response))[-1]["type"] == "done"
        # A browser's own id is no obstacle to the backend either.
        await collect(await client.post(CONSULTATION.format("kiosk-7"), json={"message": "кольцо"}))
        async with backend.post(CONSULTATION.format("kiosk-7"), json={"message": "кольцо"},
                                headers={"Authorization": f"Bearer {KEY}"}) as response:
            assert response.status == 200
            await response.read()
        # A key is not the staff token.
        async with backend.post("/api/orchestrator/c42/stream", headers={"Authorization": f"Bearer {KEY}"},
                                json={"message": "клиенты", "explicit_task_type": "analysis"}) as response:
            assert response.status == 403


async def test_without_cookie_or_key_the_second_call_is_403_with_a_hint(client, fake_llm):
    async with await _cookieless(client) as backend:
        async with backend.post(CONSULTATION.format("customer-43"), json={"message": "кольцо"}) as first:
            assert first.status == 200
            await first.read()
        async with backend.post(CONSULTATION.format("customer-43"), json={"message": "кольцо"},
                                headers={"Authorization": "Bearer not-a-key"}) as second:
            assert second.status == 403
            body = await second.json()
    assert body["error"] == "user_taken" and re.search("[а-я]", body["message"])
    assert "cookie" in body["hint"] and "JEWELSTREAM_API_KEYS" in body["hint"] and "-c" in body["hint"]


def _readme_block(marker: str) -> str:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    return next(block for block in blocks if marker in block)


@pytest.mark.skipif(not os.path.exists("/usr/bin/curl"), reason="needs curl")
async def test_the_readme_curl_examples_work_twice(aiohttp_client, settings, tmp_path):
    server = await aiohttp_client(create_app(replace(settings, api_keys=("readme-key",))))
    script = _readme_block("-c jar.txt").replace("localhost:8000", f"127.0.0.1:{server.port}")
    assert "Authorization: Bearer" in script
    for run in range(2):     # not subprocess.run: the fake LLM serves from this event loop
        curl = await asyncio.create_subprocess_exec(
            "bash", "-ec", script, cwd=tmp_path, stdout=PIPE, stderr=PIPE,
            env={**os.environ, "JEWELSTREAM_KEY": "readme-key"})
        out, err = await asyncio.wait_for(curl.communicate(), 60)
        assert curl.returncode == 0, err
        assert out.decode().count('"type":"done"') == script.count("curl "), (run, out[-500:])
