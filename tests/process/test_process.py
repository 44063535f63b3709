"""The real server process: graceful SIGTERM, nothing lost after kill -9, and one log line
(no traceback) for each request aiohttp's HTTP parser rejects, and one for a port that is
taken."""
import asyncio
import os
import signal
import socket
import subprocess
import sys

import aiohttp
import pytest

from tests.kit import CONSULTATION, ORCHESTRATOR, ROOT, STAFF, STAFF_TOKEN, db_rows
from tests.live import LiveServer
from tests.sse_reader import read_events, text_of


def session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _first_token(response, seen):
    events = read_events(response)
    async for event in events:
        seen.append(event)
        if event["type"] == "token":
            return events


async def test_sigterm_lets_short_answers_finish_and_ends_the_rest(fake_llm, db_path):
    long_answer = ["долго "] * 400
    fake_llm.respond = lambda body: long_answer if "долгий" in body["messages"][-1]["content"] else fake_llm.pieces
    fake_llm.delay = 0.05                        # the short answer takes ~0.7 s, the long one 20 s
    server = await LiveServer(db_path, env={
        "OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_API_KEY": "t",
        "JEWELSTREAM_SHUTDOWN_GRACE": "2"}).start()
    try:
        async with session() as http:
            short = await http.post(server.url + ORCHESTRATOR.format("short"),
                                    json={"message": "кольцо", "explicit_task_type": "consultant"})
            long = await http.post(server.url + ORCHESTRATOR.format("long"),
                                   json={"message": "долгий рассказ", "explicit_task_type": "consultant"})
            short_seen, long_seen = [], []
            short_events = await _first_token(short, short_seen)
            long_events = await _first_token(long, long_seen)
            started = asyncio.get_running_loop().time()
            server.signal(signal.SIGTERM)
            short_seen += [e async for e in short_events]
            long_seen += [e async for e in long_events]
            ended = asyncio.get_running_loop().time() - started
            # New connections are refused while the old ones drain.
            try:
                async with http.get(server.url + "/health") as refused:
                    refused_status = refused.status
            except aiohttp.ClientConnectionError:
                refused_status = None
        assert short_seen[-1]["type"] == "done"
        assert text_of(short_seen) == "".join(fake_llm.pieces)
        assert long_seen[-1]["type"] == "error" and long_seen[-1]["error"] == "shutting_down"
        assert 1.5 < ended < 6
        assert refused_status is None
        assert await server.wait(10) == 0
        rows = dict(((user, role), state) for user, role, state in
                    db_rows(db_path, "SELECT user_id, role, state FROM messages"))
        assert rows[("short", "assistant")] == "complete" and rows[("long", "assistant")] == "cut"
    finally:
        await server.stop()


async def test_kill_9_loses_nothing_a_user_gave(fake_llm, db_path):
    env = {"OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_API_KEY": "t"}
    server = await LiveServer(db_path, env=env).start()
    async with session() as http:
        for user, message in (("olga", "Серьги с жемчугом до 30 тысяч"), ("ivan", "Кольцо жене на годовщину")):
            async with http.post(server.url + ORCHESTRATOR.format(user),
                                 json={"message": message, "explicit_task_type": "consultant"}) as response:
                assert [e async for e in read_events(response)][-1]["type"] == "done"
        # A question whose answer is still streaming when the process dies.
        fake_llm.gate = asyncio.Event()
        pending = await http.post(server.url + ORCHESTRATOR.format("lena"),
                                  json={"message": "Брошь в винтажном стиле", "explicit_task_type": "consultant"})
        await _first_token(pending, [])
        server.process.kill()                                   # SIGKILL: no clean-up at all
        server.process.wait()
        pending.close()
    fake_llm.gate.set()
    fake_llm.gate = None
    restarted = await LiveServer(db_path, env=env).start()
    try:
        rows = db_rows(db_path, "SELECT user_id, role, content, state FROM messages ORDER BY id")
        answer = "".join(fake_llm.pieces)
        assert ("olga", "user", "Серьги с жемчугом до 30 тысяч", "complete") in rows
        assert ("olga", "assistant", answer, "complete") in rows
        assert ("ivan", "assistant", answer, "complete") in rows
        assert ("lena", "user", "Брошь в винтажном стиле", "complete") in rows
        # The restarted server works and keeps the ids bound to their browsers.
        async with session() as stranger:
            async with stranger.post(restarted.url + ORCHESTRATOR.format("olga"), json={"message": "привет"}) as response:
                assert response.status == 403
    finally:
        await restarted.stop()


