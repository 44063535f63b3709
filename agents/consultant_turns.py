"""The consultant's reading of a message against the conversation so far, in plain code:
a number said alone ("а 20?" a ring size, "а если 25" a budget), a request for another kind
that starts afresh, a kind nobody makes for the person asked for, and a shop question that
also asks for pieces. Pure functions over text and wishes (agents.consultant calls them).
"""
from __future__ import annotations

import re

from agents.language import normalize
from agents.preferences import extract_preferences


_WANTS = re.compile(r"хоч|хотел|нужн|ищу|ищем|покаж|подбер|посовет|посмотр|интересу|есть ли|купить|приобре")
_CLAUSES = re.compile(r"[,;.!?]|\s(?:а|и|но|еще|кстати)\s")


def asks_for_pieces_too(message: str, shop_facts) -> bool:
    """Does a clause of its own ask for pieces beside the shop question ("хочу браслет из
    серебра, а доставка в Казань есть?")? Then both are answered. A piece only mentioned
    ("купила вчера кольцо, можно вернуть?") asks for nothing."""
    return any(shop_facts.asked(part) == [] and _WANTS.search(part) and any(
        extract_preferences(part).get(key) for key in ("type", "metal", "stones"))
        for part in _CLAUSES.split(normalize(message)))


_BARE_SIZE = re.compile(r"(?:а|и|ну)?\s*(?:если)?\s*(?:в|на)?\s*(1[4-9]|2[0-4])(?:[.,](5))?\s*(?:-?[гй]\w*)?\s*(?:есть)?")


def bare_size(message: str) -> float | None:
    """A ring size said alone after one was asked about: "а 16,5?", "а если 18-й?" -> 16.5, 18.0."""
    match = _BARE_SIZE.fullmatch(normalize(message).strip(" ?!.…"))
    return float(match[1] + (".5" if match[2] else "")) if match else None


_BARE_AMOUNT = re.compile(r"(?:а|и|ну)?\s*(?:если|может|давайте|тогда)?\s*(?:до|за)?\s*(\d{1,3}(?:\s?\d{3})?)\s*\??")


def bare_amount(message: str) -> int | None:
    """A budget said alone after one was given: "а если 25" -> 25 (thousands, by the caller)."""
    match = _BARE_AMOUNT.fullmatch(normalize(message).strip(" ?!.…"))
    return int(match[1].replace(" ", "")) if match else None


def new_topic(current: dict, base: dict, said: set[str]) -> bool:
    """A full request for another kind of piece ("а мужские браслеты из серебра есть?")
    starts afresh; a bare kind ("а серьги?") keeps the earlier wishes."""
    kind, before = current.get("type"), base.get("type")
    related = {kind, before} <= {"ring", "engagement_ring", "wedding_band"}
    return bool(kind and before and kind != before and not related and said - {"type", "occasion"})


def fit_recipient(wishes: dict, said: set[str], catalog: list[dict]) -> dict:
    """A kind nobody makes for that person: "а для мужа?" after earrings drops the earrings;
    "а брошки?" after a man's cufflinks drops the man."""
    recipient, kind = wishes.get("recipient"), wishes.get("type")
    if kind and recipient in ("husband", "man") and \
            not any(p["type"] == kind and p["recipient"] != "women" for p in catalog):
        return {**wishes, "recipient": None} if "type" in said and "recipient" not in said \
            else {**wishes, "type": None}
    return wishes


# Goods a customer may ask a jewelry shop for that it does not sell: the genitive for the
# answer -> the words. "часы работы", "в какие часы", "сколько часов" are about time.
_NOT_SOLD = {
    "Часов": r"(?<!сколько )(?<!какие )(?<![а-я])(?:наручн[а-я]* )?час(?:ы|ов|ики|иков)(?![а-я])(?! работ)",
    "Очков": r"(?<!бонусных )(?<![а-я])очк(?:и|ов)(?![а-я])",
    "Сумок": r"(?<![а-я])сум(?:ка|ку|ки|ок|очк[а-я]*)(?![а-я])",
    "Ремней": r"(?<![а-я])рем(?:ень|ня|ни|ней)(?![а-я])",
    "Кошельков": r"(?<![а-я])кошел[её]?к[а-я]*",
    "Бижутерии": r"(?<![а-я])бижутери[а-я]*",
    "Парфюмерии": r"(?<![а-я])(?:духи|духов|парфюм[а-я]*)(?![а-я])",
}
_NOT_SOLD_RE = {name: re.compile(pattern) for name, pattern in _NOT_SOLD.items()}


def not_sold(message: str) -> str | None:
    """What the shop does not sell that the message asks about ("у вас есть часы?" ->
    "Часов"), or None. The caller answers it only when no kind the shop sells was named."""
    text = normalize(message)
    return next((name for name, pattern in _NOT_SOLD_RE.items() if pattern.search(text)), None)


def not_sold_fact(name: str) -> dict:
    """The answer as a shop fact, so the LLM gets it too."""
    other = "" if name == "Бижутерии" else ", а не аксессуары"
    return {"title": "Нет в продаже", "text": f"{name} у нас, к сожалению, нет: мы продаём ювелирные "
                                              f"украшения{other}. Подобрать вам что-нибудь из украшений?"}
