"""Zodiac signs and birth dates in Russian text, for the friendly advisor.

`zodiac_sign(day, month)` gives the tropical sign's Russian name (exact boundaries, see
SIGNS); `SIGN_FACTS` holds a few facts per sign (element, traditional stones as
`agents.language.vocabulary.STONES` codes, a metal as a `METALS` code).

`dates_in_text(text)` finds a birth date the text *states*: "я родилась 3 апреля",
"день рождения 21.03", "ДР 12.04", "родился 1 января 1990 года", "дата рождения:
21.03.1990", "я 1990 года, 3 мая", "born on March 5". A date alone is not a birthday
("подарок на 8 марта"), nor is someone else's ("у мамы день рождения 5 мая"), nor a
birthday party a gift is for when nobody says whose ("подарок на день рождения 3 апреля").
`find_date` is the plain date reader underneath (Russian and English month names, in words
or digits, day first; English also month first: "March 5th"); `sign_in_text` finds a sign
stated directly ("я Овен", "мой знак — Дева"); `sign_named` a sign a question is about,
in any case ("какой камень подойдёт Скорпиону?", "она Рак").

What it leaves out: the sidereal zodiac and cusp nuances, numeric dates written with the
month first ("03/21"), relative dates ("послезавтра"), and real syntax: "someone else's"
is a word list checked within the comma-delimited part that holds the date or the
birthday word.
"""
from __future__ import annotations

import re
from datetime import date

from agents.language import normalize

# (name, first day, first month): each sign runs from its first day to the day before
# the next one's; Козерог wraps over the new year.
SIGNS = (("Козерог", 1, 1), ("Водолей", 20, 1), ("Рыбы", 19, 2), ("Овен", 21, 3),
         ("Телец", 20, 4), ("Близнецы", 21, 5), ("Рак", 21, 6), ("Лев", 23, 7),
         ("Дева", 23, 8), ("Весы", 23, 9), ("Скорпион", 23, 10), ("Стрелец", 22, 11),
         ("Козерог", 22, 12))

# sign -> (element in the genitive: "знак стихии Огня", stone codes, metal code)
SIGN_FACTS = {
    "Овен": ("Огня", ("diamond", "ruby", "garnet"), "rose_gold"),
    "Телец": ("Земли", ("emerald", "sapphire"), "rose_gold"),
    "Близнецы": ("Воздуха", ("citrine", "pearl", "topaz"), "silver"),
    "Рак": ("Воды", ("pearl", "emerald"), "silver"),
    "Лев": ("Огня", ("ruby", "citrine", "topaz"), "yellow_gold"),
    "Дева": ("Земли", ("sapphire", "citrine"), "platinum"),
    "Весы": ("Воздуха", ("sapphire", "aquamarine", "diamond"), "rose_gold"),
    "Скорпион": ("Воды", ("topaz", "garnet", "ruby"), "platinum"),
    "Стрелец": ("Огня", ("topaz", "amethyst"), "white_gold"),
    "Козерог": ("Земли", ("garnet", "sapphire"), "platinum"),
    "Водолей": ("Воздуха", ("amethyst", "aquamarine"), "white_gold"),
    "Рыбы": ("Воды", ("aquamarine", "amethyst", "pearl"), "silver"),
}

_MONTHS = ("январ|янв", "феврал|фев", "март|мар", "апрел|апр", "ма[йяею]|маем", "июн",
           "июл", "август|авг", "сентябр|сент|сен", "октябр|окт", "ноябр|ноя", "декабр|дек")
_ORDINALS = ("перв", "втор", "трет", "четверт", "пят", "шест", "седьм", "восьм", "девят",
             "десят", "одиннадцат", "двенадцат", "тринадцат", "четырнадцат", "пятнадцат",
             "шестнадцат", "семнадцат", "восемнадцат", "девятнадцат", "двадцат")
_ORDINAL_RE = (r"(?:(?P<tens>двадцать|тридцать)\s+)?(?P<ord>" + "|".join(_ORDINALS)
               + r"|тридцат)(?:ьего|ье|ого|ое|ий|ый|ой)")
# English months share the group of their Russian twin: "5 March" reads as "5 марта".
_MONTHS_EN = ("january|jan", "february|feb", "march|mar", "april|apr", "may", "june|jun",
              "july|jul", "august|aug", "september|sept|sep", "october|oct", "november|nov",
              "december|dec")
_MONTH_RE = "|".join(f"(?P<m{n}>(?:{ru})[а-я]*\\.?|(?:{en})\\b\\.?)"
                     for n, (ru, en) in enumerate(zip(_MONTHS, _MONTHS_EN), 1))
_YEAR_RE = r"(?:\s+(?P<year>(?:19|20)\d\d)(?:\s*(?:г\b\.?|года?\b))?)?"
_EN_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_WORD_DATE = re.compile(
    r"(?<![\w.])(?:(?P<day>\d{1,2})(?:\s*-?\s*(?:го|е|ое|ого)|st|nd|rd|th)?|" + _ORDINAL_RE
    + r")\s+(?:of\s+)?(?:" + _MONTH_RE + r")(?![а-я])" + _YEAR_RE)
