"""Conversations at the kiosk, as a customer would have them, that an earlier round of
such conversations (test_held_out_talk.py) missed: with the LLM and its tools (the fake
LLM's real HTTP), the cards are the pieces the answer presents; in a jeweller's "золото"
is every gold; a colour said alone ("а белое есть?") changes the metal; a refused kind
("он не носит кольца", "уши не проколоты") is never listed; a refused stone leaves the wishes.
"""
import json

import pytest

from tests.conversation_kit import RINGS, ask, both, kind, metal, run_conversation, stone, under
from tests.kit import ORCHESTRATOR, STAFF
from tests.sse_reader import collect, text_of

C = "consultant"
LIST = {"agent": C, "some": 1}
GOLDS = ("yellow_gold", "white_gold", "rose_gold")


def not_kind(*types):
    return lambda p: p["type"] not in types


def without(code):
    return lambda p: code not in p["stones"]


def tool_results(body: dict) -> list[dict]:
    return [json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"]


def searching(arguments: dict):
    """The fake LLM asks for one catalog search, then answers naming the first piece found."""
    def calls(body):
        return None if tool_results(body) else [{"name": "search_catalog", "arguments": json.dumps(arguments)}]

    def words(body):
        results = tool_results(body)
        if not results:
            return ["Сейчас посмотрю."]
        piece = results[0]["products"][0]
        return ["Посмотрите ", piece["name"], " — ", str(piece["price"]), " ₽."]
    return calls, words


async def turn(client, user, message):
    response = await client.post(ORCHESTRATOR.format(user), json={"message": message})
    events = await collect(response)
    assert events[-1]["type"] == "done", events[-3:]
    meta = next(e for e in events if e["type"] == "metadata")["data"]
    return meta["consultant"], text_of(events, "consultant")


async def test_the_cards_are_the_pieces_the_llm_answer_presents(client, fake_llm):
    """The plain search lists four pairs of earrings; the LLM searches again with its tool
    and names one piece: that piece is the one card, and "первое" is that piece."""
    fake_llm.tool_calls_for, fake_llm.respond = searching({"kind": "earrings", "stones": ["pearl"],
                                                           "metals": ["silver"], "sort": "cheapest"})
    meta, text = await turn(client, "tools1", "покажите серьги с жемчугом")
    named = tool_results(fake_llm.requests[-1])[0]["products"][0]
    assert [p["id"] for p in meta["products"]] == [named["id"]] == meta["recommendations"]
    assert named["name"] in text
    card = meta["products"][0]
    assert card["misses"] == [] and set(card["meets"]) == {"type", "stones"}
    fake_llm.tool_calls_for = None
    fake_llm.respond = lambda body: ["Это ", named["name"], "."]
    meta, _text = await turn(client, "tools1", "расскажи про первое")
    assert meta["intent"] == "details" and meta["recommendations"] == [named["id"]]


async def test_a_tool_piece_that_misses_a_wish_says_so_on_its_card(client, fake_llm):
    """The customer's budget is 10 000 ₽; the LLM's search ignores it and names a dearer
    piece: its card is marked as missing the budget, never as meeting every wish."""
    fake_llm.tool_calls_for, fake_llm.respond = searching({"kind": "earrings", "stones": ["pearl"],
                                                           "metals": ["rose_gold"]})
    meta, _text = await turn(client, "tools2", "серьги с жемчугом до 10 тысяч")
    (card,) = meta["products"]
    assert card["price"] > 10000
    assert card["misses"] == ["budget"] and card["relaxed"] and "вне бюджета" in card["relaxed_note"]
    assert "budget" not in card["meets"]


async def test_a_piece_of_the_same_model_the_answer_does_not_name_gets_no_card(client, fake_llm):
    """Among the tool's results a pendant and a ring share the model «Вечность»; the answer
    names the pendant in full: the ring is not presented, and "второе" is not the ring."""
    fake_llm.tool_calls_for, fake_llm.respond = searching({"metals": ["silver"], "stones": ["topaz"], "limit": 8,
                                                           "sort": "cheapest"})
    meta, _text = await turn(client, "tools4", "хочу браслет маме, поищи из серебра с топазом")
    found = tool_results(fake_llm.requests[-1])[0]["products"]
    model = found[0]["name"][found[0]["name"].index("«"):found[0]["name"].index("»") + 1]
    assert any(model in p["name"] for p in found[1:])          # another piece of that model was found
    assert meta["recommendations"] == [found[0]["id"]]


async def test_without_tools_the_search_list_stays(client, fake_llm):
    """An answer that names no piece (it spoke in general) keeps the search's cards."""
    fake_llm.respond = lambda body: ["Подобрала несколько вариантов, посмотрите карточки."]
    meta, _text = await turn(client, "tools3", "покажите серьги с жемчугом")
    assert len(meta["products"]) == 4 and all("pearl" in p["stones"] for p in meta["products"])


CONVERSATIONS = {
    "gold is every gold, a colour narrows it": [
        ("серьги из золота с жемчугом", {**LIST, "each": kind("earrings"), "exact": both(metal(*GOLDS), stone("pearl")),
                                         "never": ["а не жёлтое золото", "не продаются"]}),
        ("а белое есть?", {**LIST, "each": kind("earrings"), "exact": both(metal("white_gold"), stone("pearl"))}),
        ("нет, всё-таки жёлтое", {**LIST, "each": kind("earrings"), "exact": metal("yellow_gold")}),
    ],
    "a gold ring with a diamond, then white": [
        ("хочу золотое кольцо с бриллиантом до 50 тысяч",
         {**LIST, "each": kind(*RINGS), "exact": both(metal(*GOLDS), stone("diamond"), under(50000)),
          "say": ["золото"]}),
        ("а белое есть?", {**LIST, "each": kind(*RINGS), "exact": metal("white_gold")}),
    ],
    "a husband who wears no rings": [
        ("что подарить мужу на годовщину? он не носит кольца",
         {**LIST, "each": both(not_kind(*RINGS), lambda p: p["recipient"] != "women"), "say": ["кроме колец"]}),
        ("а что-нибудь кроме цепочек?", {**LIST, "each": not_kind("chain", *RINGS)}),
        ("а серьги?", {**LIST, "each": kind("earrings"), "never": ["кроме колец"]}),
    ],
    "a sister whose ears are not pierced": [
        ("сестре 18 лет, хочу подарить что-то недорогое но красивое", LIST),
        ("у неё уши не проколоты", {**LIST, "each": not_kind("earrings"), "never": ["не подскажу"]}),
        ("ну тогда браслет", {**LIST, "each": kind("bracelet")}),
        ("с камушками", {**LIST, "each": kind("bracelet"), "exact": lambda p: p["stones"], "say": ["с камнями"]}),
    ],
    "not pearls but a brighter stone, within the budget said": [
        ("Здравствуйте! Я ищу что-то для мамы на юбилей, она любит классику и жемчуг, тысяч до 25",
         {**LIST, "each": under(25000), "exact": stone("pearl")}),
        ("а не жемчуг, а что-то с камнем поярче?", {**LIST, "each": both(under(25000), without("pearl")),
                                                    "never": ["с жемчугом"]}),
        ("рубин например", {**LIST, "each": without("pearl"), "exact": both(stone("ruby"), under(25000))}),
    ],
    "the cheapest, then the dearest": [
        ("покажи цепочки из золота", {**LIST, "each": both(kind("chain"), metal(*GOLDS))}),
        ("а самая дешёвая сколько?", {**LIST, "each": kind("chain"),
                                      "meta": {"products": lambda ps: ps[0]["price"] == min(p["price"] for p in ps)}}),
        ("а самая дорогая?", {**LIST, "each": kind("chain"),
                              "meta": {"products": lambda ps: ps[0]["price"] == max(p["price"] for p in ps) > 100000}}),
    ],
    "not silver, it tarnishes": [
        ("хочу себе колечко, чтоб каждый день носить, не дорогое", {**LIST, "each": kind(*RINGS)}),
        ("только не серебро, оно темнеет", {**LIST, "each": both(kind(*RINGS), lambda p: p["metal"] != "silver"),
                                            "say": ["темнеет"]}),
    ],
    "ten years married, in a gift box": [
        ("нужен подарок жене на 10 лет свадьбы", {**LIST, "each": not_kind("engagement_ring")}),
        ("она не любит жёлтое золото", {**LIST, "each": both(not_kind("engagement_ring"),
                                                            lambda p: p["metal"] != "yellow_gold")}),
        ("а в коробке подарочной будет?", {"agent": C, "intent": "knowledge", "say": ["коробочку"]}),
    ],
    "the most popular of those shown": [
        ("покажи обручальные кольца из белого золота", {**LIST, "each": kind("wedding_band")}),
        ("какое из них самое популярное?", {"agent": C, "intent": "details", "say": ["чаще всего покупают"],
                                            "never": ["не подскажу"], "meta": {"products": lambda ps: len(ps) == 1}}),
        ("а какие есть размеры?", {"agent": C, "intent": "details", "say": ["размеры в наличии"]}),
    ],
    "a present for a friend who is a Scorpio": [
        ("подруга скорпион, что ей подарить?", {**LIST, "say": ["этому знаку подходят топаз, гранат и рубин"],
                                                "exact": lambda p: {"topaz", "garnet", "ruby"} & set(p["stones"])}),
        ("до 15 тысяч", {**LIST, "exact": both(under(15000), lambda p: {"topaz", "garnet", "ruby"} & set(p["stones"]))}),
    ],
    "too early for earrings": [
        ("что подарить девочке на крестины?", LIST),
        ("серьги рано, что-то другое", {**LIST, "each": not_kind("earrings")}),
    ],
    "two of the piece in focus": [
        ("покажи браслеты из серебра", {**LIST, "each": kind("bracelet")}),
        ("расскажи про первый", {"agent": C, "intent": "details"}),
        ("а 2 штуки есть?", {"agent": C, "intent": "details", "say": ["в наличии"],
                             "meta": {"products": lambda ps: len(ps) == 1}}),
    ],
    "what suits me, before the questionnaire ends": [
        ("давай анкету", {"agent": "taste"}),
        ("серебро", {"agent": "taste"}),
        ("жемчуг", {"agent": "taste"}),
        ("и что мне подойдет?", {**LIST, "meta": {"products": lambda ps: any(
            p["metal"] == "silver" and "pearl" in p["stones"] for p in ps)}}),
    ],
    "discounts and a repair": [
        ("а скидки у вас есть?", {"agent": C, "intent": "knowledge", "none": True, "say": ["акции"]}),
        ("можно у вас отремонтировать цепочку?", {"agent": C, "intent": "knowledge", "none": True,
                                                  "say": ["мастер"]}),
    ],
    "a present, not knowing what, for someone who likes bright things": [
        ("нужен подарок, не знаю что", LIST),
        ("ей 30 лет, любит яркое", {**LIST, "never": ["не подскажу"]}),
    ],
    "what men wear now": [
        ("что модно у мужчин?", {"agent": "trend", "some": 1, "each": lambda p: p["recipient"] != "women",
                                 "say": ["мужские украшения"]}),
    ],
}


@pytest.mark.parametrize("name", list(CONVERSATIONS))
async def test_conversation(offline_client, name):
    index = list(CONVERSATIONS).index(name)
    await run_conversation(offline_client, f"kiosk{index}", CONVERSATIONS[name], send_history=index % 2 == 1)


async def staff_turn(client, user, message):
    response = await client.post(ORCHESTRATOR.format(user), headers=STAFF, json={"message": message})
    events = await collect(response)
    assert events[-1]["type"] == "done", events[-3:]
    return text_of(events, "analysis")


async def test_a_staff_member_keeps_the_period_and_asks_what_runs_low(offline_client):
    """"Выручка за сентябрь", then "а топ товаров за тот же период?" and "а средний чек?"
    are September's; "какие товары заканчиваются?" is the stock running low, not the best sellers."""
    assert "сентябрь" in await staff_turn(offline_client, "staff1", "выручка за сентябрь")
    top = await staff_turn(offline_client, "staff1", "а топ товаров за тот же период?")
    assert "сентябрь" in top and "всё время" not in top
    check = await staff_turn(offline_client, "staff1", "а средний чек?")
    assert check.startswith("Средний чек") and "сентябрь" in check
    low = await staff_turn(offline_client, "staff1", "а какие товары заканчиваются?")
    assert "Заканчиваются" in low and "Лучше всего продаются" not in low
