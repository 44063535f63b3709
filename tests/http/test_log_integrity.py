"""No user's question or answer is lost because of what another user sends (issue 10, item 1)."""
import asyncio

from jewelstream import keys

from tests.kit import CONSULTATION, STAFF, db_rows
from tests.sse_reader import collect, text_of

LONE_SURROGATE = '{"message": "\\ud800"}'          # valid JSON, not encodable text


async def test_a_lone_surrogate_is_refused_and_costs_nobody_their_answer(client, fake_llm, settings):
    """30 questions at once and one lone surrogate: 30 streams end with done, the 30
    questions and answers are in the log, the bad request gets 422 before any stream."""
    fake_llm.delay = 0.005
    expected = "".join(fake_llm.pieces)

    async def ask(n: int) -> list[dict]:
        response = await client.post(CONSULTATION.format(f"burst-{n}"), json={"message": f"Кольцо номер {n}"})
        assert response.status == 200
        return await collect(response)

    async def ask_badly():
        return await client.post(CONSULTATION.format("bad"), data=LONE_SURROGATE,
                                 headers={"Content-Type": "application/json"})
    *streams, bad = await asyncio.gather(*(ask(n) for n in range(30)), ask_badly())

    assert bad.status == 422
    body = await bad.json()
    assert body["error"] == "invalid_text" and any("а" <= ch <= "я" for ch in body["message"])
    for events in streams:
        assert events[-1]["type"] == "done" and text_of(events) == expected
    rows = db_rows(settings.db_path, "SELECT user_id, role, content, state FROM messages "
                                     "WHERE user_id LIKE 'burst-%'")
    assert sorted(r for r in rows if r[1] == "user") == sorted(
        (f"burst-{n}", "user", f"Кольцо номер {n}", "complete") for n in range(30))
    assert sorted(r for r in rows if r[1] == "assistant") == sorted(
        (f"burst-{n}", "assistant", expected, "complete") for n in range(30))
    assert db_rows(settings.db_path, "SELECT count(*) FROM messages WHERE user_id = 'bad'") == [(0,)]


async def test_a_lone_surrogate_in_the_history_is_refused(client):
    response = await client.post(CONSULTATION.format("h"), data='{"message": "Привет", "conversation_history": '
                                 '[{"role": "user", "content": "a\\udfff"}]}',
                                 headers={"Content-Type": "application/json"})
    assert response.status == 422
    assert (await response.json())["error"] == "invalid_history"


async def test_a_row_that_cannot_be_stored_loses_only_itself(store, db_path):
    """The store on its own: rows of one group commit, one of them not encodable; the
    batch is written again row by row and only the bad row is missing (and counted)."""
    futures = [store.log_message("u1", "user", "первый"),
               store.log_message("u2", "user", "\ud800"),
               store.log_message("u3", "user", "третий")]
    assert await asyncio.gather(*futures) == [True, False, True]
    assert db_rows(db_path, "SELECT user_id, content FROM messages ORDER BY id") == [
        ("u1", "первый"), ("u3", "третий")]
    condition = await store.check()
    assert condition["log_failures"] == 1 and condition["writable"]


async def test_health_counts_log_rows_that_could_not_be_written(client):
    assert await client.app[keys.STORE].log_message("u", "user", "\udc00") is False
    response = await client.get("/health", headers=STAFF)
    assert response.status == 200                       # one bad row: the storage works
    assert (await response.json())["storage"]["log_failures"] == 1


async def test_no_answer_is_shown_before_its_question_is_in_the_log(client, fake_llm, settings):
    """A crash right after the first token must not lose the question (kill -9 test in
    tests/process): the first token waits for the question's commit, however slow."""
    from tests.sse_reader import read_events

    group_commit = client.server.app[keys.STORE]._store._log     # the conversation log's writer
    insert, disk = group_commit.insert, asyncio.Event()

    async def slow_insert(rows):
        if any(row[3] == "Брошь в винтажном стиле" for row in rows):
            await disk.wait()                                  # a slow disk, for this question
        await insert(rows)

    group_commit.insert = slow_insert
    response = await client.post(CONSULTATION.format("lena"), json={"message": "Брошь в винтажном стиле"})
    seen: list[dict] = []

    async def read() -> None:
        async for event in read_events(response):
            seen.append(event)

    reader = asyncio.ensure_future(read())
    try:
        await asyncio.sleep(0.5)                               # the LLM has long answered
        assert all(event["type"] == "status" for event in seen), seen    # status lines, no token
    finally:
        disk.set()
    await asyncio.wait_for(reader, 10)
    assert text_of(seen) == "".join(fake_llm.pieces) and seen[-1]["type"] == "done"
    assert db_rows(settings.db_path, "SELECT role FROM messages WHERE user_id = 'lena' ORDER BY id") == [
        ("user",), ("assistant",)]


async def test_the_run_logs_writes_never_hold_a_question_back(client, fake_llm, settings):
    """SQLite lets one connection write to a file at a time; one that finds it locked sleeps
    and tries again with growing pauses. The run log writes all the time while answers
    stream: sharing the conversation log's file, it held a question's commit (and the first
    token waiting for it) ~100 ms at every second question. With the run log's file locked
    by someone else once the run has its turn (its record goes in first), the question is
    still committed at once."""
    import sqlite3

    runs_db = client.server.app[keys.RUNS].log.path
    fake_llm.gate = asyncio.Event()                     # the answer goes on until the test is over
    asking = asyncio.ensure_future(client.post(CONSULTATION.format("unhurried"), json={"message": "Ищу кулон"}))
    # The run's record goes in first: the answer starts once it has its turn (runs/turns.py).
    for _ in range(200):
        if db_rows(runs_db, "SELECT count(*) FROM runs WHERE user_id = 'unhurried'") == [(1,)]:
            break
        await asyncio.sleep(0.01)
    blocker = sqlite3.connect(runs_db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")                  # the run log's file: write-locked
    try:
        logged = []
        for _ in range(120):
            logged = db_rows(settings.db_path, "SELECT content FROM messages WHERE user_id = 'unhurried'")
            if logged:
                break
            await asyncio.sleep(0.025)
        assert logged == [("Ищу кулон",)]                # the run log's file still locked
    finally:
        blocker.rollback()
        blocker.close()
        fake_llm.gate.set()
    events = await collect(await asking)
    assert events[-1]["type"] == "done" and text_of(events) == "".join(fake_llm.pieces)


async def test_a_nul_character_is_refused_before_any_stream(client, settings):
    """PostgreSQL cannot store a NUL in text: the question would be lost from the log (and
    counted as a log failure) while its answer streamed. Refused on every backend, in the
    body, the GET twin's query and the history."""
    response = await client.post(CONSULTATION.format("nul"), json={"message": "Кольцо\u0000 из золота"})
    assert response.status == 422 and (await response.json())["error"] == "invalid_text"
    twin = await client.get(CONSULTATION.format("nul") + "?message=%D0%BA%00")
    assert twin.status == 422 and (await twin.json())["error"] == "invalid_text"
    history = await client.post(CONSULTATION.format("nul"), json={
        "message": "Привет", "conversation_history": [{"role": "user", "content": "a\u0000b"}]})
    assert history.status == 422 and (await history.json())["error"] == "invalid_history"
    assert db_rows(settings.db_path, "SELECT count(*) FROM messages WHERE user_id = 'nul'") == [(0,)]
