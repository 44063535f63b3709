"""The shop's catalog: 335 products with Russian names, descriptions, prices and stock.

`build_catalog()` walks TYPE_PLAN and, for every product, decides in this order: who it is
for, its style, metal and fineness, stones (with carats for diamonds), the noun and the
collection it is named after, its price, occasions, description and stock. Names look like
"Помолвочное кольцо «Утренняя роса» из белого золота 585° с бриллиантом 0,3 кт"; the word
parts live in words.py.

Last, apart from the random stream above (so adding them changed no product), each product
gets an article number a salesperson can find ("ER-0001": type prefix and number) and, for
rings, bracelets and chains, the sizes it is made in (`fitting_sizes`).

Left out: images (jewelstream/media.py draws an illustration), weights in grams, the order
history (that is customers.py) and any I/O: the function returns plain dicts for the store
to insert.
"""

import random

from .words import (COLLECTIONS, MENS_COLLECTIONS, METAL_GENITIVE, NOUNS, OCCASION_SENTENCES,
                    STONE_INSTRUMENTAL, STYLE_ADJECTIVES, agree, capitalize)

SEED = 20241101

# type: (how many, metal weights, base price range for gold 585 without stones, chance of no stones)
TYPE_PLAN = {
    "engagement_ring": (40, {"white_gold": 4, "yellow_gold": 2, "rose_gold": 2, "platinum": 2},
                        (22_000, 36_000), 0.0),
    "wedding_band": (30, {"yellow_gold": 4, "white_gold": 3, "rose_gold": 2, "platinum": 1},
                     (14_000, 42_000), 0.7),
    "ring": (50, {"silver": 4, "yellow_gold": 3, "white_gold": 2, "rose_gold": 2, "platinum": 0.5},
             (12_000, 34_000), 0.3),
    "earrings": (50, {"silver": 4, "yellow_gold": 2, "white_gold": 2, "rose_gold": 2, "platinum": 0.5},
                 (10_000, 38_000), 0.15),
    "necklace": (25, {"silver": 3, "yellow_gold": 3, "white_gold": 2, "rose_gold": 1, "platinum": 0.5},
                 (28_000, 85_000), 0.3),
    "pendant": (40, {"silver": 4, "yellow_gold": 3, "white_gold": 2, "rose_gold": 2, "platinum": 0.3},
                (7_000, 24_000), 0.3),
    "chain": (25, {"silver": 4, "yellow_gold": 4, "white_gold": 2, "rose_gold": 1},
              (14_000, 70_000), 1.0),
    "bracelet": (35, {"silver": 4, "yellow_gold": 3, "white_gold": 2, "rose_gold": 2},
                 (16_000, 75_000), 0.5),
    "brooch": (20, {"silver": 3, "yellow_gold": 3, "white_gold": 1, "rose_gold": 1},
               (18_000, 60_000), 0.2),
    "cufflinks": (20, {"silver": 5, "yellow_gold": 2, "white_gold": 2},
                  (26_000, 65_000), 0.55),
}

DEFAULT_STYLES = {"classic": 2, "minimalist": 2, "modern": 2, "vintage": 1, "romantic": 2,
                  "luxury": 1.5, "boho": 1}
TYPE_STYLES = {
    "engagement_ring": {"classic": 4, "minimalist": 2, "romantic": 2, "vintage": 1, "luxury": 2, "modern": 1},
    "wedding_band": {"classic": 5, "minimalist": 3, "modern": 2},
    "chain": {"classic": 3, "minimalist": 3, "luxury": 2, "modern": 1},
    "brooch": {"vintage": 3, "romantic": 2, "luxury": 2, "modern": 1, "boho": 1, "classic": 1},
}
MENS_STYLES = {"classic": 3, "modern": 2, "luxury": 2, "vintage": 1}
UNISEX_STYLES = {"minimalist": 3, "modern": 2, "classic": 1}

# (weights women, men, unisex) per type; types not listed are for women.
RECIPIENTS = {"wedding_band": (0, 0, 1), "cufflinks": (0, 1, 0), "ring": (72, 18, 10),
              "chain": (25, 30, 45), "bracelet": (65, 20, 15), "pendant": (85, 0, 15)}

