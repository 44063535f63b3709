"""agents/zodiac.py: sign boundaries, and birth dates (only the user's own) in Russian text."""
import pytest

from agents.language.vocabulary import METALS, STONES
from agents.zodiac import SIGN_FACTS, SIGNS, dates_in_text, find_date, sign_in_text, sign_named, zodiac_sign

# (sign, first day, last day) as (day, month); each boundary is checked from both sides.
RANGES = [
    ("Овен", (21, 3), (19, 4)), ("Телец", (20, 4), (20, 5)), ("Близнецы", (21, 5), (20, 6)),
    ("Рак", (21, 6), (22, 7)), ("Лев", (23, 7), (22, 8)), ("Дева", (23, 8), (22, 9)),
    ("Весы", (23, 9), (22, 10)), ("Скорпион", (23, 10), (21, 11)), ("Стрелец", (22, 11), (21, 12)),
    ("Козерог", (22, 12), (19, 1)), ("Водолей", (20, 1), (18, 2)), ("Рыбы", (19, 2), (20, 3)),
]
_PREVIOUS = {name: RANGES[i - 1][0] for i, (name, *_rest) in enumerate(RANGES)}
_NEXT = {name: RANGES[(i + 1) % 12][0] for i, (name, *_rest) in enumerate(RANGES)}
_DAY_BEFORE = {(21, 3): (20, 3), (20, 4): (19, 4), (21, 5): (20, 5), (21, 6): (20, 6),
               (23, 7): (22, 7), (23, 8): (22, 8), (23, 9): (22, 9), (23, 10): (22, 10),
               (22, 11): (21, 11), (22, 12): (21, 12), (20, 1): (19, 1), (19, 2): (18, 2)}
_DAY_AFTER = {last: first for first, last in _DAY_BEFORE.items()}   # a sign's last day -> the next's first


@pytest.mark.parametrize("sign,first,last", RANGES, ids=[r[0] for r in RANGES])
def test_every_boundary_from_both_sides(sign, first, last):
    assert zodiac_sign(*first) == sign
    assert zodiac_sign(*last) == sign
    assert zodiac_sign(*_DAY_BEFORE[first]) == _PREVIOUS[sign]
    assert zodiac_sign(*_DAY_AFTER[last]) == _NEXT[sign]


def test_the_year_wraps_inside_capricorn_and_leap_day_is_pisces():
    assert zodiac_sign(31, 12) == zodiac_sign(1, 1) == "Козерог"
    assert zodiac_sign(29, 2) == "Рыбы"
    with pytest.raises(ValueError):
        zodiac_sign(31, 2)


def test_every_sign_has_shop_stones_and_a_metal():
    assert {s[0] for s in SIGNS} == set(SIGN_FACTS)
    for element, stones, metal in SIGN_FACTS.values():
        assert element and stones and set(stones) <= set(STONES) and metal in METALS


STATED = [
    ("я родилась 3 апреля", (3, 4, None)),
    ("Я родилась 3-го апреля!", (3, 4, None)),
    ("мой день рождения 21.03", (21, 3, None)),
    ("родился 1 января 1990 года", (1, 1, 1990)),
    ("День рождения у меня третьего апреля", (3, 4, None)),
    ("Я рождена двадцать первого марта 1985 г.", (21, 3, 1985)),
    ("дата рождения: 21.03.1990", (21, 3, 1990)),
    ("мой др 12.12, хочу себе что-нибудь", (12, 12, None)),
    ("У меня днюха 7 ноября", (7, 11, None)),
    ("Привет! Я родился 29 февраля 2000 года, что мне подойдёт?", (29, 2, 2000)),
    ("8 марта у меня день рождения", (8, 3, None)),
    ("Я родилась 3 апреля, хочу подарок маме", (3, 4, None)),
    ("Мне на день рождения 5 мая подарят серьги", (5, 5, None)),
    ("мой день рождения 1 сент.", (1, 9, None)),
    ("Родилась 1990-07-23, кстати", (23, 7, 1990)),
    ("Мой день рождения 21.03, а у мужа 5 мая", (21, 3, None)),
    ("родилась 14.02.95", (14, 2, 1995)),
    ("Я появилась на свет 30 декабря", (30, 12, None)),
    # Said plainly, without "мой": the speaker's own birthday (issue 12).
    ("день рождения 5 марта", (5, 3, None)),
    ("ДР 12.04", (12, 4, None)),
    ("др 1 сентября, какие камни мне подходят?", (1, 9, None)),
    ("Подскажи камни, день рождения 12.04", (12, 4, None)),
    ("День рождения: пятого мая", (5, 5, None)),
    ("ДР — двадцать первого марта", (21, 3, None)),
    ("что подарить себе на день рождения 5 марта", (5, 3, None)),
    # The year said apart from the day.
    ("я 1990 года, 3 мая", (3, 5, 1990)),
    ("Я 1990 г.р., день рождения двадцать первого марта", (21, 3, 1990)),
    ("я 1985 года рождения, родилась 7 ноября", (7, 11, 1985)),
    # English.
    ("born on March 5", (5, 3, None)),
    ("I was born on the 5th of March 1990", (5, 3, 1990)),
    ("my birthday is March 5th", (5, 3, None)),
    ("Birthday: 12.04", (12, 4, None)),
    ("date of birth 1990-07-23", (23, 7, 1990)),
]


