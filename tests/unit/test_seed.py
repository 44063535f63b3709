"""Tests of the seed data: sizes, vocabulary codes, consistency, seasonality and the trend story."""

import collections
import datetime as dt
import re
import statistics

import pytest

from agents.language import vocabulary as V
from jewelstream.seed import (ARTICLES_END, ARTICLES_START, SEED_END, SEED_START, build_articles,
                              build_catalog, build_customers, build_orders)
from jewelstream.seed import article_texts as T
from jewelstream.seed.words import NOUNS, agree


@pytest.fixture(scope="module")
def catalog():
    return build_catalog()


@pytest.fixture(scope="module")
def customers():
    return build_customers()


@pytest.fixture(scope="module")
def orders(customers, catalog):
    return build_orders(customers, catalog)


@pytest.fixture(scope="module")
def articles():
    return build_articles()


# --- a stem matcher as the vocabulary describes it ------------------------------------------

def _words(text, keep_hyphens=False):
    pattern = r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*" if keep_hyphens else r"[0-9a-zа-я]+"
    return re.findall(pattern, text.lower().replace("ё", "е"))


def _has_stem(words, stem):
    parts = stem.split()
    return any(all(words[i + k].startswith(p) for k, p in enumerate(parts))
               for i in range(len(words) - len(parts) + 1))


def matches(table, text, keep_hyphens=False):
    """Codes of `table` whose stems occur in `text`."""
    words = _words(text, keep_hyphens)
    return {code for code, (_, stems) in table.items() if any(_has_stem(words, s) for s in stems)}


def test_matcher_itself():
    assert matches(V.TRENDS, "Массивные цепи и жёлтое золото") == {"chunky_chains", "yellow_gold_revival"}
    assert matches(V.TRENDS, "массивное кольцо на цепи") == set()


# --- sizes, ids, determinism -------------------------------------------------------------

def test_counts_and_unique_ids(catalog, customers, orders, articles):
    assert len(catalog) >= 320 and len(customers) >= 160
    assert len(orders) >= 1600 and len(articles) >= 130
    for rows in (catalog, customers, orders, articles):
        assert len({r["id"] for r in rows}) == len(rows)
    assert len({p["name"] for p in catalog}) == len(catalog)
    assert len({c["name"] for c in customers}) == len(customers)


def test_builds_are_deterministic(catalog, customers, orders, articles):
    again = build_catalog(), build_customers(), build_articles()
    assert again == (catalog, customers, articles)
    assert build_orders(again[1], again[0]) == orders


# --- catalog ----------------------------------------------------------------------------------

PRODUCT_KEYS = {"id", "name", "type", "metal", "fineness", "stones", "style", "occasions",
                "recipient", "price", "stock", "description", "article", "sizes"}


def test_product_codes_are_valid(catalog):
    for p in catalog:
        assert set(p) == PRODUCT_KEYS
        assert p["type"] in V.PRODUCT_TYPES and p["metal"] in V.METALS and p["style"] in V.STYLES
        assert p["fineness"] in V.FINENESS[p["metal"]]
        assert all(s in V.STONES for s in p["stones"]) and len(set(p["stones"])) == len(p["stones"])
        assert 1 <= len(p["occasions"]) <= 3 and all(o in V.OCCASIONS for o in p["occasions"])
        assert p["recipient"] in ("women", "men", "unisex")
        assert 0 <= p["stock"] <= 25 and isinstance(p["price"], int)
        assert re.fullmatch(r"p\d{4}", p["id"])
    assert any(p["stock"] == 0 for p in catalog)


def test_articles_are_unique_and_sizes_fit_the_type(catalog):
    assert len({p["article"] for p in catalog}) == len(catalog)
    for p in catalog:
        assert re.fullmatch(r"[A-Z]{2}-\d{4}", p["article"])
        if p["type"] in ("engagement_ring", "wedding_band", "ring"):
            assert 3 <= len(p["sizes"]) and all(15 <= s <= 22 for s in p["sizes"])
        elif p["type"] in ("bracelet", "chain"):
            assert 3 <= len(p["sizes"]) and all(16 <= s <= 60 for s in p["sizes"])
        else:
            assert p["sizes"] == []
        assert p["sizes"] == sorted(set(p["sizes"]))


