"""Runs against a real `run.py --workers 2`: a chaos proxy that cuts the client's
connection three times per answer, and `kill -9` of the process producing a run.

One server (and one fake LLM, reset for each test) for the module, in the module's event
loop: starting two workers is the slow part. The kill tests come last: the parent
replaces the worker it kills (the first kill test waits for it)."""
from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import time

import aiohttp
import pytest
import pytest_asyncio

from jewelstream.answer_stream import AnswerStream, sse_events
from jewelstream.runs.sqlite_tables import run_log_path
from tests.cutting_proxy import CuttingProxy
from tests.fake_llm import FakeLLM
from tests.kit import db_rows
from tests.live import LiveServer

pytestmark = pytest.mark.asyncio(loop_scope="module")
ANSWERS = 30
AT_ONCE = 6


def answer_for(number: int) -> list[str]:
    return [f"Ответ{number}-{piece} " for piece in range(60)]


def alive(pid: int) -> bool:
    """Not yet reaped by its parent (a killed worker's sockets are closed by then)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def listening_sockets(port: int) -> int:
    """How many sockets listen on `port` (each worker has its own, SO_REUSEPORT)."""
    with open("/proc/net/tcp") as table:
        return sum(1 for line in table.readlines()[1:]
                   if line.split()[1].endswith(f":{port:04X}") and line.split()[3] == "0A")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_llm():
    server = await FakeLLM().start()
    yield server
    await server.close()


@pytest_asyncio.fixture(loop_scope="module")
async def fake_llm(module_llm):
    """The module's fake LLM, at its defaults and with no records for this test."""
    module_llm.reset()
    yield module_llm
    module_llm.reset()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def two_workers(module_llm, seeded_db, tmp_path_factory):
    db_path = str(tmp_path_factory.mktemp("two_workers") / "jewelstream.db")
    shutil.copy(seeded_db, db_path)
    server = await LiveServer(db_path, workers=2, env={
        "OPENAI_BASE_URL": module_llm.base_url, "OPENAI_API_KEY": "test",
        "JEWELSTREAM_MODEL": "fake-model"}).start(timeout=120)
    for _ in range(1200):                    # /health answers once the first worker is up
        if listening_sockets(server.port) == 2:
            break
        await asyncio.sleep(0.1)
    assert listening_sockets(server.port) == 2
    yield server
    await server.stop()


async def test_chaos_three_cuts_per_answer_lose_and_repeat_nothing(two_workers, fake_llm):
    db_path = two_workers.db_path
    fake_llm.delay = 0.003
    fake_llm.respond = lambda body: answer_for(int(body["messages"][-1]["content"].split()[-1]))
    rng = random.Random(1313)

    async def one_answer(number: int) -> None:
        # The POST is cut inside its event stream (so its cookie and run id arrive); the
        # resumes anywhere, headers included.
        cuts = [("body", rng.randint(1, 900)), rng.randint(1, 900), rng.randint(1, 900)]
        proxy = await CuttingProxy(two_workers.port, cuts).start()
        try:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
                stream = AnswerStream(session, f"{proxy.url}/api/consultation/chaos{number}/stream",
                                      {"message": f"Подберите кольцо, вопрос {number}"}, patience=10)
                seen = [(stream.last_id, event) async for event in stream]
        finally:
            await proxy.close()
        assert proxy.done_cuts == 3, (number, proxy.done_cuts)
        assert stream.duplicates == 0
        assert [event_id for event_id, _ in seen] == list(range(1, len(seen) + 1))   # none missing
        assert "".join(e["content"] for _, e in seen if e["type"] == "token") == "".join(answer_for(number))
        assert seen[-1][1]["type"] == "done"

    for start in range(0, ANSWERS, AT_ONCE):
        await asyncio.gather(*(one_answer(n) for n in range(start, min(start + AT_ONCE, ANSWERS))))
    producers = db_rows(run_log_path(db_path), "SELECT count(DISTINCT pid) FROM runs")[0][0]
    assert producers == 2                                    # both workers took questions
    asked = sorted(int(body["messages"][-1]["content"].split()[-1]) for body in fake_llm.requests)
    assert asked == list(range(ANSWERS))                     # one LLM request per answer


