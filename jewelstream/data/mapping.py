"""Read one cell of an import file into the shop's value: vocabulary codes, rubles,
dates, sizes.

    read_cell("metal", "Белое золото 585")    -> Reading("white_gold", fineness=585)
    read_cell("stones", "бриллиант 0,25 кт")  -> Reading(["diamond"])
    read_cell("stones", "шпинель")            -> Reading(["шпинель"], warning=...)
    read_cell("money", "abc")                 -> raises Unreadable

Words are matched with the agents' own matcher and tables (`find_codes` over their
vocabulary), so "золото" means here what it means in a customer's question. A code
("white_gold") is accepted as is. Type and metal must be understood (search, prices and
the picture depend on them): otherwise the row is an error. Stones, style, occasions,
recipient and channel that the vocabulary does not know are kept as the file's text and
reported as a warning.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from agents import find_codes, kinds, normalize, vocabulary as V

_NONE = {"", "-", "—", "нет", "без камней", "без вставок", "none", "no"}
_GOLDS = ("white_gold", "rose_gold", "yellow_gold")
_FINENESS = re.compile(r"(?<!\d)(375|500|585|750|875|916|925|950|958|999)(?!\d)")
# English and chemical names a spreadsheet may use for the metals.
_METAL_WORDS = {"white": "white_gold", "rose": "rose_gold", "red": "rose_gold", "gold": "yellow_gold",
                "yellow": "yellow_gold", "au": "yellow_gold", "silver": "silver", "ag": "silver",
                "platinum": "platinum", "pt": "platinum"}
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SIZE = re.compile(r"\d+(?:[.,]5(?!\d))?")      # "16,5" is one size, "16,17" two


class Unreadable(ValueError):
    """The cell cannot be read: an error in the report (Russian, English)."""
    def __init__(self, russian: str, english: str) -> None:
        super().__init__(english)
        self.russian, self.english = russian, english


@dataclass
class Reading:
    value: Any
    warning: tuple[str, str] | None = None
    fineness: int | None = None           # a metal cell may say it: "Золото 585"
    kind: str | None = None               # a type cell's more specific word: "печатка" (a ring)


def read_cell(kind: str, raw: Any) -> Reading:
    if isinstance(raw, (list, int, float)) and not isinstance(raw, bool):
        text = raw if isinstance(raw, list) else str(raw)
    else:
        text = "" if raw is None else str(raw).strip()
    return _READERS[kind](text)


def _code(table: dict, text: str, what: tuple[str, str], *, required: bool) -> Reading:
    """One code of `table` for `text` (the first in table order among those it names)."""
    if text in table:
        return Reading(text)
    found = find_codes(text, table)
    if found:
        return Reading(min(found, key=list(table).index))
    if required:
        raise Unreadable(f"{what[0]} «{text}» не распознан(о)", f"unknown {what[1]} \"{text}\"")
    return Reading(text, (f"{what[0]} «{text}» не найден(о) в словаре магазина, оставлено как текст",
                          f"{what[1]} \"{text}\" is not in the shop's vocabulary, kept as text"))


def _codes(table: dict, text, what: tuple[str, str]) -> Reading:
    """A list of codes from "бриллиант 0,25 кт, сапфир" or a JSON list; unknown parts kept."""
    # "бриллиант 0,25 кт": a comma between digits is a decimal one, not a separator.
    parts = text if isinstance(text, list) else re.split(r"[;/+]|(?<!\d),|,(?!\d)|\s+и\s+", text)
    codes, unknown = [], []
    for part in (str(p).strip() for p in parts):
        part = re.sub(r"\s*\d+([.,]\d+)?\s*(кт|карат\w*|ct)\.?$", "", part)   # "0,25 кт"
        if normalize(part) in _NONE:
            continue
        found = [part] if part in table else find_codes(part, table)
        if not found:
            unknown.append(part)
            found = [part]
        codes += [code for code in found if code not in codes]
    warning = None
    if unknown:
        listed = ", ".join(unknown)
        warning = (f"{what[0]} не найдены в словаре магазина, оставлены как текст: {listed}",
                   f"{what[1]} not in the shop's vocabulary, kept as text: {listed}")
    return Reading(codes, warning)


def _type(text: str) -> Reading:
    """The type's code; a more specific known name ("печатка") is kept beside it as the
    piece's kind, and a kind the vocabulary does not know ("шарм") is kept as the type
    itself (a warning): customers find it by that word."""
    if text in V.PRODUCT_TYPES:
        return Reading(text)
    named = find_codes(text, kinds.KINDS)
    if named:
        return Reading(kinds.KIND_NAMES[named[0]][0], kind=named[0])
    found = find_codes(text, V.PRODUCT_TYPES)
    if found:
        return Reading(min(found, key=list(V.PRODUCT_TYPES).index))
    own = " ".join(normalize(text).split())
    if not own:
        raise Unreadable("тип изделия не указан", "no product type given")
    return Reading(own, (f"тип изделия «{text}» не найден в словаре магазина: оставлен как есть, "
                         "покупатели найдут его по этому слову",
                         f"product type \"{text}\" is not in the shop's vocabulary: kept as is, "
                         "customers find it by that word"))


def _metal(text: str) -> Reading:
    if not text:
        raise Unreadable("металл не указан", "no metal given")
    found = [text] if text in V.METALS else find_codes(text, V.METALS)
    found = found or [_METAL_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _METAL_WORDS][:1]
    golds = [code for code in found if code in _GOLDS]
    if len(golds) > 1:        # "белое золото" names white and (plain "золото") yellow
        found = [code for code in found if code != "yellow_gold"]
    if not found:
        raise Unreadable(f"металл «{text}» не распознан (золото, белое золото, серебро, платина...)",
                         f"unknown metal \"{text}\" (gold, white gold, silver, platinum...)")
    fineness = _FINENESS.search(text)
    return Reading(found[0], fineness=int(fineness.group()) if fineness else None)


def _number(text: str, what: tuple[str, str]) -> float:
    cleaned = re.sub(r"[\s\u00a0\u202f]|руб\.?|р\.|₽", "", str(text)).replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise Unreadable(f"{what[0]} «{text}» не число", f"{what[1]} \"{text}\" is not a number") from None
    if value < 0 or value != value or value == float("inf"):
        raise Unreadable(f"{what[0]} «{text}» меньше нуля", f"{what[1]} \"{text}\" is negative")
    return value


def _money(text: str) -> Reading:
    if text == "":
        raise Unreadable("сумма не указана", "no amount given")
    return Reading(round(_number(text, ("цена", "price"))))


def _count(text: str) -> Reading:
    if text == "":
        return Reading(None)                   # the table's default (validation.py)
    value = _number(text, ("количество", "count"))
    if value != int(value):
        raise Unreadable(f"количество «{text}» не целое", f"count \"{text}\" is not a whole number")
    return Reading(int(value))


def _fineness(text: str) -> Reading:
    if text == "":
        return Reading(None)
    value = _number(text.rstrip("°"), ("проба", "fineness"))
    if not 100 <= value <= 999 or value != int(value):
        raise Unreadable(f"проба «{text}» не похожа на пробу (585, 750, 925...)",
                         f"fineness \"{text}\" is not one (585, 750, 925...)")
    return Reading(int(value))


def _sizes(text) -> Reading:
    if isinstance(text, list):
        text = ";".join(str(part) for part in text)
    sizes = [float(s.replace(",", ".")) for s in _SIZE.findall(text)]
    values = sorted({int(s) if s == int(s) else s for s in sizes})
    rest = re.sub(r"[\s,;/\-–\[\]]|см|мм|cm|mm", "", _SIZE.sub("", text))
    warning = None
    if rest and normalize(rest) not in _NONE:
        warning = (f"в размерах непонятно «{text}», взяты только числа",
                   f"sizes \"{text}\" partly unreadable, only the numbers are kept")
    return Reading(values, warning)


def _date(text: str) -> Reading:
    if text == "":
        return Reading(None)
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y"):
        try:
            return Reading(dt.datetime.strptime(text, pattern).date().isoformat())
        except ValueError:
            continue
    raise Unreadable(f"дата «{text}» не распознана (ожидается 2025-03-08 или 08.03.2025)",
                     f"date \"{text}\" not understood (expected 2025-03-08 or 08.03.2025)")


def _identifier(text: str) -> Reading:
    if text and not _ID.fullmatch(text):
        raise Unreadable(f"код «{text}»: только латинские буквы, цифры, - и _ (до 64)",
                         f"id \"{text}\": Latin letters, digits, - and _ only (up to 64)")
    return Reading(text or None)


_READERS = {
    "id": _identifier,
    "article": lambda text: Reading(text or None),
    "product": lambda text: Reading(text or None),
    "text": lambda text: Reading(text),
    "optional_text": lambda text: Reading(text or None),
    "type": lambda text: _type(text),
    "metal": _metal,
    "fineness": _fineness,
    "stones": lambda text: _codes(V.STONES, text, ("камни", "stones")),
    "occasions": lambda text: _codes(V.OCCASIONS, text, ("поводы", "occasions")),
    "style": lambda text: _code(V.STYLES, text, ("стиль", "style"), required=False) if text else Reading(""),
    "recipient": lambda text: (_code(V.PRODUCT_RECIPIENTS, text, ("для кого", "recipient"), required=False)
                               if text else Reading("unisex")),
    "money": _money,
    "count": _count,
    "sizes": _sizes,
    "date": _date,
    "gender": lambda text: _code(V.GENDERS, text, ("пол", "gender"), required=False) if text else Reading(None),
    "channel": lambda text: _code(V.CHANNELS, text, ("канал", "channel"), required=False) if text else Reading(None),
}


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
