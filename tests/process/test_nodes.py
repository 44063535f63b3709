"""Several nodes for real: two `run.py` processes on one PostgreSQL and one Redis, with the
repository's nginx configuration in front (issue 15, "How we will know"). An answer cut on
one node is finished through the other; a profile written through one is read through
the other; the rate limit counts across both; a killed node's runs end with the
interrupted error on the other, and nginx keeps serving."""
from __future__ import annotations

import asyncio
import json
import signal
import uuid
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from tests import services
from tests.fake_llm import FakeLLM
from tests.kit import ORCHESTRATOR as URL
from tests.live import LiveServer
from tests.sse_reader import read_numbered

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def llm():
    server = await FakeLLM().start()
    yield server
    await server.close()


@pytest.fixture
def fake_llm(llm):
    """The module's fake LLM, as a new one would be (its server stays up for the nodes)."""
    llm.reset()
    return llm


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(tmp_path_factory, llm, postgres_server, redis_server):
    """Two nodes and nginx in front, for the whole module: (node_a, node_b, nginx). The
    last test kills node a."""
    services.require("nginx", Path(services.NGINX).exists())
    folder = tmp_path_factory.mktemp("nodes")
    env = {"OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "test", "JEWELSTREAM_MODEL": "fake-model",
           "JEWELSTREAM_DATABASE_URL": services.new_database(postgres_server, postgres_server.template),
           "JEWELSTREAM_DATABASE_POOL": "4", "JEWELSTREAM_REDIS_URL": redis_server.url(),
           "JEWELSTREAM_REDIS_PREFIX": f"n{uuid.uuid4().hex[:8]}:",
           "JEWELSTREAM_TRUSTED_PROXIES": "127.0.0.1", "JEWELSTREAM_RATE_LIMIT": "6"}
    nodes = [LiveServer(str(folder / f"node-{name}.db"), env=env) for name in "ab"]
    await asyncio.gather(*(node.start() for node in nodes))
    proxy = services.Nginx([node.port for node in nodes]).start()
    yield nodes[0], nodes[1], proxy
    proxy.stop()
    await asyncio.gather(*(node.stop() for node in nodes))


async def first_tokens(response, count: int) -> list[tuple[int, dict]]:
    seen = []
    async for event_id, event in read_numbered(response):
        seen.append((event_id, event))
        if sum(e["type"] == "token" for _, e in seen) == count:
            return seen
    raise AssertionError(f"the answer ended early: {seen}")


def text(items) -> str:
    return "".join(e["content"] for _, e in items if e["type"] == "token")


async def test_an_answer_cut_on_one_node_is_finished_through_the_other(cluster, fake_llm):
    node_a, node_b, _ = cluster
    fake_llm.delay = 0.02
    fake_llm.pieces = [f"слово{n} " for n in range(30)]
    async with a_browser() as browser:
        response = await browser.post(node_a.url + URL.format("cut"), json=QUESTION)
        run_id = response.headers["X-Run-Id"]
        seen = await first_tokens(response, 5)
        response.close()                                            # the connection is cut
        resumed = await browser.get(f"{node_b.url}/api/runs/{run_id}/stream",
                                    headers={"Last-Event-ID": str(seen[-1][0])})
        assert resumed.status == 200
        rest = [item async for item in read_numbered(resumed)]
    items = seen + rest
    assert [event_id for event_id, _ in items] == list(range(1, len(items) + 1))   # none twice, none missing
    assert text(items) == "".join(fake_llm.pieces) and items[-1][1]["type"] == "done"
    assert len(fake_llm.requests) == 1


async def test_a_profile_written_through_one_node_is_read_through_the_other(cluster):
    """The questionnaire's progress and answers live in the profile: asked on a, answered
    on b, answered again on a, each node goes on from what the other wrote."""
    node_a, node_b, _ = cluster
    async with a_browser() as browser:
        async def ask(node, message: str) -> dict:
            response = await browser.post(node.url + URL.format("taste"), json={
                "message": message, "explicit_task_type": "taste"})
            assert response.status == 200
            events = [event async for _, event in read_numbered(response)]
            return next(e for e in events if e["type"] == "metadata")["data"]["taste"]
        assert (await ask(node_a, "Пройти тест вкуса"))["current_question_index"] == 0
        on_b = await ask(node_b, "серебро")
        assert on_b["current_question_index"] == 1 and on_b["profile"]["metals"] == ["silver"]
        on_a = await ask(node_a, "жемчуг")
        assert on_a["current_question_index"] == 2 and on_a["profile"]["metals"] == ["silver"]
        assert on_a["profile"]["stones"] == ["pearl"]


async def test_the_rate_limit_counts_requests_on_both_nodes(cluster):
    node_a, node_b, _ = cluster
    async with a_browser() as browser:
        statuses = []
        for n in range(8):
            node = (node_a, node_b)[n % 2]
            response = await browser.post(node.url + URL.format("limited"), json={"message": "Привет"})
            statuses.append(response.status)
            await response.read()
    assert statuses == [200] * 6 + [429] * 2


async def test_through_nginx_tokens_arrive_unbuffered_and_the_client_address_is_forwarded(cluster, fake_llm):
    node_a, node_b, proxy = cluster
    fake_llm.gate = asyncio.Event()                     # the answer waits after its first piece
    async with a_browser() as browser:
        response = await browser.post(proxy.url + URL.format("sse"), json=QUESTION,
                                      headers={"X-Forwarded-For": "203.0.113.7"})
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/event-stream")
        seen = await asyncio.wait_for(first_tokens(response, 1), 10)    # before the answer ends
        fake_llm.gate.set()
        rest = [item async for item in read_numbered(response)]
    assert text(seen + rest) == "".join(fake_llm.pieces)
    # The node's request log names the address nginx forwarded (it trusts 127.0.0.1 only).
    request_id = response.headers["X-Request-Id"]
    lines = [json.loads(line) for node in (node_a, node_b)
             for line in node.log_path.read_text().splitlines() if request_id in line]
    assert [(line["client"], line["status"]) for line in lines] == [("203.0.113.7", 200)]


async def test_a_killed_node_leaves_the_other_serving_and_its_runs_interrupted(cluster, fake_llm):
    node_a, node_b, proxy = cluster
    fake_llm.gate = asyncio.Event()
    async with a_browser() as browser:
        response = await browser.post(node_a.url + URL.format("killed"), json=QUESTION)
        run_id = response.headers["X-Run-Id"]
        seen = await first_tokens(response, 1)
        node_a.signal(signal.SIGKILL)
        await node_a.wait(10)
        resumed = await browser.get(f"{node_b.url}/api/runs/{run_id}/stream",
                                    headers={"Last-Event-ID": str(seen[-1][0])})
        rest = await asyncio.wait_for(_all(resumed), 15)     # the lease goes stale: not a hang
        assert rest[-1][1]["type"] == "error" and rest[-1][1]["error"] == "interrupted"
        assert [i for i, _ in seen + rest] == list(range(1, len(seen) + len(rest) + 1))
        fake_llm.gate.set()
        for n in range(4):                                    # nginx sends everything to b
            again = await browser.post(proxy.url + URL.format(f"after-{n}"), json={"message": "Привет"})
            assert again.status == 200
            assert [e async for _, e in read_numbered(again)][-1]["type"] == "done"


def a_browser() -> aiohttp.ClientSession:
    """A client that keeps cookies as a browser does (one jar for every node: same host)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _all(response) -> list:
    return [item async for item in read_numbered(response)]
