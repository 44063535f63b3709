"""The dialogue layer: honest matching as a property, the state surviving a restart, the
questionnaire under automatic routing, the shop's facts file, routing by conversation,
small talk and greetings."""
from __future__ import annotations

from hypothesis import example, given, settings as hsettings, strategies as st

from agents.consultant_drafts import product_list
from agents.preferences import extract_preferences
from agents.search import find_products, stated_wishes
from agents.shop_facts import load_facts
from agents.small_talk import small_talk
from agents.wording import METAL_GENITIVE, STONE_INSTRUMENTAL, TYPE_PLURALS
from jewelstream import seed
from jewelstream.app import create_app
from jewelstream.config import Settings
from agents.routing import route_conversation
from tests.conversation_kit import ask, plain

CATALOG = seed.build_catalog()
OFFLINE = dict(llm="offline", offline_pace=0.0, staff_token="staff-secret", bind_users=False)


# --- honest matching, as a property -----------------------------------------------------

@st.composite
def wishes(draw) -> tuple[str, dict]:
    """A Russian request built from random wishes, and the wishes themselves."""
    kind = draw(st.sampled_from([None, *TYPE_PLURALS]))
    metal = draw(st.sampled_from([None, *METAL_GENITIVE]))
    stone = draw(st.sampled_from([None, *STONE_INSTRUMENTAL]))
    high = draw(st.sampled_from([None, 3000, 10000, 25000, 40000, 80000, 150000]))
    words = ["Покажите", TYPE_PLURALS[kind] if kind else "украшения"]
    words += [f"из {METAL_GENITIVE[metal]}"] if metal else []
    words += [f"с {STONE_INSTRUMENTAL[stone]}"] if stone else []
    words += [f"до {high} рублей"] if high else []
    return " ".join(words), {"type": kind, "metal": metal, "stone": stone, "budget_max": high}


@hsettings(max_examples=150, deadline=None)
@given(wishes())
# The only platinum pieces with these stones are proposal rings: they are still shown.
@example(("Покажите украшения из платины с изумрудом",
          {"type": None, "metal": "platinum", "stone": "emerald", "budget_max": None}))
@example(("Покажите украшения из платины с рубином",
          {"type": None, "metal": "platinum", "stone": "ruby", "budget_max": None}))
def test_every_piece_meets_every_wish_or_says_which_it_misses(request):
    message, said = request
    prefs = extract_preferences(message)
    assert prefs["type"] == said["type"] and prefs["metal"] == said["metal"]
    assert prefs["stones"] == ([said["stone"]] if said["stone"] else [])
    assert prefs["budget_max"] == said["budget_max"]
    found = find_products(CATALOG, prefs)
    cards = []
    for product in found.products:
        failing = [w for w in stated_wishes(prefs) if not w.test(product)]
        assert [w.code for w in failing] == found.misses[product["id"]]
        assert all(w.code in ("metal", "stones", "budget", "recipient", "no_stones") for w in failing)
        assert len(failing) <= 1
        note = found.notes.get(product["id"], "")
        assert all(w.label in note for w in failing)
        cards.append({**product, "misses": found.misses[product["id"]], "relaxed_note": note})
    text = product_list({"products": cards, "boundary": found.boundary,
                         "wishes": [{"code": w.code, "label": w.label} for w in found.wishes]})
    for card in cards:
        assert card["name"] in text
        if card["misses"]:
            assert card["relaxed_note"] in text
    heading = text.split("\n", 1)[0]
    if any(card["misses"] for card in cards) and not all(card["misses"] for card in cards):
        assert heading.startswith("Вот что я подобрала")       # the heading names met wishes only
    if cards and all(card["misses"] for card in cards):
        assert heading.startswith("Точно под все пожелания") and found.boundary


def test_a_couples_ring_is_shown_when_it_alone_meets_every_wish():
    """No proposal ring among pieces for anyone, unless only such rings meet every wish:
    "nothing at all" would then be untrue."""
    found = find_products(CATALOG, extract_preferences("Покажите украшения из платины с изумрудом"))
    exact = [p for p in found.products if not found.misses[p["id"]]]
    assert exact and all(p["metal"] == "platinum" and "emerald" in p["stones"] for p in exact)
    plain = find_products(CATALOG, extract_preferences("Покажите украшения из платины"))
    assert not {"engagement_ring", "wedding_band"} & {p["type"] for p in plain.products}


def test_a_ring_includes_engagement_and_wedding_rings():
    found = find_products(CATALOG, extract_preferences("кольцо с бриллиантом из платины"), limit=50)
    assert {"engagement_ring", "wedding_band"} & {p["type"] for p in found.products}