async def test_after_kill_9_of_the_producer_a_resume_gets_the_logged_events_then_interrupted(
        two_workers, fake_llm):
    runs_db = run_log_path(two_workers.db_path)
    fake_llm.gate = asyncio.Event()                          # one piece, then the LLM waits
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        stream = AnswerStream(session, f"{two_workers.url}/api/consultation/killed/stream",
                              {"message": "Помолвочное кольцо"}, patience=5)
        seen = []
        async for event in stream:
            seen.append((stream.last_id, event))
            if event["type"] == "token":
                break
        run_id = stream.run_id
        for _ in range(100):                                 # until the log holds them all
            if db_rows(runs_db, "SELECT count(*) FROM run_events WHERE run_id = ?", run_id)[0][0] == len(seen):
                break
            await asyncio.sleep(0.05)
        pid = db_rows(runs_db, "SELECT pid FROM runs WHERE run_id = ?", run_id)[0][0]
        os.kill(pid, signal.SIGKILL)

        async def resume(last: int):
            return await session.get(f"{two_workers.url}/api/runs/{run_id}/stream",
                                     headers={"Last-Event-ID": str(last)})
        from tests.sse_reader import read_numbered
        replay = [item async for item in read_numbered(await asyncio.wait_for(resume(0), 5))]
        assert replay[:-1] == seen
        last_id, last = replay[-1]
        assert last_id == len(seen) + 1 and last["type"] == "error" and last["error"] == "interrupted"
        assert "прервался" in last["message"]
        assert (await resume(last_id)).status == 204           # over and delivered
    fake_llm.gate.set()
    for _ in range(1200):         # the parent starts another worker (the killed one's socket
        if not alive(pid) and listening_sockets(two_workers.port) == 2:   # may outlive it a moment)
            break
        await asyncio.sleep(0.1)
    assert listening_sockets(two_workers.port) == 2
    async with aiohttp.ClientSession() as session:
        for _ in range(8):                                   # and both answer (SO_REUSEPORT spreads them)
            async with session.get(f"{two_workers.url}/health") as response:
                assert response.status == 200


async def test_after_kill_9_of_the_producer_the_users_next_question_is_answered_at_once(two_workers, fake_llm):
    """A user's next question waits for their earlier answer (jewelstream/runs/turns.py),
    but not for one whose producer died: the other worker sees its process gone. (Last:
    the module's server is not waited for to replace the worker.)"""
    runs_db = run_log_path(two_workers.db_path)
    fake_llm.gate = asyncio.Event()                          # one piece, then the LLM waits
    jar = aiohttp.CookieJar(unsafe=True)
    url = f"{two_workers.url}/api/consultation/killed-next/stream"
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        stream = AnswerStream(session, url, {"message": "Помолвочное кольцо"}, patience=5)
        async for event in stream:
            if event["type"] == "token":
                break
        for _ in range(100):                                 # until the log holds the run
            if db_rows(runs_db, "SELECT count(*) FROM runs WHERE run_id = ?", stream.run_id)[0][0]:
                break
            await asyncio.sleep(0.05)
        os.kill(db_rows(runs_db, "SELECT pid FROM runs WHERE run_id = ?", stream.run_id)[0][0], signal.SIGKILL)
    fake_llm.gate.set()
    events: list[dict] = []
    for _ in range(100):                                     # a connection the dying worker took is reset
        try:
            started = time.monotonic()
            async with aiohttp.ClientSession(cookie_jar=jar) as session, \
                    session.post(url, json={"message": "Серьги с жемчугом"}) as response:
                events = [event async for _, event in sse_events(response)]
            break
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    assert events[-1]["type"] == "done" and time.monotonic() - started < 3.0
    assert "waiting" not in [event.get("stage") for event in events]
