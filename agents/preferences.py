"""Customer preferences from Russian chat messages, without an LLM.

`extract_preferences(message, history)` reads budget, type, metal, stones, excluded metals,
style, occasion, recipient, a ring size ("17 размер", `ring_size`) and a subjective price level (codes of `agents.language.vocabulary`, read with the tables of `agents.language.wishes`); the
current message wins and earlier *user* messages fill the rest (`merge_preferences`).
The budget is `agents.language.budget`'s.

Refused stones ("без бриллиантов", "только не жемчуг") are `excluded_stones`.

What it leaves out: spelling mistakes, excluded styles, several budgets for several
items, real syntax (negation is `agents.language.refused`'s word window: "не люблю серебро",
"без камней"; "только не золото" refuses every gold, "не белое золото" only the white).
"""
from __future__ import annotations

import re

from agents.language import Tables, normalize, parse_budget, refused, tokens
from agents.language.kinds import KIND_NAMES, KINDS
from agents.language.wishes import (ANY_GOLD, ANY_STONE, COLOR_STONES, COLORS, GOLD, GOLDS, OCCASIONS, PLAIN_METALS,
                                    PROPOSING, metals_meant, RECIPIENTS, SMOOTH, STONE_COLORS, STONES, STYLES, TYPES)
from agents.price_level import price_level
from agents.wording import describe_preferences  # noqa: F401 (callers import it from here)


# Words that may stand between a colour and its "золото": "белое или жёлтое золото".
_LINK = {"или", "и", "либо", "не", "а", "но", ",", "только", "лучше", "именно", "можно", "кроме"}
# Words that may follow a colour whose "золото" is left out: "кольцо из белого с сапфиром".
_AFTER_ALONE = {"с", "со", "до", "для", "на", "за", "в", "без", "от", "есть", "бывает", "бывают", "хочу",
                "можно", "нужно", "надо", "тоже", "давайте", "пожалуйста"}   # "а белое есть?"


# Every table a message is read with, in one pass (`Tables`).
_TABLES = Tables(TYPES, OCCASIONS, RECIPIENTS, STYLES, STONES, ANY_STONE, SMOOTH, STONE_COLORS, KINDS, COLORS, GOLD,
                 PLAIN_METALS)


def _positive(toks, hits):
    """(code, start, stem) of the hits that are not refused."""
    return [(code, start, stem) for code, start, end, stem in hits if not refused(toks, start, end)]


_WITH = {"с", "со"}


def _stone_hues(toks: list[str], hue_hits) -> list[tuple[str, int]]:
    """(colour, position) of the colours said of stones: after "с" ("с голубыми камнями",
    "а с зелёными?") or before a stone word ("камни зелёные" is not read)."""
    return [(code, start) for code, start, _end, _stem in hue_hits
            if _WITH & set(toks[max(0, start - 2):start]) and toks[start].endswith(("ыми", "ими", "ым", "им"))
            or (start + 1 < len(toks) and toks[start + 1].startswith(("камн", "камен", "камуш", "вставк")))]


def _metals(toks: list[str], color_hits, gold_hits, metal_hits) -> tuple[list[str], list[str]]:
    """Wanted metals (in order) and refused ones. A colour word is a metal only when it
    agrees with "золото" next to it ("белое или жёлтое золото", "золото, но не белое") or
    stands alone ("кольцо из белого", "а белое есть?"), so "красный рубин" is not rose gold;
    plain "золото" is every gold (`ANY_GOLD`)."""
    said: dict[str, tuple[int, bool]] = {}  # code -> (position, refused) of the last mention
    colors = {start: code for code, start, _end, _stem in color_hits
              if toks[start].endswith(("ое", "ого", "ом", "ому", "ым")) and not _WITH & set(toks[max(0, start - 2):start])}
    for gold in (start for _code, start, *_hit in gold_hits):
        bound = []
        for step in (-1, 1):
            k = gold + step
            while 0 <= k < len(toks) and abs(k - gold) <= 5 and (k in colors or toks[k] in _LINK):
                bound += [(k, step)] if k in colors else []
                k += step
        for k, _step in bound:
            said[colors[k]] = (k, refused(toks, k, k + 1))
        if not any(step < 0 or not said[colors[k]][1] for k, step in bound):
            no = refused(toks, gold, gold + 1)  # refusing plain gold refuses every gold
            said.update(dict.fromkeys(GOLDS if no else (ANY_GOLD,), (gold, no)))
    for k, code in colors.items():  # "кольцо из белого", "покажите белое": the noun left out
        alone = k + 1 == len(toks) or not toks[k + 1].isalnum() or toks[k + 1] in _LINK | _AFTER_ALONE
        if code not in said and alone:
            said[code] = (k, refused(toks, k, k + 1))
    for code, start, end, _stem in metal_hits:
        said[code] = (start, refused(toks, start, end))
    ordered = sorted(said.items(), key=lambda item: item[1][0])
    return [c for c, (_p, neg) in ordered if not neg], [c for c, (_p, neg) in ordered if neg]


