"""Check every row of an import file before anything changes: which columns it has, each
cell (jewelstream/data/mapping.py), repeated ids and article numbers, and orders that name
a customer or product the shop does not have.

    records, problems = check_rows(CATALOG, read_file("products.csv"), references)

`records` are the rows as the store keeps them (codes, ints, lists); the import goes ahead
only when no problem is an error. Left out: the product ids of a catalog without an `id`
column (jewelstream/data/loading.py gives them, keeping the ids of known article numbers).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from agents import vocabulary
from jewelstream.data.columns import Column, Table, header_key
from jewelstream.data.mapping import Unreadable, read_cell
from jewelstream.data.problems import Problem
from jewelstream.data.reading import ImportFile

# What a cell left empty (or a column left out) means, per table and column.
DEFAULTS = {"stones": [], "occasions": [], "sizes": [], "style": "", "recipient": "unisex",
            "description": "", "stock": 1, "quantity": 1}


@dataclass
class References:
    """What orders may point at: customer ids, and product ids and article numbers -> id."""
    customers: set[str] = field(default_factory=set)
    products: dict[str, str] = field(default_factory=dict)


def check_rows(table: Table, parsed: ImportFile, references: References) -> tuple[list[dict], list[Problem]]:
    problems = list(parsed.problems)
    columns = _columns(table, parsed.headers, problems)
    if not parsed.rows and not problems:
        problems.append(Problem(0, None, "в файле нет ни одной строки данных", "the file has no data rows"))
    records, first_seen = [], {}
    for line, row in parsed.rows:
        record = _record(table, columns, line, row, problems)
        for key in ("id", "article"):
            value = record.get(key)
            if value is None:
                continue
            if (key, value) in first_seen:
                problems.append(Problem(line, _header(columns, key),
                                        f"«{value}» уже есть в строке {first_seen[key, value]}",
                                        f"\"{value}\" already in row {first_seen[key, value]}"))
            first_seen.setdefault((key, value), line)
        _check_references(table, record, line, columns, references, problems)
        records.append(record)
    return records, problems


def _columns(table: Table, headers: list[str], problems: list[Problem]) -> dict[str, tuple[Column, str]]:
    """column key -> (column, the header as written); unknown and missing ones reported."""
    found: dict[str, tuple[Column, str]] = {}
    for header in headers:
        column = next((c for c in table.columns if header_key(header) in c.headers()), None)
        if column is None:
            problems.append(Problem(1, header, "неизвестный столбец, пропущен", "unknown column, skipped",
                                    error=False))
        elif column.key in found:
            problems.append(Problem(1, header, f"столбец повторяет «{found[column.key][1]}»",
                                    f"the column repeats \"{found[column.key][1]}\""))
        else:
            found[column.key] = (column, header)
    for column in table.columns:
        if column.key not in found and headers:
            if column.required:
                problems.append(Problem(1, None, f"нет обязательного столбца «{column.russian[0]}» ({column.key})",
                                        f"required column \"{column.key}\" ({column.russian[0]}) is missing"))
            elif column.key == "stock" and table.name == "catalog":
                problems.append(Problem(1, None, "нет столбца «остаток»: все изделия считаются в наличии",
                                        "no \"stock\" column: every product counts as in stock", error=False))
    return found


def _record(table: Table, columns: dict, line: int, row: dict, problems: list[Problem]) -> dict:
    record: dict = {}
    for key, (column, header) in columns.items():
        raw = row.get(header)
        try:
            reading = read_cell(column.kind, raw)
        except Unreadable as exc:
            problems.append(Problem(line, header, exc.russian, exc.english))
            continue
        if column.required and reading.value in ("", None, []):
            problems.append(Problem(line, header, "пустая ячейка в обязательном столбце",
                                    "empty cell in a required column"))
            continue
        if reading.warning:
            problems.append(Problem(line, header, *reading.warning, error=False))
        record[key] = reading.value
        if key == "metal" and reading.fineness:
            record["metal_fineness"] = reading.fineness
        if key == "type":
            record["kind"] = reading.kind
    for column in table.columns:
        if record.get(column.key) is None and column.key in DEFAULTS:
            record[column.key] = DEFAULTS[column.key]
    if table.name == "catalog":
        _fineness(record, line, columns, problems)
    return record


def _fineness(record: dict, line: int, columns: dict, problems: list[Problem]) -> None:
    """The fineness column, or the one the metal cell names ("Золото 585"), or the metal's usual one."""
    said = record.pop("metal_fineness", None)
    metal = record.get("metal")
    if metal is None:
        return
    if record.get("fineness") is None:
        record["fineness"] = said or vocabulary.FINENESS[metal][0]
        if not said:
            problems.append(Problem(line, _header(columns, "fineness"),
                                    f"проба не указана, взята {record['fineness']}",
                                    f"no fineness given, {record['fineness']} assumed", error=False))


def _check_references(table: Table, record: dict, line: int, columns: dict,
                      references: References, problems: list[Problem]) -> None:
    if table.name != "orders":
        return
    customer, product = record.get("customer_id"), record.get("product_id")
    if customer is not None and customer not in references.customers:
        problems.append(Problem(line, _header(columns, "customer_id"), f"клиента «{customer}» нет",
                                f"no customer \"{customer}\""))
    if product is not None:
        if product not in references.products:
            problems.append(Problem(line, _header(columns, "product_id"), f"изделия «{product}» нет в каталоге",
                                    f"no product \"{product}\" in the catalog"))
        else:
            record["product_id"] = references.products[product]


def _header(columns: dict, key: str) -> str | None:
    return columns[key][1] if key in columns else None