STYLE_STONES = {
    "classic": ("diamond", "sapphire", "emerald", "ruby", "pearl", "topaz"),
    "minimalist": ("diamond", "cubic_zirconia", "pearl", "topaz"),
    "modern": ("cubic_zirconia", "topaz", "aquamarine", "diamond", "amethyst"),
    "vintage": ("garnet", "amethyst", "citrine", "pearl", "emerald", "ruby"),
    "romantic": ("pearl", "topaz", "amethyst", "garnet", "cubic_zirconia", "diamond", "ruby"),
    "luxury": ("diamond", "emerald", "sapphire", "ruby"),
    "boho": ("amethyst", "citrine", "garnet", "aquamarine", "topaz", "pearl"),
}
SILVER_STONES = {"cubic_zirconia", "topaz", "amethyst", "garnet", "citrine", "aquamarine", "pearl"}
PRECIOUS = {"diamond", "sapphire", "emerald", "ruby", "pearl"}
# Gold-setting price range of one stone choice; silver pieces use a fifth of it.
STONE_PRICE = {"sapphire": (15_000, 80_000), "emerald": (18_000, 95_000), "ruby": (15_000, 85_000),
               "pearl": (5_000, 30_000), "topaz": (2_500, 12_000), "amethyst": (2_000, 10_000),
               "garnet": (2_000, 9_000), "citrine": (2_000, 9_000), "aquamarine": (3_000, 14_000),
               "cubic_zirconia": (600, 2_500)}
# Types whose stones come in pairs or sets, so the name says "с топазами".
PLURAL_STONE_TYPES = {"earrings", "necklace", "bracelet", "brooch", "cufflinks", "wedding_band"}

STYLE_OCCASIONS = {
    "classic": ("anniversary", "evening", "everyday", "birthday"),
    "minimalist": ("everyday", "birthday", "march_8"),
    "modern": ("everyday", "birthday", "new_year"),
    "vintage": ("evening", "anniversary", "birthday"),
    "romantic": ("march_8", "birthday", "new_year", "anniversary"),
    "luxury": ("evening", "anniversary", "new_year"),
    "boho": ("everyday", "birthday", "march_8"),
}

METAL_FACTOR = {"yellow_gold": 1.0, "white_gold": 1.05, "rose_gold": 1.0, "platinum": 1.9}
# Allowed price range by (metal kind, fineness).
PRICE_RANGE = {("silver", 925): (1_500, 25_000), ("gold", 585): (8_000, 250_000),
               ("gold", 750): (15_000, 900_000), ("platinum", 950): (30_000, 1_500_000)}


# Article number prefix per type: "ER-0001" is the engagement ring p0001.
ARTICLE_PREFIX = {"engagement_ring": "ER", "wedding_band": "WB", "ring": "RG", "earrings": "EA",
                  "necklace": "NK", "pendant": "PD", "chain": "CH", "bracelet": "BR",
                  "brooch": "BH", "cufflinks": "CL"}
# Sizes a type comes in: Russian ring sizes (inner diameter, mm), lengths in cm.
SIZE_RANGES = {"engagement_ring": (15, 15.5, 16, 16.5, 17, 17.5, 18, 18.5, 19, 19.5, 20),
               "wedding_band": (15, 15.5, 16, 16.5, 17, 17.5, 18, 18.5, 19, 19.5, 20, 20.5, 21, 22),
               "ring": (15, 15.5, 16, 16.5, 17, 17.5, 18, 18.5, 19, 19.5, 20, 21),
               "bracelet": (16, 17, 18, 19, 20, 21),
               "chain": (40, 45, 50, 55, 60)}


def build_catalog() -> list[dict]:
    """All products, ids p0001.., grouped by type; same result on every call."""
    rng = random.Random(SEED)
    products, names = [], set()
    for ptype, (count, metals, base_range, no_stone_chance) in TYPE_PLAN.items():
        for _ in range(count):
            product = _make_product(rng, ptype, metals, base_range, no_stone_chance, names)
            products.append({"id": f"p{len(products) + 1:04d}", **product})
    sizes_rng = random.Random(f"{SEED}-sizes")    # its own stream: the products above stay as they were
    for product in products:
        product["article"] = f"{ARTICLE_PREFIX[product['type']]}-{product['id'][1:]}"
        product["sizes"] = fitting_sizes(sizes_rng, product["type"])
    return products


def fitting_sizes(rng, ptype: str) -> list[float | int]:
    """The sizes a piece is made in, ascending: a run of 3-7 neighbouring sizes of the
    type's range; [] for types without sizes."""
    sizes = SIZE_RANGES.get(ptype)
    if not sizes:
        return []
    count = rng.randint(3, min(7, len(sizes)))
    start = rng.randint(0, len(sizes) - count)
    return list(sizes[start:start + count])


