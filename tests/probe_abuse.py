"""Figures for two abuses of a real server process: guessing the staff token, and a flood
of new user ids while the server is full. Not part of the test run; it reports, never fails.

    python -m tests.probe_abuse [--root PATH] [--seconds 3] [--flood 400] [--concurrency 50]

- Token guessing: wrong bearers as fast as 20 concurrent clients of one address can send
  them for `--seconds`; attempts per second, and how many got an answer before the first
  `429`.
- Flood: the server's `JEWELSTREAM_MAX_STREAMS` (20) slots are held by answers that never
  finish, then `--flood` requests, each with a new user id, `--concurrency` at a time
  (with many at once, a 503's time includes its wait behind the others): how long a `503`
  takes, and what else they got. Run with the address limit lifted (to time the 503
  itself) and with the default (200 a minute per address).

`--root` runs another checkout's `run.py` (to compare with older code); the LLM is the
tests' fake server in this process.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

from tests.fake_llm import FakeLLM
from tests.live import ROOT, free_port

BODY = {"message": "Подбери кольцо", "explicit_task_type": "analysis"}


async def start_server(root: Path, env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "run.py", "--port", str(port), cwd=root, env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(1200):
            try:
                async with session.get(url + "/health") as response:
                    if response.status == 200:
                        return process, url
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


async def stop_server(process) -> None:
    process.terminate()
    await process.wait()


async def guessing(url: str, seconds: float) -> str:
    statuses: list[int] = []
    deadline = time.perf_counter() + seconds

    async def client(session, n):
        while time.perf_counter() < deadline:
            try:
                async with session.post(f"{url}/api/orchestrator/g{n}/stream", json=BODY,
                                        headers={"Authorization": f"Bearer guess-{uuid.uuid4().hex}"}) as response:
                    await response.read()
                    statuses.append(response.status)
            except aiohttp.ClientError:
                statuses.append(0)            # a connection reset: counted as status 0

    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(client(session, n) for n in range(20)))
    elapsed = time.perf_counter() - started
    first_429 = statuses.index(429) if 429 in statuses else None
    return (f"{len(statuses)} attempts in {elapsed:.1f} s = {len(statuses) / elapsed:.0f}/s; "
            f"answered before the first 429: {first_429 if first_429 is not None else 'all'}; "
            f"statuses {dict(collections.Counter(statuses))}")


async def flood(url: str, fake: FakeLLM, count: int, concurrency: int) -> str:
    fake.fault = "hang"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        holders = [await session.post(f"{url}/api/consultation/hold{n}/stream", json={"message": "кольцо"})
                   for n in range(20)]
        times: dict[int, list[float]] = collections.defaultdict(list)
        gate = asyncio.Semaphore(concurrency)

        async def one(n):
            async with gate:
                started = time.perf_counter()
                try:
                    async with session.post(f"{url}/api/consultation/flood-{uuid.uuid4().hex[:12]}/stream",
                                            json={"message": "кольцо"}) as response:
                        await response.read()
                        times[response.status].append((time.perf_counter() - started) * 1000)
                except aiohttp.ClientError:
                    times[0].append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(count)))
        elapsed = time.perf_counter() - started
        for response in holders:
            response.close()
    busy = sorted(times.get(503, []))
    figure = (f"503 in ms: p50 {statistics.median(busy):.1f}, p99 {busy[int(len(busy) * 0.99) - 1]:.1f}, "
              f"max {busy[-1]:.1f}" if busy else "no 503")
    return f"{count} requests in {elapsed:.1f} s; {figure}; statuses { {k: len(v) for k, v in times.items()} }"


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.probe_abuse", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--flood", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    fake = await FakeLLM().start()
    folder = Path(tempfile.mkdtemp(prefix="probe-"))
    try:
        base = {"OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": "x", "JEWELSTREAM_MODEL": "fake",
                "JEWELSTREAM_STAFF_TOKEN": "the-real-token", "JEWELSTREAM_MAX_STREAMS": "20"}
        runs = [("token guessing", {}, lambda url: guessing(url, args.seconds)),
                ("flood, address limit lifted", {"JEWELSTREAM_ADDRESS_RATE_LIMIT": "1000000"},
                 lambda url: flood(url, fake, args.flood, args.concurrency)),
                ("flood, default limits", {}, lambda url: flood(url, fake, args.flood, args.concurrency))]
        for name, env, probe in runs:
            fake.fault = None
            process, url = await start_server(args.root, {**base, **env, "JEWELSTREAM_DB": str(folder / f"{name}.db")})
            try:
                print(f"{name}: {await probe(url)}", flush=True)
            finally:
                await stop_server(process)
    finally:
        fake.fault = None
        await fake.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
