"""`python -m jewelstream.data`: import and export of the shop's own data.

The command's `main` runs in-process here (the same code the command line runs; a
subprocess costs seconds of imports each time); tests/process/test_data_live.py runs the real
command against running servers.
"""
import hashlib
import shutil
import sqlite3

import pytest

from jewelstream.app import create_app
from jewelstream.config import Settings
from jewelstream.data.__main__ import main
from jewelstream.store import SqliteStore
from tests.kit import ROOT
from tests.sse_reader import collect

EXAMPLES = ROOT / "docs" / "examples"
TABLES = ("catalog", "customers", "orders", "articles")
QUESTIONS = (("consultant", "Кольцо из белого золота с бриллиантом до 100 тысяч"),
             ("consultant", "Подарок маме на юбилей, серьги с жемчугом"),
             ("trend", "Что сейчас в моде?"),
             ("analysis", "Какие сегменты клиентов у нас есть?"))


def dump(path: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(tuple, db.execute(f"SELECT * FROM {t}")), key=repr) for t in tables}


async def answers(aiohttp_client, db_path: str) -> list[list[dict]]:
    """The offline server's full event streams for QUESTIONS."""
    client = await aiohttp_client(create_app(Settings(llm="offline", db_path=db_path, offline_pace=0,
                                                      staff_token="staff-secret")))
    streams = []
    for n, (agent, question) in enumerate(QUESTIONS):
        response = await client.post(f"/api/orchestrator/round-trip-{n}/stream",
                                     json={"message": question, "explicit_task_type": agent},
                                     headers={"Authorization": "Bearer staff-secret"})
        streams.append([{k: v for k, v in e.items() if k != "run_id"} for e in await collect(response)])
    await client.close()
    return streams


async def loaded(path: str):
    store = await SqliteStore.open(path)
    try:
        return store.catalog, store.customers, store.orders, store.articles
    finally:
        await store.close()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
async def test_export_then_import_gives_back_the_same_shop_and_the_same_answers(
        aiohttp_client, tmp_path, db_path, seeded_db, suffix, capsys):
    other = str(tmp_path / "other.db")
    shutil.copy(seeded_db, other)
    # The other shop first becomes a different one, then gets the export back.
    assert main(["import", "catalog", str(EXAMPLES / "catalog.csv"), "--db", other]) == 0
    assert len((await loaded(other))[0]) == 20
    for table in TABLES:
        assert main(["export", table, str(tmp_path / f"{table}{suffix}"), "--db", db_path]) == 0
    for table in TABLES:
        assert main(["import", table, str(tmp_path / f"{table}{suffix}"), "--db", other]) == 0
    assert "ошибок 0, предупреждений 0" in capsys.readouterr().out
    assert await loaded(other) == await loaded(db_path)
    expected = await answers(aiohttp_client, db_path)
    assert await answers(aiohttp_client, other) == expected
    assert all(stream[-1]["type"] == "done" for stream in expected)


def test_the_shipped_demo_data_is_the_default_import(tmp_path, db_path, capsys):
    """Exporting the demo and importing it again changes nothing at all."""
    for table in TABLES:
        assert main(["export", table, str(tmp_path / f"{table}.csv"), "--db", db_path]) == 0
    for table in TABLES:
        assert main(["import", table, str(tmp_path / f"{table}.csv"), "--db", db_path]) == 0
    out = capsys.readouterr().out
    assert out.count("добавлено 0, обновлено 0, без изменений") == 4


BROKEN = ("Артикул;Название;Металл;Цена;Остаток\n"          # no "тип" (type) column
          "A-1;Кольцо «Луна»;Серебро 925;5 990;3\n"
          "A-2;Кольцо «Солнце»;Золото 585;abc;2\n"            # a price that is no number
          "A-3;Серьги «Вода»;Титан;4 990;1\n"                 # a metal the shop does not know
          "A-1;Кольцо «Луна» второе;Серебро 925;6 990;3\n"    # the article of row 2 again
          ).encode("utf-8") + "B-1;Подвеска «".encode("utf-8") + b"\xd0\xc0\xff" + \
    "»;Серебро 925;3 990;4\n".encode("utf-8")               # bytes that are not UTF-8


