"""Servers on a real port: `AppServer`, the app in the test's own process (for a browser or
a command-line client, which need a port, not a process), and `LiveServer`, `python run.py`
in a subprocess, only for the tests about processes (SIGTERM, kill -9, workers, the wheel).
Both have `url` and `port`."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
from aiohttp import web

from jewelstream.app import create_app
from jewelstream.config import Settings
from tests.kit import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AppServer:
    """The real app (`create_app(settings)`) served on a free port in this event loop, with
    its startup and cleanup, as `run.py` serves it, minus the process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = 0
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> "AppServer":
        self._runner = web.AppRunner(create_app(self.settings), handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    async def stop(self) -> None:
        await self._runner.cleanup()


class LiveServer:
    """`python run.py` in a subprocess with its own port, database and environment."""

    def __init__(self, db_path: str, env: dict[str, str] | None = None, workers: int = 1, *,
                 command: list[str] | None = None, cwd: Path = ROOT) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = db_path
        self.env = {**os.environ, "JEWELSTREAM_DB": db_path, "PYTHONUNBUFFERED": "1", **(env or {})}
        for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
            if env is None or name not in env:
                self.env.pop(name, None)
        self.command = command or [sys.executable, "run.py"]     # or an installed `python -m jewelstream`
        self.cwd = cwd
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log_path = Path(db_path).with_suffix(f".{self.port}.log")

    async def start(self, timeout: float = 60) -> "LiveServer":      # a loaded CI box starts slowly
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [*self.command, "--port", str(self.port), "--workers", str(self.workers)],
            cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = asyncio.get_running_loop().time() + timeout
        async with aiohttp.ClientSession() as session:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
                try:
                    async with session.get(self.url + "/health") as response:
                        if response.status == 200:
                            return self
                except aiohttp.ClientError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(f"server did not start: {self.log_path.read_text()[-2000:]}")
                await asyncio.sleep(0.1)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    async def wait(self, timeout: float) -> int:
        for _ in range(int(timeout / 0.05)):
            if self.process.poll() is not None:
                return self.process.returncode
            await asyncio.sleep(0.05)
        raise TimeoutError("server did not exit")

    async def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await self.wait(20)
            except TimeoutError:
                self.process.kill()
                self.process.wait()
        self.log.close()