def _make_product(rng, ptype, metals, base_range, no_stone_chance, names) -> dict:
    """One product of type `ptype` (without its id); adds its name to `names`."""
    recipient = _pick(rng, dict(zip(("women", "men", "unisex"), RECIPIENTS.get(ptype, (1, 0, 0)))))
    styles = MENS_STYLES if recipient == "men" else UNISEX_STYLES if recipient == "unisex" \
        else TYPE_STYLES.get(ptype, DEFAULT_STYLES)
    style = _pick(rng, styles)
    metal = _pick(rng, metals)
    fineness = 925 if metal == "silver" else 950 if metal == "platinum" else rng.choice((585, 585, 750))
    if recipient == "men":
        no_stone_chance = max(no_stone_chance, 0.6)
    stones, carat, lab = _stones(rng, ptype, style, metal, fineness, no_stone_chance)
    noun = _noun(rng, ptype, style, recipient, stones)
    gender = NOUNS[ptype][noun][0]
    stone_text = _stone_phrase(ptype, stones, carat, lab)
    name = _unique_name(rng, noun, gender, style, recipient, metal, fineness, stone_text, names)
    occasions = _occasions(rng, ptype, style, recipient)
    price = _price(rng, ptype, style, metal, fineness, stones, carat, lab, base_range, noun)
    description = _description(rng, ptype, noun, style, recipient, stone_text, occasions, name)
    stock_top = 4 if price > 200_000 else 8 if price > 80_000 else 25
    stock = 0 if rng.random() < 0.12 else rng.randint(1, stock_top)
    return {"name": name, "type": ptype, "metal": metal, "fineness": fineness,
            "stones": stones, "style": style, "occasions": occasions, "recipient": recipient,
            "price": price, "stock": stock, "description": description}


