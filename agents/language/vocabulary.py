"""The shop's vocabulary: canonical codes and their Russian labels.

Everything that describes a product (type, metal, stone, style, occasion, recipient) is
stored and compared as a short English code; people only ever see the Russian label.
The seed data, preference extraction, search and the page all share these tables, so a
code means the same thing everywhere.

Each entry maps code -> (label, stems). A stem is the start of a lower-cased Russian word
form with "ё" written as "е" ("кольц" matches кольцо, кольца, колечко is covered by "колеч").
Each table is a `Vocabulary`, indexed for matching as it is built (agents.language.matching).
The customers' own wording of wishes adjusts some of these (agents.language.wishes).
"""
from agents.language.matching import Vocabulary

PRODUCT_TYPES = Vocabulary({
    "engagement_ring": ("помолвочное кольцо", ("помолвочн", "для помолвк", "предложени")),
    "wedding_band": ("обручальное кольцо", ("обручальн", "обручалк", "венчальн")),
    "ring": ("кольцо", ("кольц", "колец", "колеч", "перстен", "печатк")),
    "earrings": ("серьги", ("серьг", "serg", "сереж", "серег", "пусет", "гвоздик", "конго", "клипс")),
    "necklace": ("колье", ("колье", "ожерель", "чокер")),
    "pendant": ("подвеска", ("подвеск", "подвесок", "кулон", "медальон")),
    "chain": ("цепочка", ("цепочк", "цепочек", "цепь", "цепи")),
    "bracelet": ("браслет", ("браслет",)),
    "brooch": ("брошь", ("брош",)),
    "cufflinks": ("запонки", ("запонк", "запонок")),
})

METALS = Vocabulary({
    "yellow_gold": ("жёлтое золото", ("желт", "золот")),
    "white_gold": ("белое золото", ("бел",)),
    "rose_gold": ("розовое золото", ("розов", "красн")),
    "silver": ("серебро", ("серебр",)),
    "platinum": ("платина", ("платин",)),
})

# Fineness (проба) each metal is sold in.
FINENESS = {"yellow_gold": (585, 750), "white_gold": (585, 750), "rose_gold": (585, 750),
            "silver": (925,), "platinum": (950,)}

STONES = Vocabulary({
    "diamond": ("бриллиант", ("бриллиант", "брилик", "алмаз")),
    "sapphire": ("сапфир", ("сапфир",)),
    "emerald": ("изумруд", ("изумруд",)),
    "ruby": ("рубин", ("рубин",)),
    "pearl": ("жемчуг", ("жемчуг", "жемчуж")),
    "topaz": ("топаз", ("топаз",)),
    "amethyst": ("аметист", ("аметист",)),
    "garnet": ("гранат", ("гранат",)),
    "citrine": ("цитрин", ("цитрин",)),
    "aquamarine": ("аквамарин", ("аквамарин",)),
    "cubic_zirconia": ("фианит", ("фианит",)),
})

STYLES = Vocabulary({
    "classic": ("классический", ("классик", "классич", "строг", "традицион")),
    "minimalist": ("минимализм", ("минимал", "лаконичн", "простой", "простое", "простые", "тонк", "неброск")),
    "modern": ("современный", ("современ", "модерн", "необычн", "геометри")),
    "vintage": ("винтаж", ("винтаж", "ретро", "старин", "антиквар")),
    "romantic": ("романтичный", ("романтич", "нежн", "цветоч", "сердечк", "сердц")),
    "luxury": ("роскошный", ("роскош", "эффектн", "шикарн", "массивн", "вечерн", "статусн")),
    "boho": ("бохо", ("бохо", "этно", "богемн")),
})

OCCASIONS = Vocabulary({
    "engagement": ("помолвка", ("помолвк", "предложени", "помолвочн")),
    "wedding": ("свадьба", ("свадьб", "свадеб", "обручальн", "венчани", "бракосочет")),
    "gift": ("подарок", ("подар", "подарить", "презент", "сюрприз")),
    "anniversary": ("годовщина", ("годовщин", "юбиле")),
    "birthday": ("день рождения", ("день рождени", "дня рождени", "днем рождени", "днюх")),
    "new_year": ("Новый год", ("новый год", "новогодн", "нового года", "новому году")),
    "march_8": ("8 Марта", ("8 марта", "восьмое марта", "8-е марта", "международный женский")),
    "everyday": ("на каждый день", ("каждый день", "повседнев", "на работу", "в офис")),
    "evening": ("выход в свет", ("вечерин", "выход в свет", "торжеств", "банкет", "театр")),
})

