"""The project as a user installs it: `pip install .` (a real wheel, not editable), then
`python -m jewelstream` run from another folder serves the page and answers a stream.

The venv sees the packages of the interpreter running the tests (a `.pth` file), so the
install needs no network: only jewelstream itself is built and installed (`--no-deps
--no-build-isolation`; the `test` extra brings `wheel`, which setuptools before 70.1 needs to
build one).
"""
from __future__ import annotations

import asyncio
import configparser
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.kit import ROOT
from tests.live import LiveServer
from tests.sse_reader import collect, text_of

BUILD_LEFTOVERS = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", "build", "dist", "*.db*",
                                         ".pytest_cache", ".hypothesis", ".venv", "bench-results")


def listed_packages() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return set(config["options"]["packages"].split())


def test_setup_cfg_lists_every_package():
    """The packages are listed by hand (static/ ships as jewelstream.static), so a new one
    must not be left out of the wheel."""
    found = {".".join(init.parent.relative_to(ROOT).parts)
             for top in ("jewelstream", "agents") for init in (ROOT / top).rglob("__init__.py")}
    assert found <= listed_packages(), f"add to setup.cfg's packages: {sorted(found - listed_packages())}"
    assert "jewelstream.static" in listed_packages()


@pytest.mark.install
async def test_installed_wheel_serves_the_page_and_a_stream(tmp_path, db_path):
    source, venv, elsewhere = tmp_path / "source", tmp_path / "venv", tmp_path / "elsewhere"
    shutil.copytree(ROOT, source, ignore=BUILD_LEFTOVERS)    # the build writes beside its sources
    elsewhere.mkdir()
    python = str(venv / "bin" / "python")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    await run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env, elsewhere)
    # The packages of the interpreter running the tests (a venv's or the system's), as
    # --system-site-packages would give only from the system's.
    inner_site = next((venv / "lib").glob("python3*/site-packages"))
    (inner_site / "outer.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    # The venv has no pip of its own; this machine's pip installs into the venv it runs in.
    await run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
               "--disable-pip-version-check", str(source)], env, elsewhere)
    where = await run([python, "-c", "import jewelstream.handlers as h; print(h.__file__); print(h.STATIC_DIR)"],
                      env, elsewhere)
    module, static = where.split()
    assert Path(module).is_relative_to(venv) and Path(static) == Path(module).parent / "static"

    server = await LiveServer(db_path, command=[python, "-m", "jewelstream"], cwd=elsewhere,
                              env={"JEWELSTREAM_LLM": "offline", "JEWELSTREAM_OFFLINE_PACE": "0"}).start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(server.url + "/") as page:
                assert page.status == 200 and "<script" in await page.text()
            async with http.get(server.url + "/static/sse-client.js") as script:
                assert script.status == 200 and (ROOT / "static" / "sse-client.js").read_text() == await script.text()
            async with http.post(server.url + "/api/consultation/installed/stream",
                                 json={"message": "Ищу серебряное кольцо"}) as response:
                events = await collect(response)
    finally:
        await server.stop()
    assert [e["type"] for e in events][-2:] == ["metadata", "done"]
    assert text_of(events) and events[-2]["products"]


async def run(command: list[str], env: dict, cwd: Path) -> str:
    process = await asyncio.create_subprocess_exec(*command, env=env, cwd=cwd, stdout=subprocess.PIPE,
                                                   stderr=subprocess.STDOUT)
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()[-3000:]
    return output.decode()