def test_type_coverage_and_sensible_occasions(catalog):
    by_type = collections.defaultdict(list)
    for p in catalog:
        by_type[p["type"]].append(p)
    assert set(by_type) == set(V.PRODUCT_TYPES)
    for ptype, items in by_type.items():
        assert len(items) >= 15, ptype
        assert sum(p["price"] < 100_000 for p in items) >= 10, ptype
    rings = by_type["engagement_ring"]
    assert len(rings) >= 30
    assert sum(p["price"] < 100_000 for p in rings) >= 8 and sum(p["price"] > 100_000 for p in rings) >= 8
    assert all("engagement" in p["occasions"] and "diamond" in p["stones"] for p in rings)
    assert all("wedding" in p["occasions"] for p in by_type["wedding_band"])
    assert all(p["recipient"] == "men" for p in by_type["cufflinks"])
    assert sum("gift" in p["occasions"] for p in catalog) > len(catalog) / 2
    assert any(p["recipient"] == "men" and p["name"].startswith(("Печатка", "Массивная печатка"))
               for p in by_type["ring"])


PRICE_LIMITS = {925: (1_500, 25_000), 585: (8_000, 250_000), 750: (15_000, 900_000),
                950: (30_000, 1_500_000)}


def test_prices_are_realistic(catalog):
    for p in catalog:
        low, high = PRICE_LIMITS[p["fineness"]]
        assert low <= p["price"] <= high, p["name"]
    mean = {f: statistics.mean(p["price"] for p in catalog if p["fineness"] == f) for f in PRICE_LIMITS}
    assert mean[925] < mean[585] < mean[750] < mean[950]
    plain = [p["price"] for p in catalog if p["fineness"] == 585 and not p["stones"]]
    with_diamonds = [p["price"] for p in catalog if p["fineness"] == 585 and "diamond" in p["stones"]]
    assert statistics.median(with_diamonds) > statistics.median(plain)


def test_names_and_descriptions_say_only_what_the_product_is(catalog):
    rings = {"engagement_ring", "wedding_band", "ring"}
    for p in catalog:
        text = f"{p['name']}. {p['description']}"
        golds = {"yellow_gold"} if p["metal"].endswith("gold") else set()
        assert p["metal"] in matches(V.METALS, text) <= {p["metal"]} | golds, text
        assert matches(V.STONES, text) == set(p["stones"]), text
        types = matches(V.PRODUCT_TYPES, text)
        assert p["type"] in types and types <= {p["type"]} | ({"ring"} if p["type"] in rings else set()), text
        assert matches(V.STYLES, text) == {p["style"]}, text
        assert matches(V.OCCASIONS, text) <= set(p["occasions"]), text
        assert matches(V.RECIPIENTS, text) == set(), text
        assert 1 <= len(re.findall(r"[.!?](?:\s|$)", p["description"])) <= 2, text


def test_adjectives_agree_with_their_nouns(catalog):
    assert [agree("белый", g) for g in ("m", "f", "n", "pl")] == ["белый", "белая", "белое", "белые"]
    assert [agree("строгий", g) for g in ("f", "n", "pl")] == ["строгая", "строгое", "строгие"]
    assert [agree("вечерний", g) for g in ("f", "n", "pl")] == ["вечерняя", "вечернее", "вечерние"]
    endings = {"m": ("ый", "ий", "ой"), "f": ("ая", "яя"), "n": ("ое", "ее"), "pl": ("ые", "ие")}
    for p in catalog:
        for text in (p["name"], p["description"]):
            first, rest = text.split(" ", 1)
            for noun, (gender, _) in NOUNS[p["type"]].items():
                if rest.startswith(noun + " ") and first.lower() not in NOUNS[p["type"]]:
                    assert first.endswith(endings[gender]), text


