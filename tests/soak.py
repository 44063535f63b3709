"""A bounded soak run: steady concurrent streams against a real server process for N
minutes, reporting the server's memory (RSS) and open file descriptors over time, errors
and whether every text arrived exact. Not part of the test run; it reports, never fails.

    python -m tests.soak [--minutes 10] [--concurrency 20] [--pieces 60] [--delay 0.02]

The LLM is the tests' fake OpenAI-compatible server (in this process); 1 request in 20
is abandoned by its client mid-answer, and 1 in 50 meets an upstream fault, so the
clean-up paths are soaked too.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time

import aiohttp

from tests.fake_llm import FakeLLM
from tests.live import LiveServer
from tests.sse_reader import read_events


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def one_stream(http, url, n, expected, counts, rng) -> None:
    abandon = rng.random() < 0.05
    fault = " (сбой)" if rng.random() < 0.02 else ""
    body = {"message": f"Помолвочное кольцо до 100 тысяч, вариант {n}{fault}", "explicit_task_type": "consultant"}
    try:
        async with http.post(url, json=body) as response:
            if response.status != 200:
                counts[f"http_{response.status}"] = counts.get(f"http_{response.status}", 0) + 1
                return
            text, last = [], None
            async for event in read_events(response):
                last = event
                if event["type"] == "token":
                    text.append(event["content"])
                    if abandon and len(text) > 3:
                        counts["abandoned"] = counts.get("abandoned", 0) + 1
                        return
            kind = last["type"] if last else "empty"
            if kind == "error":
                kind = f"error_{last['error']}{'_injected' if fault else ''}"
            counts[kind] = counts.get(kind, 0) + 1
            if kind == "done":
                counts["exact"] = counts.get("exact", 0) + ("".join(text) == expected)
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        counts[type(exc).__name__] = counts.get(type(exc).__name__, 0) + 1


async def main(args) -> None:
    rng = random.Random(7)
    fake = await FakeLLM().start()
    fake.pieces = [f"слово{i} " for i in range(args.pieces)]
    fake.delay = args.delay
    fake.fault_for = lambda body: "drop" if "(сбой)" in body["messages"][-1]["content"] else None
    expected = "".join(fake.pieces)
    with tempfile.TemporaryDirectory() as tmp:
        server = await LiveServer(os.path.join(tmp, "soak.db"), env={
            "OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": "t", "JEWELSTREAM_BIND_USERS": "0",
            "JEWELSTREAM_RATE_LIMIT": "0"}).start()
        pid = server.process.pid
        counts: dict[str, int] = {}
        url = server.url + "/api/orchestrator/soak/stream"
        samples = [(0.0, rss_mib(pid), open_fds(pid))]
        started = time.monotonic()
        deadline = started + args.minutes * 60
        sequence = 0

        async def worker(http):
            nonlocal sequence
            while time.monotonic() < deadline:
                sequence += 1
                await one_stream(http, url, sequence, expected, counts, rng)

        async def sampler():
            while time.monotonic() < deadline:
                await asyncio.sleep(30)
                samples.append((time.monotonic() - started, rss_mib(pid), open_fds(pid)))
                print(f"{samples[-1][0]:6.0f}s  RSS {samples[-1][1]:7.1f} MiB  fds {samples[-1][2]:4d}  {counts}",
                      flush=True)

        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            await asyncio.gather(sampler(), *(worker(http) for _ in range(args.concurrency)))
        await asyncio.sleep(2)
        samples.append((time.monotonic() - started, rss_mib(pid), open_fds(pid)))
        print(f"\nsoak: {args.minutes} min, {args.concurrency} concurrent streams, {sequence} requests")
        print(f"RSS start {samples[0][1]:.1f} MiB (idle), after warm-up {samples[1][1] if len(samples) > 1 else 0:.1f} MiB, "
              f"end {samples[-1][1]:.1f} MiB; open fds start {samples[0][2]}, end {samples[-1][2]}")
        print(f"outcomes: {counts}; LLM requests closed early by the server: {fake.closed_by_client}; "
              f"LLM requests still open: {fake.in_flight}")
        await server.stop()
    await fake.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--pieces", type=int, default=60)
    parser.add_argument("--delay", type=float, default=0.02)
    asyncio.run(main(parser.parse_args()))
