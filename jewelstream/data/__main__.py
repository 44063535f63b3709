"""The command line: `python -m jewelstream.data import|export TABLE FILE`.

    python -m jewelstream.data import catalog products.csv --dry-run
    python -m jewelstream.data import orders orders.csv
    python -m jewelstream.data export catalog products.csv

The database is JEWELSTREAM_DB (or --db), created with the demo data if it does not
exist; or PostgreSQL, with JEWELSTREAM_DATABASE_URL (or --database-url) set, as the server
uses it (jewelstream/data/postgres.py). An import prints a Russian and English report and
exits 1 when the file has errors (then nothing changes); `--dry-run` checks and counts what
would change, and changes nothing. Running servers pick the new data up with their next
request.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

from jewelstream.config import Settings
from jewelstream.data.columns import TABLES
from jewelstream.data.export import read_table, write_export
from jewelstream.data.loading import replace_table
from jewelstream.data.problems import report
from jewelstream.data.reading import read_file
from jewelstream.data.validation import References, check_rows
from jewelstream.store.migrations import connect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jewelstream.data",
                                     description="Import or export the shop's data.")
    parser.add_argument("action", choices=("import", "export"))
    parser.add_argument("table", choices=tuple(TABLES))
    parser.add_argument("file")
    parser.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
    parser.add_argument("--encoding", help="force the file's encoding (default: UTF-8 or Windows-1251)")
    parser.add_argument("--db", default=os.environ.get("JEWELSTREAM_DB") or Settings.db_path)
    parser.add_argument("--database-url", default=os.environ.get("JEWELSTREAM_DATABASE_URL") or None,
                        help="PostgreSQL (postgresql://...) instead of the SQLite file")
    args = parser.parse_args(argv)
    if args.database_url:
        return _on_postgres(args)
    if args.action == "import" and args.dry_run and not Path(args.db).exists():
        return _dry_run_without_a_database(args)
    db = connect(args.db)                        # created, seeded or upgraded first if need be
    try:
        return _act(db, args)
    finally:
        db.close()


def _act(db: sqlite3.Connection, args: argparse.Namespace) -> int:
    if args.action == "export":
        rows = read_table(db, TABLES[args.table])
        try:
            write_export(args.file, TABLES[args.table], rows)
        except OSError as exc:
            print(f"Не удалось записать файл {args.file}: {exc.strerror or exc}\n"
                  f"Cannot write {args.file}: {exc.strerror or exc}")
            return 1
        print(f"Выгружено строк: {len(rows)} -> {args.file}\nExported {len(rows)} rows -> {args.file}")
        return 0
    return import_file(db, args.table, args.file, dry_run=args.dry_run, encoding=args.encoding)


def _dry_run_without_a_database(args: argparse.Namespace) -> int:
    """A check that creates no database file: the counts are against the demo data a new
    database would start with, in a scratch copy."""
    with tempfile.TemporaryDirectory() as folder:
        db = connect(str(Path(folder) / "scratch.db"))
        try:
            return _act(db, args)
        finally:
            db.close()


def _on_postgres(args: argparse.Namespace) -> int:
    """The same work on a scratch SQLite copy of PostgreSQL's shop tables; an import that
    succeeded goes back in one transaction."""
    import asyncpg

    from jewelstream.data.postgres import ChangedMeanwhile, copy_back, copy_out
    with tempfile.TemporaryDirectory() as folder:
        db = connect(str(Path(folder) / "scratch.db"), demo=False)
        try:
            version = asyncio.run(copy_out(args.database_url, db))
            code = _act(db, args)
            if code == 0 and args.action == "import" and not args.dry_run:
                asyncio.run(copy_back(args.database_url, db, version))
            return code
        except ChangedMeanwhile:
            print("Данные магазина изменил другой импорт, пока шёл этот; ничего не изменено. "
                  "Запустите импорт снова.\nAnother import changed the shop's data meanwhile; "
                  "nothing was changed. Run the import again.")
            return 1
        except (OSError, asyncpg.PostgresError) as exc:
            print(f"Не удалось поработать с базой данных: {exc}\nThe database failed: {exc}")
            return 1
        finally:
            db.close()


def import_file(db: sqlite3.Connection, table_name: str, path: str, *, dry_run: bool = False,
                encoding: str | None = None) -> int:
    """Check `path`, then replace the table (unless dry_run); print the report; the exit code."""
    table = TABLES[table_name]
    try:
        parsed = read_file(path, encoding)
    except (OSError, LookupError) as exc:
        print(f"Не удалось прочитать файл {path}: {exc}\nCannot read {path}: {exc}")
        return 1
    records, problems = check_rows(table, parsed, _references(db))
    title_ru = f"Импорт ({table.russian}) из {path}, кодировка {parsed.encoding}"
    title_en = f"Import of {table.name} from {path}, encoding {parsed.encoding}"
    if any(p.error for p in problems):
        print(report(title_ru, title_en, parsed.count, problems,
                     "Ничего не изменено: исправьте ошибки и запустите импорт снова.",
                     "Nothing was changed: fix the errors and run the import again."))
        return 1
    db.execute("BEGIN IMMEDIATE")
    try:
        change = replace_table(db, table, records)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("ROLLBACK" if dry_run else "COMMIT")
    counts_ru = (f"добавлено {change['added']}, обновлено {change['updated']}, без изменений "
                 f"{change['unchanged']}, {'снято с продажи' if table.name == 'catalog' else 'удалено'} "
                 f"{change['removed']}" + (f", удалено заказов ушедших клиентов {change['orders_removed']}"
                                           if change["orders_removed"] else ""))
    counts_en = (f"added {change['added']}, updated {change['updated']}, unchanged {change['unchanged']}, "
                 f"{'withdrawn' if table.name == 'catalog' else 'removed'} {change['removed']}"
                 + (f", orders of removed customers removed {change['orders_removed']}"
                    if change["orders_removed"] else ""))
    outcome = (("Проверка без изменений (--dry-run), было бы: ", "Dry run, nothing changed; it would be: ")
               if dry_run else ("Готово: ", "Done: "))
    print(report(title_ru, title_en, parsed.count, problems,
                 outcome[0] + counts_ru + ".", outcome[1] + counts_en + "."))
    return 0


def _references(db: sqlite3.Connection) -> References:
    products = {}
    for row in db.execute("SELECT id, article FROM products"):
        products[row["id"]] = row["id"]
        if row["article"]:
            products.setdefault(row["article"], row["id"])
    return References({row[0] for row in db.execute("SELECT id FROM customers")}, products)


if __name__ == "__main__":
    sys.exit(main())
