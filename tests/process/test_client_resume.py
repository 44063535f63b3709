"""The command-line client resumes a cut answer by itself, and Ctrl-C stops the answer on
the server (with the server's default resume window of 30 s, only the cancel can). The
server is the app in the test's own process (the `app_server` fixture)."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile

from tests.cutting_proxy import CuttingProxy
from tests.kit import ROOT
from tests.process.client_cli import lines_between, run_client

QUESTION = "Помолвочное кольцо до 100 тысяч"


async def test_the_client_resumes_an_answer_cut_three_times(app_server, fake_llm):
    fake_llm.pieces = [f"слово{n} " for n in range(80)]
    fake_llm.delay = 0.005
    proxy = await CuttingProxy(app_server.port, [("body", 300), 200, 700]).start()
    try:
        code, output = await run_client("consultation", "--url", proxy.url, "--user", "cli-cut",
                                        "--message", QUESTION)
    finally:
        await proxy.close()
    assert code == 0, output
    assert proxy.done_cuts == 3
    streamed = lines_between(output, "Streaming response:", "📦 Metadata:")
    assert "".join(line for line in streamed if not line.startswith(("[", "-"))) == "".join(fake_llm.pieces)
    assert len(fake_llm.requests) == 1


async def test_ctrl_c_stops_the_answer_on_the_server(app_server, fake_llm):
    fake_llm.gate = asyncio.Event()                   # one piece, then the LLM waits
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "XDG_CACHE_HOME": tempfile.mkdtemp()}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jewelstream.client", "consultation", "--url", app_server.url,
        "--user", "cli-stop", "--message", QUESTION, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    seen = b""
    while fake_llm.pieces[0].encode() not in seen:
        seen += await asyncio.wait_for(process.stdout.read(256), 30)
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(fake_llm.client_closed.wait(), 10)       # the resume window is 30 s
    output = seen + await asyncio.wait_for(process.stdout.read(), 10)
    assert await process.wait() == 130
    assert "Stopped" in output.decode()
    assert fake_llm.completed == 0