# --- customers and orders -------------------------------------------------------------------

def test_customers_are_valid(customers):
    kinds = collections.Counter(c["kind"] for c in customers)
    assert len(kinds) >= 5 and min(kinds.values()) >= 10
    assert {c["gender"] for c in customers} == {"f", "m"}
    for c in customers:
        assert set(c) == {"id", "name", "gender", "birth_date", "city", "registered", "kind"}
        assert len(c["name"].split()) == 3 and c["city"]
        born, registered = dt.date.fromisoformat(c["birth_date"]), dt.date.fromisoformat(c["registered"])
        assert 18 <= (registered - born).days // 365 <= 80 and registered <= SEED_END
        surname, _, patronymic = c["name"].split()
        assert patronymic.endswith("на" if c["gender"] == "f" else "ич")


def test_orders_reference_real_rows_and_add_up(customers, catalog, orders):
    people = {c["id"]: c for c in customers}
    products = {p["id"]: p for p in catalog}
    assert (SEED_START, SEED_END) == (dt.date(2024, 11, 1), dt.date(2026, 10, 31))
    for o in orders:
        assert set(o) == {"id", "customer_id", "product_id", "date", "quantity", "amount", "channel"}
        customer, product = people[o["customer_id"]], products[o["product_id"]]
        day = dt.date.fromisoformat(o["date"])
        assert SEED_START <= day <= SEED_END and day >= dt.date.fromisoformat(customer["registered"])
        assert o["quantity"] >= 1 and o["channel"] in ("store", "online")
        full = product["price"] * o["quantity"]
        assert 0 < o["amount"] <= full and o["amount"] >= 0.85 * full
    assert [o["date"] for o in orders] == sorted(o["date"] for o in orders)


def test_customer_kinds_behave(customers, orders, catalog):
    types = {p["id"]: p["type"] for p in catalog}
    prices = {p["id"]: p["price"] for p in catalog}
    mine = collections.defaultdict(list)
    for o in orders:
        mine[o["customer_id"]].append(o)
    for c in customers:
        history = mine[c["id"]]
        if c["kind"] == "one_time":
            assert len(history) == 1
        elif c["kind"] == "lapsed":
            assert history and all(o["date"] <= "2025-10-31" for o in history)
        elif c["kind"] == "loyal":
            assert len(history) >= 10
        elif c["kind"] == "big_spender":
            assert all(prices[o["product_id"]] >= 40_000 for o in history)
        elif c["kind"] == "wedding" and c["gender"] == "m":
            assert types[history[0]["product_id"]] == "engagement_ring"
            bands = [o["date"] for o in history if types[o["product_id"]] == "wedding_band"]
            assert all(d > history[0]["date"] for d in bands)
    wedding_bands = sum(types[o["product_id"]] == "wedding_band" for o in orders)
    assert wedding_bands >= 30


def test_seasonality(orders, catalog):
    monthly = collections.Counter(o["date"][:7] for o in orders)
    assert len(monthly) == 24
    median = statistics.median(monthly.values())
    for month, count in monthly.items():
        if month.endswith("-12"):
            assert count >= 1.6 * median, month
        if month.endswith(("-02", "-03")):
            assert count >= 1.2 * median, month
        if month.endswith("-01"):
            assert count <= 0.8 * median, month
    rush = sum(o["date"][5:] >= "02-20" and o["date"][5:7] == "02" or "03-01" <= o["date"][5:] <= "03-07"
               for o in orders)
    days = (SEED_END - SEED_START).days + 1
    assert rush / (2 * 16) >= 2 * len(orders) / days  # two 8 March rushes of 16 days each
    types = {p["id"]: p["type"] for p in catalog}
    rings = [int(o["date"][5:7]) for o in orders if types[o["product_id"]] in ("engagement_ring", "wedding_band")]
    summer, early = sum(6 <= m <= 9 for m in rings), sum(1 <= m <= 4 for m in rings)
    assert summer > 1.5 * early


