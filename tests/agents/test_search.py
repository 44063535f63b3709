"""Catalog ranking: hard constraints always hold, soft matches order the rest."""
import pytest

from agents.preferences import extract_preferences
from agents.search import find_products, fits, product_card, rubles, search_products
from jewelstream import seed

CATALOG = seed.build_catalog()

REQUESTS = [
    "Помолвочное кольцо до 100 тысяч",
    "Серьги с жемчугом маме, тысяч до 30",
    "Обручальные кольца из белого золота к свадьбе",
    "Мужу запонки на годовщину, до 50к",
    "Подвеска с топазом не дороже 40 000 рублей",
    "Браслет из серебра подруге на день рождения",
    "Колье с бриллиантами для выхода в свет",
    "Брошь в винтажном стиле",
]


@pytest.mark.parametrize("message", REQUESTS)
def test_every_recommendation_meets_budget_and_type(message):
    prefs = extract_preferences(message)
    found = find_products(CATALOG, prefs)
    assert found.products and found.exact_count, f"the seed catalog has matches for {message!r}"
    for product in found.products:
        missed = found.misses[product["id"]]
        assert fits(product, prefs) == (not missed)
        assert "type" not in missed and "excluded_metals" not in missed
        if prefs["budget_max"] and "budget" not in missed:
            assert product["price"] <= prefs["budget_max"]


def test_type_occasion_metal_and_stone_are_matched():
    prefs = extract_preferences("Помолвочное кольцо из белого золота с бриллиантом до 150 тысяч")
    found, _ = search_products(CATALOG, prefs)
    top = found[0]
    assert top["type"] == "engagement_ring" and "engagement" in top["occasions"]
    assert top["metal"] == "white_gold" and "diamond" in top["stones"]


def test_occasion_alone_implies_the_type():
    found, _ = search_products(CATALOG, extract_preferences("Что-нибудь для свадьбы, до 60 тысяч"))
    assert all(p["type"] == "wedding_band" for p in found)


def test_men_get_mens_or_unisex_pieces():
    found, _ = search_products(CATALOG, extract_preferences("Подарок мужу, браслет"))
    assert found and all(p["recipient"] in ("men", "unisex") for p in found[:2])


def test_sold_out_items_rank_last():
    prefs = extract_preferences("серьги")
    found, _ = search_products(CATALOG, prefs, limit=1000)
    stock = [p["stock"] > 0 for p in found]
    assert stock == sorted(stock, reverse=True)


def test_without_stones_and_excluded_metals():
    prefs = extract_preferences("Кольцо без камней, только не серебро")
    found, _ = search_products(CATALOG, prefs)
    assert found and all(not p["stones"] and p["metal"] != "silver" for p in found)


def test_budget_too_low_gives_the_nearest_honestly():
    prefs = extract_preferences("Помолвочное кольцо с бриллиантом до 500 рублей")
    found, exact = search_products(CATALOG, prefs)
    assert not exact and found
    cheapest = min(p["price"] for p in CATALOG if p["type"] == "engagement_ring")
    assert min(p["price"] for p in found) == cheapest


def test_taste_profile_nudges_the_order_but_not_the_constraints():
    prefs = extract_preferences("Кольцо до 80 тысяч")
    plain, _ = search_products(CATALOG, prefs, limit=10)
    lover, _ = search_products(CATALOG, prefs, {"metals": ["rose_gold"], "styles": ["romantic"]}, limit=10)
    assert [p["id"] for p in plain] != [p["id"] for p in lover]
    assert sum(p["metal"] == "rose_gold" for p in lover) > sum(p["metal"] == "rose_gold" for p in plain)
    assert all(p["price"] <= 80000 for p in lover)


def test_a_budget_is_used_not_just_the_cheapest_shown():
    found, _ = search_products(CATALOG, extract_preferences("Кольцо до 80 тысяч"))
    assert min(p["price"] for p in found) > 20000


def test_product_card_and_rubles():
    card = product_card(CATALOG[0])
    assert card["metal_label"] and card["type_label"] and len(card["stones_labels"]) == len(card["stones"])
    assert rubles(84900) == "84\u202f900\u00a0₽"
