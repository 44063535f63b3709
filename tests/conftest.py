"""The fixtures of the whole suite: a seeded database, the fake LLM server, the real app on
top (openai mode against the fake, or offline; through aiohttp's test client, or on a
real port for a program such as the command-line client), and the store. Helpers that
are not fixtures live in tests/kit.py; a folder's own fixtures in its conftest.py
(tests/browser/: the browser; tests/process/: a `run.py` process). PostgreSQL and Redis
servers (tests/services.py) are started once per session when a test asks for them;
`any_store` is the store of each backend."""
from __future__ import annotations

import shutil
import uuid
from dataclasses import replace

import pytest

from jewelstream.app import create_app
from jewelstream.config import Settings
from jewelstream.store import SqliteStore
from jewelstream.store.migrations import connect
from tests import services
from tests.fake_llm import FakeLLM
from tests.kit import STAFF_TOKEN
from tests.live import AppServer


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> str:
    """A database created and seeded once per test session (a template to copy)."""
    path = str(tmp_path_factory.mktemp("template") / "seeded.db")
    db = connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def db_path(tmp_path, seeded_db) -> str:
    """A fresh copy of the seeded database for one test."""
    path = str(tmp_path / "jewelstream.db")
    shutil.copy(seeded_db, path)
    return path


@pytest.fixture
async def fake_llm():
    """A running fake OpenAI-compatible server."""
    server = await FakeLLM().start()
    yield server
    await server.close()


@pytest.fixture
def settings(fake_llm, db_path) -> Settings:
    """Settings for an app whose LLM is the fake server."""
    return Settings(llm="openai", openai_base_url=fake_llm.base_url, openai_api_key="test",
                    model="fake-model", db_path=db_path, staff_token=STAFF_TOKEN,
                    first_token_timeout=5, total_timeout=20, connect_timeout=2)


@pytest.fixture
async def client(aiohttp_client, settings):
    """An HTTP client of the real app (openai mode, fake LLM)."""
    return await aiohttp_client(create_app(settings))


@pytest.fixture
async def offline_client(aiohttp_client, db_path):
    """An HTTP client of the real app in offline mode (words as fast as they come)."""
    return await aiohttp_client(create_app(Settings(llm="offline", db_path=db_path,
                                                    offline_pace=0, staff_token=STAFF_TOKEN)))


@pytest.fixture
async def app_server(settings):
    """The real app served on a real port in this process (for a command-line client)."""
    server = await AppServer(settings).start()
    yield server
    await server.stop()


@pytest.fixture
async def store(db_path):
    """The seeded store, opened on this test's copy of the database."""
    opened = await SqliteStore.open(db_path)
    yield opened
    await opened.close()


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the session, with a migrated and seeded template database."""
    services.require("PostgreSQL", (services.PG_BIN / "initdb").exists())
    server = services.Postgres().start()
    try:
        from jewelstream.store.postgres import PostgresStore
        url = services.new_database(server)

        async def migrate_and_seed() -> None:
            await (await PostgresStore.open(url, pool_size=1)).close()
        services.run_async(migrate_and_seed())
        server.template = url.rsplit("/", 1)[1]
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres_server) -> str:
    """A database of this test's own, a copy of the seeded template."""
    return services.new_database(postgres_server, postgres_server.template)


@pytest.fixture(scope="session")
def redis_server():
    """One redis-server for the session (tests keep apart by key prefix)."""
    services.require("redis-server", shutil.which("redis-server") is not None)
    server = services.Redis().start()
    yield server
    server.stop()


@pytest.fixture
def several_nodes(settings, pg_url, redis_server):
    """Settings of a node of a multi-node deployment: this test's own PostgreSQL database
    and its own key prefix in the shared Redis."""
    return replace(settings, database_url=pg_url, database_pool=4, redis_url=redis_server.url(),
                   redis_prefix=f"t{uuid.uuid4().hex[:10]}:")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, db_path) -> tuple[str, str]:
    """(backend, where): each store test runs on SQLite and on PostgreSQL."""
    return request.param, db_path if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
async def any_store(backend):
    """The seeded store of each backend, on this test's own database."""
    kind, where = backend
    if kind == "sqlite":
        opened = await SqliteStore.open(where)
    else:
        from jewelstream.store.postgres import PostgresStore
        opened = await PostgresStore.open(where, pool_size=4)
    yield opened
    await opened.close()