# --- articles -----------------------------------------------------------------------------------

def _sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def test_articles_are_valid(articles):
    assert (ARTICLES_START, ARTICLES_END) == (dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    for a in articles:
        assert set(a) == {"id", "magazine", "title", "published", "text"}
        assert ARTICLES_START.isoformat() <= a["published"] <= ARTICLES_END.isoformat()
        assert 3 <= len(_sentences(a["text"])) <= 6, a["text"]
        assert matches(V.TRENDS, a["text"]), a["text"]
        for keep in (False, True):  # the same trends whether hyphenated words are split or not
            assert matches(V.TRENDS, a["title"] + " " + a["text"], keep) == \
                matches(V.TRENDS, a["title"] + " " + a["text"], not keep)
    assert len({a["magazine"] for a in articles}) >= 5
    assert len({a["title"] for a in articles}) == len(articles)
    months = collections.Counter(a["published"][:7] for a in articles)
    assert len(months) == 12


def test_sentence_pools_mention_exactly_their_trend():
    assert set(T.TREND_SENTENCES) == set(V.TRENDS) == set(T.TITLES)
    for code, pool in T.TREND_SENTENCES.items():
        extra = T.COOLING.get(code, ()) + T.BREAKTHROUGH.get(code, ())
        for sentence in pool + extra:
            assert matches(V.TRENDS, sentence) == {code}, sentence
        for title in T.TITLES[code]:
            assert matches(V.TRENDS, title.format(season="этой весной")) == {code}, title
    neutral = [s for pool in T.OPENINGS.values() for s in pool] + list(T.CLOSINGS) + list(T.SIDE_LEADS)
    neutral += list(T.RUBRICS) + list(T.MAGAZINES) + list(T.SEASON_IN.values())
    for sentence in neutral:
        assert matches(V.TRENDS, sentence) == set(), sentence


def _mentions(articles, first, last):
    counts = collections.Counter()
    for a in articles:
        if first <= a["published"][:7] <= last:
            counts.update(matches(V.TRENDS, a["title"] + " " + a["text"]))
    return counts


def test_trend_story(articles):
    early = _mentions(articles, "2025-11", "2026-01")
    late = _mentions(articles, "2026-08", "2026-10")
    for rising in ("lab_diamonds", "sculptural_gold", "mismatched_earrings", "brooches"):
        assert late[rising] >= 6 and late[rising] >= 3 * max(early[rising], 1), rising
    for fading in ("chunky_chains", "layering"):
        assert early[fading] >= 6 and early[fading] >= 3 * max(late[fading], 1), fading
    for steady in ("pearls", "minimalism"):
        assert early[steady] >= 4 and late[steady] >= 4
        assert 0.4 <= late[steady] / early[steady] <= 2.5, steady
    # A plain count, a recency-weighted score and growth rank the trends differently.
    total = _mentions(articles, "2025-11", "2026-10")
    end = dt.date.fromisoformat(ARTICLES_END.isoformat())
    recency = collections.Counter()
    for a in articles:
        age = (end - dt.date.fromisoformat(a["published"])).days
        for code in matches(V.TRENDS, a["title"] + " " + a["text"]):
            recency[code] += 0.5 ** (age / 60)
    growth = {code: (late[code] + 1) / (early[code] + 1) for code in V.TRENDS}
    top_total = max(total, key=total.get)
    top_growth = max(growth, key=growth.get)
    assert top_total in ("pearls", "minimalism", "chunky_chains")
    assert top_growth in ("lab_diamonds", "sculptural_gold", "mismatched_earrings", "brooches")
    assert recency.most_common(1)[0][0] != top_total or top_growth != top_total
    assert recency["chunky_chains"] < recency["pearls"] and total["chunky_chains"] > total["brooches"]
