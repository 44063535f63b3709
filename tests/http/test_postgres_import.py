"""`python -m jewelstream.data` on PostgreSQL (`--database-url`): an import reaches a
running server on the same database with its next request; a dry run or a file with errors
changes nothing; the round trip through export gives back the same catalog; people's data
is never touched."""
from __future__ import annotations

import asyncio
from dataclasses import replace

import asyncpg

from jewelstream import keys
from jewelstream.app import create_app
from jewelstream.data.__main__ import main
from tests.kit import ROOT
from tests.sse_reader import collect

EXAMPLES = ROOT / "docs" / "examples"


async def rows(url: str, sql: str) -> list[tuple]:
    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


async def test_an_import_on_postgresql_reaches_a_running_server(aiohttp_client, settings, pg_url, fake_llm, tmp_path):
    client = await aiohttp_client(create_app(replace(settings, database_url=pg_url, database_pool=2)))
    store = client.app[keys.STORE]
    await collect(await client.post("/api/consultation/pg-importer/stream", json={"message": "Привет"}))
    people = await rows(pg_url, "SELECT user_id, role, content FROM messages ORDER BY id")
    version = await rows(pg_url, "SELECT value FROM meta WHERE key = 'data_version'")

    catalog = str(EXAMPLES / "catalog.csv")
    assert await asyncio.to_thread(main, ["import", "catalog", catalog, "--database-url", pg_url, "--dry-run"]) == 0
    assert await rows(pg_url, "SELECT value FROM meta WHERE key = 'data_version'") == version
    bad = tmp_path / "bad.csv"
    bad.write_text("Артикул;Наименование;Металл;Цена;Остаток\nA-2;Кольцо «Солнце»;Золото 585;abc;2\n",
                   encoding="utf-8")
    assert await asyncio.to_thread(main, ["import", "catalog", str(bad), "--database-url", pg_url]) == 1
    assert await rows(pg_url, "SELECT value FROM meta WHERE key = 'data_version'") == version

    assert await asyncio.to_thread(main, ["import", "catalog", catalog, "--database-url", pg_url]) == 0
    on_sale = await rows(pg_url, "SELECT name FROM products WHERE listed = 1 ORDER BY name")
    assert ("Кольцо «Северное сияние»",) in on_sale and len(on_sale) == len(
        (EXAMPLES / "catalog.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert await rows(pg_url, "SELECT user_id, role, content FROM messages ORDER BY id") == people

    await collect(await client.post("/api/consultation/pg-importer/stream", json={"message": "Кольцо"}))
    assert {p["name"] for p in store.catalog} == {name for (name,) in on_sale}     # the next request switched

    exported = tmp_path / "out.csv"
    assert await asyncio.to_thread(main, ["export", "catalog", str(exported), "--database-url", pg_url]) == 0
    assert await asyncio.to_thread(main, ["import", "catalog", str(exported), "--database-url", pg_url,
                                          "--dry-run"]) == 0


def test_an_unreachable_database_is_a_message_not_a_traceback(capsys):
    code = main(["import", "catalog", str(EXAMPLES / "catalog.csv"),
                 "--database-url", "postgresql://nobody@127.0.0.1:1/none"])
    assert code == 1
    out = capsys.readouterr().out
    assert "Не удалось" in out and "Traceback" not in out


async def test_an_import_that_another_overtook_writes_nothing(pg_url, tmp_path):
    """Two imports at once: the one that finishes second would write back tables read
    before the first one's change; it is refused instead."""
    from jewelstream.data.postgres import ChangedMeanwhile, copy_back, copy_out
    from jewelstream.store.migrations import connect

    scratch = connect(str(tmp_path / "scratch.db"))
    try:
        version = await copy_out(pg_url, scratch)
        scratch.execute("UPDATE products SET price = price + 1")
        connection = await asyncpg.connect(pg_url)
        try:
            await connection.execute("INSERT INTO meta (key, value) VALUES ('data_version', $1) "
                                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", str(version + 1))
        finally:
            await connection.close()
        prices = await rows(pg_url, "SELECT id, price FROM products ORDER BY id")
        try:
            await copy_back(pg_url, scratch, version)
            raise AssertionError("written over the other import")
        except ChangedMeanwhile:
            pass
        assert await rows(pg_url, "SELECT id, price FROM products ORDER BY id") == prices
        await copy_back(pg_url, scratch, version + 1)                      # read again: it goes
        assert await rows(pg_url, "SELECT id, price FROM products ORDER BY id") == [
            (i, p + 1) for i, p in prices]
        assert await rows(pg_url, "SELECT value FROM meta WHERE key = 'data_version'") == [(str(version + 2),)]
    finally:
        scratch.close()
