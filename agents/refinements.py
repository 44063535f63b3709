"""Refinements relative to what was just shown: "а подешевле?", "подороже есть?",
"что-нибудь попроще", "посолиднее", "поменьше", "покрупнее", "а ещё?".

`refinement(message)` names the direction ("cheaper", "dearer", "simpler", "solid",
"smaller", "bigger", "more") or None; `refined(direction, wishes, shown, catalog)` applies
it to the wishes of the last search, keeping every other wish: a price direction moves the
budget past the prices shown (to the cheapest shown, or the median when nothing is below
it), a size or look direction picks the style that means it and moves only the bound on
its side, within the budget said ("покрупнее" after "до 25 тысяч" stays under 25 000), and
every direction leaves out the pieces already shown. Another metal, stone or recipient needs no code here: the
new message's wish replaces the old one (`agents.preferences.merge_preferences`).

What it leaves out: amounts ("на пять тысяч дешевле") are the budget parser's; degrees
("намного дешевле") are treated like the plain word.
"""
from __future__ import annotations

import re
from statistics import median

from agents.search import stated_wishes

_CUES = (
    ("cheaper", r"подешевл|по дешевл|дешевле|бюджетнее|экономнее|не так дорог|дороговат|слишком дорог|"
                r"^\W*(?:(?:это|но|ну|а|все|всё|как-то|очень|ой)\s+)*дорого\W*$|дорого\s+(?:для меня|мне)|"
                r"не потяну|многовато"),
    ("solid", r"посолидн|солиднее|помассивн|массивнее|повнушительн|посерьезн|пороскошн|поэффектн|побогаче"),
    ("dearer", r"подорож|дороже|получше|покруче|попрестижн|классом выше|подороже"),
    ("simpler", r"попроще|проще|поскромн|скромнее|без излишеств|полаконичн|понеброск|поспокойн"),
    ("smaller", r"поменьше|помельче|потоньше|поуже|покороче|поизящн|миниатюрн\w*е|не так\w* крупн|"
                r"меньше размер"),
    ("bigger", r"побольше|покрупн|крупнее|позаметн|поярче|посмелее|потолще|толще|пошире|подлиннее|длиннее"),
    ("more", r"\bещ[её]\b|\bдруги[ех]\b|\bдругое\b|другой вариант|\bины[ех]\b|остальн"),
)
_NUMBER = re.compile(r"\d|тысяч|тыс\b|руб")
STYLE_OF = {"simpler": "minimalist", "smaller": "minimalist", "solid": "luxury", "bigger": "luxury"}
LABELS = {"cheaper": "подешевле", "dearer": "подороже", "simpler": "попроще", "solid": "посолиднее",
          "smaller": "поменьше и поизящнее", "bigger": "покрупнее", "more": "другие варианты"}


def refinement(text: str) -> str | None:
    """The direction asked for in normalized `text`, or None. A sum in the message makes
    it a budget ("дешевле 20 тысяч"), not a refinement."""
    for direction, pattern in _CUES:
        if re.search(pattern, text):
            if direction in ("cheaper", "dearer") and _NUMBER.search(text):
                return None
            return direction
    return None


def refined(direction: str, wishes: dict, shown: list[dict], catalog: list[dict]) -> dict:
    """The last search's wishes moved in `direction` past the pieces `shown`."""
    wishes = {**wishes, "price_level": None}
    prices = sorted(p["price"] for p in shown) or [0]
    others = stated_wishes({**wishes, "budget_min": None, "budget_max": None})
    pool = [p for p in catalog if all(w.test(p) for w in others) and p not in shown]
    low, high = wishes.get("budget_min"), wishes.get("budget_max")
    if direction in ("cheaper", "simpler", "smaller"):
        below = [p for p in pool if p["price"] < prices[0]]
        cap = (prices[0] - 1) // 100 * 100 if below else int(median(prices)) // 100 * 100
        if direction == "cheaper":
            wishes.update(budget_max=max(cap, 1), budget_min=None)
        elif below and not (low and cap <= low):   # a look: within the budget said
            wishes.update(budget_max=max(cap, 1))
    elif direction in ("dearer", "solid", "bigger"):
        above = [p for p in pool if p["price"] > prices[-1]]
        floor = (prices[-1] // 100 + 1) * 100 if above else (int(median(prices)) // 100 + 1) * 100
        if direction == "dearer":
            wishes.update(budget_min=floor, budget_max=None)
        elif above and not (high and floor >= high):  # "покрупнее" keeps "до 25 тысяч"
            wishes.update(budget_min=floor)
    if direction in STYLE_OF:
        wishes["style"] = STYLE_OF[direction]
        wishes["no_stones"] = wishes.get("no_stones") or (direction == "simpler" and not wishes.get("stones")
                                                          and any(not p["stones"] for p in pool))
    return wishes
