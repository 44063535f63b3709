"""One user's questions answer one after another (jewelstream/runs/turns.py): a question
sent while the user's earlier answer is still going waits for it, then answers from the
state it left; on one app, and on two apps sharing one event log (two workers of one box,
the same on PostgreSQL, two nodes on PostgreSQL and Redis)."""
from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest

from jewelstream import keys
from jewelstream.app import create_app
from tests.kit import CONSULTATION, ORCHESTRATOR
from tests.sse_reader import collect, read_numbered

TASTE_ANSWERS = ["Золото", "С бриллиантами", "Классика", "Кольца", "На каждый день"]


def taste(message: str) -> dict:
    return {"message": message, "explicit_task_type": "taste"}


def metadata_of(events: list[dict]) -> dict:
    return next(e for e in events if e["type"] == "metadata")


async def stages(response) -> list[str]:
    return [event.get("stage", event["type"]) async for _, event in read_numbered(response)]


@pytest.mark.parametrize("run_log", [True, False], ids=["event log", "no event log"])
async def test_simultaneous_taste_answers_go_through_the_questionnaire_in_order(aiohttp_client, settings, fake_llm,
                                                                                run_log):
    """Five answers of one browser at once (a double tap, a retry without a key): each
    answers the next question, none is lost, and the dialogue state keeps all five.
    (Without an event log, `JEWELSTREAM_RUN_LOG=0`, the worker's own runs are the order.)"""
    client = await aiohttp_client(create_app(replace(settings, run_log=run_log)))
    assert (await collect(await client.post(ORCHESTRATOR.format("t1"), json=taste("Хочу пройти анкету"))))[-1]["type"] \
        == "done"
    fake_llm.ttft = 0.05
    responses = await asyncio.gather(*(client.post(ORCHESTRATOR.format("t1"), json=taste(answer))
                                       for answer in TASTE_ANSWERS))
    answers = await asyncio.gather(*(collect(response) for response in responses))
    assert all(events[-1]["type"] == "done" for events in answers)
    index = {answer: metadata_of(events)["data"]["taste"]["current_question_index"]
             for answer, events in zip(TASTE_ANSWERS, answers)}
    assert sorted(index.values()) == [1, 2, 3, 4, 5]       # each the next question, not five times the first
    in_turn = sorted(TASTE_ANSWERS, key=index.get)
    profile = await client.server.app[keys.STORE].profile("t1")
    assert [a["text"] for a in profile["taste_progress"]["answers"].values()] == in_turn
    said = [m["content"] for m in profile["dialogue"]["recent"] if m["role"] == "user"]
    assert said == in_turn[-len(said):] and len(said) == 4  # the last exchanges, each kept, in turn
    waited = [e for events in answers for e in events if e.get("stage") == "waiting"]
    assert len(waited) == 4 and all("предыдущ" in e["message"] for e in waited)


async def test_a_second_consultant_question_follows_the_first(client, fake_llm):
    """"А подешевле?" sent while the first answer streams refines the first's search."""
    await collect(await client.post(CONSULTATION.format("c1"), json={"message": "Здравствуйте"}))   # the cookie
    fake_llm.ttft = 0.3
    first = asyncio.ensure_future(client.post(CONSULTATION.format("c1"), json={"message": "Кольцо из золота"}))
    for _ in range(100):                                    # the first answer is under way
        if len(fake_llm.requests) == 2:
            break
        await asyncio.sleep(0.01)
    fake_llm.ttft = 0.0
    second = await client.post(CONSULTATION.format("c1"), json={"message": "А подешевле?"})
    first_events, second_events = await asyncio.gather(collect(await first), collect(second))
    assert first_events[-1]["type"] == second_events[-1]["type"] == "done"
    assert metadata_of(second_events)["intent"] == "refine"
    assert metadata_of(second_events)["refinement"] == "cheaper"
    assert max(p["price"] for p in metadata_of(second_events)["products"]) < \
        max(p["price"] for p in metadata_of(first_events)["products"])
    assert "waiting" in [e.get("stage") for e in second_events]


