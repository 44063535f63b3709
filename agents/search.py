"""Catalog search with honest matching: every stated wish is a filter.

`stated_wishes(prefs)` turns extracted preferences into wishes (kind, refused kinds, metal,
excluded metals, stones, "без камней", "с камнями", excluded stones, a ring size, budget, for a man or a woman), each a test on a product.
`find_products` lists the pieces that meet all of them; when fewer than the list's size
do, it fills the list with the closest pieces that miss exactly one wish that may be
relaxed (never the kind of piece, never a refused kind, metal or stone), the older wishes first, and
marks each such piece with the wish it misses. `Found.boundary` says what the shop really
has when nothing fits ("цепочки из серебра у нас стоят от 1 690 до 22 990 ₽").

A search that names no kind never lists engagement or wedding rings unless the occasion is
one (a gift for a boss is no proposal ring); an anniversary may have wedding rings, never a
proposal ring. Order: soft matches (style, occasion, the
questionnaire's taste) first; then the price
level: within a budget, pieces that use it; "дорогое"/"солидное" the upper price band;
"недорогое" the lower; no budget at all, a spread across price levels, never simply the
cheapest. Sold-out pieces rank last. Pure functions over the in-memory catalog; no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from agents.language.vocabulary import METALS, PRODUCT_TYPES, STONES, label
from agents.language.kinds import KIND_NAMES, named_as, stems_of
from agents.language.wishes import metals_meant
from agents.wording import (budget_phrase, capitalized, excluded_kinds_phrase, excluded_phrase, excluded_stones_phrase,
                            kind_phrase,
                            metal_label, price_range, rubles, size_number, size_phrase, sizes_list, stones_phrase)

# A request for a plain "ring" is also satisfied by these more specific types. ("Колье" is
# not: a pendant under a heading "колье" is another piece than the one asked for.)
_RELATED_TYPES = {"ring": {"ring", "engagement_ring", "wedding_band"}}
_MEN_RECIPIENTS = {"husband", "man"}
_WOMEN_RECIPIENTS = {"wife", "girlfriend", "mother", "daughter", "sister", "friend"}
# A child's pieces: none of the grown-ups' only kinds, nothing showy; a girl's none of the
# men's, a boy's none of the women's.
CHILDREN = {"girl": ("для девочки", "men"), "boy": ("для мальчика", "women"), "child": ("для ребёнка", None)}
_GROWN_UP_KINDS = {"cufflinks", "engagement_ring", "wedding_band", "brooch"}
_OCCASION_TYPES = {"engagement": "engagement_ring", "wedding": "wedding_band"}
_RINGS = _RELATED_TYPES["ring"]
_LONG = {"chain", "bracelet"}
# Engagement and wedding rings are shown only when asked for (by kind or by the occasion).
_COUPLE_RINGS = {"engagement_ring", "wedding_band"}
_COUPLE_OCCASIONS = {"engagement", "wedding", "anniversary"}
# Relaxed first ... last; the wishes of the current message move to the end.
RELAX_ORDER = ("recipient", "no_stones", "with_stones", "stones", "size", "kind_name", "metal", "budget")


@dataclass(frozen=True)
class Wish:
    code: str                              # a key of agents.wording.WISH_NAMES
    label: str                             # Russian: "серебро", "до 40 000 ₽"
    test: Callable[[dict], bool]


@dataclass
class Found:
    products: list[dict]                   # best first: the exact matches, then relaxed ones
    misses: dict[str, list[str]]           # product id -> wish codes it does not meet
    wishes: list[Wish]
    exact_count: int                       # how many pieces in the catalog meet every wish
    boundary: str = ""                     # what there is, when too little fits
    notes: dict[str, str] = field(default_factory=dict)   # product id -> why it is shown anyway


_COUPLE = {None, "self", "wife", "husband", "girlfriend"}   # who wears the rings of a wedding or proposal


def wanted_types(prefs: dict) -> set[str] | None:
    """The kinds of piece asked for: the kind said, or the rings of an engagement or wedding
    for the couple itself (a present for a guest at a wedding is any kind)."""
    if len(prefs.get("types") or ()) > 1:      # "кольцо и серьги": either kind ("крестик": a pendant)
        return set().union(*(_RELATED_TYPES.get(_parent(kind), {_parent(kind)}) for kind in prefs["types"]))
    couple = prefs.get("recipient") in _COUPLE
    kind = prefs.get("type") or (_OCCASION_TYPES.get(prefs.get("occasion")) if couple else None)
    if not kind:
        return None
    return _RELATED_TYPES.get(kind, {kind})


def _parent(kind: str) -> str:
    """The type of a kind's name ("крестик": a pendant); a type is its own."""
    return KIND_NAMES[kind][0] if kind in KIND_NAMES else kind


