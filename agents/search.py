"""Catalog search: filter and rank products against extracted preferences.

Hard constraints (a customer who says "до 100 тысяч" must never be shown 120 000 ₽):
budget, product type, excluded metals, "без камней". Everything else is a soft match that
adds to the score: metal, stones, style, occasion, recipient, the taste profile. Sold-out
items rank last. Pure functions over the in-memory catalog; no I/O.
"""
from __future__ import annotations

import heapq

from agents.vocabulary import METALS, PRODUCT_TYPES, STONES, label

# A request for a plain "ring" is also satisfied by these more specific types.
_RELATED_TYPES = {"ring": {"ring", "engagement_ring", "wedding_band"},
                  "necklace": {"necklace", "pendant", "chain"}}
_MEN_RECIPIENTS = {"husband", "man"}
_OCCASION_TYPES = {"engagement": "engagement_ring", "wedding": "wedding_band"}


def wanted_types(prefs: dict) -> set[str] | None:
    kind = prefs.get("type") or _OCCASION_TYPES.get(prefs.get("occasion"))
    if not kind:
        return None
    return _RELATED_TYPES.get(kind, {kind})


def fits(product: dict, prefs: dict) -> bool:
    """The hard constraints."""
    return hard_constraints(prefs)(product)


def hard_constraints(prefs: dict):
    """The hard constraints as one test, worked out once for the whole catalog."""
    high, low = prefs.get("budget_max"), prefs.get("budget_min")
    types, excluded = wanted_types(prefs), prefs.get("excluded_metals") or ()
    no_stones = prefs.get("no_stones")

    def admits(product: dict) -> bool:
        return not ((high and product["price"] > high) or (low and product["price"] < low)
                    or (types and product["type"] not in types) or product["metal"] in excluded
                    or (no_stones and product["stones"]))
    return admits


def score(product: dict, prefs: dict, taste: dict) -> float:
    """Soft matches; higher is better. `taste` is the questionnaire's profile (may be {})."""
    points = 0.0
    if prefs.get("type") and product["type"] == prefs["type"]:
        points += 4
    if prefs.get("metal"):
        points += 3 if product["metal"] == prefs["metal"] else -1
    for stone in prefs.get("stones") or ():
        points += 3 if stone in product["stones"] else -0.5
    if prefs.get("style") and product["style"] == prefs["style"]:
        points += 2
    if prefs.get("occasion") and prefs["occasion"] in product["occasions"]:
        points += 2
    recipient = prefs.get("recipient")
    if recipient:
        for_men = recipient in _MEN_RECIPIENTS
        if product["recipient"] == ("men" if for_men else "women"):
            points += 1.5
        elif product["recipient"] != "unisex":
            points -= 3
    # The questionnaire's answers nudge the order, never override what was just asked.
    points += 1.0 * (product["metal"] in taste.get("metals", ()))
    points += 0.8 * any(stone in taste.get("stones", ()) for stone in product["stones"])
    points += 0.8 * (product["style"] in taste.get("styles", ()))
    # Within a budget, prefer what makes good use of it: someone who says "до 80 тысяч"
    # rarely wants to see only the cheapest silver.
    if prefs.get("budget_max"):
        points += product["price"] / prefs["budget_max"]
    if product["stock"] <= 0:
        points -= 10
    return points


def search_products(catalog: list[dict], prefs: dict, taste: dict | None = None,
                    limit: int = 4) -> tuple[list[dict], bool]:
    """The best `limit` products and whether they all meet the hard constraints.

    When nothing fits, the budget is relaxed first (the closest prices above it), so the
    answer can say honestly that nothing matches and offer what comes nearest.
    """
    taste = taste or {}
    budget = prefs.get("budget_max") or taste.get("budget_max")
    if budget and not prefs.get("budget_max"):
        prefs = {**prefs, "budget_max": budget}
    matches = list(filter(hard_constraints(prefs), catalog))
    if matches:
        return heapq.nsmallest(limit, matches,
                               key=lambda p: (-score(p, prefs, taste), p["price"], p["id"])), True
    relaxed = {**prefs, "budget_max": None, "budget_min": None}
    target = prefs.get("budget_max") or prefs.get("budget_min") or 0
    nearest = heapq.nsmallest(limit, filter(hard_constraints(relaxed), catalog),
                              key=lambda p: (p["stock"] <= 0, abs(p["price"] - target),
                                             -score(p, relaxed, taste)))
    return nearest, False


def product_card(product: dict) -> dict:
    """A product as clients see it in the metadata: codes plus their Russian labels."""
    return {
        "id": product["id"], "name": product["name"],
        "type": product["type"], "type_label": label(PRODUCT_TYPES, product["type"]),
        "metal": product["metal"], "metal_label": label(METALS, product["metal"]),
        "fineness": product["fineness"],
        "stones": product["stones"], "stones_labels": [label(STONES, s) for s in product["stones"]],
        "style": product["style"], "price": product["price"], "stock": product["stock"],
        "description": product["description"],
        "article": product.get("article"), "sizes": product.get("sizes") or [],
    }


def rubles(amount: int) -> str:
    """84900 -> "84 900 ₽" (a narrow no-break space between thousands)."""
    return f"{amount:,}".replace(",", "\u202f") + "\u00a0₽"
