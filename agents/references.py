"""Which piece the customer means: "первое", "последнее", "это", "оно", "такое же", "к ним",
a collection name ("Прима", «Грация»), or an article number.

`resolve(message, catalog, shown, focus)` returns a `Reference` (the pieces meant, and
whether the customer wants something to go with them or like them) or None. `shown` is
the list last shown (ids, in order), `focus` the piece last talked about in detail.

Rules: an ordinal or a pronoun needs something shown before; a collection name counts when
it is quoted or capitalised inside the sentence, when the message asks about a piece
("расскажите", "размер", "подробнее"), or when a shown piece bears it, so that "хочу
классику" is a style and not the collection «Классика». Several pieces with one name are
narrowed by the kind and metal named in the message, then by what was shown.

What it leaves out: several references in one message ("сравните первое и третье" gives
the first one named), and spelling mistakes in names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from agents.language import find_codes, normalize, words
from agents.language.vocabulary import METALS, PRODUCT_TYPES

_ORDINALS = {"перв": 0, "втор": 1, "трет": 2, "четверт": 3, "пят": 4, "последн": -1, "предпоследн": -2}
_NOT_ORDINAL = re.compile(r"втор\w* половин|перв\w* (?:раз|очеред|взгляд|свидани)|в[о]? перв\w*|"
                          r"пят\w* (?:лет|тысяч|раз)|трет\w* (?:лет|раз)")
_NUMBERED = re.compile(r"(?:№|номер\w*|под номером|вариант\w*)\s*(\d)\b|\b(\d)\s*-?\s*(?:[йея]|ое|ой|ий|ый)\b")
_PRONOUNS = {"это", "этот", "эта", "эту", "этого", "этой", "этом", "оно", "него", "нее", "нему", "ней",
             "ним", "нем", "его", "ее", "их", "они", "них", "им"}
_THEY = {"их", "они", "них", "им", "ими"}
# "она", "он" are as often the person the gift is for ("она носит 17 размер"): they point at
# a piece only in a question about what a piece is made of or costs ("а из чего она?").
_PERSONAL = {"она", "он"}
_ABOUT_A_PIECE = re.compile(r"из чего|сделан|сколько стоит|почем|проб[аеуы]|в наличи|металл|камн|камен|артикул")
_COMPANION = re.compile(r"\bк (?:ним|нему|ней|этому|этой|этим)\b|в пар[уы]|в комплект|комплект\w* к|"
                        r"под (?:него|нее|них)|подойд\w* к (?:ним|нему|ней)|(?:такое|такой|такая|такую|"
                        r"такие|такого) же|похож\w*|из той же коллекц|из этой коллекц")
DETAILS = re.compile(r"подробн|расскаж|расскаж|опиш|описани|размер|длин|проб[аеуы]|артикул|каки\w* камн|"
                     r"из чего|металл|сколько стоит|цен[аау]|в наличи|наличи|что за|про |об? (?:нем|ней)|"
                     r"поподробн|детал|штук|\bшт\b|осталось|характеристик|вес|фото|посмотреть|примерить|отложи|забронир")


@dataclass
class Reference:
    products: list[dict]          # the pieces meant, best first
    how: str                      # "ordinal", "pronoun", "name", "article"; "unclear": one of several
                                  # shown; "all": every piece shown ("а размеры у них?")
    companion: bool = False       # "серьги к ним", "такое же, но из серебра"


def collection(product: dict) -> str:
    """The collection name in a product's name: «Прима» -> "Прима" ("" if none)."""
    match = re.search(r"«([^»]+)»", product["name"])
    return match[1] if match else ""


@dataclass(frozen=True)
class CatalogIndex:
    """What a reference is looked up in, built once per version of the catalog (the
    consultant memoizes it per store): a look-up of every piece per id and per article
    code, and the collections with their words."""
    by_id: dict[str, dict]
    by_code: dict[str, dict]                                 # article code or id -> piece
    collections: list[tuple[str, list[str], list[dict]]]     # (name, its words, its pieces)
    by_start: dict[str, list[int]]   # first 3 letters of a name's first stem -> collections

    def named_in(self, said: list[str]) -> list[tuple[str, list[str], list[dict]]]:
        """The collections whose name `said` contains, in catalog order: only those whose
        first word could start one of the words said are tried (one look-up per word, not
        a scan of every collection per message)."""
        tried = sorted({i for word in said for size in (1, 2, 3)
                        for i in self.by_start.get(word[:size], ()) if len(word) >= size})
        return [self.collections[i] for i in tried if _contains(said, self.collections[i][1])]


def index_catalog(catalog: list[dict]) -> CatalogIndex:
    by_code = {_code(p.get("article") or ""): p for p in catalog if p.get("article")}
    by_code.update({p["id"]: p for p in catalog})
    names: dict[str, list[dict]] = {}
    for product in catalog:
        names.setdefault(collection(product), []).append(product)
    collections = [(name, words(name), products) for name, products in names.items() if words(name)]
    by_start: dict[str, list[int]] = {}
    for i, (_, parts, _) in enumerate(collections):
        by_start.setdefault(_stem(parts[0])[:3], []).append(i)
    return CatalogIndex({p["id"]: p for p in catalog}, by_code, collections, by_start)


