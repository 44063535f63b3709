"""A year of fashion-magazine articles about jewelry (ARTICLES_START .. ARTICLES_END).

`build_articles()` writes 11-19 short Russian articles a month (more when more is going
on). Each has one main trend (the title and two sentences; three when the trend surges,
one or two saying it is passing when it fades), and two articles in three mention a
second trend in passing; a neutral opening and closing sentence frame it. The sentence
pools are in article_texts.py.

How often a trend is the topic, or the passing remark, follows TREND_CURVES; the counts
are shared out in proportion (no dice), so the curves show cleanly in the mentions. They
tell the year's story:

* steady all year: pearls, minimalism (the most written-about), colored stones, yellow
  gold, vintage, signet rings;
* seasonal: nature motifs peak in spring; men's jewelry climbs slowly through the year;
* rising sharply from June, at their peak August-October 2026: lab-grown diamonds,
  sculptural gold, mismatched earrings, brooches;
* fading all year: chunky chains and layering (big in November 2025, rare by autumn 2026).

So a recency-weighted score, a plain count and the growth between two periods each
rank the trends differently. Left out: authors, images, links and reader comments.
"""

import datetime as dt
import random

from .article_texts import (BREAKTHROUGH, CLOSINGS, COOLING, MAGAZINES, OPENINGS, RUBRICS,
                            SEASON_IN, SIDE_LEADS, TITLES, TREND_SENTENCES)

SEED = 20251101
ARTICLES_START = dt.date(2025, 11, 1)
ARTICLES_END = dt.date(2026, 10, 31)
ARTICLES_PER_WEIGHT = 1.5  # a month with more buzz gets more articles
SIDE_SHARE = 0.65  # share of articles that mention a second trend in passing
MONTHS = [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]  # index 0..11


def _steady(level):
    return lambda m: level


def _rising(low, high):
    """Flat at `low` until May 2026 (month 6), then a climb to `high` by August."""
    return lambda m: low if m <= 6 else low + (high - low) * min(1.0, (m - 6) / 3)


def _fading(high, low):
    """Falling in a straight line from `high` in November 2025 to `low` by September 2026."""
    return lambda m: max(low, high * (1 - m / 10))


def _spring(base, peak):
    return lambda m: peak if MONTHS[m][1] in (3, 4, 5) else base


# Relative chance of being written about, as a function of the month index 0..11.
TREND_CURVES = {
    "pearls": _steady(1.0),
    "minimalism": _steady(1.0),
    "colored_stones": _steady(0.5),
    "yellow_gold_revival": _steady(0.5),
    "vintage": _steady(0.45),
    "signet_rings": _steady(0.3),
    "nature_motifs": _spring(0.25, 1.0),
    "mens_jewelry": lambda m: 0.3 + 0.3 * m / 11,
    "lab_diamonds": _rising(0.15, 2.2),
    "sculptural_gold": _rising(0.1, 1.8),
    "mismatched_earrings": _rising(0.1, 1.6),
    "brooches": _rising(0.15, 1.6),
    "chunky_chains": _fading(1.5, 0.05),
    "layering": _fading(1.2, 0.05),
}
FADING = {"chunky_chains", "layering"}
RISING = {"lab_diamonds", "sculptural_gold", "mismatched_earrings", "brooches"}


def build_articles() -> list[dict]:
    """156 articles, ids a0001.. in publication order; same result on every call."""
    rng = random.Random(SEED)
    drafts, titles, credit, side_credit = [], set(), {}, {}
    for index, (year, month) in enumerate(MONTHS):
        weights = {code: curve(index) for code, curve in TREND_CURVES.items()}
        count = round(ARTICLES_PER_WEIGHT * sum(weights.values()))
        topics = _apportion(weights, count, credit)
        sides = _apportion(weights, round(SIDE_SHARE * count), side_credit)
        for topic, side in _pair_up(rng, topics, sides):
            day = dt.date(year, month, rng.randint(1, _days_in(year, month)))
            drafts.append({"magazine": rng.choice(MAGAZINES),
                           "title": _title(rng, topic, month, titles),
                           "published": day.isoformat(),
                           "text": _text(rng, topic, side, index, month)})
    drafts.sort(key=lambda a: a["published"])
    return [{"id": f"a{i:04d}", **draft} for i, draft in enumerate(drafts, 1)]


def _pair_up(rng, topics, sides) -> list[tuple]:
    """Shuffled (main topic, side topic or None) pairs, never the same trend twice in one."""
    sides = sides + [None] * (len(topics) - len(sides))
    for _ in range(50):
        rng.shuffle(topics)
        rng.shuffle(sides)
        if all(t != s for t, s in zip(topics, sides)):
            break
    return [(t, None if s == t else s) for t, s in zip(topics, sides)]


def _apportion(weights: dict, slots: int, credit: dict) -> list[str]:
    """`slots` topics split in proportion to `weights`.

    Fractions carry over from month to month in `credit`, so a trend worth 0.4 articles a
    month still gets about five a year instead of never winning the rounding.
    """
    total = sum(weights.values())
    for code, weight in weights.items():
        credit[code] = credit.get(code, 0.0) + weight * slots / total
    counts = {code: int(credit[code]) for code in weights}
    by_credit = sorted(weights, key=lambda code: (-(credit[code] - counts[code]), code))
    for code in by_credit[:max(0, slots - sum(counts.values()))]:
        counts[code] += 1
    for code in weights:
        credit[code] -= counts[code]
    return [code for code in sorted(counts) for _ in range(counts[code])]


def _days_in(year, month) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _season(month) -> str:
    return {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
            6: "summer", 7: "summer", 8: "summer"}.get(month, "autumn")


def _title(rng, topic, month, used) -> str:
    """A title about the topic; a rubric in front if that title already ran."""
    base = rng.choice(TITLES[topic]).format(season=SEASON_IN[month])
    candidates = [base] + [f"{rubric}. {base}" if ": " in base else f"{rubric}: {base[0].lower()}{base[1:]}"
                           for rubric in rng.sample(RUBRICS, len(RUBRICS))]
    title = next((c for c in candidates if c not in used), None)
    number = 2
    while title is None or title in used:
        title, number = f"{base} (часть {number})", number + 1
    used.add(title)
    return title


def _text(rng, topic, side, index, month) -> str:
    """Opening, 1-3 sentences on the topic, maybe one on `side`, closing: 3-6 sentences."""
    opening = rng.choice(OPENINGS[_season(month)] + OPENINGS["any"])
    pool = list(TREND_SENTENCES[topic])
    if topic in FADING and index >= 7:  # late in the year the piece says the trend is passing
        body = [rng.choice(COOLING[topic])] + rng.sample(pool, rng.randint(0, 1))
    else:
        body = rng.sample(pool, 2)
    if topic in RISING and index >= 9 and rng.random() < 0.6:
        body.insert(0, rng.choice(BREAKTHROUGH[topic]))
    if side:
        sentence = rng.choice(TREND_SENTENCES[side])
        body.append(rng.choice(SIDE_LEADS) + sentence[0].lower() + sentence[1:])
    return " ".join([opening, *body, rng.choice(CLOSINGS)])