_SIZE = re.compile(r"(?<![\d.,])(\d{2}(?:[.,]5)?)\s*(?:-?[гй]\w*\s*)?размер|"
                   r"размер\w*\s*(\d{2}(?:[.,]5)?)(?![\d])")


def ring_size(message: str) -> float | None:
    """The size asked about: "а 17-й размер есть?", "размер 16,5" -> 17.0, 16.5."""
    match = _SIZE.search(normalize(message))
    return float((match[1] or match[2]).replace(",", ".")) if match else None


_LENGTH = re.compile(r"(?<![\d.,])(\d{2}(?:[.,]5)?)\s*(?:см|сантиметр)")
_LONG = ("chain", "bracelet")            # sized by their length in centimetres


def _sized_as(kind: str) -> str | None:
    return "ring" if kind in _RING_FAMILY else kind if kind in _LONG else None   # a chain's 55 cm is no bracelet's


def length_cm(message: str) -> float | None:
    """A chain's or bracelet's length: "цепочку 50 см" -> 50.0."""
    match = _LENGTH.search(normalize(message))
    return float(match[1].replace(",", ".")) if match else None


# --- the whole message ----------------------------------------------------------------
_KEYS = ("budget_min", "budget_max", "type", "types", "kind_name", "metal", "stones", "no_stones", "excluded_metals",
         "excluded_stones", "excluded_types", "with_stones", "size", "style", "occasion", "recipient", "price_level")
# Ears that are not pierced refuse earrings ("у неё уши не проколоты").
_UNPIERCED = re.compile(r"(?:уш\w*\s+)?не\s*проколот|без прокол")
_RING_FAMILY = ("engagement_ring", "wedding_band", "ring")
# "он не носит украшения на руках": the kinds worn there are refused.
_NOT_WORN = r"не\s+(?:нос\w*|любит|люблю|надева\w*)(?:\s+\w+){0,3}\s+"
_NOT_WORN_ON = ((r"на (?:рук|пальц|запясть)", ("ring", "bracelet")), (r"на ше[еюи]", ("chain", "necklace", "pendant")))


_AGE = re.compile(r"(?<![\d.,])(\d{1,2})\s*-?\s*(?:лет|год|годик|летн)|\b(?:ей|ему)\s+(?:всего\s+|уже\s+)?(\d{1,2})\b(?!\s*(?:тыс|к\b|р|размер|см))")
_CHILD_AGE = 13
# A daughter, sister or son of `_CHILD_AGE` or younger is a child ("дочке 10 лет").
_AS_CHILD = {"daughter": "girl", "sister": "girl", "man": "boy"}


def _child(recipient: str | None, toks: list[str]) -> str | None:
    age = _AGE.search(" ".join(toks))
    if recipient in _AS_CHILD and age and int(age[1] or age[2]) <= _CHILD_AGE:
        return _AS_CHILD[recipient]
    return recipient


def _unique(hits) -> list[str]:
    """Codes of (code, ...) hits in order, without repeats."""
    return list(dict.fromkeys(code for code, *_rest in hits))


# Words before a kind that make it what the piece goes with, not a piece wanted: "серьги к
# кольцу", "цепочка для кулона", "кулон на цепочке", "вместо браслета".
_WITH_WHAT = {"к", "ко", "под", "для", "на", "вместо", "от", "из", "у", "по"}
_AND = {"и", "или", "либо", ",", "плюс", "также", "тоже"}


def _several_kinds(toks: list[str], hits, kinds: list[str]) -> list[str] | None:
    """Every kind asked for when one message asks for several ("кольцо и серьги с
    фианитами", "цепочку и кулон"), in order; None for one kind. A kind joined to the one
    before by "и"/"или"/"," counts; one that the piece goes with ("серьги к кольцу") does not."""
    if len(kinds) < 2:
        return None
    wanted, last_end = [], None
    for _code, start, end, _stem in sorted((hit for hit in hits if not refused(toks, hit[1], hit[2])),
                                           key=lambda hit: hit[1]):
        if last_end is None or (toks[start - 1] not in _WITH_WHAT and _AND & set(toks[last_end:start])):
            wanted.append(start)
        last_end = end
    if len(wanted) < 2:
        return None
    ring = next((k for k in kinds if k in _RING_FAMILY), None)     # the ring family's kind, as read
    found: list[str] = []
    for start in wanted:                  # in the order said: "крестик и цепочку" is both
        code = next(code for code, begin, *_rest in hits if begin == start)
        best = ring if code in _RING_FAMILY and ring else code
        found += [best] if best not in found else []
    return found if len(found) > 1 else None


