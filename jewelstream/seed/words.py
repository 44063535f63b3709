"""Russian word parts that catalog.py assembles product names and descriptions from.

Builds no products itself: it holds the nouns of each product type (with grammatical
gender), style adjectives, metal and stone phrases, collection names and occasion
sentences, plus `agree()`, which puts an adjective into the form its noun needs.
It leaves out randomness and prices; catalog.py decides what goes with what.

Wording rule: a phrase may only contain vocabulary stems (agents/language/vocabulary.py) of the
thing it describes. A style adjective never starts like a metal ("бел..."), a construction
phrase never names another product type ("на цепочке" would match chains) and an
occasion sentence names only its own occasion. tests/unit/test_seed.py checks this on the
generated catalog.
"""


def agree(adjective: str, gender: str) -> str:
    """`adjective` (masculine nominative singular) in the form for gender "m", "f", "n" or "pl".

    agree("нежный", "pl") -> "нежные"; agree("строгий", "n") -> "строгое";
    agree("вечерний", "f") -> "вечерняя"; agree("простой", "pl") -> "простые".
    """
    if gender == "m":
        return adjective
    stem, ending = adjective[:-2], adjective[-2:]
    velar, sibilant = stem[-1] in "гкх", stem[-1] in "жшщч"
    if ending == "ий" and not velar and not sibilant:  # soft stem: вечерний, синий
        forms = {"f": "яя", "n": "ее", "pl": "ие"}
    else:
        forms = {"f": "ая",
                 "n": "ее" if sibilant and ending == "ий" else "ое",
                 "pl": "ие" if velar or sibilant else "ые"}
    return stem + forms[gender]


def capitalize(text: str) -> str:
    """First letter upper-cased, the rest untouched (str.capitalize would lower «Имена»)."""
    return text[:1].upper() + text[1:]


# Product nouns: code -> {noun: (gender, construction phrases)}. A construction phrase
# follows the noun in the description ("кольцо с широкой шинкой") and needs no agreement.
NOUNS = {
    "engagement_ring": {"помолвочное кольцо": ("n", (
        "с центральным камнем на шести лапках", "с высокой закрепкой центрального камня",
        "с изящной шинкой", "с камнем, приподнятым над шинкой",
        "с камнем в закрепке-корзинке"))},
    "wedding_band": {"обручальное кольцо": ("n", (
        "с гладкой полированной поверхностью", "с матовой серединой и блестящими краями",
        "комфортной посадки со скруглённой внутренней стороной", "с гравировкой по центру",
        "с поперечными насечками"))},
    "ring": {
        "кольцо": ("n", ("с широкой шинкой", "с открытой шинкой", "со скруглённым силуэтом",
                         "с плавным изгибом", "с рельефной поверхностью")),
        "перстень": ("m", ("с крупной площадкой под камень", "с гранёными плечами")),
        "печатка": ("f", ("с гладкой площадкой под гравировку", "с овальной площадкой",
                          "с квадратной площадкой")),
    },
    "earrings": {
        "серьги": ("pl", ("с английским замком", "с французским замком", "с подвижными элементами",
                          "удлинённой формы", "с застёжкой-петлёй")),
        "пусеты": ("pl", ("на надёжной застёжке", "круглой формы")),
    },
    "necklace": {
        "колье": ("n", ("с регулируемой длиной", "с центральным элементом", "с объёмным центром")),
        "ожерелье": ("n", ("в одну нить", "в две нити")),
        "чокер": ("m", ("плотно по шее", "с регулируемой длиной")),
    },
    "pendant": {
        "подвеска": ("f", ("в форме капли", "круглой формы", "с объёмным рельефом", "в форме звезды")),
        "кулон": ("m", ("в форме капли", "овальной формы", "с гравировкой на обороте")),
        "медальон": ("m", ("с открывающейся крышкой", "с гравированным узором")),
    },
    "chain": {
        "цепочка": ("f", ("плетения «якорь»", "плетения «снейк»", "плетения «ролло»",
                          "плетения «сингапур»", "плетения «нонна»")),
        "цепь": ("f", ("плетения «бисмарк»", "плетения «панцирь»", "плетения «ромб»")),
    },
    "bracelet": {"браслет": ("m", (
        "с регулируемой застёжкой", "с замком-карабином", "жёсткой формы", "плетения «бисмарк»",
        "со звеньями-овалами", "на шнурке с регулировкой"))},
    "brooch": {"брошь": ("f", (
        "в форме стрекозы", "в форме банта", "в форме ветки", "в форме бабочки",
        "на надёжной булавке", "овальной формы"))},
    "cufflinks": {"запонки": ("pl", (
        "с поворотным механизмом", "квадратной формы", "круглой формы",
        "с гладкой площадкой под гравировку"))},
}