async def test_a_request_the_http_parser_rejects_logs_one_line(live_server):
    for raw in (b"GET / HTTP/1.1\r\nHost: x\r\nBad header line\r\n\r\n",
                b"POST /api/consultation/u/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
        reader, writer = await asyncio.open_connection("127.0.0.1", live_server.port)
        writer.write(raw)
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 10)
        assert b" 400 " in status, status
        writer.close()
    async with aiohttp.ClientSession() as session:       # still serving, and logged
        async with session.get(live_server.url + "/health") as response:
            assert response.status == 200
    log = live_server.log_path.read_text()
    assert "bad HTTP request" in log
    assert "Traceback" not in log, log[-2000:]


async def test_a_burst_of_connections_waits_in_the_kernels_queue_instead_of_being_dropped(live_server):
    """While the server is busy (here: stopped), new connections wait in the kernel's
    accept queue. It must hold a burst of them: with aiohttp's default (128), the 129th
    connection's SYN was dropped and came again only after TCP's 1 s retry, so a few of
    200 customers arriving at once got their first token ~1.6 s late."""
    burst, opened = 300, []

    async def connect():
        try:
            opened.append((await asyncio.wait_for(asyncio.open_connection("127.0.0.1", live_server.port), 0.5))[1])
        except (asyncio.TimeoutError, OSError):
            pass

    live_server.signal(signal.SIGSTOP)
    try:
        await asyncio.gather(*(connect() for _ in range(burst)))
    finally:
        live_server.signal(signal.SIGCONT)
        for writer in opened:
            writer.close()
    assert len(opened) == burst


async def test_the_server_warms_up_before_it_listens_and_touches_nothing_of_the_shop(live_server, fake_llm,
                                                                                        db_path, tmp_path):
    """Before it listens, the real server answers its warm-up questions (jewelstream/warmup.py)
    on a scratch database with the offline writer: the LLM got no request and the shop's
    database no row from it; JEWELSTREAM_WARMUP=0 starts without it."""
    log = live_server.log_path.read_text()
    assert "warm-up: 15 questions answered" in log, log[-2000:]
    assert fake_llm.requests == []
    async with session() as http:
        async with http.post(live_server.url + CONSULTATION.format("first"), json={"message": "Ищу кольцо"}) as answer:
            events = [event async for event in read_events(answer)]
    assert events[-1]["type"] == "done" and len(fake_llm.requests) == 1
    users = db_rows(db_path, "SELECT user_id FROM messages UNION SELECT user_id FROM profiles")
    assert users == [("first",)]
    cold = await LiveServer(str(tmp_path / "cold.db"), env={"JEWELSTREAM_WARMUP": "0"}).start()
    try:
        assert "warm-up" not in cold.log_path.read_text()
    finally:
        await cold.stop()


async def test_the_server_runs_on_uvloop_unless_told_not_to(live_server, db_path, tmp_path):
    """uvloop is a dependency (setup.cfg): the real server runs on it, and on asyncio's own
    loop with JEWELSTREAM_UVLOOP=0; both answer."""
    async with session() as http:
        async with http.get(live_server.url + "/health", headers=STAFF) as response:
            assert (await response.json())["event_loop"] == "uvloop"
        async with http.post(live_server.url + ORCHESTRATOR.format("loop"), json={"message": "Привет!"}) as answer:
            events = [event async for event in read_events(answer)]
            assert events[-1]["type"] == "done" and text_of(events)
    plain = await LiveServer(str(tmp_path / "plain.db"), env={"JEWELSTREAM_UVLOOP": "0",
                                                             "JEWELSTREAM_STAFF_TOKEN": STAFF_TOKEN}).start()
    try:
        async with session() as http:
            async with http.get(plain.url + "/health", headers=STAFF) as response:
                assert (await response.json())["event_loop"] == "asyncio"
    finally:
        await plain.stop()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_port_already_in_use_is_one_clear_line_and_exit_2(db_path, workers):
    """A newcomer who starts a second server (or whose port 8000 is taken) reads why, in
    one line, instead of a traceback from the event loop. With several workers the parent
    ends too, instead of starting them again and again."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "JEWELSTREAM_DB": db_path, "JEWELSTREAM_LLM": "offline", "JEWELSTREAM_WARMUP": "0"}
        result = subprocess.run([sys.executable, "run.py", "--port", str(port), "--workers", str(workers)],
                                cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"port {port} is already in use" in result.stderr