def _extract_one(message: str) -> dict:
    """The preferences said in one message (no history)."""
    toks = tokens(message)
    types, occasion_hits, recipients, styles, stones, any_stone, smooth, hues, names, *metal_words = _TABLES.read(toks)
    hued = _stone_hues(toks, hues)
    prefs = dict.fromkeys(_KEYS)
    prefs["budget_min"], prefs["budget_max"] = parse_budget(message)
    kinds, occasions = _unique(_positive(toks, types)), _unique(_positive(toks, occasion_hits))
    # "он не носит кольца", "кроме цепочек", "уши не проколоты"
    prefs["excluded_types"] = [code for code in _unique(types) if code not in kinds] + (
        ["earrings"] if "earrings" not in kinds and _UNPIERCED.search(" ".join(toks)) else []) + [
        kind for place, refused_kinds in _NOT_WORN_ON for kind in refused_kinds
        if kind not in kinds and re.search(_NOT_WORN + place, " ".join(toks))]
    if PROPOSING.search(normalize(message)) and "engagement" not in occasions:
        occasions.insert(0, "engagement")
    people = _unique(_positive(toks, recipients))
    men = [r for r in people if r in ("husband", "man")]       # "начальнику мужчине": a man
    prefs["recipient"] = _child((men if men and people[0] not in ("self", "wife", "girlfriend") else people + [None])[0],
                                toks)
    if "anniversary" in occasions or "engagement" in occasions:  # "годовщина свадьбы"
        occasions = [o for o in occasions if o not in ("wedding", "jubilee")]
    if len(occasions) > 1:  # "подарок на день рождения": the specific reason wins
        occasions = [o for o in occasions if o != "gift"]
    if any(k in _RING_FAMILY for k in kinds):
        # "обручальное кольцо для помолвки" is said for an engagement ring; a couple's
        # "кольца к свадьбе" are wedding bands (a ring for a wedding guest is not).
        couple = prefs["recipient"] in (None, "self", "wife", "husband", "girlfriend")
        best = ("engagement_ring" if "engagement_ring" in kinds or "engagement" in occasions else
                "wedding_band" if "wedding_band" in kinds or (occasions[:1] == ["wedding"] and couple)
                else "ring")
        kinds = _unique((best if k in _RING_FAMILY else k,) for k in kinds)
    prefs["type"] = (kinds + [None])[0]
    named = _unique(_positive(toks, names))        # "печатку": a signet, not any ring
    extra = [name for name in named if KIND_NAMES[name][0] not in kinds]    # "цепочку и крестик"
    prefs["types"] = _several_kinds(toks, [*types, *(hit for hit in names if hit[0] in extra)], kinds + extra) \
        if kinds and extra else _several_kinds(toks, types, kinds)
    for name in named if prefs["types"] else ():      # "печатка и серьги": the signet, not any ring
        of_type = KIND_NAMES[name][0]
        if of_type in prefs["types"] and name not in prefs["types"]:
            prefs["types"] = [name if kind == of_type else kind for kind in prefs["types"]]
    if named and prefs["type"] in (None, KIND_NAMES[named[0]][0]) and not prefs["types"]:
        prefs["kind_name"], prefs["type"] = named[0], KIND_NAMES[named[0]][0]
    if prefs["type"] == "engagement_ring":
        occasions = ["engagement"] + [o for o in occasions if o not in ("engagement", "wedding")]
    prefs["occasion"] = (occasions + [None])[0]
    metals, prefs["excluded_metals"] = _metals(toks, *metal_words)
    prefs["metal"] = (metals + [None])[0]
    prefs["style"] = (_unique(_positive(toks, styles)) + [None])[0]
    prefs["stones"] = _unique(_positive(toks, stones)) or list(dict.fromkeys(
        stone for code, start in hued if not refused(toks, start, start + 1) for stone in COLOR_STONES[code]))
    prefs["excluded_stones"] = [code for code in _unique(stones) if code not in prefs["stones"]]
    no_stone = len(_positive(toks, any_stone)) < len(any_stone)  # "без камней"
    prefs["no_stones"] = not prefs["stones"] and (no_stone or bool(smooth))
    with_stone = any(_WITH & set(toks[max(0, start - 3):start]) for _code, start, _stem in _positive(toks, any_stone))
    prefs["with_stones"] = not prefs["stones"] and not prefs["no_stones"] and with_stone   # "а с камнями?"
    prefs["price_level"] = None if prefs["budget_max"] else price_level(toks)
    prefs["size"] = ring_size(message) or (length_cm(message) if prefs["type"] in _LONG else None)
    return prefs


