"""Questions that pick among the pieces shown by a measure, not by place or name:
"какое из них лучше?" (the pieces side by side: the customer chooses, the consultant never
claims one is better), "сколько стоит самый дорогой из них?", "а самый дешёвый из этих?"
(without "из них" the shop's cheapest is meant: a search).

`pick_among(text, shown, wishes)` gives ("compare", pieces) or ("one", [piece]) or None.
Compared are the pieces that meet every wish, when two or more do; otherwise all shown
(the consultant marks the ones that miss a wish).

What it leaves out: "который легче", "какой крупнее" (the catalog has no weight).
"""
from __future__ import annotations

import re

from agents.search import fits

_BETTER = re.compile(r"\b(?:как\w*|что|кто)\b(?:\s+\w+){0,3}\s+(?:лучше|посовету\w*|выбрать|порекоменду\w*|"
                     r"предпочт\w*)|\bлучше\b(?:\s+\w+){0,2}\s+(?:выбрать|взять)")
# One piece: "самый дорогой", "самое дешёвое" ("самые дешёвые" asks for a list: a search).
_DEAREST = re.compile(r"\bсам(?:ый|ое|ая|ую|ого|ой) (?:дорог|дорож)")
_CHEAPEST = re.compile(r"\bсам(?:ый|ое|ая|ую|ого|ой) (?:дешев|недорог|бюджетн)")


_AMONG = re.compile(r"из (?:них|этих|тех|показанн\w*|списка|предложенн\w*)")


def pick_among(text: str, shown: list[dict], wishes: dict, *, new_kind: bool = False) -> tuple[str, list[dict]] | None:
    """What normalized `text` picks among `shown` (see the module docstring). `new_kind`:
    the message names a kind, so "самые дорогие кольца" is a search unless it says "из них"."""
    if not shown or (new_kind and not _AMONG.search(text)):
        return None
    among = bool(_AMONG.search(text))      # "а самая дешёвая?" alone: the shop's cheapest (a search)
    if among and _DEAREST.search(text):
        return "one", [max(shown, key=lambda p: p["price"])]
    if among and _CHEAPEST.search(text):
        return "one", [min(shown, key=lambda p: p["price"])]
    if _BETTER.search(text) and len(shown) > 1:
        meeting = [p for p in shown if fits(p, wishes)]
        return "compare", meeting if len(meeting) > 1 else shown
    return None
