"""A budget in a customer's words: `parse_budget("до 30 тысяч")` -> (None, 30000).

"до N" is a maximum, "от N" a minimum, "от A до B"/"A-B" a range, "около N"/"тысяч 50"
N ±15%, a bare sum a maximum; a limit after the sum wins ("тыщ за 15 максимум"); a small number after a budget cue is thousands ("не дороже
150"); number words and slang ("полтинник", "лям") count (agents.language.number_words);
sizes, carats, fineness and years do not.

What it leaves out: several budgets for several items (the last one said wins), and
currencies other than rubles.
"""
from __future__ import annotations

import re

from agents.language.normal import normalize
from agents.language.number_words import spell_numbers

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
        after = re.split(r"[.!?;](?!\d)", s[m.end():])[0]   # "тысяч за 30, не больше"
        post = next((k for k, p in _POST if re.match(r"\s*(?:руб\w*|₽)?\s*,?\s*(?:" + p + ")", after)), None)
        unit = bool(_UNIT_AFTER.match(s, m.end()) or _UNIT_BEFORE.search(s[:m.start()]))
        found.append({"value": value, "mult": mult, "cur": bool(m["cur"]), "kind": kind, "post": post,
                      "inverted": inverted, "unit": unit and not mult and not m["cur"],
                      "start": m.start(), "end": m.end(), "clause": clause})
    return found


def parse_budget(message: str) -> tuple[int | None, int | None]:
    """(lowest, highest) rubles the message allows, each None when not said."""
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
        # A limit said after the sum wins over a loose one before it: "тыщ за 15 максимум".
        kind = (x["post"] if x["post"] and x["kind"] in (None, "budget", "approx") else x["kind"]) or (
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
