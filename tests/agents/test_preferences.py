"""Preference extraction from real-sounding Russian customer messages."""
from __future__ import annotations

import pytest

from agents.preferences import describe_preferences, extract_preferences

KEYS = {"budget_min", "budget_max", "type", "types", "kind_name", "metal", "stones", "no_stones", "excluded_metals",
        "excluded_stones", "excluded_types", "with_stones", "size", "style", "occasion", "recipient", "price_level"}

# (message, the fields we expect; fields not named must be empty: None / [] / False)
CASES = [
    ("Хочу подарить маме серьги с жемчугом, тысяч до 30",
     dict(type="earrings", stones=["pearl"], recipient="mother", occasion="gift", budget_max=30000)),
    ("Ищу обручальные кольца к свадьбе в августе, из белого золота",
     dict(type="wedding_band", metal="white_gold", occasion="wedding")),
    ("Мужу на годовщину, что-нибудь до 50к",
     dict(recipient="husband", occasion="anniversary", budget_max=50000)),
    ("Подскажите помолвочное кольцо с бриллиантом, бюджет до 150 тысяч",
     dict(type="engagement_ring", stones=["diamond"], occasion="engagement", budget_max=150000)),
    ("Хочу сделать девушке предложение, нужно кольцо, белое золото, до 100 000 ₽",
     dict(type="engagement_ring", occasion="engagement", recipient="girlfriend", metal="white_gold",
          budget_max=100000)),
    ("Серьги жене на годовщину свадьбы, она любит сапфиры",
     dict(type="earrings", recipient="wife", occasion="anniversary", stones=["sapphire"])),
    ("Нужна цепочка из серебра для сына, недорого, до 5 тысяч",
     dict(type="chain", metal="silver", recipient="man", occasion="gift", budget_max=5000)),
    ("Ищу браслет на каждый день, что-нибудь лаконичное, около 20 тысяч",
     dict(type="bracelet", occasion="everyday", style="minimalist", budget_min=17000, budget_max=23000)),
    ("Покажите кулоны с изумрудом в жёлтом золоте",
     dict(type="pendant", stones=["emerald"], metal="yellow_gold")),
    ("Хочу кольцо из розового золота без камней, простое",
     dict(type="ring", metal="rose_gold", no_stones=True, style="minimalist")),
    ("Подарок подруге на день рождения, серьги-гвоздики, в пределах 10-15 тысяч",
     dict(type="earrings", kind_name="пусеты", recipient="friend", occasion="birthday", budget_min=10000, budget_max=15000)),
    ("Что есть из платины для мужчины? Запонки или печатка",
     dict(type="cufflinks", types=["cufflinks", "печатка"], metal="platinum", recipient="man", occasion="gift")),
    ("Не люблю серебро, покажите кольца с рубинами",
     dict(type="ring", stones=["ruby"], excluded_metals=["silver"])),
    ("Ищу колье к вечернему платью, что-то эффектное, от 200 тысяч",
     dict(type="necklace", style="luxury", budget_min=200000)),
    ("Дочке на выпускной подвеску с топазом, до 15 000 рублей",
     dict(type="pendant", stones=["topaz"], recipient="daughter", occasion="evening", budget_max=15000)),
    ("Хочу серьги из золота, но не белого",
     dict(type="earrings", metal="gold", excluded_metals=["white_gold"])),     # gold, any but white
    ("Сестре на 8 марта браслет, тысячи за три",
     dict(type="bracelet", recipient="sister", occasion="march_8", budget_min=2550, budget_max=3450)),
    ("Обручальное кольцо для помолвки с фианитом, до 40 тыс.",
     dict(type="engagement_ring", occasion="engagement", stones=["cubic_zirconia"], budget_max=40000)),
    ("Какие есть винтажные броши? Бюджет 1,5 млн",
     dict(type="brooch", style="vintage", budget_max=1500000)),
    ("Нужен подарок коллеге на новый год, не дороже 3000",
     dict(recipient="colleague", occasion="new_year", budget_max=3000)),
    ("Кольцо 17 размера, 585 проба, с бриллиантом 0,5 карата, до 120 тысяч",
     dict(type="ring", stones=["diamond"], budget_max=120000, size=17.0)),
    ("Гладкие обручальные кольца из жёлтого золота, от 20 до 50 тыс",
     dict(type="wedding_band", occasion="wedding", metal="yellow_gold", no_stones=True,
          budget_min=20000, budget_max=50000)),
    ("Мне на работу нужны небольшие серьги, только не золото",
     dict(type="earrings", occasion="everyday", style="minimalist",
          excluded_metals=["yellow_gold", "white_gold", "rose_gold"])),
    ("У мамы юбилей, хочется подарить что-то роскошное с изумрудами, полтора миллиона есть",
     dict(recipient="mother", occasion="jubilee", style="luxury", stones=["emerald"],
          budget_max=1500000)),
    ("Кольцо-печатка мужу из серебра, тысяч 15",
     dict(type="ring", kind_name="печатка", recipient="husband", metal="silver", occasion="gift",
          budget_min=12750, budget_max=17250)),
    ("Посоветуйте серёжки с аметистом для себя, не дороже 25 тысяч",
     dict(type="earrings", stones=["amethyst"], recipient="self", budget_max=25000)),
    ("Хочу жемчужное ожерелье в стиле ретро",
     dict(type="necklace", stones=["pearl"], style="vintage")),
    ("Ищу подвеску-сердечко для любимой, бюджет около 70 тысяч",
     dict(type="pendant", style="romantic", recipient="girlfriend", occasion="gift",
          budget_min=59500, budget_max=80500)),
    ("Колье из белого золота с бриллиантами и сапфирами, дешевле 300 000",
     dict(type="necklace", metal="white_gold", stones=["diamond", "sapphire"], budget_max=300000)),
    ("А браслеты из платины или белого золота бывают? Сто тысяч максимум",
     dict(type="bracelet", metal="platinum", budget_max=100000)),
    ("Хочу что-нибудь в стиле бохо, серебро, тысяч до пяти",
     dict(style="boho", metal="silver", budget_max=5000)),
    ("Папе на юбилей запонки, 60 лет исполняется, в районе 40к",
     dict(type="cufflinks", recipient="man", occasion="jubilee", budget_min=34000, budget_max=46000)),
    ("Ищу серьги без камней, у меня аллергия на серебро",
     dict(type="earrings", no_stones=True, excluded_metals=["silver"])),
    ("Цепочку и кулон с гранатом, красное золото, пятьдесят тысяч",
     dict(type="chain", types=["chain", "pendant"], stones=["garnet"], metal="rose_gold", budget_max=50000)),
    ("Подскажите современное кольцо с цитрином, необычное, не классика",
     dict(type="ring", stones=["citrine"], style="modern")),
    ("Мне нужно кольцо на помолвку, жёлтое золото не хочу",
     dict(type="engagement_ring", occasion="engagement", excluded_metals=["yellow_gold"])),
    ("Есть серьги с аквамарином для дочери, тысяч за двадцать?",
     dict(type="earrings", stones=["aquamarine"], recipient="daughter", occasion="gift",
          budget_min=17000, budget_max=23000)),
    ("Кольцо с красным рубином, бюджет от 30 000 до 45 000 рублей",
     dict(type="ring", stones=["ruby"], budget_min=30000, budget_max=45000)),
    ("Хочу классические серьги с бриллиантами в подарок невесте на свадьбу",
     dict(type="earrings", style="classic", stones=["diamond"], recipient="girlfriend", occasion="wedding")),
    ("Посмотрю тонкую цепочку на каждый день, можно подешевле 10 000",
     dict(type="chain", style="minimalist", occasion="everyday", budget_max=10000)),
    ("На день рождения мужу хочу браслет, 100k",
     dict(type="bracelet", recipient="husband", occasion="birthday", budget_max=100000)),
    ("Хочу браслет из серебра или золота, без бриллиантов",
     dict(type="bracelet", metal="silver", excluded_stones=["diamond"])),
    ("без бриллиантов кольцо до 50 тысяч", dict(type="ring", excluded_stones=["diamond"], budget_max=50000)),
    ("Что подарить мужу на годовщину? Он не носит кольца",
     dict(recipient="husband", occasion="anniversary", excluded_types=["ring"])),
    ("у неё уши не проколоты", dict(excluded_types=["earrings"])),
    ("ну тогда браслет с камушками", dict(type="bracelet", with_stones=True)),
    ("Кольцо с сапфиром, только не бриллианты",
     dict(type="ring", stones=["sapphire"], excluded_stones=["diamond"])),
    ("обручалку 18,5 размера из платины", dict(type="wedding_band", metal="platinum", size=18.5)),
    ("Что-нибудь на корпоратив, яркое, с жемчугом, до сотки",
     dict(occasion="evening", stones=["pearl"], budget_max=100000, style="luxury")),   # "яркое": showy
    ("Покажите что-нибудь недорогое из серебра", dict(metal="silver", price_level="low")),
    ("Хочу роскошное колье", dict(type="necklace", style="luxury", price_level="high")),
    ("покажите кольцо и серьги с фианитами", dict(type="ring", types=["ring", "earrings"],
                                                  stones=["cubic_zirconia"])),
]


