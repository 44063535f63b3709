"""Customer preferences from Russian chat messages, without an LLM.

`extract_preferences(message, history)` reads budget, type, metal, stones, excluded metals,
style, occasion, recipient and a subjective price level (codes of `agents.vocabulary`); the
current message wins and earlier *user* messages fill the rest (`merge_preferences`).
Budgets: "до N" max, "от N" min, "от A до B"/"A-B" a range, "около N"/"тысяч 50" N ±15%, a
bare sum a max; a small number after a budget cue is thousands ("не дороже 150"); number
words and slang ("полтинник", "лям") count; sizes, carats, fineness and years do not.

What it leaves out: spelling mistakes, excluded stones/styles, several budgets for several
items, real syntax (negation is `agents.text.refused`'s word window: "не люблю серебро",
"без камней"; "только не золото" refuses every gold, "не белое золото" only the white).
"""
from __future__ import annotations

import re

from agents import vocabulary as V
from agents.price_level import price_level
from agents.wording import describe_preferences  # noqa: F401 (callers import it from here)
from agents.text import find_matches, normalize, refused, spell_numbers, stem_positions, tokens


def _adjusted(table, add=None, drop=None):
    """A copy of a vocabulary table with extra stems (and a few removed ones)."""
    add, drop = add or {}, drop or {}
    return {code: (lab, tuple(s for s in stems if s not in drop.get(code, ())) + add.get(code, ()))
            for code, (lab, stems) in table.items()}


# Bare "предложени" is also "an offer" ("какие есть предложения?"): keep proposal phrases.
# ("сделать [ей] предложение" is found by `_PROPOSING`, the words between vary.)
_PROPOSAL = ("для предложени", "на предложени", "к предложени", "предложени руки", "руку и сердце")
_PROPOSING = re.compile(r"\bс?дела\w*(?:\s+\w+){0,2}\s+предложени")
TYPES = _adjusted(V.PRODUCT_TYPES, drop={"engagement_ring": ("предложени",)}, add={
    "engagement_ring": _PROPOSAL, "earrings": ("серег",), "chain": ("цепоч",),
    "cufflinks": ("запон",), "ring": ("печаток",)})
# "Юбилей" is a round birthday unless it is the wedding's ("юбилей свадьбы").
OCCASIONS = {**_adjusted(V.OCCASIONS, drop={"engagement": ("предложени",), "anniversary": ("юбиле",)}, add={
    "engagement": _PROPOSAL, "birthday": ("дню рождени",), "march_8": ("восьм марта", "женск дн"),
    "new_year": ("рождеств",), "anniversary": ("лет свадьб", "летие свадьб", "лет брак", "лет вместе",
                    "юбиле свадьб", "юбиле совместн"),
    "evening": ("корпоратив", "выпускн"), "everyday": ("ежедневн", "не снима")}),
    "jubilee": ("юбилей", ("юбиле",))}
RECIPIENTS = _adjusted(V.RECIPIENTS, drop={"girlfriend": ("любим",), "self": ("самой",)}, add={
    "self": ("себя",), "girlfriend": ("любимой", "любимую", "любимая"),
    "husband": ("парен", "любимому", "любимого", "жених"), "man": ("отец", "сын", "дедушк", "мужик"),
    "mother": ("свекров", "тещ"), "friend": ("подруж",), "colleague": ("сотрудниц", "начальник")})
STYLES = _adjusted(V.STYLES, add={
    "classic": ("элегантн",), "minimalist": ("изящн", "аккуратн", "небольш", "маленьк", "простеньк"),
    "modern": ("оригинальн", "нестандартн", "авангард", "креатив"), "vintage": ("бабушкин",),
    "romantic": ("милы", "мило", "милая", "милую"), "luxury": ("крупн",)})
STONES = _adjusted(V.STONES, add={"diamond": ("брюл",)})
_ANY_STONE = {"stone": ("", ("камн", "камен", "камуш", "вставк"))}
_COLORS = {"white_gold": ("", ("бел",)), "yellow_gold": ("", ("желт",)),
           "rose_gold": ("", ("розов", "красн"))}
