"""Periods named in a staff member's Russian question: "за прошлый месяц", "в октябре",
"за 2025 год", "за последние 3 месяца", "в этом квартале", "за неделю".

`period_in(text, now)` returns a `Period` (first and last day, both included, and a Russian
label such as "октябрь 2026") or None when the text names no period. `now` is the day the
data is "as of": the analysis agent passes the day after the latest order, so the same
data always gives the same answer and a snapshot that ends on 31 October reads "прошлый
месяц" as October.

Relative words: "прошлый/предыдущий" is the calendar unit before `now`'s ("позапрошлый" the
one before that), "этот/текущий"
is `now`'s (to `now`), "последний"/"за" + unit is the last complete unit ("за месяц",
"за последний месяц": the previous calendar month; "за год": the twelve months before
`now`'s month), "последние N дней/недель/месяцев" a rolling span ending the day before `now`.
A month named without a year is its latest occurrence not after `now`.

`periods_in(text, now)` gives every period named, in the order said ("сравни сентябрь и
октябрь"); `period_before(period)` the one of the same kind just before it (a month's is the
month before, a quarter's the quarter, a year's the year; any other span the days before).

Left out: explicit day ranges ("с 1 по 15 марта"), fiscal years, holidays as periods.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from agents.language import normalize, spell_numbers

MONTH_NAMES = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
               "сентябрь", "октябрь", "ноябрь", "декабрь")
_MONTH_STEMS = ("январ", "феврал", "март", "апрел", "ма[йяе]", "июн", "июл", "август",
                "сентябр", "октябр", "ноябр", "декабр")
_MONTH = re.compile(r"(?<![а-я])(?:" + "|".join(f"(?P<m{n}>{s})" for n, s in enumerate(_MONTH_STEMS, 1))
                    + r")[а-я]*(?:\s+(?P<year>(?:19|20)\d\d))?")
_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)(?:\s*(?:г\b\.?|год[ау]?\b))?")
_QUARTER = re.compile(r"(?:(?P<n>[1-4]|перв|втор|трет|четверт)[а-я-]*\s+)?квартал[а-я]*"
                      r"(?:\s+(?P<year>(?:19|20)\d\d))?")
_ROLLING = re.compile(r"последн[а-я]*\s+(?P<n>\d+)\s+(?P<unit>д[не]|недел|месяц|год|лет)")
_PREVIOUS = re.compile(r"прошл|предыдущ|минувш")
_CURRENT = re.compile(r"(?<![а-я])(?:эт[оиау][а-я]*|текущ[а-я]*|нынешн[а-я]*|с начала)\s")
_UNIT = {"day": r"(?<![а-я])(?:сегодня|вчера|за день|за сутки)",
         "week": r"недел", "month": r"месяц", "year": r"(?<![а-я])(?:год|году|года)(?![а-я])"}
_ALL_TIME = re.compile(r"за вс[её] время|за всю историю|за все годы")


@dataclass(frozen=True)
class Period:
    start: date
    end: date           # included
    label: str          # Russian, e.g. "октябрь 2026", "последние 3 месяца"

    def holds(self, day: str) -> bool:
        """Is "YYYY-MM-DD" inside the period?"""
        return self.start.isoformat() <= day <= self.end.isoformat()


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = _add_months(start, 1) - timedelta(days=1)
    return Period(start, end, f"{MONTH_NAMES[month - 1]} {year}")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter(year: int, n: int) -> Period:
    start = date(year, 3 * n - 2, 1)
    return Period(start, _add_months(start, 3) - timedelta(days=1), f"{n}-й квартал {year}")


def period_in(text: str, now: date) -> Period | None:
    """The period the text names, relative to `now` (see the module docstring), or None."""
    t = spell_numbers(normalize(text))
    if _ALL_TIME.search(t):
        return Period(date(1900, 1, 1), now, "всё время")
    if m := _ROLLING.search(t):
        return _rolling(int(m["n"]), m["unit"], now)
    if m := _MONTH.search(t):
        month = next(n for n in range(1, 13) if m[f"m{n}"])
        year = int(m["year"]) if m["year"] else now.year - (month > now.month)
        return _month(year, month)
    if m := _QUARTER.search(t):
        return _named_quarter(m, t, now)
    previous, current = bool(_PREVIOUS.search(t)), bool(_CURRENT.search(t + " "))
    if m := _YEAR.search(t):
        return Period(date(int(m["year"]), 1, 1), date(int(m["year"]), 12, 31), f"{m['year']} год")
    for unit, pattern in _UNIT.items():
        if re.search(pattern, t):
            back = 2 if "позапрошл" in t else 1       # "за позапрошлый месяц"
            return _relative(unit, now, previous=previous, current=current, text=t, back=back)
    return None


# Where one named period ends and the next begins: "сентябрь и октябрь", "октябрь против
# сентября", "за октябрь по сравнению с сентябрём" ("с начала года" is one period).
_BETWEEN = re.compile(r"\s*(?:,|\b(?:и|или|против|vs|относительно|по сравнению|в сравнении|к|ко)\b|"
                      r"\bсо?\b(?!\s+начала))\s*")


_UNIT_WORD = re.compile(r"(?<![а-я])(?:месяц|недел|квартал|год)[а-я]*")


def periods_in(text: str, now: date) -> list[Period]:
    """Every distinct period the text names, in the order said; an elliptic one takes the
    unit of the one before ("этот год с прошлым", "прошлый месяц и позапрошлый")."""
    found: list[Period] = []
    unit = ""
    for part in _BETWEEN.split(normalize(text)):
        period = period_in(part, now) if part.strip() else None
        if period is None and unit and _PREVIOUS.search(part):
            period = period_in(f"{part} {unit}", now)
        unit = m[0] if (m := _UNIT_WORD.search(part)) else unit
        if period and period not in found:
            found.append(period)
    return found


def period_before(period: Period) -> Period:
    """The period of the same kind just before `period` (one ending where dates do: the
    earliest date on, for a period that starts before year 101)."""
    try:
        return _period_before(period)
    except (ValueError, OverflowError):
        return Period(date.min, max(date.min, period.start - timedelta(days=1)), "раньше")


def _period_before(period: Period) -> Period:
    start, end = period.start, period.end
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if whole_months:
        months = (end.year * 12 + end.month) - (start.year * 12 + start.month) + 1
        before = _add_months(start, -months)
        if months == 1:
            return _month(before.year, before.month)
        if months == 3 and start.month % 3 == 1:
            return _quarter(before.year, (before.month - 1) // 3 + 1)
        if months == 12 and start.month == 1:
            return Period(date(start.year - 1, 1, 1), date(start.year - 1, 12, 31), f"{start.year - 1} год")
        last = start - timedelta(days=1)
        return Period(before, last, f"{MONTH_NAMES[before.month - 1]} {before.year} – "
                                    f"{MONTH_NAMES[last.month - 1]} {last.year}")
    days = (end - start).days + 1
    first, last = start - timedelta(days=days), start - timedelta(days=1)
    return Period(first, last, f"с {_day_label(first)} по {_day_label(last)}")


def _day_label(day: date) -> str:
    return f"{day.day} {_genitive(day.month)} {day.year}"


def _named_quarter(m: re.Match, text: str, now: date) -> Period:
    this = (now.month - 1) // 3 + 1
    if m["n"]:
        n = int(m["n"]) if m["n"].isdigit() else ("перв", "втор", "трет", "четверт").index(m["n"]) + 1
        year = int(m["year"]) if m["year"] else now.year - (n > this)
        return _quarter(year, n)
    if _CURRENT.search(text + " ") and not _PREVIOUS.search(text):
        return _quarter(now.year, this)
    year, n = (now.year, this - 1) if this > 1 else (now.year - 1, 4)
    return _quarter(year, n)


def _relative(unit: str, now: date, *, previous: bool, current: bool, text: str, back: int = 1) -> Period:
    yesterday = now - timedelta(days=1)
    if unit == "day":
        day = now if "сегодня" in text else yesterday
        return Period(day, day, "сегодня" if day == now else f"{day.day} {_genitive(day.month)} {day.year}")
    if unit == "week":
        monday = now - timedelta(days=now.weekday())
        if current and not previous:
            return Period(monday, now, "эта неделя")
        if previous:
            start = monday - timedelta(days=7 * back)
            return Period(start, start + timedelta(days=6), "прошлая неделя" if back == 1 else "позапрошлая неделя")
        return Period(now - timedelta(days=7), yesterday, "последние 7 дней")
    if unit == "month":
        if current and not previous:
            return Period(now.replace(day=1), now, f"{MONTH_NAMES[now.month - 1]} {now.year}")
        last = _add_months(now.replace(day=1), -back)
        return _month(last.year, last.month)
    # a year
    if current and not previous:
        return Period(date(now.year, 1, 1), now, f"{now.year} год (с начала года)")
    if previous:
        year = now.year - back
        return Period(date(year, 1, 1), date(year, 12, 31), f"{year} год")
    start = _add_months(now.replace(day=1), -12)
    return Period(start, now.replace(day=1) - timedelta(days=1), "последние 12 месяцев")


_MAX_YEARS_BACK = 100          # "за последние 3000 лет": no shop's data, and no date, goes back so far


def _rolling(n: int, unit: str, now: date) -> Period:
    per_year = {"дн": 366, "де": 366, "недел": 53, "месяц": 12}.get(unit, 1)    # else years
    n = min(n, per_year * _MAX_YEARS_BACK)
    end = now - timedelta(days=1)
    if unit in ("дн", "де"):
        return Period(now - timedelta(days=n), end, f"последние {n} дн.")
    if unit == "недел":
        return Period(now - timedelta(days=7 * n), end, f"последние {n} нед.")
    months = n * 12 if unit in ("год", "лет") else n
    start = _add_months(now.replace(day=1), -months)
    return Period(start, now.replace(day=1) - timedelta(days=1), f"последние {months} мес.")


def _genitive(month: int) -> str:
    return ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
            "сентября", "октября", "ноября", "декабря")[month - 1]
