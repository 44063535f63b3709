"""What pieces cost together: "сколько вместе выйдет?", "сколько будет за оба?", "кольцо и
вторые серьги вместе сколько?".

`asks_total(text)` tells such a question; `pieces_together(text, shown, focused)` gives the
pieces it means and, when it cannot tell, the pieces it may mean, to ask which:
- pieces named by their place in the list ("первое и третье") or by their kind ("кольцо и
  серьги") among the piece talked about, the list shown and the pieces looked at one by
  one before (the ring whose earrings were then found); a kind that several of them
  have is unclear, unless an ordinal already picked one of that kind;
- "оба" / "обе" with not exactly two pieces in view is unclear;
- otherwise every piece in view (the one talked about, then the list).

What it leaves out: quantities ("две пары"), discounts, and pieces shown before the last list.
"""
from __future__ import annotations

import re

from agents.language import find_codes
from agents.language.vocabulary import PRODUCT_TYPES
from agents.references import ordinals

_TOGETHER = re.compile(r"вмест|\bоба\b|\bобе\b|\bобоих\b|\bв сумме|\bсумм[аеуы]? |итог|\bза (?:все|всех|всё)\b|"
                       r"всего (?:выйдет|будет|получ)|общ\w* (?:стоимост|цен|сумм)|"
                       r"сколько\b.*\bза\b.*\bи\b|из списка|из показанн")
_PRICE = re.compile(r"сколько|стоим|стоит|стоят|цен|итог|сумм|почем|выйд|выход|обойд|получ")
_TWO = re.compile(r"\bоба\b|\bобе\b|\bобоих\b|\bдвух\b|\bдва\b|\bдве\b")
_RINGS = ("ring", "engagement_ring", "wedding_band")


def asks_total(text: str) -> bool:
    """Is normalized `text` asking what pieces cost together?"""
    return bool(_TOGETHER.search(text) and _PRICE.search(text))


def pieces_together(text: str, shown: list[dict], focused: dict | None, chosen: list[dict] = (),
                    anchor: dict | None = None) -> tuple[list[dict], list[dict]]:
    """(the pieces meant, the pieces they may be when that is unclear); one list is empty.
    `chosen`: the pieces looked at one by one before, which a kind may name ("кольцо");
    `anchor`: the piece the list shown was found to go with ("а к ним кольцо?"): it counts
    with whichever of the list is meant, and asks which when that is unclear."""
    meant, unclear, named = _meant(text, shown, focused, [*chosen, *([anchor] if anchor else [])])
    if not anchor or anchor in meant or anchor in unclear:
        return meant, unclear
    if named:                              # "с первым кольцом": with the piece it goes with
        return (meant if any(p["type"] == anchor["type"] for p in meant) else [anchor, *meant]), []
    if len(shown) == 1:
        return [anchor, *shown], []
    return [], [anchor, *shown]            # which of the list goes with it?


def _meant(text: str, shown: list[dict], focused: dict | None,
           chosen: list[dict]) -> tuple[list[dict], list[dict], bool]:
    """(the pieces meant, the ones they may be, whether the text named any)."""
    pool = ([focused] if focused and focused not in shown else []) + shown
    kinds_pool = list({p["id"]: p for p in pool + chosen}.values())
    named = [shown[i] for i in ordinals(text) if -len(shown) <= i < len(shown)]
    unclear: list[dict] = []
    for code in find_codes(text, PRODUCT_TYPES):
        family = _RINGS if code in _RINGS else (code,)     # "кольцо": any ring
        if any(p["type"] in family for p in named):
            continue                       # "вторые серьги": the ordinal settled it
        matching = [p for p in kinds_pool if p["type"] in family]
        if len(matching) == 1:
            named.append(matching[0])
        else:
            unclear += matching
    named = list({p["id"]: p for p in named}.values())
    if unclear:
        return [], list({p["id"]: p for p in [*named, *unclear]}.values()), True
    if named:
        return named, [], True
    if _TWO.search(text) and len(pool) != 2:
        return [], pool, False
    return pool, [], False
