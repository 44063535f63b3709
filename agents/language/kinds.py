"""Kinds of piece more specific than the vocabulary's types, and kinds a shop's own catalog
has that the vocabulary does not know.

A "печатка" (signet) is a ring, but a customer asking for one wants a signet, not any ring:
`KIND_NAMES` maps each such name to its type, its plural forms (for headings) and its
stems; `named_as(product, stems)` tells whether a piece is one (its own kind, kept by the
import from the catalog's type cell, or a word of its name: «Печатка «Барон»»).

`own_kinds(catalog)` lists the catalog's types the vocabulary does not know ("шарм",
"пирсинг": the import keeps the file's word as the type), each with the stem a customer's
word must start with, so that "есть шармы?" finds them.

What it leaves out: spelling mistakes, and several-word kinds beyond their first word.
"""
from __future__ import annotations

from functools import lru_cache

from agents.language.matching import Vocabulary
from agents.language.normal import words
from agents.language.vocabulary import PRODUCT_TYPES

# name -> (type, plural, genitive plural, stems)
KIND_NAMES = {
    "печатка": ("ring", "печатки", "печаток", ("печатк", "печаток")),
    "пусеты": ("earrings", "пусеты", "пусет", ("пусет", "гвоздик")),
    "чокер": ("necklace", "чокеры", "чокеров", ("чокер",)),
    "медальон": ("pendant", "медальоны", "медальонов", ("медальон",)),
    "крестик": ("pendant", "крестики", "крестиков", ("крестик",)),
}
KINDS = Vocabulary({name: (name, stems) for name, (_type, _plural, _many, stems) in KIND_NAMES.items()})


def stems_of(name: str) -> tuple[str, ...]:
    """The stems a piece's words are matched with: a known name's, or the name's own stem."""
    if name in KIND_NAMES:
        return KIND_NAMES[name][3]
    return tuple(_stem(word) for word in words(name)[:1])


def named_as(product: dict, stems: tuple[str, ...]) -> bool:
    """Is `product` of the kind whose stems are `stems` (by its own kind or its name)?"""
    return _named(product.get("kind") or "", product["name"], stems)


@lru_cache(maxsize=1 << 16)
def _named(kind: str, name: str, stems: tuple[str, ...]) -> bool:
    """(Cached: the search tests every piece several times per message, and a catalog's
    names are few.)"""
    return any(word.startswith(stem) for word in words(kind) + words(name) for stem in stems)


def plural(name: str) -> str:
    return KIND_NAMES[name][1] if name in KIND_NAMES else name


def genitive_plural(name: str) -> str:
    return KIND_NAMES[name][2] if name in KIND_NAMES else name


# A catalog's catch-all groups (1C exports have them): no customer asks for "другое".
_NO_KIND = frozenset({"другое", "другие", "прочее", "прочие", "разное", "иное", "остальное", "без", "все",
                      "товар", "товары", "изделие", "изделия", "украшение", "украшения"})


def own_kinds(catalog: list[dict]) -> dict[str, str]:
    """The catalog's types the vocabulary does not know: stem -> the type."""
    return {_stem(parts[0]): kind for kind in dict.fromkeys(p["type"] for p in catalog)
            if kind not in PRODUCT_TYPES and (parts := words(kind)) and parts[0] not in _NO_KIND}


def own_kind_in(text_words: list[str], kinds: dict[str, str]) -> str | None:
    """The first of the catalog's own kinds that normalized `text_words` name."""
    for word in text_words:
        for stem, kind in kinds.items():
            if word.startswith(stem):
                return kind
    return None


def _stem(word: str) -> str:
    """A word's stem for matching its other forms: "шарм" -> "шарм", "пирсинг" -> "пирсинг",
    "анклет" -> "анклет", "подвеска" -> "подвеск"."""
    return word if len(word) <= 4 else word[:-1] if word[-1] in "аяыиоеуюьй" else word