async def test_another_users_questions_are_not_delayed(client, fake_llm):
    fake_llm.ttft_for = lambda body: 3.0 if "медленно" in body["messages"][-1]["content"] else 0.0
    slow = await client.post(CONSULTATION.format("slow"), json={"message": "Кольцо, медленно"})
    slow_events = asyncio.ensure_future(collect(slow))
    started = time.monotonic()
    other = await collect(await client.post(CONSULTATION.format("quick"), json={"message": "Кольцо из золота"}))
    assert other[-1]["type"] == "done" and time.monotonic() - started < 2.0
    assert not slow_events.done()
    assert "waiting" not in [e.get("stage") for e in other]
    await client.server.app[keys.RUNS].cancel(slow.headers["X-Run-Id"])
    await slow_events


async def test_a_waiting_question_is_cancelled_at_once_and_the_llm_is_never_asked(client, fake_llm):
    fake_llm.gate = asyncio.Event()                        # the first answer: one piece, then it waits
    first = await client.post(CONSULTATION.format("w1"), json={"message": "Кольцо из золота"})
    first_events = read_numbered(first)
    async for _, event in first_events:
        if event["type"] == "token":
            break
    second = await client.post(CONSULTATION.format("w1"), json={"message": "Серьги с жемчугом"})
    run_id = second.headers["X-Run-Id"]
    seen = []
    async for _, event in read_numbered(second):
        seen.append(event)
        if event.get("stage") == "waiting":
            assert event["run_id"] == run_id
            started = time.monotonic()
            cancelled = await client.post(f"/api/runs/{run_id}/cancel")
            assert (await cancelled.json())["status"] == "stopping"
    assert time.monotonic() - started < 1.0
    assert [e["type"] for e in seen] == ["status", "error"] and seen[-1]["error"] == "stopped"
    assert len(fake_llm.requests) == 1                     # the first question's only
    fake_llm.gate.set()
    assert [event async for _, event in first_events][-1]["type"] == "done"


async def test_a_question_waiting_for_its_turn_goes_on_when_its_client_leaves(aiohttp_client, settings, fake_llm):
    """A client that leaves while its question waits is like one that leaves mid-answer:
    the run goes on (resume window) and answers once the earlier one ended."""
    client = await aiohttp_client(create_app(replace(settings, resume_window=5)))
    fake_llm.gate = asyncio.Event()
    first = await client.post(CONSULTATION.format("gone"), json={"message": "Кольцо из золота"})
    second = await client.post(CONSULTATION.format("gone"), json={"message": "А подешевле?"})
    run_id = second.headers["X-Run-Id"]
    second.close()                                          # the client leaves while it waits
    await asyncio.sleep(0.1)
    fake_llm.gate.set()
    assert (await collect(first))[-1]["type"] == "done"
    resumed = await collect(await client.get(f"/api/runs/{run_id}/stream", headers={"Last-Event-ID": "0"}))
    assert resumed[-1]["type"] == "done" and "waiting" in [e.get("stage") for e in resumed]
    assert metadata_of(resumed)["intent"] == "refine"


async def test_a_wait_is_bounded_by_the_answers_time_limit(client, fake_llm):
    client.server.app[keys.RUNS].turn_limit = 0.3
    fake_llm.gate = asyncio.Event()
    first = await client.post(CONSULTATION.format("long"), json={"message": "Кольцо из золота"})
    second = await collect(await client.post(CONSULTATION.format("long"), json={"message": "Серьги"}))
    assert [e["type"] for e in second] == ["status", "error"] and second[-1]["error"] == "still_answering"
    assert "предыдущее" in second[-1]["message"]
    fake_llm.gate.set()
    assert (await collect(first))[-1]["type"] == "done"