def _pick(rng, weights: dict):
    """One key of `weights`, chosen with those weights."""
    keys = [k for k, w in weights.items() if w > 0]
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _stones(rng, ptype, style, metal, fineness, no_stone_chance):
    """(stone codes, diamond carat or None, lab-grown?) for one product."""
    if ptype == "engagement_ring":
        lab = rng.random() < 0.2
        if fineness == 585:
            carats = (0.5, 0.7, 0.8) if lab else (0.1, 0.1, 0.15, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
        else:
            carats = (0.8, 1.0, 1.5, 2.0) if lab else (0.2, 0.3, 0.5, 0.7, 1.0, 1.5)
        if not lab and rng.random() < 0.2:
            return [rng.choice(("sapphire", "emerald", "ruby")), "diamond"], rng.choice((0.05, 0.1, 0.15)), False
        return ["diamond"], rng.choice(carats), lab
    if rng.random() < no_stone_chance:
        return [], None, False
    allowed = SILVER_STONES if metal == "silver" else PRECIOUS if metal == "platinum" else \
        (set(STONE_PRICE) | {"diamond"}) - ({"cubic_zirconia"} if fineness == 750 else set())
    if ptype == "wedding_band":
        allowed &= {"diamond"}
    options = [s for s in STYLE_STONES[style] if s in allowed] or sorted(allowed)
    stone = rng.choice(options)
    if stone in ("sapphire", "emerald", "ruby") and rng.random() < 0.5:
        return [stone, "diamond"], rng.choice((0.05, 0.08, 0.1, 0.15)), False
    if stone != "diamond":
        return [stone], None, False
    carats = (0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3)
    if style == "luxury":
        carats = carats[3:] + ((0.5, 0.7) if fineness == 585 else (0.5, 0.7, 1.0, 1.5))
    lab = ptype in ("earrings", "pendant") and rng.random() < 0.15
    return ["diamond"], rng.choice(carats), lab


def _noun(rng, ptype, style, recipient, stones) -> str:
    """Which noun of the type to use: печатка for men's rings, пусеты for small studs..."""
    if ptype == "ring":
        return rng.choice(("печатка", "печатка", "перстень")) if recipient == "men" else "кольцо"
    if ptype == "earrings" and style == "minimalist" and stones and rng.random() < 0.5:
        return "пусеты"
    if ptype == "necklace":
        if "pearl" in stones and rng.random() < 0.6:
            return "ожерелье"
        return "чокер" if style in ("modern", "boho") and rng.random() < 0.4 else "колье"
    if ptype == "pendant":
        if style == "vintage" and rng.random() < 0.6:
            return "медальон"
        return rng.choice(("подвеска", "подвеска", "кулон"))
    if ptype == "chain":
        return "цепь" if (recipient == "men" or style == "luxury") and rng.random() < 0.7 else "цепочка"
    return next(iter(NOUNS[ptype]))


def _carat_text(carat: float) -> str:
    text = f"{carat:.2f}".rstrip("0")
    return (text + "0" if text.endswith(".") else text).replace(".", ",")


def _stone_phrase(ptype, stones, carat, lab) -> str:
    """" с бриллиантом 0,3 кт", " с сапфиром и бриллиантами", " с топазами" or ""."""
    if not stones:
        return ""
    plural = ptype in PLURAL_STONE_TYPES
    if len(stones) == 2:  # coloured centre stone with small diamonds around it
        centre = STONE_INSTRUMENTAL[stones[0]][plural and ptype != "wedding_band"]
        return f" с {centre} и бриллиантами"
    stone = stones[0]
    words = STONE_INSTRUMENTAL[stone][plural]
    if stone == "diamond":
        if lab:
            words = ("выращенными " if plural else "выращенным ") + words
        return f" с {words} {_carat_text(carat)} кт"
    return f" с {words}"


def _unique_name(rng, noun, gender, style, recipient, metal, fineness, stone_text, names) -> str:
    """Type noun, «collection», metal and stones; retries collections until the name is new."""
    pool = MENS_COLLECTIONS[style] if recipient == "men" else COLLECTIONS[style]
    for _ in range(60):
        head = noun
        if noun not in ("помолвочное кольцо", "обручальное кольцо") and rng.random() < 0.25:
            head = f"{agree(rng.choice(STYLE_ADJECTIVES[style]), gender)} {noun}"
        name = f"{capitalize(head)} «{rng.choice(pool)}» из {METAL_GENITIVE[metal]} {fineness}°{stone_text}"
        if name not in names:
            names.add(name)
            return name
    raise RuntimeError(f"ran out of names for {noun} / {style}")


def _description(rng, ptype, noun, style, recipient, stone_text, occasions, name) -> str:
    """Two sentences: "Нежная подвеска в форме капли, украшенная аметистом. <occasion>."

    The adjective says the style (a different one from the name's, if the name has one).
    """
    gender, constructions = NOUNS[ptype][noun]
    adjectives = [a for a in STYLE_ADJECTIVES[style] if agree(a, gender) not in name.lower()]
    adjective = rng.choice(adjectives or STYLE_ADJECTIVES[style])
    if recipient == "men" and style == "luxury":
        adjective = "массивный"
    first = f"{capitalize(agree(adjective, gender))} {noun} {rng.choice(constructions)}"
    if stone_text:
        first += f", {agree('украшенный', gender)} {stone_text[len(' с '):]}"
    return f"{first}. {rng.choice(OCCASION_SENTENCES[rng.choice(occasions)])}"


def _occasions(rng, ptype, style, recipient) -> list[str]:
    """1-3 occasion codes: engagement rings are for engagements, most other pieces are gifts."""
    if ptype == "engagement_ring":
        return ["engagement"] + (["anniversary"] if rng.random() < 0.15 else [])
    if ptype == "wedding_band":
        return ["wedding"] + (["anniversary"] if rng.random() < 0.2 else [])
    pool = [o for o in STYLE_OCCASIONS[style] if not (recipient != "women" and o == "march_8")]
    if ptype == "cufflinks":
        pool += ["wedding", "evening"]
    chosen = ["gift"] if rng.random() < 0.7 else []
    extra = rng.sample(sorted(set(pool)), k=min(len(set(pool)), rng.randint(1, 2)))
    return chosen + extra


def _diamond_price(carat: float, lab: bool) -> float:
    per_carat = (150_000 if carat < 0.1 else 220_000 if carat < 0.2 else 300_000 if carat < 0.4
                 else 420_000 if carat < 0.7 else 550_000 if carat < 1.0 else 750_000)
    return carat * per_carat * (0.3 if lab else 1.0)


def _price(rng, ptype, style, metal, fineness, stones, carat, lab, base_range, noun) -> int:
    """Rubles: metal work + stones, kept inside the range of the metal and rounded to ...990."""
    work = rng.uniform(*base_range)
    work *= {"luxury": 1.5, "minimalist": 0.75}.get(style, 1.0) * (1.6 if noun == "цепь" else 1.0)
    silver = metal == "silver"
    work = work * 0.1 + 900 if silver else work * METAL_FACTOR[metal] * (1.4 if fineness == 750 else 1.0)
    for stone in stones:
        if stone == "diamond":
            work += _diamond_price(carat, lab)
        else:
            low, high = STONE_PRICE[stone]
            add = rng.uniform(low, high) * (2.5 if ptype == "necklace" else 1.0)
            work += add * (0.2 if silver else 1.0)
    kind = "silver" if silver else "platinum" if metal == "platinum" else "gold"
    low, high = PRICE_RANGE[(kind, fineness)]
    if not low <= work <= high * 0.98:  # pull outliers back inside, keeping prices varied
        work = low * rng.uniform(1.02, 1.4) if work < low else high * rng.uniform(0.8, 0.98)
    step = 100 if work < 10_000 else 1_000
    price = int(round(work / step) * step - 10)
    return max(low, min(high, price))
