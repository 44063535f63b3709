"""Shared fixtures: a seeded database, the fake LLM server, and the real app on top."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from jewelstream.app import create_app
from jewelstream.config import Settings
from jewelstream.store import SqliteStore
from jewelstream.store.migrations import connect
from tests.fake_llm import FakeLLM


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
                    model="fake-model", db_path=db_path, staff_token="staff-secret",
                    first_token_timeout=5, total_timeout=20, connect_timeout=2)


@pytest.fixture
async def client(aiohttp_client, settings):
    """An HTTP client of the real app (openai mode, fake LLM)."""
    return await aiohttp_client(create_app(settings))


@pytest.fixture
async def offline_client(aiohttp_client, db_path):
    """An HTTP client of the real app in offline mode (fast pace for tests)."""
    return await aiohttp_client(create_app(Settings(llm="offline", db_path=db_path,
                                                    offline_pace=0.001, staff_token="staff-secret")))


async def save_profile(store, user_id: str, data: dict) -> None:
    """Give `user_id` exactly this profile (a test's starting point)."""
    await store.update_profile(user_id, lambda _: data)


def db_rows(path: str, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql, args).fetchall()


@pytest.fixture
async def live_server(fake_llm, db_path):
    """`python run.py` in a subprocess, its LLM the fake server (fast, exact)."""
    from tests.live import LiveServer
    server = await LiveServer(db_path, env={
        "OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_API_KEY": "test", "JEWELSTREAM_MODEL": "fake-model",
        "JEWELSTREAM_STAFF_TOKEN": "staff-secret"}).start()
    yield server
    await server.stop()


@pytest.fixture
async def store(db_path):
    """The seeded store, opened on this test's copy of the database."""
    opened = await SqliteStore.open(db_path)
    yield opened
    await opened.close()
