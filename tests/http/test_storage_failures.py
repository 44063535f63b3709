"""A full disk, a read-only or a vanished database: clear refusals, never a 500 or a
stream cut without an event, /health says so, and service resumes when writes work again
(issue 10, item 2). SQLite's `max_page_count` makes a full disk reproducible; `query_only`
makes the open database read-only."""
import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest

from jewelstream import keys
from jewelstream.app import create_app
from tests.kit import ORCHESTRATOR, ROOT, STAFF
from tests.live import free_port
from tests.sse_reader import collect

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


def fill_the_disk(db: sqlite3.Connection) -> None:
    """Cap the file at its current size, then use up the room left in the pages of the
    tables a question writes to (its log, the profile, the owner of the user id)."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    rows = {"messages": "INSERT INTO messages (user_id, role, content, state, created) "
                        "VALUES ('filler', 'user', ?2, 'complete', ?1)",
            "profiles": "INSERT INTO profiles (user_id, data, updated) VALUES ('filler-' || ?1, ?2, 0)",
            "owners": "INSERT INTO owners (user_id, browser, created) VALUES ('filler-' || ?1, ?2, 0)"}
    for sql in rows.values():
        n = 0
        for size in (4096, 512, 64, 8, 1):
            try:
                while True:
                    n += 1
                    db.execute(sql, (n, "x" * size))
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)


def make_room(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA max_page_count = 1073741823")


async def on_writer(client, change) -> None:
    """Run `change(connection)` on the store's own writing connection."""
    store = client.app[keys.STORE]
    await store.executor.run(change, store.executor.db)


async def health(client) -> tuple[int, dict]:
    response = await client.get("/health", headers=STAFF)
    return response.status, await response.json()


async def until_healthy(client, seconds: float = 5) -> dict:
    """/health again until it says 200 (it probes the disk at most once a second)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        status, body = await health(client)
        if status == 200 or asyncio.get_running_loop().time() > deadline:
            return body
        await asyncio.sleep(0.2)


async def test_a_full_disk_is_reported_refused_and_recovered_from(client, settings):
    assert (await health(client))[0] == 200
    await on_writer(client, fill_the_disk)

    # Binding the user id to this browser is the first write: a JSON 503 before any stream.
    refused = await client.post(ORCHESTRATOR.format("full"), json=QUESTION)
    assert refused.status == 503 and refused.headers["Retry-After"]
    assert (await refused.json())["error"] == "storage_unavailable"
    status, body = await health(client)
    assert status == 503 and body["status"] == "storage_unavailable"
    assert not body["storage"]["writable"] and "full" in body["storage"]["error"]

    # While writes fail, new questions get a JSON 503 before any stream (without trying).
    refused = await client.post(ORCHESTRATOR.format("full-2"), json=QUESTION)
    assert refused.status == 503 and (await refused.json())["error"] == "storage_unavailable"

    # Room again: the service resumes by itself.
    await on_writer(client, make_room)
    body = await until_healthy(client)
    assert body["storage"]["writable"] and body["status"] == "ok"
    events = await collect(await client.post(ORCHESTRATOR.format("full-3"), json=QUESTION))
    assert events[-1]["type"] == "done"
    rows = sqlite3.connect(settings.db_path).execute(
        "SELECT role, state FROM messages WHERE user_id = 'full-3' ORDER BY id").fetchall()
    assert rows == [("user", "complete"), ("assistant", "complete")]


async def test_a_read_only_database_gets_a_503_before_the_stream(client):
    await on_writer(client, lambda db: db.execute("PRAGMA query_only = ON"))
    refused = await client.post(ORCHESTRATOR.format("ro"), json=QUESTION)    # binding the user id writes
    assert refused.status == 503
    body = await refused.json()
    assert body["error"] == "storage_unavailable" and any("а" <= ch <= "я" for ch in body["message"])
    assert (await health(client))[0] == 503
    await on_writer(client, lambda db: db.execute("PRAGMA query_only = OFF"))
    assert (await until_healthy(client))["storage"]["writable"]
    assert (await client.post(ORCHESTRATOR.format("ro"), json=QUESTION)).status == 200


async def test_a_storage_failure_mid_stream_ends_it_with_a_russian_error(aiohttp_client, settings):
    """The questionnaire saves an answer inside the graph: that write fails -> error event."""
    client = await aiohttp_client(create_app(replace(settings, bind_users=False)))
    await on_writer(client, lambda db: db.execute("PRAGMA query_only = ON"))
    response = await client.post(ORCHESTRATOR.format("taste"), json={"message": "Золото",
                                                                     "explicit_task_type": "taste"})
    assert response.status == 200
    events = await asyncio.wait_for(collect(response), 10)
    last = events[-1]
    assert last["type"] == "error" and last["error"] == "storage_unavailable"
    assert any("а" <= ch <= "я" for ch in last["message"]) and "sqlite" not in last["message"].lower()


async def test_a_deleted_database_file_is_detected(client, settings):
    os.remove(settings.db_path)
    status, body = await health(client)
    assert status == 503 and body["storage"]["file"] == "missing"
    refused = await client.post(ORCHESTRATOR.format("gone"), json=QUESTION)
    assert refused.status == 503 and (await refused.json())["error"] == "storage_unavailable"


def start_server(db_path: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "JEWELSTREAM_DB": db_path, "JEWELSTREAM_LLM": "offline"}
    return subprocess.run([sys.executable, "run.py", "--port", str(free_port())], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_start_on_a_database_that_cannot_be_created_fails_clearly(tmp_path):
    (tmp_path / "a-file").write_text("")
    result = start_server(str(tmp_path / "a-file" / "jewelstream.db"))
    assert result.returncode != 0
    assert "cannot write the database" in result.stderr and "Traceback" not in result.stderr


def test_start_on_a_read_only_database_fails_clearly(db_path):
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", db_path]).returncode != 0:
        pytest.skip("needs chattr +i (root on ext4) to make the file read-only for root too")
    try:
        result = start_server(db_path)
    finally:
        subprocess.run(["chattr", "-i", db_path], check=True)
    assert result.returncode != 0
    assert "cannot write the database" in result.stderr and "Traceback" not in result.stderr
