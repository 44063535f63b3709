"""The words customers use for their wishes, where they differ from the shop's vocabulary
(agents.language.vocabulary): the tables preference extraction (agents.preferences)
reads. Each is the shop's table with stems added or dropped ("предложение" alone is also
"an offer"; "юбилей" is a round birthday unless it is the wedding's), plus the colour
words of gold, the two metals that are never a colour, "any stone", and plain "золото"
(`ANY_GOLD`: in a jeweller's "золото" is the metal, yellow, white or rose alike).

What it leaves out: the rules that use them (which colour belongs to which "золото",
refusals, budgets): agents.preferences and agents.language.budget.
"""
from __future__ import annotations

import re

from agents.language import vocabulary
from agents.language.matching import Vocabulary


def _adjusted(table, add=None, drop=None):
    """A copy of a vocabulary table with extra stems (and a few removed ones)."""
    add, drop = add or {}, drop or {}
    return Vocabulary({code: (lab, tuple(s for s in stems if s not in drop.get(code, ())) + add.get(code, ()))
                       for code, (lab, stems) in table.items()})


# Bare "предложени" is also "an offer" ("какие есть предложения?"): keep proposal phrases.
# ("сделать [ей] предложение" is found by `_PROPOSING`, the words between vary.)
_PROPOSAL = ("для предложени", "на предложени", "к предложени", "предложени руки", "руку и сердце")
PROPOSING = re.compile(r"\bс?дела\w*(?:\s+\w+){0,2}\s+предложени")
TYPES = _adjusted(vocabulary.PRODUCT_TYPES, drop={"engagement_ring": ("предложени",)}, add={
    "engagement_ring": _PROPOSAL, "earrings": ("серег",), "chain": ("цепоч",),
    "cufflinks": ("запон",), "ring": ("печаток", "калеч", "калец", "колц")})   # "калечко", "колцо": misspellings
# "Юбилей" is a round birthday unless it is the wedding's ("юбилей свадьбы").
OCCASIONS = Vocabulary({**_adjusted(vocabulary.OCCASIONS, drop={"engagement": ("предложени",), "anniversary": ("юбиле",)}, add={
    "engagement": _PROPOSAL, "birthday": ("дню рождени",), "march_8": ("восьм марта", "женск дн"),
    "new_year": ("рождеств",), "anniversary": ("лет свадьб", "летие свадьб", "лет брак", "лет вместе",
                    "юбиле свадьб", "юбиле совместн"),
    "evening": ("корпоратив", "выпускн"), "everyday": ("ежедневн", "не снима")}),
    "jubilee": ("юбилей", ("юбиле",))})
RECIPIENTS = _adjusted(vocabulary.RECIPIENTS, drop={"girlfriend": ("любим",), "self": ("самой",)}, add={
    "self": ("себя",), "girlfriend": ("любимой", "любимую", "любимая"),
    "husband": ("парен", "любимому", "любимого", "жених"), "man": ("отец", "сын", "дедушк", "мужик"),
    "mother": ("свекров", "тещ", "бабушке", "бабушка", "бабушку", "бабушки", "бабул"),   # not "бабушкин" (a style)
    "friend": ("подруж",), "colleague": ("сотрудниц", "начальник")})
STYLES = _adjusted(vocabulary.STYLES, add={
    "classic": ("элегантн",), "minimalist": ("изящн", "аккуратн", "небольш", "маленьк", "простеньк"),
    "modern": ("оригинальн", "нестандартн", "авангард", "креатив"), "vintage": ("бабушкин",),
    "romantic": ("милы", "мило", "милая", "милую"), "luxury": ("крупн", "ярк")})
STONES = _adjusted(vocabulary.STONES, add={"diamond": ("брюл", "брилиант")})   # "брилиант": a misspelling
ANY_STONE = Vocabulary({"stone": ("", ("камн", "камен", "камуш", "вставк"))})
COLORS = Vocabulary({"white_gold": ("", ("бел",)), "yellow_gold": ("", ("желт",)),
                     "rose_gold": ("", ("розов", "красн"))})
# A stone's colour ("с голубыми камнями", "а с зелёными?"): the shop's stones of that colour.
STONE_COLORS = Vocabulary({"blue": ("", ("голуб", "син")), "green": ("", ("зелен",)),
                           "red": ("", ("красн", "алы", "бордов")), "violet": ("", ("фиолет", "сиренев", "лилов")),
                           "yellow": ("", ("желт",)), "white": ("", ("прозрачн",))})
COLOR_STONES = {"blue": ("sapphire", "topaz", "aquamarine"), "green": ("emerald",), "red": ("ruby", "garnet"),
                "violet": ("amethyst",), "yellow": ("citrine",), "white": ("diamond", "cubic_zirconia")}
PLAIN_METALS = _adjusted(Vocabulary({code: vocabulary.METALS[code] for code in ("silver", "platinum")}),
                         add={"silver": ("серибр", "сиребр", "сирибр")})   # common misspellings
GOLD = Vocabulary({"gold": ("золото", ("золот", "залот"))})  # the word a colour agrees with ("залото": a typo)
SMOOTH = Vocabulary({"smooth": ("гладкое", ("гладк",))})      # a piece without stones
GOLDS = ("yellow_gold", "white_gold", "rose_gold")
# Plain "золото" with no colour is the metal, every gold: the wish's code, and what it covers.
ANY_GOLD = "gold"


def metals_meant(code: str) -> tuple[str, ...]:
    """The catalog's metals a wished metal covers: "gold" is every gold, others themselves."""
    return GOLDS if code == ANY_GOLD else (code,)