def test_expensive_means_the_upper_band_and_a_gift_a_spread():
    prices = sorted(p["price"] for p in CATALOG)
    dear = find_products(CATALOG, extract_preferences("что-нибудь дорогое, бюджет не ограничен"))
    assert min(p["price"] for p in dear.products) >= prices[len(prices) // 2]
    gift = find_products(CATALOG, extract_preferences("подарок маме на юбилей"))
    assert max(p["price"] for p in gift.products) > 3 * min(p["price"] for p in gift.products)


# --- state across a restart, the questionnaire, routing -----------------------------------

async def test_the_dialogue_survives_a_restart(aiohttp_client, db_path):
    first = await aiohttp_client(create_app(Settings(db_path=db_path, **OFFLINE)))
    _agent, listed, _text = await ask(first, "anna", "Покажите серьги с топазом")
    await first.close()
    again = await aiohttp_client(create_app(Settings(db_path=db_path, **OFFLINE)))
    agent, details, text = await ask(again, "anna", "расскажите про второе")
    assert agent == "consultant" and details["intent"] == "details"
    assert details["recommendations"] == [listed["recommendations"][1]]
    _agent, cheaper, _text = await ask(again, "anna", "а подешевле?")
    assert all(p["type"] == "earrings" for p in cheaper["products"])


ANSWERS = ["Белое золото и серебро", "жемчуг и бриллианты", "классика", "кольца и серьги",
           "на каждый день и на праздники", "до 30 тысяч", "белый и голубой", "каждый день",
           "небольшие аккуратные", "пусеты"]


async def test_the_questionnaire_is_completed_under_automatic_routing(offline_client):
    agent, meta, _text = await ask(offline_client, "quiz", "Пройти анкету вкуса")
    assert agent == "taste" and meta["current_question_index"] == 0
    for number, answer in enumerate(ANSWERS, 1):
        agent, meta, text = await ask(offline_client, "quiz", answer)
        assert agent == "taste", (answer, text)
        assert meta["current_question_index"] == number
    assert meta["is_complete"] and meta["profile"]["metals"] == ["white_gold", "silver"]
    agent, meta, _text = await ask(offline_client, "quiz", "покажите кольца")
    assert agent == "consultant" and meta["products"]


def test_routing_follows_the_conversation():
    quiz = {"agent": "taste", "flow": "taste"}
    assert route_conversation("Белое золото и серебро", quiz, answers_flow=True) == ["taste"]
    assert route_conversation("даже не знаю", quiz) == ["taste"]
    assert route_conversation("хватит, покажите лучше серьги", quiz) == ["consultant"]
    assert route_conversation("что сейчас модно в серьгах?", quiz) == ["trend"]
    shown = {"agent": "consultant", "shown": ["p0001", "p0002"]}
    for message in ("Расскажите подробнее про первое украшение", "а подешевле?", "а серьги к ним?",
                    "Спасибо!", "ок", "второе"):
        assert route_conversation(message, shown) == ["consultant"], message
    assert route_conversation("Спасибо!", {"agent": "girlfriend"}) == ["girlfriend"]
    assert route_conversation("какой у меня знак зодиака, я родилась 5 мая", shown) == ["girlfriend"]
    for message in ("А мой знак какой?", "Какие камни подходят моему знаку?"):    # the advisor knows signs
        assert route_conversation(message, shown) == ["girlfriend"], message


# --- shop facts, small talk, greetings ---------------------------------------------------

def test_the_shop_facts_file_is_the_shops(tmp_path):
    custom = tmp_path / "facts.md"
    custom.write_text("## Доставка\nслова: доставк, курьер\nВозим только по Казани, бесплатно.\n",
                      encoding="utf-8")
    facts = load_facts(custom)
    assert [f.title for f in facts.asked("А доставка есть?")] == ["Доставка"]
    assert facts.asked("как чистить серебро") == []
    assert {f.title for f in load_facts().facts} >= {"Доставка", "Отложить украшение", "Размеры колец",
                                                       "Пробы металлов", "Уход за украшениями",
                                                       "Возврат и обмен", "Адрес и часы работы"}
    assert Settings.from_env([], {"JEWELSTREAM_SHOP_FACTS": str(custom)}).shop_facts == str(custom)


async def test_the_shops_own_facts_reach_the_answer(aiohttp_client, db_path, tmp_path):
    custom = tmp_path / "facts.md"
    custom.write_text("## Доставка\nслова: доставк\nВозим только по Казани, бесплатно.\n", encoding="utf-8")
    client = await aiohttp_client(create_app(Settings(db_path=db_path, shop_facts=str(custom), **OFFLINE)))
    _agent, meta, text = await ask(client, "kazan", "А доставка у вас есть?")
    assert "Возим только по Казани" in text and meta["products"] == []


def test_small_talk_is_only_small_talk():
    assert small_talk("Спасибо!") == "thanks" and small_talk("спасибо большое за помощь") == "thanks"
    assert small_talk("Спасибо, а серьги с жемчугом есть?") is None
    assert small_talk("Хорошо, покажите кольца") is None
    assert small_talk("до свидания") == "bye" and small_talk("ок") == "agree"


async def test_greetings_only_at_the_start(offline_client):
    _agent, _meta, first = await ask(offline_client, "hello", "Здравствуйте! Ищу серьги")
    assert plain(first).startswith("здравствуйте")
    _agent, _meta, second = await ask(offline_client, "hello", "Привет, а кольца есть?")
    assert "здравствуйте" not in plain(second) and "привет" not in plain(second)
    agent, _meta, chat = await ask(offline_client, "hello", "мне грустно, поддержи меня")
    assert agent == "girlfriend" and not plain(chat).startswith("привет")


async def test_a_size_question_about_the_piece_in_focus_is_answered(offline_client):
    _agent, listed, _text = await ask(offline_client, "sizes", "покажи кольца из серебра")
    _agent, details, _text = await ask(offline_client, "sizes", "расскажи про первое")
    sizes = details["details"]["sizes"]
    missing = next(s for s in (15, 16, 17, 18, 19, 20, 21, 22) if s not in sizes)
    _agent, meta, text = await ask(offline_client, "sizes", f"а {missing} размер есть?")
    assert meta["intent"] == "details" and meta["recommendations"] == details["recommendations"]
    assert plain(text).startswith(f"размера {missing} сейчас нет в наличии")
    _agent, meta, text = await ask(offline_client, "sizes", f"а размер {sizes[0]:g} есть?".replace(".", ","))
    assert plain(text).startswith("да, размер")