def _expected(fields: dict) -> dict:
    full = {key: None for key in KEYS}
    full.update(stones=[], excluded_metals=[], excluded_stones=[], excluded_types=[], no_stones=False, with_stones=False)
    full.update(fields)
    return full


@pytest.mark.parametrize("message,fields", CASES, ids=[c[0][:40] for c in CASES])
def test_extracts_preferences(message, fields):
    assert extract_preferences(message) == _expected(fields)


def test_the_cases_exercise_every_field_the_extraction_returns():
    assert set(extract_preferences("")) == KEYS
    assert {key for _message, fields in CASES for key in fields} == KEYS


@pytest.mark.parametrize("text,low,high", [
    ("до 100000 рублей", None, 100000), ("до 100 000 ₽", None, 100000), ("до 100 тыс.", None, 100000),
    ("до 100 тысяч", None, 100000), ("100к", None, 100000), ("100k", None, 100000),
    ("не дороже 50 тысяч", None, 50000), ("в пределах 30-40 тысяч", 30000, 40000),
    ("от 20 до 50 тыс", 20000, 50000), ("около 70 тысяч", 59500, 80500),
    ("бюджет 1,5 млн", None, 1500000), ("полтора миллиона", None, 1500000),
    ("тысяч за пятьдесят", 42500, 57500), ("сто тысяч", None, 100000), ("пятьдесят тысяч", None, 50000),
    ("дешевле 10 000", None, 10000), ("от 200 тысяч", 200000, None),
    ("между 20 и 30 тысячами", 20000, 30000), ("от 20 тысяч, но не дороже 50", 20000, 50000),
    ("30 тысяч максимум", None, 30000), ("от 50 тысяч и выше", 50000, None),
    ("до 2 000 000 руб.", None, 2000000), ("бюджет 50", None, 50000),
    ("тыщ за 15 максимум", None, 15000), ("тысяч за 30, не больше", None, 30000),
    ("а за двадцатку?", 17000, 23000), ("уложиться в десятку", None, 10000),
    ("есть десятки вариантов", None, None),
])
def test_budget_spellings(text, low, high):
    prefs = extract_preferences(text)
    assert (prefs["budget_min"], prefs["budget_max"]) == (low, high)


