"""Real PostgreSQL and Redis servers for the tests, from Debian's binaries, on loopback.

Each is started once per session (session fixtures in conftest.py) with its data in a
temporary folder; tests get their own database (a copy of a migrated, seeded template) or
their own key prefix. Under root, PostgreSQL runs as the `postgres` user (it refuses
root). When a binary is missing the tests that need it skip, except under CI=true, where
they fail: CI must run them.
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.live import free_port

def _pg_bin() -> Path:
    """Debian's PostgreSQL binaries (the newest version installed), or JEWELSTREAM_PG_BIN."""
    if os.environ.get("JEWELSTREAM_PG_BIN"):
        return Path(os.environ["JEWELSTREAM_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                   if p.parent.name.isdigit() else 0)
    return found[-1] if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


def require(what: str, present: bool) -> None:
    """Skip a test whose service is missing; under CI=true, fail instead."""
    if not present:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is not installed, and CI must run the tests that need it")
        pytest.skip(f"{what} is not installed")


class Postgres:
    """`initdb` + `pg_ctl start` on a free loopback port, trust authentication."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="jewelstream-pg-"))
        self.data = self.folder / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, cwd=self.folder)

    def start(self) -> "Postgres":
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def new_database(server: Postgres, template: str | None = None) -> str:
    """A new database (a copy of `template`, if named); its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres",
                    *(["-T", template] if template else []), name], check=True, capture_output=True)
    return server.url(name)


def run_async(coroutine):
    """Run a coroutine to its end from synchronous code, even inside a running loop (a
    session fixture set up by an async test): on a thread with a loop of its own."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


class Redis:
    """`redis-server` on a free loopback port, no persistence, its folder temporary."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="jewelstream-redis-"))
        self.process: subprocess.Popen | None = None

    def start(self) -> "Redis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout != b"PONG\n":
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        return self

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


NGINX_CONF = Path(__file__).resolve().parent.parent / "docs" / "deploy" / "nginx.conf"


class Nginx:
    """Debian's nginx running the repository's docs/deploy/nginx.conf in a temporary prefix,
    with its upstream servers and its port replaced."""

    def __init__(self, upstream_ports: list[int]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.prefix = Path(tempfile.mkdtemp(prefix="jewelstream-nginx-"))
        self.upstream_ports = upstream_ports

    def start(self) -> "Nginx":
        servers = "".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n"
                          for port in self.upstream_ports)
        conf, count = re.subn(r"(?m)^        server 127\.0\.0\.1:\d+ [^\n]*\n", "", NGINX_CONF.read_text())
        assert count >= 2, "the upstream block of docs/deploy/nginx.conf changed"
        conf = conf.replace("        least_conn;", "        least_conn;\n" + servers.rstrip("\n"), 1)
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        for folder in ("logs", "temp"):
            (self.prefix / folder).mkdir()
        os.chmod(self.prefix, 0o755)             # nginx's workers (nobody, under root) go in
        (self.prefix / "nginx.conf").write_text(conf)
        subprocess.run([NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")],
                       check=True, capture_output=True)
        return self

    def stop(self) -> None:
        subprocess.run([NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"), "-s", "stop"],
                       capture_output=True)
        shutil.rmtree(self.prefix, ignore_errors=True)


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
