"""Russian word forms the answers need beyond the vocabulary's labels.

`agents.language.vocabulary` gives one label per code ("серебро", "подвеска"); a sentence also needs
"подвески из серебра с сапфиром" or "до 40 000 ₽". This module builds those phrases: the
kind of piece in the plural, a metal after "из", a stone after "с", a budget, and the
short Russian name of each wish the search checks (`WISH_NAMES`), and the wishes as a whole
in one phrase (`describe_preferences`).

What it leaves out: full declension; each table holds exactly the forms the answers use.
"""
from __future__ import annotations

from agents.language.kinds import plural
from agents.language.vocabulary import METALS, OCCASIONS, PRODUCT_TYPES, RECIPIENTS, STONES, STYLES, label

TYPE_PLURALS = {"engagement_ring": "помолвочные кольца", "wedding_band": "обручальные кольца",
                "ring": "кольца", "earrings": "серьги", "necklace": "колье", "pendant": "подвески",
                "chain": "цепочки", "bracelet": "браслеты", "brooch": "броши", "cufflinks": "запонки"}
METAL_GENITIVE = {"gold": "золота", "yellow_gold": "жёлтого золота", "white_gold": "белого золота",
                  "rose_gold": "розового золота", "silver": "серебра", "platinum": "платины"}
TYPE_GENITIVE_PLURAL = {"engagement_ring": "помолвочных колец", "wedding_band": "обручальных колец",
                        "ring": "колец", "earrings": "серёг", "necklace": "колье", "pendant": "подвесок",
                        "chain": "цепочек", "bracelet": "браслетов", "brooch": "брошей", "cufflinks": "запонок"}
STONE_INSTRUMENTAL = {"diamond": "бриллиантом", "sapphire": "сапфиром", "emerald": "изумрудом",
                      "ruby": "рубином", "pearl": "жемчугом", "topaz": "топазом",
                      "amethyst": "аметистом", "garnet": "гранатом", "citrine": "цитрином",
                      "aquamarine": "аквамарином", "cubic_zirconia": "фианитом"}
STONE_GENITIVE_PLURAL = {"diamond": "бриллиантов", "sapphire": "сапфиров", "emerald": "изумрудов",
                         "ruby": "рубинов", "pearl": "жемчуга", "topaz": "топазов", "amethyst": "аметистов",
                         "garnet": "гранатов", "citrine": "цитринов", "aquamarine": "аквамаринов",
                         "cubic_zirconia": "фианитов"}
_GOLDS = {"yellow_gold", "white_gold", "rose_gold"}
# The wish codes the search checks, and how an answer names each kind of wish.
WISH_NAMES = {"type": "вид украшения", "kind_name": "название вида (печатка)", "excluded_types": "исключённый вид украшения", "metal": "металл", "excluded_metals": "исключённый металл",
              "stones": "камень", "no_stones": "без камней", "with_stones": "с камнями", "excluded_stones": "исключённый камень",
              "size": "размер", "budget": "бюджет",
              "recipient": "для кого"}


def number(amount: int) -> str:
    """84900 -> "84 900" (a narrow no-break space between thousands)."""
    return f"{amount:,}".replace(",", "\u202f")


def decimal(value: float) -> str:
    """0.5 -> "0,50"; 3.0 -> "3,00" (two places, the Russian decimal comma)."""
    return f"{value:.2f}".replace(".", ",")


def rubles(amount: int) -> str:
    """84900 -> "84 900 ₽"."""
    return number(amount) + "\u00a0₽"


def price_range(low: int, high: int) -> str:
    """"от 1 690 до 22 990 ₽" ("7 090 ₽" when one price)."""
    return f"от {number(low)} до {rubles(high)}" if low != high else rubles(low)


def budget_phrase(low: int | None, high: int | None) -> str:
    """"от 30 000 до 40 000 ₽", "до 40 000 ₽", "от 30 000 ₽" ("" without a budget)."""
    if low and high:
        return price_range(low, high)
    return f"до {rubles(high)}" if high else f"от {rubles(low)}" if low else ""


def excluded_phrase(metals) -> str:
    """"не золото", "не серебро", "не серебро и не платина"."""
    metals = list(metals)
    names = (["золото"] if _GOLDS <= set(metals) else []) + \
        [label(METALS, m) for m in metals if not (_GOLDS <= set(metals) and m in _GOLDS)]
    return " и ".join("не " + name for name in names)


def metal_label(code: str) -> str:
    """"серебро", "белое золото"; the wish for any gold (agents.language.wishes.ANY_GOLD) "золото"."""
    return "золото" if code == "gold" else label(METALS, code)