def _of_kinds(product: dict, kinds: list[str], named: list[tuple[str, tuple[str, ...]]]) -> bool:
    """Is `product` one of `kinds`, a named kind ("крестик") only when it is named so?"""
    stems = dict(named)
    return any(product["type"] in _RELATED_TYPES.get(_parent(kind), {_parent(kind)})
               and (kind not in stems or named_as(product, stems[kind])) for kind in kinds)


def stated_wishes(prefs: dict) -> list[Wish]:
    """The wishes `prefs` states, each as a filter."""
    wishes, types = [], wanted_types(prefs)
    if types:
        kinds = prefs.get("types") or [prefs.get("type") or _OCCASION_TYPES[prefs["occasion"]]]  # (wanted_types said so)
        named = [(kind, stems_of(kind)) for kind in kinds if kind in KIND_NAMES] if prefs.get("types") else []
        wishes.append(Wish("type", " или ".join(label(PRODUCT_TYPES, kind) for kind in kinds),
                           (lambda p: p["type"] in types) if not named else
                           (lambda p: p["type"] in types and _of_kinds(p, kinds, named))))
    if types and prefs.get("kind_name") and not prefs.get("types"):     # "печатку": a signet, not any ring
        stems = stems_of(prefs["kind_name"])
        wishes.append(Wish("kind_name", prefs["kind_name"], lambda p: named_as(p, stems)))
    refused_kinds = set().union(*(_RELATED_TYPES.get(t, {t}) for t in prefs.get("excluded_types") or ()))
    if refused_kinds and (not types or types & refused_kinds):   # "он не носит кольца", "кроме цепочек"
        wishes.append(Wish("excluded_types", excluded_kinds_phrase(prefs["excluded_types"]),
                           lambda p: p["type"] not in refused_kinds))
    if prefs.get("metal"):
        metals = metals_meant(prefs["metal"])          # plain "золото": every gold
        wishes.append(Wish("metal", metal_label(prefs["metal"]), lambda p: p["metal"] in metals))
    excluded = tuple(prefs.get("excluded_metals") or ())
    if excluded:
        wishes.append(Wish("excluded_metals", excluded_phrase(excluded),
                           lambda p: p["metal"] not in excluded))
    stones = tuple(prefs.get("stones") or ())
    if stones:
        wishes.append(Wish("stones", stones_phrase(stones), lambda p: any(s in p["stones"] for s in stones)))
    elif prefs.get("no_stones"):
        wishes.append(Wish("no_stones", "без камней", lambda p: not p["stones"]))
    elif prefs.get("with_stones"):
        wishes.append(Wish("with_stones", "с камнями", lambda p: bool(p["stones"])))
    refused = tuple(s for s in prefs.get("excluded_stones") or () if s not in stones)
    if refused and not prefs.get("no_stones"):
        wishes.append(Wish("excluded_stones", excluded_stones_phrase(refused),
                           lambda p: not any(s in p["stones"] for s in refused)))
    size = prefs.get("size")
    long = types & _LONG if types else set()       # a chain's or bracelet's length in cm
    if size and (not types or types & _RINGS or long):   # other kinds have no size to ask
        sized = long or _RINGS
        wishes.append(Wish("size", f"длина {size_number(size)} см" if long else size_phrase(size),
                           lambda p: p["type"] not in sized or size in [float(s) for s in p.get("sizes") or ()]))
    low, high = prefs.get("budget_min"), prefs.get("budget_max")
    if low or high:
        wishes.append(Wish("budget", budget_phrase(low, high),
                           lambda p: not ((high and p["price"] > high) or (low and p["price"] < low))))
    recipient = prefs.get("recipient")
    if recipient in _MEN_RECIPIENTS:
        wishes.append(Wish("recipient", "для мужчины", lambda p: p["recipient"] != "women"))
    elif recipient in _WOMEN_RECIPIENTS:
        wishes.append(Wish("recipient", "для женщины", lambda p: p["recipient"] != "men"))
    elif recipient in CHILDREN:
        said, not_for = CHILDREN[recipient]
        wishes.append(Wish("recipient", said, lambda p: p["recipient"] != not_for and p["style"] != "luxury"
                           and p["type"] not in _GROWN_UP_KINDS))
    return wishes


def fits(product: dict, prefs: dict) -> bool:
    """Does the product meet every stated wish?"""
    return all(wish.test(product) for wish in stated_wishes(prefs))


