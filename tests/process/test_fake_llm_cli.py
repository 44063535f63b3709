"""`python -m tests.fake_llm` serves on its own, with its options as flags (issue 10, item 13)."""
import asyncio
import json
import re
import sys

import aiohttp

from tests.kit import ROOT



async def _start(*flags: str):
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fake_llm", "--port", "0", *flags, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE)
    line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    return process, re.search(r"http://\S+/v1", line).group(0)


async def _stop(process) -> None:
    process.terminate()
    await asyncio.wait_for(process.wait(), 10)


async def test_it_streams_a_chunked_answer_with_the_text_and_timing_given():
    process, base_url = await _start("--text", "Кольцо из белого золота", "--ttft", "0", "--delay", "0.01")
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(base_url + "/chat/completions", json={
                    "model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]}) as response:
                assert response.status == 200 and response.headers["Transfer-Encoding"] == "chunked"
                lines = [line for line in (await response.text()).splitlines() if line.startswith("data: ")]
        assert lines[-1] == "data: [DONE]"
        chunks = [json.loads(line[6:]) for line in lines[:-1]]
        pieces = [c["choices"][0]["delta"].get("content") for c in chunks]
        assert "".join(p for p in pieces if p) == "Кольцо из белого золота" and len(pieces) >= 5
        assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    finally:
        await _stop(process)


async def test_a_fault_flag_applies_to_every_request():
    process, base_url = await _start("--fault", "http500")
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(base_url + "/chat/completions", json={"model": "m", "stream": True,
                                                                         "messages": []}) as response:
                assert response.status == 500
    finally:
        await _stop(process)
