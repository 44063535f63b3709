"""What goods a message names: kinds of piece, metals, stones (`agents.language.vocabulary` codes).

Shared by the analyst's questions ("остатки золотых колец") and the trend questions
("какие серьги сейчас носят?"), so a word means the same goods in both:

- a plain "кольцо" is every ring (plain, engagement and wedding); a named engagement or
  wedding ring is only itself;
- a plain "золото" (no colour said) is every gold; "жёлтое золото" is the yellow one.

`Goods.admits(product)` tests a catalog row against all three (an empty part admits all).
Left out: negation ("не серебро") and budgets: that is `agents.preferences`' job.
"""
from __future__ import annotations

from dataclasses import dataclass

from agents.language import find_codes, normalize
from agents.language.vocabulary import METALS, PRODUCT_TYPES, STONES

_RINGS = ("ring", "engagement_ring", "wedding_band")
_GOLDS = ("yellow_gold", "white_gold", "rose_gold")


@dataclass(frozen=True)
class Goods:
    types: tuple[str, ...] = ()
    metals: tuple[str, ...] = ()
    stones: tuple[str, ...] = ()

    def admits(self, product: dict) -> bool:
        return ((not self.types or product["type"] in self.types)
                and (not self.metals or product["metal"] in self.metals)
                and (not self.stones or bool(set(self.stones) & set(product["stones"]))))

    @property
    def named(self) -> bool:
        return bool(self.types or self.metals or self.stones)


def goods_in(message: str) -> Goods:
    text = normalize(message)
    return Goods(kinds_in(text), metals_in(text), tuple(find_codes(text, STONES)))


def kinds_in(text: str) -> tuple[str, ...]:
    """Product types named in normalized text (see the module docstring for rings)."""
    types = find_codes(text, PRODUCT_TYPES)
    if "ring" in types:
        specific = [t for t in types if t in _RINGS[1:]]
        types = [t for t in types if t != "ring"] if specific else [*types, *_RINGS[1:]]
    return tuple(dict.fromkeys(types))


def metals_in(text: str) -> tuple[str, ...]:
    """Metals named in normalized text; a plain "золото" is every gold."""
    metals = find_codes(text, METALS)
    if metals == ["yellow_gold"] and "желт" not in text:
        return _GOLDS
    return tuple(metals)
