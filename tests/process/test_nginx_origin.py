"""Behind the repository's nginx on a port of its own, a browser that sends no
Sec-Fetch-* headers (an older one) is judged by its Origin against the Host it asked for:
nginx must pass the Host on with its port, or the kiosk page's own questions would be
refused as cross-site."""
from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests import services
from tests.kit import CONSULTATION
from tests.live import LiveServer
from tests.sse_reader import collect


@pytest.fixture
async def behind_nginx(tmp_path):
    services.require("nginx", Path(services.NGINX).exists())
    node = LiveServer(str(tmp_path / "node.db"), env={"JEWELSTREAM_LLM": "offline", "JEWELSTREAM_OFFLINE_PACE": "0",
                                                     "JEWELSTREAM_TRUSTED_PROXIES": "127.0.0.1"})
    await node.start()
    proxy = services.Nginx([node.port]).start()
    yield proxy
    proxy.stop()
    await node.stop()


async def test_the_page_own_origin_with_its_port_is_same_origin_behind_nginx(behind_nginx):
    async with aiohttp.ClientSession() as session:
        async with session.post(behind_nginx.url + CONSULTATION.format("old-browser"),
                                json={"message": "Серебряное кольцо"},
                                headers={"Origin": behind_nginx.url}) as response:
            assert response.status == 200, await response.text()
            events = await collect(response)
        assert events[-1]["type"] == "done"
        async with session.post(behind_nginx.url + CONSULTATION.format("old-browser"),
                                json={"message": "Серебряное кольцо"},
                                headers={"Origin": "http://evil.example"}) as response:
            assert response.status == 403 and (await response.json())["error"] == "cross_site"