def stones_phrase(stones) -> str:
    """"с сапфиром", "с сапфиром или изумрудом"."""
    return "с " + " или ".join(STONE_INSTRUMENTAL.get(s, label(STONES, s)) for s in stones)


def excluded_kinds_phrase(kinds) -> str:
    """"кроме колец", "кроме колец и цепочек"."""
    return "кроме " + " и ".join(TYPE_GENITIVE_PLURAL.get(k, label(PRODUCT_TYPES, k)) for k in kinds)


def excluded_stones_phrase(stones) -> str:
    """"без бриллиантов", "без бриллиантов и жемчуга"."""
    return "без " + " и ".join(STONE_GENITIVE_PLURAL.get(s, label(STONES, s)) for s in stones)


def size_number(size: float) -> str:
    """17.0 -> "17", 16.5 -> "16,5"."""
    return f"{size:g}".replace(".", ",")


def size_phrase(size: float) -> str:
    """"размер 17"."""
    return f"размер {size_number(size)}"


def sizes_list(sizes) -> str:
    """[16, 16.5, 17] -> "16; 16,5; 17"."""
    return "; ".join(size_number(float(s)) for s in sizes or ())


def kind_phrase(prefs: dict, *, with_budget: bool = False) -> str:
    """The pieces a set of wishes asks for, in the plural: "цепочки из серебра с топазом",
    "кольца не из золота"."""
    kind = prefs.get("type")
    parts = [plural(prefs["kind_name"]) if prefs.get("kind_name") else TYPE_PLURALS.get(kind, kind or "украшения")]
    if not prefs.get("type") and prefs.get("excluded_types"):      # "украшения, кроме колец,"
        parts[0] += ", " + excluded_kinds_phrase(prefs["excluded_types"]) + ","
    if prefs.get("metal"):
        parts.append("из " + METAL_GENITIVE[prefs["metal"]])
    elif prefs.get("excluded_metals"):      # "кольца не из золота и не из серебра"
        refused = list(prefs["excluded_metals"])
        names = (["золота"] if _GOLDS <= set(refused) else []) + \
            [METAL_GENITIVE[m] for m in refused if not (_GOLDS <= set(refused) and m in _GOLDS)]
        parts.append(" и ".join("не из " + name for name in names))
    if prefs.get("stones"):
        parts.append(stones_phrase(prefs["stones"]))
    elif prefs.get("no_stones"):
        parts.append("без камней")
    elif prefs.get("with_stones"):
        parts.append("с камнями")
    elif prefs.get("excluded_stones"):
        parts.append(excluded_stones_phrase(prefs["excluded_stones"]))
    if prefs.get("size") and prefs.get("type") in ("ring", "engagement_ring", "wedding_band"):
        parts.append(f"размера {size_number(prefs['size'])}")
    elif prefs.get("size") and prefs.get("type") in ("chain", "bracelet"):
        parts.append(f"длиной {size_number(prefs['size'])} см")
    if with_budget and budget_phrase(prefs.get("budget_min"), prefs.get("budget_max")):
        parts.append(budget_phrase(prefs.get("budget_min"), prefs.get("budget_max")))
    return " ".join(parts)


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe_preferences(prefs: dict) -> str:
    """A short Russian phrase: "помолвочное кольцо, белое золото, до 100 000 ₽" ("" if empty)."""
    p, lab = prefs, label
    implied = {"engagement_ring": "engagement", "wedding_band": "wedding"}.get(p.get("type"))
    occasion, who = p.get("occasion") if p.get("occasion") != implied else None, p.get("recipient")
    money = budget_phrase(p.get("budget_min"), p.get("budget_max"))
    parts = [p.get("type") and lab(PRODUCT_TYPES, p["type"]),
             not p.get("type") and p.get("excluded_types") and excluded_kinds_phrase(p["excluded_types"]),
             p.get("metal") and metal_label(p["metal"]),
             ", ".join("не " + lab(METALS, m) for m in p.get("excluded_metals") or ()),
             "камни: " + ", ".join(lab(STONES, s) for s in p["stones"]) if p.get("stones") else
             "без камней" if p.get("no_stones") else "с камнями" if p.get("with_stones") else
             excluded_stones_phrase(p["excluded_stones"]) if p.get("excluded_stones") else "",
             p.get("size") and size_phrase(p["size"]),
             p.get("style") and "стиль: " + lab(STYLES, p["style"]),
             occasion and "повод: " + lab({**OCCASIONS, "jubilee": ("юбилей", ())}, occasion),
             who and (lab(RECIPIENTS, who) if who == "self" else "кому: " + lab(RECIPIENTS, who)),
             money]
    return ", ".join(part for part in parts if part)