# Adjectives that say a style out loud (each starts with one of the style's stems).
STYLE_ADJECTIVES = {
    "classic": ("классический", "строгий", "традиционный"),
    "minimalist": ("лаконичный", "минималистичный", "тонкий", "неброский"),
    "modern": ("современный", "необычный", "геометрический"),
    "vintage": ("винтажный",),
    "romantic": ("нежный", "романтичный"),
    "luxury": ("роскошный", "эффектный", "шикарный"),
    "boho": ("богемный",),
}

METAL_GENITIVE = {
    "yellow_gold": "жёлтого золота", "white_gold": "белого золота",
    "rose_gold": "розового золота", "silver": "серебра", "platinum": "платины",
}

# Stone -> (instrumental singular, instrumental plural): "с сапфиром", "с сапфирами".
STONE_INSTRUMENTAL = {
    "diamond": ("бриллиантом", "бриллиантами"), "sapphire": ("сапфиром", "сапфирами"),
    "emerald": ("изумрудом", "изумрудами"), "ruby": ("рубином", "рубинами"),
    "pearl": ("жемчугом", "жемчугом"), "topaz": ("топазом", "топазами"),
    "amethyst": ("аметистом", "аметистами"), "garnet": ("гранатом", "гранатами"),
    "citrine": ("цитрином", "цитринами"), "aquamarine": ("аквамарином", "аквамаринами"),
    "cubic_zirconia": ("фианитом", "фианитами"),
}

# Collection names by style; each product belongs to a collection and shows it in «».
# None of them contains a vocabulary stem (no "Золотой...", "Алмазный...", "Гранат").
COLLECTIONS = {
    "classic": ("Гармония", "Прима", "Соната", "Аристократ", "Грация", "Элегия", "Венеция",
                "Императрица", "Вечность", "Созвездие", "Прованс"),
    "minimalist": ("Линия", "Точка", "Штрих", "Капля", "Искра", "Нить", "Контур", "Альфа",
                   "Лёгкость", "Тишина", "Пульс"),
    "modern": ("Орбита", "Вектор", "Кристалл", "Призма", "Мегаполис", "Спираль", "Импульс",
               "Волна", "Квадрат", "Парабола", "Неон"),
    "vintage": ("Прекрасная эпоха", "Фамильная реликвия", "Версаль", "Ар-деко", "Эрмитаж",
                "Старый Петербург", "Камея", "Граммофон", "Шкатулка", "Мадемуазель"),
    "romantic": ("Утренняя роса", "Первое свидание", "Весенний сад", "Сакура", "Незабудка",
                 "Лунный свет", "Поцелуй", "Мечта", "Ландыш", "Облако", "Бабочка"),
    "luxury": ("Северное сияние", "Королевский бал", "Звёздная ночь", "Империал", "Монплезир",
               "Гранд", "Тиара", "Шампань", "Петергоф", "Эльдорадо", "Фаберже"),
    "boho": ("Кочевница", "Солнечный ветер", "Алтай", "Перо жар-птицы", "Полынь", "Лесная тропа",
             "Берег", "Караван", "Дикая мята", "Саванна"),
}
# Men's collections (cufflinks, signets, men's chains and bracelets), by style.
MENS_COLLECTIONS = {
    "classic": ("Граф", "Оксфорд", "Кодекс", "Дипломат"),
    "modern": ("Монолит", "Меридиан", "Стратег", "Горизонт"),
    "luxury": ("Атлант", "Бастион", "Регата", "Магнат"),
    "vintage": ("Фамильный герб", "Капитан", "Навигатор", "Рыцарь"),
}

# Occasion -> sentences closing a description; each contains that occasion's stems only
# and reads right after a noun of any gender or number.
OCCASION_SENTENCES = {
    "engagement": ("Для того самого предложения, которое запомнится навсегда.",
                   "Главное украшение помолвки."),
    "wedding": ("Украшение для свадьбы, которое носят всю жизнь.",
                "Выбор пар, которые готовятся к свадьбе."),
    "gift": ("В фирменной коробке — готовый подарок.",
             "Хороший вариант подарка близкому человеку."),
    "anniversary": ("Красивый способ отметить годовщину.",
                    "Украшение, чтобы отметить юбилей или годовщину."),
    "birthday": ("Запоминающийся знак внимания на день рождения.",),
    "new_year": ("Украшение для новогодней ночи.", "Для хорошего настроения в новогодние праздники."),
    "march_8": ("Прекрасный знак внимания к 8 Марта.", "Хороший повод порадовать к 8 Марта."),
    "everyday": ("Удобно носить каждый день.", "Выбор на каждый день и в офис."),
    "evening": ("Для выхода в свет и торжественных событий.", "Для торжества, театра и вечеринки."),
}
