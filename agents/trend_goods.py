"""Fashion trends meet the catalog: which pieces are in the spirit of a trend, and which
trends a subject (a kind of piece, a metal, a stone) is about.

`TREND_GOODS` says, per `agents.language.vocabulary.TRENDS` code, what a product must be to stand
for the trend, from its own fields only (type, metal, stones, style, recipient, and words
of its name or description): a pearl trend is shown by pieces with pearls, never by a
piece that only "goes well with" pearls. A trend no product meets (asymmetric earrings,
say) shows no product at all.

The subject is what the customer asked about (`agents.goods`: "какие серьги сейчас
носят?" -> earrings);
`pieces_for(trends, subject, catalog)` picks up to `limit` pieces, one per trend in the
given order, each meeting both the trend and the subject; within a trend the in-stock
piece of median price (a typical piece, neither the cheapest nor the dearest).

Left out: ranking by the customer's budget or taste (the consultant does that), and
images: a piece stands for a trend by its recorded fields alone.
"""
from __future__ import annotations

from typing import Callable

from agents.goods import Goods
from agents.language import normalize

_GOLDS = {"yellow_gold", "white_gold", "rose_gold"}
_COLOURED = {"ruby", "sapphire", "emerald", "amethyst", "topaz", "citrine", "garnet", "aquamarine"}
_NECK_AND_WRIST = {"chain", "necklace", "bracelet"}


def _words(product: dict) -> str:
    return normalize(f"{product['name']} {product['description']}")


TREND_GOODS: dict[str, Callable[[dict], bool]] = {
    "pearls": lambda p: "pearl" in p["stones"],
    "chunky_chains": lambda p: p["type"] in _NECK_AND_WRIST and any(
        w in _words(p) for w in ("массивн", "крупн", "толст")),
    "layering": lambda p: p["type"] in {"chain", "pendant", "necklace"} and p["style"] == "minimalist",
    "minimalism": lambda p: p["style"] == "minimalist",
    "colored_stones": lambda p: bool(_COLOURED & set(p["stones"])),
    "lab_diamonds": lambda p: "выращенн" in _words(p),
    "yellow_gold_revival": lambda p: p["metal"] == "yellow_gold",
    "vintage": lambda p: p["style"] == "vintage",
    "signet_rings": lambda p: "печатк" in _words(p),
    "mismatched_earrings": lambda p: p["type"] == "earrings" and any(
        w in _words(p) for w in ("асимметр", "моносерьг", "непарн")),
    "brooches": lambda p: p["type"] == "brooch",
    "nature_motifs": lambda p: any(w in _words(p) for w in ("цветок", "цветоч", "листо", "листик",
                                                            "ветк", "лепест", "ботанич")),
    "sculptural_gold": lambda p: p["metal"] in _GOLDS and any(
        w in _words(p) for w in ("скульптур", "пластичн", "органическ")),
    "mens_jewelry": lambda p: p["recipient"] == "men",
}


def trends_with_goods(subject: Goods, catalog: list[dict]) -> set[str]:
    """The trends at least one piece of the subject stands for."""
    pieces = [p for p in catalog if subject.admits(p)]
    return {code for code, fits in TREND_GOODS.items() if any(fits(p) for p in pieces)}


def pieces_for(trends: list[str], subject: Goods, catalog: list[dict], limit: int = 3) -> list[tuple[str, dict]]:
    """[(trend code, product)]: one typical in-stock piece per trend, in the trends' order."""
    chosen: list[tuple[str, dict]] = []
    taken: set[str] = set()
    for code in trends:
        fits = TREND_GOODS.get(code)
        if fits is None:
            continue
        matches = sorted((p for p in catalog if p["stock"] > 0 and p["id"] not in taken
                          and subject.admits(p) and fits(p)), key=lambda p: (p["price"], p["id"]))
        if matches:
            piece = matches[len(matches) // 2]
            chosen.append((code, piece))
            taken.add(piece["id"])
        if len(chosen) == limit:
            break
    return chosen