_PLAIN_METALS = {code: V.METALS[code] for code in ("silver", "platinum")}
_GOLDS = ("yellow_gold", "white_gold", "rose_gold")
# Words that may stand between a colour and its "золото": "белое или жёлтое золото".
_LINK = {"или", "и", "либо", "не", "а", "но", ",", "только", "лучше", "именно", "можно", "кроме"}


def _positive(toks, table):
    """(code, start, stem) of the table's hits that are not refused."""
    return [(code, start, stem) for code, start, end, stem in find_matches(toks, table)
            if not refused(toks, start, end)]


def _metals(toks: list[str]) -> tuple[list[str], list[str]]:
    """Wanted metals (in order) and refused ones. A colour word is a metal only when it
    agrees with "золото" next to it ("белое или жёлтое золото", "золото, но не белое") or
    stands alone ("кольцо из белого"), so "красный рубин" is not rose gold; plain "золото" is yellow."""
    said: dict[str, tuple[int, bool]] = {}  # code -> (position, refused) of the last mention
    colors = {start: code for code, start, _end, _stem in find_matches(toks, _COLORS)
              if toks[start].endswith(("ое", "ого", "ом", "ому", "ым"))}
    for gold in stem_positions(toks, "золот"):
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
            said.update(dict.fromkeys(_GOLDS if no else ("yellow_gold",), (gold, no)))
    for k, code in colors.items():  # "кольцо из белого", "покажите белое": the noun left out
        alone = k + 1 == len(toks) or not toks[k + 1].isalnum() or toks[k + 1] in _LINK
        if code not in said and alone:
            said[code] = (k, refused(toks, k, k + 1))
    for code, start, end, _stem in find_matches(toks, _PLAIN_METALS):
        said[code] = (start, refused(toks, start, end))
    ordered = sorted(said.items(), key=lambda item: item[1][0])
    return [c for c, (_p, neg) in ordered if not neg], [c for c, (_p, neg) in ordered if neg]


# --- budget ---------------------------------------------------------------------------
_AMOUNT = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:[ .,]\d{3})+(?!\d)|\d+(?:[.,]\d+)?)"
    r"(?:\s?(?P<mult>тысяч\w*|тыщ\w*|тыс\b\.?|млн\b\.?|миллион\w*|лям\w*)"
    r"|(?P<short>кк|kk|к|k|т\.р\.?|тр|т)(?![a-zа-я0-9])|\s(?P<spaced>к|k)(?=\s*(?:$|[,.!?;)]|руб|₽)))?"
    r"(?P<cur>\s?(?:руб\w*\.?|р\b\.?|₽|rub\b|rur\b))?")
# A bare number followed (or preceded) by one of these is a size, carat, date... not money.
_UNIT_AFTER = re.compile(
    r"\s*(?:-\s*[а-я]|%|(?:карат|кар\b|кт\b|ct\b|проб|мм\b|см\b|милли|сантим|грам|гр\b|г\b|год|"
    r"лет|размер|январ|феврал|март|апрел|ма[яйю]\b|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"числ|процент|шт|раз\b|раза|дн|день|недел|мин\b|минут|час|сек\b|секунд|мес\b|месяц|"
    r"человек|камн|бриллиант|издели|кольц|серег|пар\b|пары|номер))")
_UNIT_BEFORE = re.compile(
    r"(?:размер\w*|проб\w*|№|номер\w*|артикул\w*|арт\.?|модел\w*|карат\w*)\s*[:\-]?\s*$")
_CUES = {"max": "до|не дороже|не больше|не более|не выше|не свыше|не превышая|максимум|макс|max|"
                "в пределах|в рамках|дешевле|меньше|менее|ниже|потолок|лимит|уложиться в|влезть в|"
                "дешевле чем|меньше чем",
         "budget": "бюджет|бюджетом|бюджете",
         "min": "от|дороже|больше|более|свыше|выше|минимум|не меньше|не дешевле|не менее|не ниже|"
                "начиная с|начиная от|с",
         "approx": "около|примерно|приблизительно|в районе|порядка|где то|плюс минус|~|±|+-|за|на|в"}
