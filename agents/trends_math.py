"""Fashion-trend scoring over magazine articles: mentions, recency-weighted scores and
emerging trends. Pure functions over `store.articles` rows ({id, magazine, title,
published "YYYY-MM-DD", text}) and a vocabulary table such as `agents.language.vocabulary.TRENDS`
(code -> (label, stems)).

A mention is a hit of the one matcher (agents.language.matching: a stem part matches a
word starting with it, false friends excluded, digit parts match whole numbers, a stem
with spaces matches consecutive words). One place in a text counts once even when
several stems of a trend match there. The trend agent scores the articles once per
version of the shop's data (agents.trend), not per message.

Everything is relative to the newest article's date, never the wall clock.
Left out: negation ("жемчуг уже не в моде" still counts), weighting by magazine.
"""
from __future__ import annotations

from datetime import date

from agents.language import find_codes, find_matches, words

HALF_LIFE_DAYS = 60.0      # a mention loses half its weight every 60 days
WINDOW_DAYS = 90           # recent = the last 90 days; previous = the 90 days before
MIN_RECENT = 3             # an emerging trend has at least this many recent mentions...
MIN_GROWTH = 1.5           # ...and at least this many times its previous mentions


def count_mentions(toks: list[str], vocabulary: dict) -> dict[str, int]:
    """Mentions of each code of `vocabulary` in the words `toks`. One place counts once,
    even when several stems of a trend match there: a hit covers the words it spans."""
    counts: dict[str, int] = {}
    covered: dict[str, int] = {}
    for code, start, end, _stem in find_matches(toks, vocabulary):
        if start >= covered.get(code, 0):
            counts[code] = counts.get(code, 0) + 1
            covered[code] = end
    return counts


def score_trends(articles: list[dict], vocabulary: dict, *, half_life: float = HALF_LIFE_DAYS,
                 window: int = WINDOW_DAYS) -> list[dict]:
    """One row per trend, best first (mentions are counted in the title and the text):

        {"code", "label", "score" (0..1, the best trend 1), "weight" (the raw score),
         "mentions", "recent_mentions", "previous_mentions",
         "articles": [{"title", "magazine", "published", "mentions"}, ...]}

    A trend's articles come most telling first: the recent ones (where it is the topic
    rather than a passing remark, i.e. most mentions, first), then the older, newest first.

    weight = sum over mentions of 0.5 ** (age_days / half_life), age from the newest
    article; recent = age < window days, previous = window <= age < 2 * window.
    """
    dated = [(date.fromisoformat(a["published"]), a) for a in articles]
    newest = max((day for day, _ in dated), default=None)
    rows = {code: {"code": code, "label": label, "score": 0.0, "weight": 0.0, "mentions": 0,
                   "recent_mentions": 0, "previous_mentions": 0, "articles": []}
            for code, (label, _stems) in vocabulary.items()}
    for day, article in dated:
        age = (newest - day).days
        for code, n in count_mentions(words(f"{article['title']}. {article['text']}"), vocabulary).items():
            row = rows[code]
            row["mentions"] += n
            row["weight"] += n * 0.5 ** (age / half_life)
            if age < window:
                row["recent_mentions"] += n
            elif age < 2 * window:
                row["previous_mentions"] += n
            row["articles"].append({"title": article["title"], "magazine": article["magazine"],
                                    "published": article["published"], "mentions": n,
                                    "recent": age < window})
    top = max((row["weight"] for row in rows.values()), default=0.0)
    for row in rows.values():
        row["score"] = row["weight"] / top if top else 0.0
        row["articles"].sort(key=lambda a: (a["recent"], a["recent"] and a["mentions"], a["published"]),
                             reverse=True)
        for item in row["articles"]:
            del item["recent"]
    return sorted(rows.values(), key=lambda r: (-r["weight"], -r["mentions"], r["code"]))


def emerging_trends(rows: list[dict], *, min_recent: int = MIN_RECENT,
                    min_growth: float = MIN_GROWTH) -> list[dict]:
    """Trends whose mentions grew from the previous window to the recent one, fastest first:
    [{"code", "label", "growth", "recent", "previous"}]. growth = recent / previous, or
    recent / 1 when the trend was not mentioned before (so it stays a finite number)."""
    found = [{"code": r["code"], "label": r["label"],
              "growth": round(r["recent_mentions"] / max(r["previous_mentions"], 1), 2),
              "recent": r["recent_mentions"], "previous": r["previous_mentions"]}
             for r in rows
             if r["recent_mentions"] >= min_recent
             and r["recent_mentions"] >= min_growth * r["previous_mentions"]]
    return sorted(found, key=lambda e: (-e["growth"], -e["recent"], e["code"]))


def trends_in(message: str, vocabulary: dict) -> list[str]:
    """Codes of the trends a message names ("что с жемчугом?" -> ["pearls"]), in order."""
    return find_codes(message, vocabulary)