@pytest.mark.parametrize("text", [
    "Кольцо 17 размер", "размер 16,5", "бриллиант 0,5 карата", "585 проба", "проба 750",
    "подарок к 8 марта", "к 2025 году хочу новое кольцо", "маме исполняется 50 лет",
    "серьги на 50-летие", "доставка до 15 декабря", "2 кольца и 3 пары серёг",
])
def test_not_money(text):
    prefs = extract_preferences(text)
    assert prefs["budget_min"] is None and prefs["budget_max"] is None


def test_money_next_to_things_that_are_not():
    prefs = extract_preferences("Кольцо 18 размера из 585 золота к 8 марта 2025 года, до 40 тысяч")
    assert (prefs["budget_min"], prefs["budget_max"]) == (None, 40000)


def test_history_fills_what_current_message_leaves_out():
    history = [{"role": "user", "content": "Ищу кольцо для помолвки"},
               {"role": "assistant", "content": "Есть варианты в серебре до 10 000 ₽ и в платине."}]
    prefs = extract_preferences("а до 80 тысяч есть?", history)
    assert prefs["type"] == "engagement_ring"
    assert prefs["occasion"] == "engagement"
    assert prefs["budget_max"] == 80000
    assert prefs["metal"] is None  # the assistant's words are not the customer's wishes


def test_current_message_wins_over_history():
    history = [{"role": "user", "content": "Серьги из серебра маме до 10 тысяч"},
               {"role": "user", "content": "Хотя, пожалуй, из белого золота"}]
    prefs = extract_preferences("А если поднять бюджет до 25 тысяч?", history)
    assert prefs["type"] == "earrings"
    assert prefs["recipient"] == "mother"
    assert prefs["metal"] == "white_gold"  # the newer user message wins
    assert prefs["budget_max"] == 25000


def test_history_merges_across_several_messages():
    history = [{"role": "user", "content": "Привет! Хочу подарок жене"},
               {"role": "assistant", "content": "С удовольствием помогу! Какой повод?"},
               {"role": "user", "content": "Годовщина, 10 лет вместе"}]
    prefs = extract_preferences("Наверное, кольцо с сапфиром, без золота", history)
    assert prefs["type"] == "ring"
    assert prefs["stones"] == ["sapphire"]
    assert prefs["recipient"] == "wife"
    assert prefs["occasion"] == "anniversary"
    assert set(prefs["excluded_metals"]) == {"yellow_gold", "white_gold", "rose_gold"}


