"""The store's batched profile reads and the conversation log's futures."""
import asyncio
import sqlite3

from tests.kit import save_profile


async def test_profile_reads_that_arrive_together_share_one_trip(store):
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
    assert len(trips) == 1


async def test_a_burst_larger_than_one_query_gets_every_profile(store):
    for n in range(0, 1200, 100):
        await save_profile(store, f"user-{n}", {"n": n})
    profiles = await asyncio.gather(*(store.profile(f"user-{n}") for n in range(1200)))
    assert [p.get("n") for p in profiles] == [n if n % 100 == 0 else None for n in range(1200)]


async def test_a_log_write_goes_ahead_when_nobody_waits_for_it(store, db_path):
    store.log_message("u1", "user", "Привет")      # never awaited
    store.log_message("u1", "user", "Второй")
    await store.close()                            # closing waits for the writes on their way
    rows = sqlite3.connect(db_path).execute(
        "SELECT content FROM messages WHERE user_id = 'u1' ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["Привет", "Второй"]


def test_a_new_database_records_the_last_migration(tmp_path):
    from jewelstream.store.migrations import connect, migrations
    db = connect(str(tmp_path / "new.db"))
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(migrations("sqlite")) >= 1
    db.close()
    again = connect(str(tmp_path / "new.db"))                     # nothing to apply twice
    assert again.execute("SELECT count(*) FROM products").fetchone()[0] > 300
