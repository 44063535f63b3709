"""Every backend of the event log of runs keeps the same promises (runs/log.py's RunLog):
SQLite, PostgreSQL and Redis Streams, each against its real server."""
import asyncio
import time
import uuid

import pytest

from jewelstream.runs.log import RUNNING, RunRecord
from jewelstream.runs.sqlite_log import SqliteRunLog


@pytest.fixture(params=["sqlite", "postgresql", "redis"])
async def run_log(request, db_path):
    store = None
    if request.param == "sqlite":
        log = SqliteRunLog(db_path)
    elif request.param == "postgresql":
        from jewelstream.runs.postgres_log import PostgresRunLog
        from jewelstream.store.postgres import PostgresStore
        store = await PostgresStore.open(request.getfixturevalue("pg_url"), pool_size=2)
        log = PostgresRunLog(store.pool)
    else:
        from jewelstream.runs.redis_log import RedisRunLog
        log = RedisRunLog(request.getfixturevalue("redis_server").url(), prefix=f"t{uuid.uuid4().hex[:8]}:")
    await log.open()
    yield log
    await log.close()
    if store is not None:
        await store.close()


def record(run_id: str, *, key: str | None = None, fingerprint: str | None = None) -> RunRecord:
    now = time.time()
    return RunRecord(run_id, "u1", "browser", fingerprint, key, 4242, now, lease=now)


async def test_a_run_its_events_and_its_end_are_read_back_in_order(run_log):
    run_log.create(record("r1", fingerprint="/api/x?message=a"))
    for n in range(1, 6):
        run_log.append("r1", n, f'{{"n": {n}}}')
    await run_log.flushed()
    found, events = await run_log.read_after("r1", 2)
    assert found.state == RUNNING and found.user_id == "u1" and found.browser == "browser"
    assert events == [(3, '{"n": 3}'), (4, '{"n": 4}'), (5, '{"n": 5}')]
    run_log.finish("r1", "done", 5, time.time())
    await run_log.flushed()
    found, events = await run_log.read_after("r1", 5)
    assert found.state == "done" and found.last_id == 5 and found.ended and events == []
    assert (await run_log.find("u1", fingerprint="/api/x?message=a")).run_id == "r1"
    assert await run_log.record("nope") is None


async def test_a_record_is_read_back_field_for_field(run_log):
    """Every field of a run's record, each with a value of its own, comes back as written."""
    written = RunRecord("r9", "u9", "b9", "/api/y?message=b", "k9", 9191, 1700000000.5, RUNNING,
                        lease=1700000001.25, watched=1700000002.75, cancel=False, last_id=0, ended=None)
    run_log.create(written)
    await run_log.flushed()
    assert await run_log.record("r9") == written


async def test_an_idempotency_key_is_held_by_the_first_run(run_log):
    assert await run_log.claim(record("first", key="k-1"), time.time()) == (None, [])
    holder, ahead = await run_log.claim(record("second", key="k-1"), time.time())
    assert holder.run_id == "first" and ahead == []
    assert (await run_log.find("u1", key="k-1")).run_id == "first"


async def test_an_orphan_is_ended_once_and_a_cancel_reaches_its_producer(run_log):
    run_log.create(record("r2"))
    run_log.append("r2", 1, '{"n": 1}')
    await run_log.flushed()
    assert await run_log.end_orphan("r2", 2, '{"type": "error"}', time.time())
    assert not await run_log.end_orphan("r2", 2, '{"type": "error"}', time.time())   # once
    found, events = await run_log.read_after("r2", 0)
    assert found.state == "interrupted" and [i for i, _ in events] == [1, 2]
    run_log.create(record("r3"))
    await run_log.flushed()
    await run_log.request_cancel("r3")
    assert await run_log.cancel_requests(4242) == ["r3"]


async def test_a_users_runs_line_up_each_seeing_only_those_before_it(run_log):
    """The users' turns (runs/turns.py): of runs lining up at once, each sees exactly the
    ones the log took before it (one order, never two runs seeing each other); a run that
    ended before `since` is not ahead, one that ended after it is told; other users'
    runs never are."""
    since = time.time()
    early = record("early")
    run_log.create(early)
    run_log.finish("early", "done", 3, since - 5)
    run_log.create(RunRecord("other", "u2", None, None, None, 4242, since, lease=since))
    await run_log.flushed()
    names = [f"r{n}" for n in range(6)]
    seen = await asyncio.gather(*(run_log.line_up(record(name), since) for name in names))
    ahead = {name: sorted(r.run_id for r in found) for name, found in zip(names, seen)}
    order = sorted(names, key=lambda name: len(ahead[name]))
    assert [ahead[name] for name in order] == [sorted(order[:n]) for n in range(len(order))]
    assert all(r.state == RUNNING and r.user_id == "u1" for found in seen for r in found)
    run_log.finish(order[0], "done", 4, time.time())
    await run_log.flushed()
    later = await run_log.line_up(record("later"), since)
    assert sorted(r.run_id for r in later) == sorted(names)      # the one that ended after `since` too
    assert {r.run_id: r.state for r in later}[order[0]] == "done"
