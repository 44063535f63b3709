"""The store on each backend (SQLite and PostgreSQL, the `any_store` fixture): batched
profile reads, atomic profile updates, the conversation log's futures, owners, settings,
the shop's data; and each backend's migrations."""
import asyncio
import time

from jewelstream.store.migrations import connect, migrations
from jewelstream.store.sqlite import SqliteStore
from tests import services
from tests.kit import save_profile


async def test_a_profile_read_starts_at_once_and_those_that_come_meanwhile_share_the_next_trip(any_store):
    store = any_store
    await save_profile(store, "u1", {"taste": {"metals": ["gold"]}})
    await save_profile(store, "u2", {"zodiac": "leo"})
    trips = []
    read_many = store._profiles.read_many

    async def counting_read(user_ids):
        trips.append(user_ids)
        return await read_many(user_ids)
    store._profiles.read_many = counting_read

    first, second, again, nobody = await asyncio.gather(
        store.profile("u1"), store.profile("u2"), store.profile("u1"), store.profile("nobody"))

    assert first == again == {"taste": {"metals": ["gold"]}} and second == {"zodiac": "leo"}
    assert nobody == {}
    assert first is not again                      # each caller may change its own copy
    assert trips[0] == ["u1"]                      # on its way before the others were asked
    assert sorted(trips[1]) == ["nobody", "u1", "u2"] and len(trips) == 2


async def test_sqlite_reads_asked_together_share_one_trip_to_the_reader_thread(db_path):
    """A question's profile and the shop data's version are asked for in one step: one
    trip to the reader thread runs both, and a read that fails fails alone."""
    import sqlite3

    from jewelstream.store import StorageUnavailable
    store = await SqliteStore.open(db_path)
    try:
        await save_profile(store, "u1", {"zodiac": "leo"})
        trips = []
        submit = store.executor._reader.submit
        store.executor._reader.submit = lambda *args: trips.append(args) or submit(*args)

        def broken(db):
            raise sqlite3.OperationalError("disk I/O error")
        version, profile, failed = (store.refresh_shop_data(), store.profile("u1"),
                                    store.executor.start_read(broken))
        await version
        assert await profile == {"zodiac": "leo"}
        try:
            await failed
            raise AssertionError("the broken read did not fail")
        except StorageUnavailable:
            pass
        assert len(trips) == 1
    finally:
        await store.close()


async def test_a_burst_larger_than_one_query_gets_every_profile(any_store):
    for n in range(0, 1200, 100):
        await save_profile(any_store, f"user-{n}", {"n": n})
    profiles = await asyncio.gather(*(any_store.profile(f"user-{n}") for n in range(1200)))
    assert [p.get("n") for p in profiles] == [n if n % 100 == 0 else None for n in range(1200)]


async def test_updates_of_one_profile_at_once_lose_no_field(any_store):
    await asyncio.gather(*(any_store.update_profile("u1", lambda p, n=n: {**p, f"f{n}": n})
                           for n in range(20)))
    assert await any_store.profile("u1") == {f"f{n}": n for n in range(20)}


async def test_a_log_write_goes_ahead_when_nobody_waits_for_it(backend):
    kind, where = backend
    store = await open_backend(kind, where)
    store.log_message("u1", "user", "Привет")      # never awaited
    store.log_message("u1", "user", "Второй")
    await store.close()                            # closing waits for the writes on their way
    again = await open_backend(kind, where)
    assert [m["content"] for m in await again.messages("u1")] == ["Привет", "Второй"]
    await again.close()


async def test_a_row_that_cannot_be_stored_loses_only_itself(any_store):
    """Rows of one group commit, one of them not encodable: the batch is written again
    row by row and only the bad row is missing (and counted)."""
    futures = [any_store.log_message("u1", "user", "первый"),
               any_store.log_message("u1", "user", "\ud800"),
               any_store.log_message("u1", "assistant", "третий", agent="consultant")]
    assert await asyncio.gather(*futures) == [True, False, True]
    assert [(m["role"], m["agent"], m["content"], m["state"]) for m in await any_store.messages("u1")] == [
        ("user", None, "первый", "complete"), ("assistant", "consultant", "третий", "complete")]
    condition = await any_store.check()
    assert condition["log_failures"] == 1 and condition["writable"]


async def test_a_user_id_belongs_to_the_first_browser_and_a_setting_is_created_once(any_store):
    assert await any_store.claim_user("u1", "browser-a") == "browser-a"
    assert await any_store.claim_user("u1", "browser-b") == "browser-a"
    assert await any_store.meta("secret", lambda: "first") == "first"
    assert await any_store.meta("secret", lambda: "second") == "first"


async def test_both_backends_hold_the_same_shop(any_store, db_path):
    sqlite = await SqliteStore.open(db_path) if not isinstance(any_store, SqliteStore) else any_store
    for table in ("catalog", "articles", "customers", "orders"):
        assert getattr(any_store, table) == getattr(sqlite, table) and getattr(any_store, table)
    assert await any_store.product("p0001") == await sqlite.product("p0001")
    assert await any_store.product("nope") is None
    if sqlite is not any_store:
        await sqlite.close()


def test_a_new_sqlite_database_records_the_last_migration(tmp_path):
    db = connect(str(tmp_path / "new.db"))
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(migrations("sqlite")) >= 1
    db.close()
    again = connect(str(tmp_path / "new.db"))                     # nothing to apply twice
    assert again.execute("SELECT count(*) FROM products").fetchone()[0] > 300


async def test_nodes_starting_at_once_migrate_and_seed_a_database_once(postgres_server):
    """Three stores open one empty database at the same moment: the advisory lock lets
    one migrate and seed; the others wait and find the work done."""
    import asyncpg
    from jewelstream.store.postgres import PostgresStore
    url = services.new_database(postgres_server)
    stores = await asyncio.gather(*(PostgresStore.open(url, pool_size=1) for _ in range(3)))
    assert all(len(store.catalog) == 335 for store in stores)
    for store in stores:
        await store.close()
    db = await asyncpg.connect(url)
    assert await db.fetchval("SELECT count(*) FROM products") == 335
    assert [r[0] for r in await db.fetch("SELECT version FROM schema_version ORDER BY version")] == [
        v for v, _ in migrations("postgres")]
    await db.close()


async def open_backend(kind: str, where: str):
    if kind == "sqlite":
        return await SqliteStore.open(where)
    from jewelstream.store.postgres import PostgresStore
    return await PostgresStore.open(where, pool_size=2)


async def test_usage_per_answer_and_its_totals_per_day_and_agent(any_store):
    """The tokens an answer cost stay with it in the log (migration 0002 on SQLite, 0003 on PostgreSQL)."""
    await any_store.log_message("u1", "user", "Кольцо?")
    await any_store.log_message("u1", "assistant", "Вот.", agent="consultant",
                                usage={"prompt_tokens": 120, "completion_tokens": 7})
    await any_store.log_message("u2", "assistant", "Тренды.", agent="trend",
                                usage={"prompt_tokens": 80, "completion_tokens": 5})
    await any_store.log_message("u2", "assistant", "Ещё.", agent="consultant")       # not reported
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert await any_store.usage(1) == [
        {"day": today, "agent": "consultant", "answers": 2, "reported": 1, "prompt_tokens": 120,
         "completion_tokens": 7},
        {"day": today, "agent": "trend", "answers": 1, "reported": 1, "prompt_tokens": 80,
         "completion_tokens": 5}]