_PRE = {phrase: kind for kind, phrases in _CUES.items() for phrase in phrases.split("|")}
_FILLER = {"у", "меня", "нас", "мой", "моя", "наш", "это", "ну", "наверное", "там", "так", "бы", "вот",
           "хотелось", "хочу", "чем", "рублей", "руб", "ориентировочно", "сумму", "сумма", "цена"}
_POST = (("max", r"максимум|макс\b|max\b|не больше|не дороже|не более|и ниже|и меньше|или меньше|"
                 r"и дешевле|или дешевле|потолок|предел"),
         ("min", r"и выше|и больше|или больше|и дороже|или дороже|минимум|не меньше|не дешевле|и более|"
                 r"с лишним"),
         ("approx", r"плюс[- ]минус|\+-|±|примерно|или около того|около того|где[- ]то|приблизительно"))


def _pre_cue(clause: str) -> tuple[str | None, bool]:
    """The nearest budget cue right before a number, and whether "тысяч" came first."""
    ws, inverted = re.findall(r"\+-|[~±]|[a-zа-я]+", clause), False
    k = len(ws)
    while k > 0 and len(ws) - k < 5:
        for size in (3, 2, 1):
            if k - size >= 0 and " ".join(ws[k - size:k]) in _PRE:
                before = ws[k - size - 1] if k - size > 0 else ""
                return _PRE[" ".join(ws[k - size:k])], inverted or before.startswith(("тыс", "тыщ"))
        if ws[k - 1].startswith(("тыс", "тыщ")):
            inverted = True
        elif ws[k - 1] not in _FILLER:
            break
        k -= 1
    return None, inverted


def _amounts(s: str) -> list[dict]:
    found = []
    for m in _AMOUNT.finditer(s):
        num = m["num"]
        grouped = re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+", num)  # "100 000", "1.500.000"; "1,5" is decimal
        value = float(re.sub(r"[ .,]", "", num) if grouped else num.replace(",", "."))
        word = (m["mult"] or m["short"] or m["spaced"] or "").rstrip(".")
        millions = word.startswith(("млн", "миллион", "лям")) or word in ("кк", "kk")
        mult = (1e6 if millions else 1000) if word else None
        clause = re.split(r"[.!?;,](?!\d)", s[:m.start()])[-1]
        kind, inverted = _pre_cue(clause)
        after = re.split(r"[.!?;,](?!\d)", s[m.end():])[0]
        post = next((k for k, p in _POST if re.match(r"\s*(?:руб\w*|₽)?\s*(?:" + p + ")", after)), None)
        unit = bool(_UNIT_AFTER.match(s, m.end()) or _UNIT_BEFORE.search(s[:m.start()]))
        found.append({"value": value, "mult": mult, "cur": bool(m["cur"]), "kind": kind, "post": post,
                      "inverted": inverted, "unit": unit and not mult and not m["cur"],
                      "start": m.start(), "end": m.end(), "clause": clause})
    return found


def _budget(message: str) -> tuple[int | None, int | None]:
    s = spell_numbers(normalize(message))
    items, low, high = _amounts(s), None, None
    for a, b in zip(items, items[1:]):  # ranges: "30-40 тысяч", "от 20 до 50 тыс", "между 20 и 30"
        gap = s[a["end"]:b["start"]].strip()
        opener = re.search(r"\b(от|с|между|начиная с)\s*$", a["clause"])
        if gap == "-" or (gap == "до" and opener) or (gap == "и" and opener and opener[1] == "между"):
            a["pair"], b["paired"] = b, True
            a["mult"] = a["mult"] or (1000 if a["inverted"] else None)
            for x, y in ((a, b), (b, a)):  # a shared multiplier: "30-40 тысяч", "от 20 тысяч до 50"
                fits = (x is a) == (x["value"] <= y["value"])  # the lower end must stay lower
                if not x["mult"] and not x["cur"] and y["mult"] and fits:
                    x["mult"] = y["mult"]
    explicit = next((x["mult"] for x in items if x["mult"]), None)
    for x in items:
        if x["mult"] or x["cur"]:
            x["money"] = True
        elif x["unit"] or 1900 <= x["value"] <= 2100:  # a size, carat, date, year...
            x["money"] = False
        elif x["value"] < 1000 and (x["inverted"] or x["kind"] == "budget" or (
                x["kind"] in ("max", "min") and not explicit)):
            x["money"], x["mult"] = True, 1000  # "тысяч 50", "бюджет 50", "не дороже 150": thousands
        elif x["value"] < 1000:  # "от 20 тысяч, но не дороже 50": borrow another sum's multiplier
            x["money"], x["mult"] = bool(explicit and x["kind"]), explicit
        else:
            x["money"] = True
        x["rub"] = x["value"] * (x["mult"] or 1)
        x["money"] = x["money"] and 0 < x["rub"] < 1e11  # "9999...": a phone number or noise
    for x in items:  # in order: a later statement overrides an earlier one
        kind = (x["post"] if x["post"] and x["kind"] in (None, "budget") else x["kind"]) or (
            "approx" if x["inverted"] else "max")
        if x.get("pair") and x["money"] and x["pair"]["money"]:
            low, high = sorted((x["rub"], x["pair"]["rub"]))
        elif not x["money"] or x.get("paired"):
            continue
        elif kind == "approx":
            low, high = x["rub"] * 0.85, x["rub"] * 1.15
        elif kind == "min":
            low = x["rub"]
        else:
            high = x["rub"]
    if low is not None and high is not None and low > high:
        low = None
    return (None if low is None else round(low)), (None if high is None else round(high))


