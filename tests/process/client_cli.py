"""Run the command-line client (`python -m jewelstream.client`) as a real process and read
its output; for tests/process/test_client*.py."""
from __future__ import annotations

import asyncio
import os
import sys
import tempfile

from tests.kit import ROOT

STAMP = r"\[\d\d:\d\d:\d\d\.\d{3}\]"


async def run_client(*args: str, cache: str | None = None) -> tuple[int, str]:
    """(exit code, stdout + stderr) of `python -m jewelstream.client ARGS`; `cache` holds
    its cookie file (a fresh folder by default: a new browser)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "XDG_CACHE_HOME": cache or tempfile.mkdtemp()}
    env.pop("JEWELSTREAM_STAFF_TOKEN", None)          # the client's --token default
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jewelstream.client", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, output.decode("utf-8")


def lines_between(output: str, start: str, end: str) -> list[str]:
    lines = output.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    last = next(i for i, line in enumerate(lines) if i > first and end in line)
    return lines[first + 1:last]
