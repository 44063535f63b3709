"""A request for several kinds at once ("покажите кольцо и серьги с фианитами", "подберите
цепочку и кулон"): each kind is searched with every other wish, a few pieces each, so that
one kind does not crowd out the other; a kind with nothing that fits says so in its own
group (its closest pieces marked with the wish they miss, as in any search).

`search_kinds(catalog, wishes, taste, keep, exclude)` gives the consultant's cards, their
groups per kind, the wishes checked and how many pieces meet them all; `found_cards` turns
one search's result into cards (shared with the single search).
"""
from __future__ import annotations

from agents.language.kinds import KIND_NAMES
from agents.search import Found, find_products, product_card, stated_wishes


def found_cards(found: Found) -> list[dict]:
    """Cards of a search's pieces, each with the wishes it meets and misses."""
    cards = []
    for product in found.products:
        missed = found.misses[product["id"]]
        cards.append({**product_card(product),
                      "meets": [w.code for w in found.wishes if w.code not in missed],
                      "misses": missed, "relaxed": bool(missed),
                      **({"relaxed_note": found.notes[product["id"]]} if missed else {})})
    return cards


def search_kinds(catalog: list[dict], wishes: dict, taste: dict, *, keep: tuple[str, ...] = (),
                 exclude: set[str] | frozenset = frozenset()) -> dict:
    """The pieces of each kind in `wishes["types"]`: three each for two kinds, two for more."""
    kinds = wishes["types"]
    each = 3 if len(kinds) == 2 else 2
    cards, groups, exact = [], [], 0
    for kind in kinds:
        named = kind in KIND_NAMES           # "крестик": a pendant named so, never another pendant
        found = find_products(catalog, {**wishes, "type": KIND_NAMES[kind][0] if named else kind, "types": None,
                                        "kind_name": kind if named else None}, taste, limit=each,
                              keep=keep, exclude=exclude)
        kind_cards = [card for card in found_cards(found) if card["id"] not in {c["id"] for c in cards}
                      and "kind_name" not in card["misses"]]
        cards += kind_cards
        exact += found.exact_count
        groups.append({"kind": kind, "ids": [c["id"] for c in kind_cards], "exact_count": found.exact_count,
                       "boundary": found.boundary})
    return {"products": cards, "groups": groups, "wishes": stated_wishes(wishes), "exact_count": exact,
            "boundary": ""}