def extract_preferences(message: str, history: list[dict] | None = None) -> dict:
    """Preferences of the current message, completed from earlier user messages."""
    prefs = _extract_one(message)
    for item in reversed(history or []):
        if item.get("role") == "user":  # the assistant's words are not the customer's wishes
            prefs = merge_preferences(prefs, _extract_one(item.get("content") or ""))
    return completed(prefs)


def merge_preferences(prefs: dict, older: dict) -> dict:
    """`prefs` with what it leaves out taken from `older` (earlier wishes)."""
    prefs = {**dict.fromkeys(_KEYS), **prefs}
    if prefs["budget_min"] is None and prefs["budget_max"] is None:  # a budget is one unit
        prefs["budget_min"], prefs["budget_max"] = older.get("budget_min"), older.get("budget_max")
        prefs["price_level"] = prefs["price_level"] or older.get("price_level")
    if not prefs["type"]:               # "а в золоте?" after "кольцо и серьги": both kinds still
        prefs["types"], prefs["kind_name"] = older.get("types"), older.get("kind_name")
    said_size = prefs["size"]
    for key in ("type", "style", "occasion", "recipient", "size"):
        prefs[key] = prefs[key] or older.get(key)
    if not said_size and None not in (prefs["type"], older.get("type")) and \
            _sized_as(prefs["type"]) != _sized_as(older["type"]):
        prefs["size"] = None                # a ring's 17 is no bracelet's length
    refused_kinds = prefs["excluded_types"] or ()
    if prefs["type"] in refused_kinds or (prefs["type"] in _RING_FAMILY and "ring" in refused_kinds):
        prefs["type"] = None                # "а что-нибудь кроме цепочек?" after chains
    if prefs["types"]:                      # "а без колец?" after "кольцо и серьги": the earrings
        kept = [t for t in prefs["types"] if t not in refused_kinds and not (t in _RING_FAMILY and "ring" in refused_kinds)]
        prefs["types"] = kept if len(kept) > 1 else None
        prefs["type"] = prefs["type"] or (kept[:1] or [None])[0]
    prefs["excluded_types"] = list(dict.fromkeys([*refused_kinds, *(
        t for t in older.get("excluded_types") or () if t != prefs["type"])]))
    if not prefs["metal"] and older.get("metal") not in (prefs["excluded_metals"] or ()):
        prefs["metal"] = older.get("metal")
    if not prefs["stones"] and not prefs["no_stones"]:   # "а не жемчуг?" drops the pearls
        prefs["stones"] = [s for s in older.get("stones") or () if s not in (prefs["excluded_stones"] or ())]
        prefs["no_stones"] = bool(older.get("no_stones")) and not prefs["with_stones"]
        prefs["with_stones"] = bool(prefs["with_stones"] or (older.get("with_stones") and not prefs["stones"]))
    if not prefs["excluded_metals"]:      # "а в золоте?" after "не золото": the golds again
        wanted = metals_meant(prefs["metal"]) if prefs["metal"] else ()
        prefs["excluded_metals"] = [m for m in older.get("excluded_metals") or () if m not in wanted]
    prefs["excluded_stones"] = list(dict.fromkeys([*(prefs["excluded_stones"] or ()), *(
        s for s in older.get("excluded_stones") or () if s not in (prefs["stones"] or ()))]))
    return prefs


def completed(prefs: dict) -> dict:
    """What the wishes imply together: "кольцо" + "для помолвки" is an engagement ring."""
    if prefs["type"] in ("ring", "wedding_band") and prefs["occasion"] == "engagement":
        prefs["type"] = "engagement_ring"  # "кольцо" now, "для помолвки" earlier
    if prefs["occasion"] is None and prefs["recipient"] not in (None, "self"):
        prefs["occasion"] = "gift"  # something for someone else is a present
    if prefs["recipient"] in ("girl", "boy", "child") and not (prefs["budget_max"] or prefs["budget_min"]):
        prefs["price_level"] = prefs["price_level"] or "low"   # a child's piece: the modest end first
    return prefs