RECIPIENTS = Vocabulary({
    "self": ("для себя", ("себе", "для себя", "самой", "сам себе")),
    "wife": ("жене", ("жен", "супруг")),
    "girlfriend": ("девушке", ("девушк", "любим", "невест")),
    "mother": ("маме", ("мам", "матер", "мать")),
    "daughter": ("дочери", ("доч", "дочк")),
    "sister": ("сестре", ("сестр",)),
    "friend": ("подруге", ("подруг",)),
    "colleague": ("коллеге", ("коллег", "начальниц")),
    "husband": ("мужу", ("муж", "парн", "молодому человеку")),
    "man": ("мужчине", ("мужчин", "мужск", "отц", "пап", "брат")),
    # Children: a daughter or son of up to 13 is one too ("дочке 10 лет", agents.preferences).
    "girl": ("девочке", ("девочк", "внучк", "малышк", "школьниц", "крестниц")),
    "boy": ("мальчику", ("мальчик", "школьник", "крестник")),
    "child": ("ребёнку", ("ребен", "ребенк", "детск", "детям", "детей", "малыш")),
})

# Fashion trends the magazines write about; the trend agent counts their mentions.
TRENDS = Vocabulary({
    "pearls": ("жемчуг", ("жемчуг", "жемчуж")),
    "chunky_chains": ("массивные цепи", ("массивн цеп", "крупн цеп", "толст цеп", "chunky")),
    "layering": ("многослойность", ("многослой", "наслоени", "несколько цепоч", "layering")),
    "minimalism": ("минимализм", ("минимал", "лаконичн", "тонкие кольц", "тонкие цепоч")),
    "colored_stones": ("цветные камни", ("цветн камн", "цветные камни", "цветных камн", "яркие камни", "ярких камн")),
    "lab_diamonds": ("выращенные бриллианты", ("выращенн", "лабораторн")),
    "yellow_gold_revival": ("возвращение жёлтого золота", ("желтое золото", "желтого золота", "желтом золоте")),
    "vintage": ("винтаж", ("винтаж", "ретро", "антиквар", "бабушкин")),
    "signet_rings": ("кольца-печатки", ("печатк",)),
    "mismatched_earrings": ("асимметричные серьги", ("асимметри", "разные серьги", "непарн", "моносерьг")),
    "brooches": ("броши", ("брош",)),
    "nature_motifs": ("природные мотивы", ("природн мотив", "цветочн", "флористи", "листь", "ботаническ")),
    "sculptural_gold": ("скульптурное золото", ("скульптурн", "органическ форм", "пластичн")),
    "mens_jewelry": ("мужские украшения", ("мужск украш", "мужские украшения", "мужских украшен", "для мужчин")),
})


# Who a product is made for (the catalog's `recipient`), a customer's gender, an order's
# channel: the words a shop's own files use for them (jewelstream/data reads those files).
PRODUCT_RECIPIENTS = Vocabulary({
    "women": ("для женщин", ("женщин", "женск", "для нее", "дам")),
    "men": ("для мужчин", ("мужчин", "мужск", "для него")),
    "unisex": ("унисекс", ("унисекс", "unisex", "для всех", "всем")),
})
GENDERS = Vocabulary({"f": ("женский", ("ж", "жен", "женск", "female", "woman", "f")),
           "m": ("мужской", ("м", "муж", "мужск", "male", "man", "m"))})
CHANNELS = Vocabulary({"store": ("магазин", ("магазин", "салон", "розниц", "офлайн", "store", "offline")),
            "online": ("интернет", ("интернет", "онлайн", "сайт", "online", "web", "доставк"))})


def label(table, code):
    """The Russian label of `code` in one of the tables above (the code itself if unknown)."""
    entry = table.get(code)
    return entry[0] if entry else code