@pytest.fixture(params=["one box", "postgresql", "two nodes"])
async def two_workers(request, aiohttp_client, settings):
    """Two apps on one event log: two workers of one box (SQLite), the same on
    PostgreSQL, or two nodes on PostgreSQL and Redis."""
    if request.param == "postgresql":
        settings = replace(settings, database_url=request.getfixturevalue("pg_url"), database_pool=4)
    elif request.param == "two nodes":
        settings = request.getfixturevalue("several_nodes")
    return await aiohttp_client(create_app(settings)), await aiohttp_client(create_app(settings))


async def test_a_question_on_another_worker_waits_for_the_first(two_workers, fake_llm):
    first, second = two_workers
    user = f"x{time.monotonic_ns()}"                       # PostgreSQL and Redis outlive a test
    assert (await collect(await first.post(ORCHESTRATOR.format(user), json=taste("Хочу пройти анкету"))))[-1][
        "type"] == "done"
    first.session.cookie_jar.update_cookies({}, first.make_url("/"))
    for cookie in first.session.cookie_jar:                 # the same browser on both
        second.session.cookie_jar.update_cookies({cookie.key: cookie.value}, second.make_url("/"))
    fake_llm.gate = asyncio.Event()
    one = await first.post(ORCHESTRATOR.format(user), json=taste("Золото"))
    two = await second.post(ORCHESTRATOR.format(user), json=taste("С бриллиантами"))
    waiting = []
    async for _, event in read_numbered(two):
        waiting.append(event)
        if event.get("stage") == "waiting":
            break
    fake_llm.gate.set()
    one_events = await collect(one)
    two_events = waiting + [event async for _, event in read_numbered(two)]
    assert one_events[-1]["type"] == two_events[-1]["type"] == "done"
    assert metadata_of(one_events)["data"]["taste"]["current_question_index"] == 1
    assert metadata_of(two_events)["data"]["taste"]["current_question_index"] == 2
    progress = (await second.server.app[keys.STORE].profile(user))["taste_progress"]
    assert [a["text"] for a in progress["answers"].values()] == ["Золото", "С бриллиантами"]


async def test_without_browsers_the_clients_of_one_id_do_not_wait_for_each_other(aiohttp_client, settings, fake_llm):
    """The line is one browser's. With `JEWELSTREAM_BIND_USERS=0` (or a service caller) the
    server cannot tell who is behind an id: many clients may share it (kiosks on one id, a
    load test), and none is held for another's answer."""
    client = await aiohttp_client(create_app(replace(settings, bind_users=False)))
    fake_llm.ttft = 0.3
    started = time.monotonic()
    responses = await asyncio.gather(*(client.post(CONSULTATION.format("shared"), json={"message": "Кольцо"})
                                       for _ in range(5)))
    answers = await asyncio.gather(*(collect(response) for response in responses))
    assert all(events[-1]["type"] == "done" for events in answers)
    assert not [e for events in answers for e in events if e.get("stage") == "waiting"]
    assert time.monotonic() - started < 1.2                 # at once, not one after another (5 x 0.3 s)


@pytest.mark.parametrize("deployment", ["settings", "several_nodes"], ids=["sqlite", "postgres and redis"])
async def test_a_question_refused_after_it_lined_up_holds_up_no_later_one(aiohttp_client, request, fake_llm,
                                                                          deployment):
    """A question refused after its record lined up (here: the database cannot be written
    this moment) ends that record before the refusal goes out: the browser's next
    question, asked at once, does not wait for it."""
    client = await aiohttp_client(create_app(request.getfixturevalue(deployment)))
    assert (await collect(await client.post(CONSULTATION.format("edge"), json={"message": "Кольцо"})))[-1]["type"] \
        == "done"
    store = client.server.app[keys.STORE]
    real_check = store.check

    async def unwritable():
        return {"writable": False, "file": "present", "error": "disk full", "log_failures": 0}
    for _ in range(3):
        store.check = unwritable
        refused = await client.post(CONSULTATION.format("edge"), json={"message": "Кольцо"})
        assert refused.status == 503 and (await refused.json())["error"] == "storage_unavailable"
        store.check = real_check
        assert "waiting" not in await stages(await client.post(CONSULTATION.format("edge"),
                                                               json={"message": "Кольцо"}))