# English month first: "March 5", "March 5th, 1990".
_MONTH_FIRST_DATE = re.compile(
    r"(?<![\w.])(?:" + "|".join(f"(?P<m{n}>(?:{en})\\b\\.?)" for n, en in enumerate(_MONTHS_EN, 1))
    + r")\s+" + _EN_DAY
    + r"(?![\d:])(?:,?\s+(?P<year>(?:19|20)\d\d))?")
_NUMERIC_DATE = re.compile(
    r"(?<![\d.,/])(?P<day>\d{1,2})[./](?P<month>\d{1,2})(?:[./](?P<year>\d{4}|\d{2}))?(?![\d/]|[.,]\d)")
_ISO_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)")

# Words that say the date is a birth date: the first kind speaks for itself ("родилась
# 3 апреля"); the second is a party anyone may have: said to us plainly ("день рождения
# 5 марта") it is the speaker's, but beside a gift it needs "мой"/"у меня" ("подарок на
# день рождения 3 апреля" is for someone).
_BORN = re.compile(r"родил(?:ась|ся)|рожден[аы]?\b|дата рождени|года рождени|"
                   r"появил(?:ась|ся) на свет|\bborn\b|date of birth|birth ?date")
_BIRTHDAY = re.compile(r"день рождени|дня рождени|днем рождени|дню рождени|\bд\.?р\b\.?|днюх|"
                       r"birthday|\bb-?day\b")
_GIFT = re.compile(r"подар|\bgift|\bpresent")
_MINE = re.compile(r"\b(?:я|мой|моя|мое|мне|меня|себе|себя|сама|сам|i|my|me|i'm|im)\b")
# "я 1990 года", "1990 г.р.": the year of the speaker's birth, with the day said elsewhere.
_BORN_YEAR = re.compile(r"\bя\s+(?:с\s+)?(?P<year>(?:19|20)\d\d)\s*(?:г\b\.?|года?\b)|"
                        r"(?P<year2>(?:19|20)\d\d)\s*(?:г\.?\s*р\b\.?|года рождени)")
# Someone else's birthday: family, friends, third-person pronouns.
_OTHERS = re.compile(
    r"\b(?:(?:мам|пап|матер|отц|отец|сестр|брат|доч|сын|муж|жен[аеуыо]|подруг|друз|девушк|"
    r"парн|парен|бабушк|дедушк|свекров|тещ|коллег|начальни|ребен|внук|внучк|племянн|дяд)[а-я]*"
    r"|(?:друг(?:а|у|ом|е)?|дет(?:и|ей|ям|ьми)|тет(?:я|и|е|ю|ей)|он|она|они|его|ее|него|нее|"
    r"них|их|ему|ей|им|ним|ней)\b"
    r"|\b(?:mom|mum|mother|dad|father|wife|husband|sister|brother|son|daughter|friend|"
    r"girlfriend|boyfriend|he|she|his|her|him|they|their)\b)")
_SIGN_NAMES = "|".join(sorted({s[0].lower() for s in SIGNS}, key=len, reverse=True))
_SIGN_STATED = re.compile(
    r"(?:\bя\s*[-,]?\s*(?:(?:сама?|же|ведь|тоже|вообще)\s+)?(?:по\s+(?:гороскопу|знаку(?:\s+зодиака)?)\s*[-,]?\s*)?|"
    r"\bзнак(?:\s+зодиака)?(?:\s+у\s+меня)?\s*[-:]?\s*|по\s+гороскопу\s+я\s*[-]?\s*)"
    r"(?P<sign>" + _SIGN_NAMES + r")(?![а-я])")


def zodiac_sign(day: int, month: int) -> str:
    """The Russian name of the sign of day.month (29.02 is allowed); ValueError if no such day."""
    date(2000, month, day)                      # a leap year: validates 29.02 too
    name = SIGNS[0][0]
    for sign, first_day, first_month in SIGNS:
        if (month, day) >= (first_month, first_day):
            name = sign
    return name


def _checked(day: int, month: int, year: int | None) -> tuple[int, int, int | None] | None:
    try:
        date(year or 2000, month, day)
    except ValueError:
        return None
    if year is not None and not 1900 <= year <= date.today().year:
        return None
    return day, month, year