def test_ring_now_and_engagement_earlier_make_an_engagement_ring():
    history = [{"role": "user", "content": "Собираюсь сделать предложение в июне"}]
    prefs = extract_preferences("Покажите кольца из платины", history)
    assert (prefs["type"], prefs["occasion"], prefs["metal"]) == ("engagement_ring", "engagement", "platinum")


def test_refused_metal_in_history_is_not_offered_back():
    history = [{"role": "user", "content": "Хочу золотое кольцо"}]
    prefs = extract_preferences("Нет, золото не надо, лучше серебро", history)
    assert prefs["metal"] == "silver"
    assert "yellow_gold" in prefs["excluded_metals"]


def test_no_history_and_empty_message():
    prefs = extract_preferences("", None)
    assert prefs == _expected({})
    assert describe_preferences(prefs) == ""


def test_offer_is_not_a_proposal():
    prefs = extract_preferences("Какие у вас сейчас специальные предложения на кольца?")
    assert prefs["type"] == "ring" and prefs["occasion"] is None


def test_false_friends():
    assert extract_preferences("Женские серьги")["recipient"] is None
    assert extract_preferences("Мужские кольца")["recipient"] == "man"
    assert extract_preferences("Парные кольца")["recipient"] is None
    assert extract_preferences("Красный гранат в серебре")["metal"] == "silver"


def test_describe_preferences():
    prefs = extract_preferences("Помолвочное кольцо из белого золота до 100 000 ₽")
    # Thousands and rubles as in every answer (agents.wording): narrow and plain no-break spaces.
    assert describe_preferences(prefs) == "помолвочное кольцо, белое золото, до 100\u202f000\u00a0₽"
    prefs = extract_preferences("Серьги жене на годовщину, без камней, не серебро, 20-30 тысяч")
    assert describe_preferences(prefs) == \
        "серьги, не серебро, без камней, повод: годовщина, кому: жене, от 20\u202f000 до 30\u202f000\u00a0₽"


def test_text_helpers():
    from agents.language import vocabulary as V
    from agents.language import find_codes, normalize, words

    assert normalize("  Серёжки\u00a0— «Ёлочка»  ") == 'сережки - "елочка"'
    assert words("Кольца-печатки, 8-е Марта!") == ["кольца", "печатки", "8", "е", "марта"]
    assert find_codes("Подарок к 8-е Марта", V.OCCASIONS) == ["gift", "march_8"]
    assert find_codes("к 80 марта", V.OCCASIONS) == []  # digits match whole numbers only
    assert find_codes("Серьги и кольцо, потом ещё серьги", V.PRODUCT_TYPES) == ["earrings", "ring"]
    assert find_codes("белое золото, не бельё", V.METALS) == ["white_gold", "yellow_gold"]
    assert find_codes("Бельё и белорусский трикотаж", V.METALS) == []


def test_several_tables_read_in_one_pass_find_what_each_finds_alone():
    """`Tables` (the preferences' one pass) gives every table the hits, places and order
    that `find_matches` gives it alone: multi-word stems, numbers, false friends, ties."""
    from agents.language import Tables, find_matches, tokens
    from agents.language import wishes as W

    tables = (W.TYPES, W.OCCASIONS, W.RECIPIENTS, W.STYLES, W.STONES, W.ANY_STONE, W.SMOOTH,
              W.COLORS, W.GOLD, W.PLAIN_METALS)
    reader = Tables(*tables)
    messages = [message for message, _fields in CASES] + [
        "Кольцо для предложения руки и сердца, белое или жёлтое золото, без камней",
        "Подарок на 8 марта маме и на день рождения дочери, что-нибудь изящное",
        "Мужские запонки из серебра, не белое золото, гладкие, брюлики не нужны",
        "Женские серьги, парные кольца, белье, 80 марта", ""]
    assert sum(len(hits) for message in messages for hits in reader.read(tokens(message))) > 60
    for message in messages:
        toks = tokens(message)
        assert reader.read(toks) == [find_matches(toks, table) for table in tables], message


@pytest.mark.parametrize("message,types", [
    ("печатка и серьги", ["печатка", "earrings"]),       # a signet, not any ring
    ("медальон и серьги", ["медальон", "earrings"]),
    ("крестик и цепочку", ["крестик", "chain"]),          # the name said first is kept too
    ("цепочку и крестик", ["chain", "крестик"]),
])
def test_a_named_kind_beside_another_kind_stays_named(message, types):
    assert extract_preferences(message)["types"] == types
