"""The columns of each importable table: the store's column, the English and Russian
header names a file may use, the kind of value, and whether a file must have it.

Header names are compared after `header_key` (lower case, "ё" as "е", spaces and "_"
alike), so "Артикул", "АРТИКУЛ " and "article" all name the same column. A column that is
not listed here is ignored with a warning; a required one that is missing is an error.
Export writes the Russian header (first in `russian`) in CSV and the English one in JSON
lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str                       # the store's column (and the JSON-lines key)
    russian: tuple[str, ...]       # Russian header names, the first one is exported
    kind: str                      # how a value is read: see jewelstream/data/mapping.py
    required: bool = False
    english: tuple[str, ...] = ()  # English names besides `key`

    def headers(self) -> set[str]:
        return {header_key(name) for name in (self.key, *self.english, *self.russian)}


@dataclass(frozen=True)
class Table:
    name: str                      # as on the command line: catalog, customers...
    store_table: str               # the SQLite table it replaces
    russian: str                   # for the report: "каталог"
    columns: tuple[Column, ...]


CATALOG = Table("catalog", "products", "каталог", (
    Column("id", ("код",), "id"),
    Column("article", ("артикул", "арт"), "article", english=("sku",)),
    Column("name", ("название", "наименование"), "text", required=True, english=("title",)),
    Column("type", ("тип", "вид", "вид изделия", "изделие"), "type", required=True, english=("kind",)),
    Column("metal", ("металл", "материал"), "metal", required=True),
    Column("fineness", ("проба",), "fineness"),
    Column("stones", ("камни", "вставки", "вставка", "камень"), "stones", english=("stone",)),
    Column("style", ("стиль",), "style"),
    Column("occasions", ("поводы", "повод"), "occasions", english=("occasion",)),
    Column("recipient", ("для кого", "кому"), "recipient"),
    Column("price", ("цена", "цена руб", "стоимость"), "money", required=True),
    Column("stock", ("остаток", "наличие", "количество"), "count", english=("quantity",)),
    Column("sizes", ("размеры", "размер"), "sizes", english=("size",)),
    Column("description", ("описание",), "text"),
    Column("image", ("фото", "изображение", "картинка"), "optional_text", english=("photo", "picture")),
))

CUSTOMERS = Table("customers", "customers", "клиенты", (
    Column("id", ("код клиента", "код", "клиент"), "id", required=True, english=("customer_id",)),
    Column("name", ("имя", "фио"), "text", required=True),
    Column("gender", ("пол",), "gender"),
    Column("birth_date", ("дата рождения", "день рождения"), "date", english=("birthday",)),
    Column("city", ("город",), "text"),
    Column("registered", ("дата регистрации", "клиент с"), "date"),
    Column("kind", ("группа", "сегмент"), "text", english=("segment",)),
))

ORDERS = Table("orders", "orders", "заказы", (
    Column("id", ("номер заказа", "номер", "код"), "id", required=True, english=("order_id",)),
    Column("customer_id", ("код клиента", "клиент"), "id", required=True, english=("customer",)),
    Column("product_id", ("товар", "код товара", "артикул"), "product", required=True,
           english=("product", "article")),
    Column("date", ("дата",), "date", required=True),
    Column("quantity", ("количество", "кол-во"), "count"),
    Column("amount", ("сумма",), "money", required=True),
    Column("channel", ("канал",), "channel"),
))

ARTICLES = Table("articles", "articles", "статьи", (
    Column("id", ("код",), "id", required=True),
    Column("magazine", ("журнал", "издание"), "text", required=True),
    Column("title", ("заголовок", "название"), "text", required=True),
    Column("published", ("дата", "дата публикации"), "date", required=True, english=("date",)),
    Column("text", ("текст",), "text", required=True),
))

TABLES = {table.name: table for table in (CATALOG, CUSTOMERS, ORDERS, ARTICLES)}


def header_key(name: str) -> str:
    """"  Цена, руб. " -> "цена руб": the form header names are compared in."""
    return " ".join(re.findall(r"[a-zа-я0-9-]+", name.lower().replace("ё", "е").replace("_", " ")))