@pytest.mark.parametrize("text,expected", STATED, ids=[s[0] for s in STATED])
def test_birth_dates_the_user_states(text, expected):
    assert dates_in_text(text) == expected


NOT_STATED = [
    "8 марта подарок",
    "Что подарить на 8 марта?",
    "У мамы день рождения 5 мая, что подарить?",
    "Подарок подруге на день рождения 3 апреля",
    "Мой муж родился 3 апреля",
    "Хочу подарок на день рождения 3 апреля",      # whose? not said
    "Встреча 21.03 в 18:00",
    "у меня свидание 14 февраля",
    "Кольцо 2.5 карата, размер 17",
    "Я родилась в 1990 году",                       # no day
    "родилась 31 февраля",                          # no such day
    "Я ищу серьги до 30 тысяч",
    "Она родилась 12 июня",
    "у мамы ДР 5 мая",
    "My mom was born on May 3",
    "a gift for a birthday on March 5",
    "в мае 5 раз заходила",
]


@pytest.mark.parametrize("text", NOT_STATED)
def test_no_birth_date_where_none_is_stated(text):
    assert dates_in_text(text) is None


def test_plain_dates_are_read_whatever_they_are_about():
    assert find_date("подарок на 8 марта") == (8, 3, None)
    assert find_date("свадьба 14.02.2026") == (14, 2, 2026)
    assert find_date("двадцать второго декабря") == (22, 12, None)
    assert find_date("мае") is None and find_date("в 18:00") is None


@pytest.mark.parametrize("text,sign", [
    ("я Овен", "Овен"), ("Я — Скорпион по гороскопу", "Скорпион"), ("мой знак зодиака Дева", "Дева"),
    ("знак зодиака у меня Лев", "Лев"), ("по гороскопу я рыбы", "Рыбы"), ("я по знаку зодиака Рак", "Рак"),
    ("муж у меня Лев", None), ("Я хочу кольцо со львом", None), ("а муж — Скорпион, я Весы", "Весы"),
    ("подарок для Стрельца", None), ("Что подарить Козерогу, я сама Весы", "Весы"), ("я же Лев", "Лев"),
])
def test_signs_stated_directly(text, sign):
    assert sign_in_text(text) == sign


@pytest.mark.parametrize("text,sign", [
    ("Какой камень подойдёт Скорпиону?", "Скорпион"), ("Что подарить маме? Она Рак", "Рак"),
    ("камни для Льва", "Лев"), ("Какие камни у Рыб?", "Рыбы"), ("Близнецам какой металл?", "Близнецы"),
    ("подруга Весы, что ей подарить?", "Весы"), ("Овну какой талисман?", "Овен"),
    # the same words, not about signs
    ("Лев Толстой", None), ("весы кухонные", None), ("камни для девушки", None), ("рак лечится", None),
])
def test_a_sign_a_question_is_about_in_any_case(text, sign):
    assert sign_named(text) == sign