def score(product: dict, prefs: dict, taste: dict) -> float:
    """Soft matches; higher is better. `taste` is the questionnaire's profile (may be {})."""
    points = 0.0
    if prefs.get("type") and product["type"] == prefs["type"]:
        points += 1
    if prefs.get("style") and product["style"] == prefs["style"]:
        points += 2
    if prefs.get("occasion") and prefs["occasion"] in product["occasions"]:
        points += 2
    if prefs.get("recipient") in _MEN_RECIPIENTS:
        points += 1 if product["recipient"] == "men" else 0
    # The questionnaire's answers nudge the order, never override what was just asked.
    points += 1.0 * (product["metal"] in taste.get("metals", ()))
    points += 0.8 * any(stone in taste.get("stones", ()) for stone in product["stones"])
    points += 0.8 * (product["style"] in taste.get("styles", ()))
    # Within a budget, prefer what makes good use of it: someone who says "до 80 тысяч"
    # rarely wants to see only the cheapest silver.
    if prefs.get("budget_max"):
        points += 2 * product["price"] / prefs["budget_max"]
    if product["stock"] <= 0:
        points -= 10
    return points


def _ranked(matches: list[dict], prefs: dict, taste: dict, limit: int) -> list[dict]:
    """The best `limit` of `matches` at the price level the wishes ask for."""
    key = lambda p: (-score(p, prefs, taste), p["price"], p["id"])  # noqa: E731
    level = prefs.get("price_level")
    by_price = sorted(matches, key=lambda p: p["price"])
    if level in ("high", "low") and len(matches) > limit:
        cut = len(by_price) * (6 if level == "high" else 4) // 10
        band = by_price[cut:] if level == "high" else by_price[:max(cut, limit)]
        order = (lambda p: (p["stock"] <= 0, -p["price"] if level == "high" else p["price"]))
        return sorted(band, key=order)[:limit]
    if prefs.get("budget_max") or len(matches) <= limit:
        return sorted(matches, key=key)[:limit]
    # No budget: the best-scored half, spread across its price range.
    best = sorted(matches, key=key)[:max(limit * 3, len(matches) // 2)]
    best.sort(key=lambda p: (p["stock"] <= 0, p["price"]))
    in_stock = [p for p in best if p["stock"] > 0] or best
    steps = [round(i * (len(in_stock) - 1) / (limit - 1)) for i in range(limit)] if limit > 1 else [0]
    return [in_stock[i] for i in dict.fromkeys(steps)]


def _unwanted_rings(prefs: dict) -> set[str]:
    """The couple's rings a request names no kind for leaves out: both of them, or (ten
    years married) the proposal ring."""
    if wanted_types(prefs):
        return set()
    occasion = prefs.get("occasion")
    return {"engagement_ring"} if occasion == "anniversary" else set() if occasion in _COUPLE_OCCASIONS \
        else _COUPLE_RINGS


def find_products(catalog: list[dict], prefs: dict, taste: dict | None = None, *, limit: int = 4,
                  keep: tuple[str, ...] = (), exclude: set[str] | frozenset = frozenset()) -> Found:
    """The pieces for `prefs`: all exact when enough are, else exact + relaxed.

    `keep`: wish codes the customer just stated, relaxed last. `exclude`: ids not to show
    again ("покажите ещё")."""
    taste = taste or {}
    wishes = stated_wishes(prefs)
    pool = [p for p in catalog if p["id"] not in exclude] if exclude else catalog
    exact = pool
    for wish in wishes:                    # one wish at a time: each pass looks at fewer pieces
        exact = [p for p in exact if wish.test(p)]
    unwanted = _unwanted_rings(prefs)
    if unwanted:                           # no proposal ring for a boss, unless only such rings fit
        pool = [p for p in pool if p["type"] not in unwanted]
        exact = [p for p in exact if p["type"] not in unwanted] or exact
    chosen = _ranked(exact, prefs, taste, limit)
    found = Found(chosen, {p["id"]: [] for p in chosen}, wishes, len(exact))
    if len(chosen) >= limit:
        return found
    order = sorted((w for w in wishes if w.code in RELAX_ORDER),
                   key=lambda w: (w.code in keep, RELAX_ORDER.index(w.code)))
    target = prefs.get("budget_max") or prefs.get("budget_min") or 0
    options = []                           # per relaxable wish: the nearest pieces missing it
    missing_one = _missing_one(pool, wishes, order, exact)
    for relaxed in order:
        near = missing_one[relaxed.code]
        near.sort(key=(lambda p: (p["stock"] <= 0, abs(p["price"] - target))) if relaxed.code == "budget"
                  else (lambda p: (p["stock"] <= 0, -score(p, prefs, taste), p["price"])))
        options.append((relaxed, near))
    # Take from the options in turn, so that one relaxed wish does not fill the whole list;
    # a wish the customer has just stated only when the older ones give too little.
    for group in ([o for o in options if o[0].code not in keep], [o for o in options if o[0].code in keep]):
        _take(group, chosen, found, prefs, limit)
    found.boundary = boundary(catalog, prefs, wishes) if len(exact) < limit else ""
    return found


def _missing_one(pool: list[dict], wishes: list[Wish], relaxable: list[Wish], exact: list[dict]) -> dict:
    """Per relaxable wish's code, the pieces of `pool` that miss it and no other wish: one
    pass over the pool (the wishes never relaxed, the kind first, rule out most pieces)."""
    fixed = [w for w in wishes if w not in relaxable]
    found: dict[str, list[dict]] = {w.code: [] for w in relaxable}
    met = {p["id"] for p in exact}
    for product in pool:
        if product["id"] in met or not all(w.test(product) for w in fixed):
            continue
        missed = [w for w in relaxable if not w.test(product)]
        if len(missed) == 1:
            found[missed[0].code].append(product)
    return found


def _take(options: list, chosen: list[dict], found: Found, prefs: dict, limit: int) -> None:
    while len(chosen) < limit and any(near for _wish, near in options):
        for relaxed, near in options:
            while near and near[0] in chosen:
                near.pop(0)
            if near and len(chosen) < limit:
                product = near.pop(0)
                chosen.append(product)
                found.misses[product["id"]] = [relaxed.code]
                found.notes[product["id"]] = deviation(product, relaxed, prefs)


def deviation(product: dict, wish: Wish, prefs: dict) -> str:
    """How a piece misses one wish, naming the wish: "розовое золото, а не белое золото"."""
    if wish.code == "budget":
        return f"цена {rubles(product['price'])} — вне бюджета {wish.label}"
    if wish.code == "metal":
        return f"{label(METALS, product['metal'])}, а не {wish.label}"
    if wish.code == "stones":
        got = ", ".join(label(STONES, s) for s in product["stones"]) or "без камней"
        return f"камни другие ({got}), а не {wish.label}"
    if wish.code == "size":
        return (f"есть размеры {sizes_list(product.get('sizes'))}" if product.get("sizes")
                else "размеров в наличии нет") + f", а не {wish.label}"
    if wish.code == "kind_name":
        return f"{label(PRODUCT_TYPES, product['type'])}, а не {wish.label}"
    if wish.code == "with_stones":
        return f"без камней, а вы искали {wish.label}"
    if wish.code == "no_stones":
        return "с камнями (" + ", ".join(label(STONES, s) for s in product["stones"]) + f"), а не {wish.label}"
    if prefs.get("recipient") in CHILDREN:
        return f"взрослая модель, а вы искали {wish.label}"
    made_for = "для мужчин" if product["recipient"] == "men" else "для женщин"
    return f"модель {made_for}, а вы искали {wish.label}"


def boundary(catalog: list[dict], prefs: dict, wishes: list[Wish]) -> str:
    """What the shop has for the wishes without the budget ("" when that says nothing new)."""
    unpriced = [w for w in wishes if w.code != "budget"]
    kinds = [p for p in catalog if all(w.test(p) for w in unpriced)]
    what = capitalized(kind_phrase(prefs))
    if not kinds:
        return f"{what} у нас сейчас не продаются."
    if not any(w.code == "budget" for w in wishes):
        return ""
    low, high = min(p["price"] for p in kinds), max(p["price"] for p in kinds)
    return f"{what} у нас стоят {price_range(low, high)}."


def search_products(catalog: list[dict], prefs: dict, taste: dict | None = None,
                    limit: int = 4) -> tuple[list[dict], bool]:
    """The best `limit` products and whether they all meet every stated wish (taste's budget
    counts as a wish when the message states none)."""
    taste = taste or {}
    if taste.get("budget_max") and not prefs.get("budget_max"):
        prefs = {**prefs, "budget_max": taste["budget_max"]}
    found = find_products(catalog, prefs, taste, limit=limit)
    return found.products, not any(found.misses.values())


def product_card(product: dict) -> dict:
    """A product as clients see it in the metadata: codes plus their Russian labels."""
    return {
        "id": product["id"], "name": product["name"],
        "type": product["type"], "type_label": label(PRODUCT_TYPES, product["type"]),
        "metal": product["metal"], "metal_label": label(METALS, product["metal"]),
        "fineness": product["fineness"],
        "stones": product["stones"], "stones_labels": [label(STONES, s) for s in product["stones"]],
        "style": product["style"], "occasions": product["occasions"], "recipient": product["recipient"],
        "price": product["price"], "stock": product["stock"], "description": product["description"],
        "article": product.get("article"), "sizes": product.get("sizes") or [],
        **({"kind": product["kind"]} if product.get("kind") else {}),     # "печатка" of a ring
    }