def resolve(message: str, catalog: CatalogIndex, shown: list[str], focus: str | None) -> Reference | None:
    text = normalize(message)
    by_id = catalog.by_id
    shown_products = [by_id[i] for i in shown if i in by_id]
    companion = bool(_COMPANION.search(text))
    found = (_by_article(message, catalog) or _by_name(message, text, catalog, shown_products))
    if found:
        return Reference(found[0], found[1], companion)
    if shown_products:
        meant = [shown_products[i] for i in ordinals(text) if -len(shown_products) <= i < len(shown_products)]
        if len(meant) > 1 and _COMPARING.search(text):       # "чем отличается первое от второго?"
            return Reference(list({p["id"]: p for p in meant}.values()), "ordinal", companion)
        index = _ordinal(text)
        if index is not None and -len(shown_products) <= index < len(shown_products):
            return Reference([shown_products[index]], "ordinal", companion)
    focused = by_id.get(focus) if focus else None
    said = set(words(text))
    pointing = said & _PRONOUNS or (said & _PERSONAL and _ABOUT_A_PIECE.search(text) and len(said) <= 6)
    if (companion or pointing) and (focused or shown_products):
        if focused or len(shown_products) == 1 or companion:
            return Reference([focused or shown_products[0]], "pronoun", companion)
        if DETAILS.search(text):          # "а из чего она?" after four pieces: which one?
            return Reference(shown_products, "all" if said & _THEY else "unclear")   # "размеры у них?": all
    return None


def mentions_shown(text: str) -> bool:
    """Does normalized `text` point at pieces shown before ("первое", "о нём", "к ним")?"""
    said = set(words(text))
    return _ordinal(text) is not None or bool(_COMPANION.search(text)) or \
        bool(said & _PRONOUNS and DETAILS.search(text))


_COMPARING = re.compile(r"отлича|сравн|разниц|лучше|или")


def ordinals(text: str) -> list[int]:
    """Every ordinal said, in order: "первое или третье" -> [0, 2]."""
    return [index for word in words(_NOT_ORDINAL.sub(" ", text)) if (index := _ordinal(word)) is not None]


def _ordinal(text: str) -> int | None:
    numbered = _NUMBERED.search(text)
    if numbered:
        return int(numbered[1] or numbered[2]) - 1
    cleaned = _NOT_ORDINAL.sub(" ", text)
    for word in words(cleaned):
        for stem, index in sorted(_ORDINALS.items(), key=lambda item: -len(item[0])):
            if word.startswith(stem) and (stem != "пят" or word.startswith(("пято", "пятый", "пятая", "пятую"))):
                return index
    return None


def _by_article(message: str, catalog: CatalogIndex) -> tuple[list[dict], str] | None:
    for candidate in re.findall(r"[\w\-./]*\d[\w\-./]*", message.lower()):
        product = catalog.by_code.get(_code(candidate))
        if product:
            return [product], "article"
    return None


def _code(text: str) -> str:
    return re.sub(r"[\s\-./]", "", text.lower())


def _stem(word: str) -> str:
    return word if len(word) <= 4 else word[:-1] if len(word) <= 6 else word[:-2]


def _by_name(message: str, text: str, catalog: CatalogIndex,
             shown: list[dict]) -> tuple[list[dict], str] | None:
    said = words(text)
    asked = bool(DETAILS.search(text))
    best: list[dict] = []
    for name, parts, products in catalog.named_in(said):
        marked = _marked(message, name) or asked or any(p in shown for p in products)
        if marked and len(parts) >= len(words(collection(best[0])) if best else []):
            best = products
    if not best:
        return None
    kinds, metals = find_codes(text, PRODUCT_TYPES), find_codes(text, METALS)
    narrowed = [p for p in best if (not kinds or p["type"] in kinds or
                                    (p["type"] in ("engagement_ring", "wedding_band") and "ring" in kinds))]
    narrowed = [p for p in narrowed if not metals or p["metal"] in metals] or narrowed or best
    in_shown = [p for p in shown if p in narrowed]
    return (in_shown or narrowed), "name"


def _contains(said: list[str], parts: list[str]) -> bool:
    stems = [_stem(part) for part in parts]
    return any(all(i + k < len(said) and said[i + k].startswith(stem) and
                   len(said[i + k]) - len(parts[k]) <= 2 for k, stem in enumerate(stems))
               for i in range(len(said)))


def _marked(message: str, name: str) -> bool:
    """Quoted, or capitalised somewhere other than the start of a sentence."""
    stem = _stem(normalize(name.split()[0]))
    for match in re.finditer(r"[\w-]+", message):
        if not normalize(match[0]).startswith(stem):
            continue
        before = message[:match.start()].rstrip()
        if before.endswith(("«", '"', "“", "„", "'")):
            return True
        if match[0][0].isupper() and before and not before.endswith((".", "!", "?")):
            return True
    return False