def test_a_file_with_errors_changes_nothing_and_names_each_problem_with_its_row(tmp_path, db_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_bytes(BROKEN)
    before = dump(db_path)
    assert main(["import", "catalog", str(path), "--db", db_path]) == 1
    out = capsys.readouterr().out
    assert dump(db_path) == before
    for russian, english in (("строка 1: ошибка: нет обязательного столбца «тип»", 'row 1: error: required column "type"'),
                             ("строка 3, столбец «Цена»: ошибка: цена «abc» не число", 'row 3, column "Цена": error'),
                             ("строка 4, столбец «Металл»: ошибка: металл «Титан» не распознан", 'unknown metal "Титан"'),
                             ("строка 5, столбец «Артикул»: ошибка: «A-1» уже есть в строке 2", '"A-1" already in row 2'),
                             ("строка 6: ошибка: байты не в кодировке UTF-8", "row 6: error: bytes that are not UTF-8")):
        assert russian in out and english in out
    assert "Ничего не изменено" in out and "Nothing was changed" in out


def test_dry_run_counts_the_changes_and_makes_none(db_path, capsys):
    before = dump(db_path)
    assert main(["import", "catalog", str(EXAMPLES / "catalog.csv"), "--db", db_path, "--dry-run"]) == 0
    assert dump(db_path) == before
    assert "добавлено 20, обновлено 0, без изменений 0, снято с продажи 335" in capsys.readouterr().out


def test_dry_run_without_a_database_creates_none(tmp_path, capsys):
    missing = tmp_path / "not-yet.db"
    assert main(["import", "catalog", str(EXAMPLES / "catalog.csv"), "--db", str(missing), "--dry-run"]) == 0
    assert not missing.exists() and list(tmp_path.iterdir()) == []
    assert "добавлено 20, обновлено 0, без изменений 0, снято с продажи 335" in capsys.readouterr().out


async def test_a_withdrawn_product_stays_in_the_database_and_comes_back_with_its_id(tmp_path, db_path):
    assert main(["export", "catalog", str(tmp_path / "demo.csv"), "--db", db_path]) == 0
    assert main(["import", "catalog", str(EXAMPLES / "catalog.csv"), "--db", db_path]) == 0
    catalog = (await loaded(db_path))[0]
    assert {p["article"] for p in catalog} == {line.split(";")[0] for line in
                                               (EXAMPLES / "catalog.csv").read_text().splitlines()[1:]}
    assert min(p["id"] for p in catalog) == "p0336"              # new ids after the demo's
    with sqlite3.connect(db_path) as db:                         # orders still find their products
        assert db.execute("SELECT count(*) FROM orders JOIN products ON products.id = product_id "
                          "WHERE listed = 0").fetchone()[0] > 1000
    # A later import without ids gives a known article number its old id back.
    text = (tmp_path / "demo.csv").read_text(encoding="utf-8-sig").splitlines()
    no_ids = ["\n".join(line.split(";", 1)[1] for line in text)]
    (tmp_path / "demo-no-ids.csv").write_text(no_ids[0], encoding="utf-8")
    assert main(["import", "catalog", str(tmp_path / "demo-no-ids.csv"), "--db", db_path]) == 0
    assert [p["id"] for p in (await loaded(db_path))[0]] == [f"p{n:04d}" for n in range(1, 336)]


def test_windows_1251_with_semicolons_and_russian_headers_is_read(tmp_path, db_path, capsys):
    path = tmp_path / "cp1251.csv"
    path.write_bytes((EXAMPLES / "catalog.csv").read_text(encoding="utf-8").encode("cp1251"))
    assert main(["import", "catalog", str(path), "--db", db_path]) == 0
    assert "кодировка Windows-1251: строк 20, ошибок 0" in capsys.readouterr().out
    with sqlite3.connect(db_path) as db:
        row = db.execute("SELECT name, type, metal, fineness, stones, price, sizes FROM products "
                         "WHERE article = 'СК-1001'").fetchone()
    assert row == ("Кольцо «Северное сияние»", "ring", "white_gold", 585, '["diamond"]', 89900,
                   "[16, 16.5, 17, 17.5]")


def test_words_the_vocabulary_does_not_know_are_kept_and_reported(tmp_path, db_path, capsys):
    path = tmp_path / "spinel.csv"
    path.write_text("name,kind,metal,stones,price,style\n"
                    "Кольцо «Шпинель»,кольцо,золото,шпинель 1.2 кт,45000,арт-деко\n", encoding="utf-8")
    assert main(["import", "catalog", str(path), "--db", db_path]) == 0
    out = capsys.readouterr().out
    assert "оставлены как текст: шпинель" in out and "kept as text: арт-деко" not in out
    assert 'style "арт-деко" is not in the shop\'s vocabulary, kept as text' in out
    assert "проба не указана, взята 585" in out
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT metal, fineness, stones, style FROM products WHERE listed = 1").fetchall() == \
            [("yellow_gold", 585, '["шпинель"]', "арт-деко")]


def test_orders_must_name_known_customers_and_products(tmp_path, db_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text("номер заказа;клиент;артикул;дата;сумма\n"
                    "x1;c0001;ER-0001;08.03.2025;100 000\n"
                    "x2;c9999;ER-0001;2025-03-08;1000\n"
                    "x3;c0001;NO-SUCH;2025-03-08;1000\n", encoding="utf-8")
    assert main(["import", "orders", str(path), "--db", db_path]) == 1
    out = capsys.readouterr().out
    assert "строка 3, столбец «клиент»: ошибка: клиента «c9999» нет" in out
    assert "строка 4, столбец «артикул»: ошибка: изделия «NO-SUCH» нет в каталоге" in out
    assert "строка 2" not in out


async def test_an_open_store_switches_to_an_import_and_its_memoized_figures_follow(store, db_path, tmp_path):
    from agents.analysis import sales_figures
    figures = sales_figures(store)
    assert sales_figures(store) is figures                       # memoized while nothing changes
    await store.refresh_shop_data()
    assert sales_figures(store) is figures and len(store.catalog) == 335
    path = tmp_path / "few-customers.csv"
    path.write_text("id,name\nc0001,Анна\nc0002,Борис\n", encoding="utf-8")
    assert main(["import", "customers", str(path), "--db", db_path]) == 0
    await store.refresh_shop_data()
    assert [c["name"] for c in store.customers] == ["Анна", "Борис"]
    assert {o["customer_id"] for o in store.orders} == {"c0001", "c0002"}
    assert sales_figures(store) is not figures
    assert sales_figures(store)["total_customers"] == 2


async def test_the_example_files_import_in_order_and_every_agent_answers_from_them(aiohttp_client, db_path):
    for table in TABLES:
        assert main(["import", table, str(EXAMPLES / f"{table}.csv"), "--db", db_path]) == 0
    catalog, customers, orders, articles = await loaded(db_path)
    assert (len(catalog), len(customers), len(orders), len(articles)) == (20, 5, 7, 3)
    for stream in await answers(aiohttp_client, db_path):
        assert stream[-1]["type"] == "done", stream[-3:]


def test_an_export_to_a_file_it_cannot_write_says_so_and_exits_1(tmp_path, db_path, seeded_db, capsys):
    """A folder that is not there (or not writable) is a plain message, like a file the
    import cannot read, not a traceback."""
    target = tmp_path / "no-such-folder" / "catalog.csv"
    assert main(["export", "catalog", str(target), "--db", db_path]) == 1
    out = capsys.readouterr().out
    assert f"Не удалось записать файл {target}" in out and f"Cannot write {target}" in out


def test_a_changed_kind_counts_as_an_update(tmp_path, db_path, capsys):
    """"Печатка" -> "Кольцо" keeps the type (a ring) but changes the piece's kind: the report
    must say updated, as the database changes."""
    rows = (EXAMPLES / "catalog.csv").read_text().splitlines()
    signet = rows[:2]
    signet[1] = signet[1].replace(";Кольцо;", ";Печатка;", 1)
    first, second = tmp_path / "signet.csv", tmp_path / "ring.csv"
    first.write_text("\n".join(signet) + "\n")
    second.write_text("\n".join(rows[:2]) + "\n")
    assert main(["import", "catalog", str(first), "--db", db_path]) == 0
    capsys.readouterr()
    assert main(["import", "catalog", str(second), "--db", db_path]) == 0
    assert "обновлено 1" in capsys.readouterr().out
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT kind FROM products WHERE listed = 1").fetchall() == [(None,)]