def find_date(text: str) -> tuple[int, int, int | None] | None:
    """The first date written in `text`, whatever it is about: (day, month, year or None)."""
    found = []
    for m in (*_WORD_DATE.finditer(text), *_MONTH_FIRST_DATE.finditer(text)):
        if m["day"]:
            day = int(m["day"])
        else:
            day = _ORDINALS.index(m["ord"]) + 1 if m["ord"] != "тридцат" else 30
            day += {"двадцать": 20, "тридцать": 30}.get(m["tens"], 0)
        month = next(n for n in range(1, 13) if m[f"m{n}"])
        found.append((m.start(), day, month, int(m["year"]) if m["year"] else None))
    for m in (*_NUMERIC_DATE.finditer(text), *_ISO_DATE.finditer(text)):
        year = m["year"] and int(m["year"])
        if year and year < 100:                 # "21.03.90"
            year += 1900 if year > date.today().year % 100 else 2000
        found.append((m.start(), int(m["day"]), int(m["month"]), year or None))
    for _start, day, month, year in sorted(found):
        if checked := _checked(day, month, year):
            return checked
    return None


def _sentences(text: str) -> list[str]:
    """Sentences, and "X, а Y" halves, of normalized text (a dot between digits stays)."""
    return [s for s in re.split(r"[!?;\n]|\.(?!\d)|,\s*(?:а|но)\s", normalize(text)) if s.strip()]


def dates_in_text(text: str) -> tuple[int, int, int | None] | None:
    """The user's own birth date if the text states one: (day, month, year or None)."""
    for sentence in _sentences(text):
        found = find_date(sentence)
        if not found:
            continue
        # Only the parts (between commas) that hold the date or the birthday words count:
        # "я родилась 3 апреля, хочу подарок маме" is still the user's own date.
        parts = [p for p in sentence.split(",")
                 if find_date(p) or _BORN.search(p) or _BORN_YEAR.search(p) or _BIRTHDAY.search(p)]
        scope = ",".join(parts)
        mine = _BORN.search(scope) or _BORN_YEAR.search(scope) or (
            _BIRTHDAY.search(scope) and (_MINE.search(scope) or not _GIFT.search(sentence)))
        if mine and not _OTHERS.search(scope):
            return found if found[2] else _with_birth_year(found, text)
    return None


def _with_birth_year(found: tuple[int, int, None], text: str) -> tuple[int, int, int | None]:
    """The date with the year the speaker gave apart from it ("я 1990 года, 3 мая"), if any."""
    said = _BORN_YEAR.search(normalize(text))
    if said:
        return _checked(found[0], found[1], int(said["year"] or said["year2"])) or found
    return found


def sign_in_text(text: str) -> str | None:
    """A sign the user states directly ("я Овен", "мой знак — Дева"), or None."""
    for sentence in _sentences(text):
        m = _SIGN_STATED.search(sentence)
        if m and not _OTHERS.search(sentence[:m.start()].split(",")[-1]):
            return next(s[0] for s in SIGNS if s[0].lower() == m["sign"])
    return None


# Every case form of each sign's name, singular and plural: "Овну", "Льва", "Рыбам".
_SIGN_FORMS = {
    "Овен": r"овен|овн(?:а|у|ом|е|ы|ов|ам|ами|ах)", "Телец": r"телец|тельц(?:а|у|ом|е|ы|ов|ам|ами|ах)",
    "Близнецы": r"близнец(?:ы|ов|ам|ами|ах)", "Рак": r"рак(?:а|у|ом|е|и|ов|ам|ами|ах)?",
    "Лев": r"лев|льв(?:а|у|ом|е|ы|ов|ам|ами|ах)", "Дева": r"дев(?:а|ы|е|у|ой|ам|ами|ах)",
    "Весы": r"вес(?:ы|ов|ам|ами|ах)", "Скорпион": r"скорпион(?:а|у|ом|е|ы|ов|ам|ами|ах)?",
    "Стрелец": r"стрелец|стрельц(?:а|у|ом|е|ы|ов|ам|ами|ах)",
    "Козерог": r"козерог(?:а|у|ом|е|и|ов|ам|ами|ах)?",
    "Водолей": r"водоле(?:й|я|ю|ем|е|и|ев|ям|ями|ях)", "Рыбы": r"рыб(?:ы|ам|ами|ах)?",
}
_SIGN_NAMED = re.compile(r"(?<![а-я])(?:" + "|".join(f"(?P<s{n}>{forms})" for n, forms in
                                                      enumerate(_SIGN_FORMS.values())) + r")(?![а-я])")
# "Лев", "Весы", "Рак" are also plain words: a sign is read beside words of the zodiac.
_ZODIAC_WORDS = re.compile(r"камн|камен|камуш|металл|знак|зодиак|гороскоп|талисман|оберег|стихи|"
                           r"подход|подойд|подар|\bона?\b")


def sign_named(text: str, *, context: bool = False) -> str | None:
    """The sign a question names, in any case, when it speaks of signs, stones or presents:
    "какой камень подойдёт Скорпиону?" -> "Скорпион"; "Лев Толстой" -> None. With
    `context` (the conversation is about signs already: "а Весам?"), no such word is needed."""
    low = normalize(text)
    if not context and not _ZODIAC_WORDS.search(low):
        return None
    m = _SIGN_NAMED.search(low)
    return list(_SIGN_FORMS)[int(m.lastgroup[1:])] if m else None