# --- the whole message ----------------------------------------------------------------
_KEYS = ("budget_min", "budget_max", "type", "metal", "stones", "no_stones", "excluded_metals",
         "style", "occasion", "recipient", "price_level")
_RING_FAMILY = ("engagement_ring", "wedding_band", "ring")


def _unique(hits) -> list[str]:
    """Codes of (code, ...) hits in order, without repeats."""
    return list(dict.fromkeys(code for code, *_rest in hits))


def _extract_one(message: str) -> dict:
    """The preferences said in one message (no history)."""
    toks = tokens(message)
    prefs = dict.fromkeys(_KEYS)
    prefs["budget_min"], prefs["budget_max"] = _budget(message)
    kinds, occasions = _unique(_positive(toks, TYPES)), _unique(_positive(toks, OCCASIONS))
    if _PROPOSING.search(normalize(message)) and "engagement" not in occasions:
        occasions.insert(0, "engagement")
    prefs["recipient"] = (_unique(_positive(toks, RECIPIENTS)) + [None])[0]
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
    if prefs["type"] == "engagement_ring":
        occasions = ["engagement"] + [o for o in occasions if o not in ("engagement", "wedding")]
    prefs["occasion"] = (occasions + [None])[0]
    metals, prefs["excluded_metals"] = _metals(toks)
    prefs["metal"] = (metals + [None])[0]
    prefs["style"] = (_unique(_positive(toks, STYLES)) + [None])[0]
    prefs["stones"] = _unique(_positive(toks, STONES))
    no_stone = len(_positive(toks, _ANY_STONE)) < len(find_matches(toks, _ANY_STONE))  # "без камней"
    prefs["no_stones"] = not prefs["stones"] and (no_stone or bool(stem_positions(toks, "гладк")))
    prefs["price_level"] = None if prefs["budget_max"] else price_level(toks)
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
    for key in ("type", "style", "occasion", "recipient"):
        prefs[key] = prefs[key] or older.get(key)
    if not prefs["metal"] and older.get("metal") not in (prefs["excluded_metals"] or ()):
        prefs["metal"] = older.get("metal")
    if not prefs["stones"] and not prefs["no_stones"]:
        prefs["stones"], prefs["no_stones"] = older.get("stones") or [], bool(older.get("no_stones"))
    if not prefs["excluded_metals"]:
        prefs["excluded_metals"] = [m for m in older.get("excluded_metals") or () if m != prefs["metal"]]
    return prefs


def completed(prefs: dict) -> dict:
    """What the wishes imply together: "кольцо" + "для помолвки" is an engagement ring."""
    if prefs["type"] in ("ring", "wedding_band") and prefs["occasion"] == "engagement":
        prefs["type"] = "engagement_ring"  # "кольцо" now, "для помолвки" earlier
    if prefs["occasion"] is None and prefs["recipient"] not in (None, "self"):
        prefs["occasion"] = "gift"  # something for someone else is a present
    return prefs
