"""Runs in one process (and two apps on one database, as two workers): run ids, resume,
owners, expiry, cancel, the resume window, Idempotency-Key, the EventSource twin."""
from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import aiohttp
import pytest

from jewelstream import keys
from jewelstream.app import create_app
from jewelstream.runs.followers import MAX_FOLLOWERS
from jewelstream.runs.sqlite_tables import run_log_path
from tests.kit import CONSULTATION, db_rows
from tests.sse_reader import read_events, read_numbered

QUESTION = {"message": "Помолвочное кольцо до 100 тысяч"}


async def numbered(response) -> list[tuple[int, dict]]:
    return [item async for item in read_numbered(response)]


def text(items) -> str:
    return "".join(e["content"] for _, e in items if e["type"] == "token")


async def first_token(response) -> list[tuple[int, dict]]:
    """Read up to the first token; the rest stays unread."""
    seen = []
    async for event_id, event in read_numbered(response):
        seen.append((event_id, event))
        if event["type"] == "token":
            return seen
    raise AssertionError(f"no token in {seen}")


async def _app(aiohttp_client, settings, **changes):
    return await aiohttp_client(create_app(replace(settings, **changes)))


async def test_every_answer_is_a_run_with_an_id_and_numbered_events(client, fake_llm):
    response = await client.post(CONSULTATION.format("r1"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    items = await numbered(response)
    assert items[0][1]["run_id"] == run_id and all("run_id" not in e for _, e in items[1:])
    assert [i for i, _ in items] == list(range(1, len(items) + 1))
    assert text(items) == "".join(fake_llm.pieces) and items[-1][1]["type"] == "done"


async def test_a_run_id_goes_out_only_once_the_log_holds_the_run(client, fake_llm, settings, caplog):
    """Whoever learns a run's id may resume it on another worker or node at once; if the
    producing process died the moment after, that resume must find the run and end it as
    interrupted, not answer 404 because the run's record was still on its way to the log.
    The record goes in with the run's line-up (runs/turns.py), before the answer starts."""
    await numbered(await client.post(CONSULTATION.format("warm"), json=QUESTION))
    run_log, committed = client.server.app[keys.RUNS].log, asyncio.Event()
    line_up = run_log.line_up

    async def slow_line_up(record, since):                  # the log's commits are slow now
        await committed.wait()
        return await line_up(record, since)

    run_log.line_up = slow_line_up
    try:
        with pytest.raises(TimeoutError):                   # a client that leaves meanwhile
            await asyncio.wait_for(client.post(CONSULTATION.format("gone"), json=QUESTION), 0.3)
        asking = asyncio.ensure_future(client.post(CONSULTATION.format("announced"), json=QUESTION))
        await asyncio.sleep(0.2)
        assert len(fake_llm.requests) == 1 and not asking.done()     # warm only: the others wait
        committed.set()
        response = await asking
        run_id = response.headers["X-Run-Id"]
        assert db_rows(run_log_path(settings.db_path), "SELECT count(*) FROM runs WHERE run_id = ?", run_id) == [(1,)]
        assert (await numbered(response))[-1][1]["type"] == "done"
    finally:                                                # a failure must not hang the shutdown
        committed.set()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_resume_mid_answer_continues_the_same_run(client, fake_llm):
    fake_llm.gate = asyncio.Event()
    response = await client.post(CONSULTATION.format("r2"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    seen = await first_token(response)
    response.close()                                  # the connection drops
    await asyncio.sleep(0.1)
    fake_llm.gate.set()
    resumed = await client.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": str(seen[-1][0])})
    assert resumed.status == 200 and resumed.headers["X-Run-Id"] == run_id
    rest = await numbered(resumed)
    items = seen + rest
    assert [i for i, _ in items] == list(range(1, len(items) + 1))
    assert text(items) == "".join(fake_llm.pieces) and items[-1][1]["type"] == "done"
    assert len(fake_llm.requests) == 1


async def test_resume_after_the_run_finished_replays_the_rest_then_204(client, fake_llm):
    response = await client.post(CONSULTATION.format("r3"), json=QUESTION)
    run_id, items = response.headers["X-Run-Id"], await numbered(response)
    replay = await numbered(await client.get(f"/api/runs/{run_id}/stream", params={"last_event_id": "3"}))
    assert replay == items[3:]
    whole = await numbered(await client.get(f"/api/runs/{run_id}/stream"))
    assert whole == items
    assert (await client.get(f"/api/runs/{run_id}/stream",
                             headers={"Last-Event-ID": str(items[-1][0])})).status == 204
    assert len(fake_llm.requests) == 1
    cancelled = await client.post(f"/api/runs/{run_id}/cancel")       # too late: it says so
    assert cancelled.status == 200 and (await cancelled.json())["status"] == "finished"


async def test_an_id_the_run_never_sent_is_refused_and_never_an_endless_or_silent_stream(client, fake_llm):
    fake_llm.gate = asyncio.Event()
    response = await client.post(CONSULTATION.format("r3b"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    await first_token(response)
    live = await asyncio.wait_for(client.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": "99999"}), 2)
    assert live.status == 400 and (await live.json())["error"] == "bad_last_event_id"
    fake_llm.gate.set()
    items = await numbered(response)
    over = await client.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": str(items[-1][0] + 5)})
    assert over.status == 400 and (await over.json())["error"] == "bad_last_event_id"
    for odd in ("²", "-1", "1.5", "9" * 10):    # "²" passes str.isdigit, not int()
        bad = await client.get(f"/api/runs/{run_id}/stream", params={"last_event_id": odd})
        assert bad.status == 400 and (await bad.json())["error"] == "bad_last_event_id"


async def test_only_the_owner_or_staff_may_resume_or_cancel(client, fake_llm):
    response = await client.post(CONSULTATION.format("r4"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    await numbered(response)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as stranger:
        for method, path in (("GET", "stream"), ("POST", "cancel")):
            other = await stranger.request(method, client.make_url(f"/api/runs/{run_id}/{path}"))
            assert other.status == 403 and (await other.json())["error"] == "run_forbidden"
        staff = await stranger.get(client.make_url(f"/api/runs/{run_id}/stream"),
                                   headers={"Authorization": "Bearer staff-secret"})
        assert staff.status == 200 and text(await numbered(staff)) == "".join(fake_llm.pieces)


async def test_unknown_and_expired_runs_are_404_json(aiohttp_client, settings, fake_llm):
    client = await _app(aiohttp_client, settings, run_retention=0.3)
    for run_id in ("nope", "x" * 80):
        missing = await client.get(f"/api/runs/{run_id}/stream")
        assert missing.status == 404 and (await missing.json())["error"] in ("run_not_found", "not_found")
    response = await client.post(CONSULTATION.format("r5"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    await numbered(response)
    assert (await client.get(f"/api/runs/{run_id}/stream")).status == 200
    await asyncio.sleep(0.4)
    expired = await client.get(f"/api/runs/{run_id}/stream")
    assert expired.status == 404
    body = await expired.json()
    assert body["error"] == "run_not_found" and "Ответ" in body["message"]
    # The conversation log keeps the text for good.
    assert db_rows(settings.db_path, "SELECT content FROM messages WHERE user_id = 'r5' AND role = 'assistant'") \
        == [("".join(fake_llm.pieces),)]


async def test_cancel_stops_the_llm_within_a_second_and_ends_every_stream(client, fake_llm, settings):
    fake_llm.gate = asyncio.Event()
    response = await client.post(CONSULTATION.format("r6"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    seen = await first_token(response)
    follower = await client.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": "1"})
    started = time.monotonic()
    cancelled = await client.post(f"/api/runs/{run_id}/cancel")
    assert cancelled.status == 200
    await asyncio.wait_for(fake_llm.client_closed.wait(), 1.0)
    assert time.monotonic() - started < 1.0
    for items in (seen + await numbered(response), [(1, {})] + await numbered(follower)):
        assert items[-1][1]["type"] == "error" and items[-1][1]["error"] == "stopped"
        assert "остановлен" in items[-1][1]["message"]
        assert [i for i, _ in items] == list(range(1, len(items) + 1))
    await asyncio.sleep(0.1)
    assert db_rows(settings.db_path, "SELECT content, state FROM messages WHERE user_id = 'r6' AND role = 'assistant'") \
        == [(fake_llm.pieces[0], "cut")]


async def test_without_a_resume_the_run_stops_when_the_window_closes(aiohttp_client, settings, fake_llm):
    client = await _app(aiohttp_client, settings, resume_window=0.6)
    fake_llm.gate = asyncio.Event()
    response = await client.post(CONSULTATION.format("r7"), json=QUESTION)
    await first_token(response)
    response.close()
    left = time.monotonic()
    await asyncio.wait_for(fake_llm.client_closed.wait(), 0.6 + 1.0)
    assert time.monotonic() - left >= 0.5             # it went on while the window was open


async def test_a_resume_inside_the_window_keeps_the_run_going(aiohttp_client, settings, fake_llm):
    client = await _app(aiohttp_client, settings, resume_window=0.5)
    fake_llm.gate = asyncio.Event()
    response = await client.post(CONSULTATION.format("r8"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    seen = await first_token(response)
    response.close()
    await asyncio.sleep(0.3)
    resumed = await client.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": str(seen[-1][0])})
    await asyncio.sleep(0.6)                          # past the window: the resumer holds it
    assert not fake_llm.client_closed.is_set()
    fake_llm.gate.set()
    items = seen + await numbered(resumed)
    assert text(items) == "".join(fake_llm.pieces) and items[-1][1]["type"] == "done"


async def test_an_idempotency_key_retry_joins_the_run(client, fake_llm):
    fake_llm.gate = asyncio.Event()
    headers = {"Idempotency-Key": "question-42"}
    first = await client.post(CONSULTATION.format("r9"), json=QUESTION, headers=headers)
    await first_token(first)
    first.close()                                     # dropped; the client asks again
    retry = await client.post(CONSULTATION.format("r9"), json=QUESTION, headers=headers)
    assert retry.headers["X-Run-Id"] == first.headers["X-Run-Id"]
    fake_llm.gate.set()
    items = await numbered(retry)
    assert [i for i, _ in items] == list(range(1, len(items) + 1))
    assert text(items) == "".join(fake_llm.pieces)
    assert len(fake_llm.requests) == 1
    bad = await client.post(CONSULTATION.format("r9"), json=QUESTION, headers={"Idempotency-Key": "a b"})
    assert bad.status == 400 and (await bad.json())["error"] == "bad_idempotency_key"


async def test_an_idempotency_key_reused_for_another_question_is_refused(aiohttp_client, settings, fake_llm):
    """A key names one question: the same key with another message, history or endpoint
    is a client's bug, answered 422, never the first question's answer (on this worker,
    and on another one, which finds the key in the log)."""
    fake_llm.gate = asyncio.Event()
    worker, other_worker = await _app(aiohttp_client, settings), await _app(aiohttp_client, settings)
    headers = {"Idempotency-Key": "question-43"}
    first = await worker.post(CONSULTATION.format("r11"), json=QUESTION, headers=headers)
    await first_token(first)
    cookie = first.cookies["jewelstream_browser"].value
    other_worker.session.cookie_jar.update_cookies({"jewelstream_browser": cookie})
    for client in (worker, other_worker):
        for url, body in ((CONSULTATION, {"message": "Серьги с жемчугом"}),
                          (CONSULTATION, {**QUESTION, "conversation_history": [{"role": "user", "content": "Привет"}]}),
                          ("/api/orchestrator/{}/stream", QUESTION)):
            reused = await client.post(url.format("r11"), json=body, headers=headers)
            assert reused.status == 422 and (await reused.json())["error"] == "idempotency_key_reused"
        retry = await client.post(CONSULTATION.format("r11"), json=QUESTION, headers=headers)
        assert retry.status == 200 and retry.headers["X-Run-Id"] == first.headers["X-Run-Id"]
        retry.close()
    fake_llm.gate.set()
    assert len(fake_llm.requests) == 1


async def test_an_event_source_reconnect_continues_the_run_then_gets_204(client, fake_llm):
    fake_llm.gate = asyncio.Event()
    params = {"message": QUESTION["message"]}
    response = await client.get(CONSULTATION.format("r10"), params=params)
    seen = await first_token(response)
    response.close()
    fake_llm.gate.set()
    again = await client.get(CONSULTATION.format("r10"), params=params, headers={"Last-Event-ID": str(seen[-1][0])})
    assert again.status == 200 and again.headers["X-Run-Id"] == response.headers["X-Run-Id"]
    items = seen + await numbered(again)
    assert text(items) == "".join(fake_llm.pieces) and items[-1][1]["type"] == "done"
    over = await client.get(CONSULTATION.format("r10"), params=params, headers={"Last-Event-ID": str(items[-1][0])})
    assert over.status == 204
    assert len(fake_llm.requests) == 1


@pytest.fixture(params=["one box", "postgresql", "two nodes"])
async def two_workers(request, aiohttp_client, settings):
    """Two apps on one database file: what `run.py --workers 2` runs, in one process; the
    same on PostgreSQL (its runs there too); or two nodes on PostgreSQL and Redis (their
    runs in Redis Streams)."""
    if request.param == "postgresql":
        settings = replace(settings, database_url=request.getfixturevalue("pg_url"), database_pool=4)
    elif request.param == "two nodes":
        settings = request.getfixturevalue("several_nodes")
    first = await aiohttp_client(create_app(settings))
    second = await aiohttp_client(create_app(settings))
    return first, second


async def _share_cookie(first, second, user: str) -> None:
    """Make `second` the same browser as `first` (the cookie secret is in the database)."""
    first.session.cookie_jar.update_cookies({}, first.make_url("/"))
    for cookie in first.session.cookie_jar:
        second.session.cookie_jar.update_cookies({cookie.key: cookie.value}, second.make_url("/"))


async def test_a_resume_on_another_worker_is_served_from_the_log_then_live(two_workers, fake_llm):
    first, second = two_workers
    fake_llm.delay = 0.05
    fake_llm.pieces = [f"слово{n} " for n in range(20)]
    response = await first.post(CONSULTATION.format("w1"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    await _share_cookie(first, second, "w1")
    seen, arrived = [], {}
    # One reader for the whole stream: a second one would lose what the first had buffered
    # (two events in one chunk, on a loaded machine).
    local_events = read_numbered(response)
    async for event_id, event in local_events:
        seen.append((event_id, event))
        arrived[event_id] = time.monotonic()
        if event["type"] == "token":
            break
    other = await second.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": "0"})
    assert other.status == 200
    local_task = asyncio.create_task(_timed(local_events, arrived))
    remote_at: dict[int, float] = {}
    remote = await _timed(read_numbered(other), remote_at)
    local = seen + await local_task
    assert remote == local and text(remote) == "".join(fake_llm.pieces)
    assert [i for i, _ in remote] == list(range(1, len(remote) + 1))
    late = sorted(remote_at[i] - arrived[i] for i in remote_at if i > len(seen) + 2)
    assert late and late[len(late) * 9 // 10] < 0.1, late     # live: within 100 ms of the producer
    assert len(fake_llm.requests) == 1


async def test_an_id_past_the_end_of_another_workers_run_ends_with_an_error(two_workers, fake_llm):
    """Another worker's live run is read from the log, which may lag: such an id is taken,
    and when the run ends with nothing after it, the stream ends with an error."""
    first, second = two_workers
    fake_llm.gate = asyncio.Event()
    response = await first.post(CONSULTATION.format("w1b"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    await _share_cookie(first, second, "w1b")
    await first_token(response)
    other = await second.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": "99999"})
    assert other.status == 200
    fake_llm.gate.set()
    await numbered(response)
    events = [event async for event in read_events(other)]
    assert [e["type"] for e in events] == ["error"] and events[0]["error"] == "bad_last_event_id"


async def _timed(events, arrived: dict) -> list:
    items = []
    async for event_id, event in events:
        arrived[event_id] = time.monotonic()
        items.append((event_id, event))
    return items


async def test_cancel_on_another_worker_stops_the_run_within_a_second(two_workers, fake_llm):
    first, second = two_workers
    fake_llm.gate = asyncio.Event()
    response = await first.post(CONSULTATION.format("w2"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    seen = await first_token(response)
    await _share_cookie(first, second, "w2")
    await asyncio.sleep(0.1)                          # the run's record is in the log
    started = time.monotonic()
    assert (await second.post(f"/api/runs/{run_id}/cancel")).status == 200
    await asyncio.wait_for(fake_llm.client_closed.wait(), 1.0)
    assert time.monotonic() - started < 1.0
    items = seen + await numbered(response)
    assert items[-1][1]["error"] == "stopped"


async def test_a_backends_run_is_resumed_with_a_service_key_only(aiohttp_client, settings, fake_llm):
    client = await _app(aiohttp_client, settings, api_keys=("backend-key",))
    service = {"Authorization": "Bearer backend-key"}
    response = await client.post(CONSULTATION.format("r11"), json=QUESTION, headers=service)
    run_id = response.headers["X-Run-Id"]
    await numbered(response)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as stranger:
        assert (await stranger.get(client.make_url(f"/api/runs/{run_id}/stream"))).status == 403
        again = await stranger.get(client.make_url(f"/api/runs/{run_id}/stream"), headers=service)
        assert again.status == 200 and text(await numbered(again)) == "".join(fake_llm.pieces)


async def test_answers_under_way_together_take_turns_with_text_that_piled_up(client, fake_llm, monkeypatch):
    """Text that arrives in one socket read (the loop was busy, the LLM was quick) costs no
    wait to read: with other answers under way, each answer's pieces must still go out
    taking turns with theirs, not as one burst per answer (S3's gaps of ~1 s)."""
    from jewelstream.runs.run import Run

    order = []
    add = Run.add

    def recorded(run, data):
        order.append((run.id, data["type"]))
        return add(run, data)

    monkeypatch.setattr(Run, "add", recorded)
    fake_llm.pieces = [f"слово{n} " for n in range(30)]
    fake_llm.gate = asyncio.Event()                          # one piece each, then the rest at once
    fake_llm.burst = True
    asking = [asyncio.ensure_future(client.post(CONSULTATION.format(f"turns{n}"), json=QUESTION)) for n in (1, 2)]
    for _ in range(100):
        if len(fake_llm.requests) == 2:
            break
        await asyncio.sleep(0.02)
    responses = await asyncio.gather(*asking)
    fake_llm.gate.set()
    for response in responses:
        assert text(await numbered(response)) == "".join(fake_llm.pieces)
    tokens = [run_id for run_id, kind in order if kind == "token"]
    ends = {run_id: max(i for i, r in enumerate(tokens) if r == run_id) for run_id in set(tokens)}
    both = tokens[:min(ends.values())]                     # while both answers had text to come
    streak = longest = 0
    for previous, current in zip(both, both[1:]):
        streak = streak + 1 if current == previous else 0
        longest = max(longest, streak + 1)
    assert len(set(both)) == 2 and longest <= 4, (longest, both)


async def test_the_question_is_logged_once_the_llm_is_asked_and_before_its_first_token(client, fake_llm,
                                                                                       monkeypatch):
    """The question's row waits until the answer's set-up is over and the LLM request on
    its way (its commit, on a thread of its own, took the interpreter from the set-up);
    it is still in the log before the first token goes out."""
    from jewelstream.llm_fastpath import StreamingCompletions

    moments: dict[str, float] = {}
    create = StreamingCompletions.create

    def asking(self, **params):
        moments.setdefault("asked", time.monotonic())
        return create(self, **params)
    monkeypatch.setattr(StreamingCompletions, "create", asking)
    group_commit = client.server.app[keys.STORE]._store._log     # the conversation log's writer
    insert = group_commit.insert

    async def timed_insert(rows):
        if any(row[1] == "user" for row in rows):
            moments.setdefault("question", time.monotonic())
        await insert(rows)
    group_commit.insert = timed_insert
    fake_llm.ttft = 0.2
    response = await client.post(CONSULTATION.format("first-things-first"), json=QUESTION)
    async for _event_id, event in read_numbered(response):
        if event["type"] == "token":
            moments.setdefault("token", time.monotonic())
    assert moments["asked"] < moments["question"] < moments["token"], moments
    assert db_rows(client.server.app[keys.SETTINGS].db_path,
                   "SELECT role FROM messages WHERE user_id = 'first-things-first' ORDER BY id") == [
        ("user",), ("assistant",)]


async def test_an_answer_asks_the_llm_before_its_status_lines_go_out(client, fake_llm):
    """While an answer is being set up, its headers and status lines wait (Run.quiet, at
    most 50 ms after the first): the question's work, up to the LLM request, comes first.
    With an LLM slow to start, the status lines still come long before its first token."""
    asked_at: list[float] = []
    fake_llm.ttft = 1.0
    fake_llm.respond = lambda body: asked_at.append(time.monotonic()) or fake_llm.pieces
    started = time.monotonic()
    response = await client.post(CONSULTATION.format("quiet"), json={"message": "Ищу серьги с изумрудами"})
    headers_at = time.monotonic()
    events = []
    async for _event_id, event in read_numbered(response):
        events.append((time.monotonic(), event))
        if event["type"] == "token":
            break
    response.close()
    assert asked_at and asked_at[0] <= headers_at               # the LLM was asked first
    statuses = [at for at, event in events if event["type"] == "status"]
    assert statuses and max(statuses) - started < 0.5           # not held until the first token
    assert events[-1][0] - started >= 1.0


async def test_resumes_of_one_run_hold_at_most_four_slots_the_newest_displaces_the_oldest(client, fake_llm):
    fake_llm.gate = asyncio.Event()
    response = await client.post(CONSULTATION.format("r-many"), json=QUESTION)
    run_id = response.headers["X-Run-Id"]
    seen = await first_token(response)
    last = str(seen[-1][0])
    followers = []
    for _ in range(MAX_FOLLOWERS + 1):        # the question's own stream is not counted
        resumed = await client.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": last})
        assert resumed.status == 200          # a resume is never refused
        followers.append(read_numbered(resumed))
    # The oldest resume ended with an error without an id; the others still follow.
    assert [item async for item in followers[0]] == [(None, {"type": "error", "error": "resumed_elsewhere",
                                                             "message": "Этот ответ открыт в другом окне."})]
    assert len(client.app[keys.TRAFFIC].active) == 1 + MAX_FOLLOWERS     # the question and four resumes
    fake_llm.gate.set()
    for rest in [await numbered(response)] + [[item async for item in f] for f in followers[1:]]:
        assert rest[-1][1]["type"] == "done"
