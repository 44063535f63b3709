"""Multi-turn conversations over HTTP through the real app in offline mode: each turn's
agent, products, metadata and key words (tests/conversation_kit.py explains the table).

Half the conversations send the client's `conversation_history`, half send none: the
server's own dialogue state must carry the thread either way.
"""
import pytest

from tests.conversation_kit import (RINGS, both, kind, metal, not_metal, over, plain, run_conversation,
                                    stone, under)

GOLDS = ("yellow_gold", "white_gold", "rose_gold")
C = "consultant"
LIST = {"agent": C, "some": 1}
KNOW = {"agent": C, "intent": "knowledge", "none": True}


def prices(meta):
    return [p["price"] for p in meta["products"]]


CONVERSATIONS = {
    "silver after a budget (issue)": [
        ("Бюджет 30–40 тысяч", {**LIST, "each": both(over(30000), under(40000))}),
        ("а можно не из золота, а из серебра?", {**LIST, "each": metal("silver"),
                                                 "say": ["от 1 690 до 22 990"], "never": ["платин"]}),
        ("а подешевле?", {**LIST, "each": both(metal("silver"), under(9690)), "intent": "refine"}),
    ],
    "pendant with a named stone (issue)": [
        ("Подвеску с изумрудом до 50 тысяч", {**LIST, "each": kind("pendant"),
                                             "exact": both(stone("emerald"), under(50000))}),
    ],
    "earrings of a metal not in the budget (issue)": [
        ("серьги из платины до 10 тысяч", {**LIST, "each": kind("earrings"),
                                           "say": ["серьги из платины у нас стоят от"]}),
    ],
    "a ring includes engagement rings (issue)": [
        ("кольцо с сапфиром из белого золота", {**LIST, "exact": both(kind(*RINGS), stone("sapphire"),
                                                                      metal("white_gold")),
                                                "meta": {"products": lambda ps: any(
                                                    p["type"] == "engagement_ring" for p in ps)}}),
    ],
    "cheaper, dearer, simpler (issue)": [
        ("покажи серьги с жемчугом", {**LIST, "each": kind("earrings"), "exact": stone("pearl")}),
        ("а подешевле?", {**LIST, "each": kind("earrings"), "intent": "refine", "say": ["подешевле"]}),
        ("а подороже есть?", {**LIST, "each": kind("earrings"), "intent": "refine", "say": ["подороже"]}),
        ("что-нибудь попроще", {**LIST, "each": kind("earrings"), "intent": "refine"}),
    ],
    "details of the first piece (issue)": [
        ("Ищу браслет из золота до 60 тысяч", {**LIST, "exact": both(kind("bracelet"), under(60000))}),
        ("Расскажите подробнее про первое украшение", {"agent": C, "intent": "details",
                                                      "say": ["артикул: br-", "размеры в наличии", "проба"]}),
    ],
    "a piece by its name (issue)": [
        ("Расскажите про серебряное кольцо «Грация»", {"agent": C, "intent": "details",
                                                      "say": ["RG-0119", "размеры в наличии"],
                                                      "meta": {"recommendations": ["p0119"]}}),
    ],
    "size of a named ring (issue)": [
        ("Какой размер у кольца «Грация»?", {"agent": C, "intent": "details", "say": ["размеры в наличии"]}),
    ],
    "an article number": [
        ("Что за изделие ER-0005?", {"agent": C, "intent": "details", "say": ["ER-0005", "цена"],
                                     "meta": {"recommendations": ["p0005"]}}),
    ],
    "expensive, budget unlimited (issue)": [
        ("Покажите что-нибудь дорогое, бюджет не ограничен", {**LIST, "each": over(100000)}),
    ],
    "a jubilee is not a wedding anniversary (issue)": [
        ("подарок маме на юбилей", {**LIST, "never": ["годовщин"],
                                    "meta": {"extracted_preferences": lambda p: p["occasion"] == "jubilee",
                                             "products": lambda ps: max(p["price"] for p in ps) > 20000}}),
    ],
    "delivery and holding (issue)": [
        ("Есть ли доставка и можно ли отложить?", {**KNOW, "say": ["доставляем", "отложить на 3 дня"]}),
    ],
    "fineness (issue)": [
        ("Чем отличается 585 от 750 пробы?", {**KNOW, "say": ["58,5 %", "75 %"]}),
    ],
    "thanks after a list (issue)": [
        ("Ищу цепочку из серебра", {**LIST, "exact": both(kind("chain"), metal("silver"))}),
        ("Спасибо!", {"agent": C, "intent": "small_talk", "none": True, "say": ["пожалуйста"],
                      "never": ["привет", "здравствуйте"]}),
    ],
    "greeting only at the start": [
        ("Здравствуйте, ищу серьги для мамы", {**LIST, "say": ["здравствуйте"], "each": kind("earrings")}),
        ("а с жемчугом есть?", {**LIST, "never": ["здравствуйте", "привет"], "each": kind("earrings"),
                                "exact": stone("pearl")}),
    ],
    "for my husband instead": [
        ("Серьги жене до 20 тысяч", {**LIST, "exact": both(kind("earrings"), under(20000))}),
        ("а для мужа что-нибудь?", {**LIST, "each": lambda p: p["recipient"] != "women" if "recipient" in p
                                    else True, "exact": under(20000)}),
    ],
    "diminutives and thousands in words": [
        ("нужны сережки маме тыщ на 10 из серебра", {**LIST, "exact": both(kind("earrings"), metal("silver"),
                                                                          over(8500), under(11500))}),
    ],
    "a proposal ring, forty thousand or so": [
        ("колечко с брюликом для предложения тысяч сорок",
         {**LIST, "exact": both(kind("engagement_ring"), stone("diamond"), over(34000), under(46000))}),
    ],
    "no punctuation, cheap gold bracelet": [
        ("хочу браслетик золотой недорогой", {**LIST, "exact": both(kind("bracelet"), metal(*GOLDS)),
                                              "meta": {"extracted_preferences":
                                                       lambda p: p["price_level"] == "low"}}),
    ],
    "cufflinks, then silver": [
        ("запонки для папы", {**LIST, "each": kind("cufflinks")}),
        ("а из серебра?", {**LIST, "each": kind("cufflinks"), "exact": metal("silver")}),
    ],
    "no stones, platinum": [
        ("кольцо без камней из платины", {**LIST, "each": kind(*RINGS),
                                          "exact": both(metal("platinum"), lambda p: not p["stones"])}),
    ],
    "refused gold is never shown": [
        ("серьги только не золото до 15 тысяч", {**LIST, "each": both(kind("earrings"), not_metal(*GOLDS))}),
        ("а подороже?", {**LIST, "each": both(kind("earrings"), not_metal(*GOLDS))}),
    ],
    "the third one": [
        ("Покажите броши в винтажном стиле", {**LIST, "each": kind("brooch")}),
        ("третье подробнее плиз", {"agent": C, "intent": "details", "say": ["артикул"]}),
    ],
    "the last one's price": [
        ("ищу кулон с аметистом", {**LIST, "each": kind("pendant")}),
        ("а последний сколько стоит?", {"agent": C, "intent": "details", "say": ["цена"]}),
    ],
    "earrings to go with a necklace": [
        ("Колье с жемчугом", {**LIST, "each": kind("necklace", "pendant", "chain")}),
        ("расскажите про первое", {"agent": C, "intent": "details"}),
        ("а серьги к нему есть?", {**LIST, "each": kind("earrings")}),
    ],
    "another metal for engagement rings": [
        ("покажи помолвочные кольца до 100 тысяч", {**LIST, "each": kind("engagement_ring")}),
        ("а из розового золота?", {**LIST, "each": kind("engagement_ring"),
                                   "exact": both(metal("rose_gold"), under(100000))}),
    ],
    "something solid for a husband": [
        ("хочу что-нибудь солидное мужу", {**LIST, "each": lambda p: p["price"] > 10000}),
    ],
    "a small birthday present": [
        ("Подарок подруге на день рождения тысяч до пяти", {**LIST, "exact": under(5000)}),
    ],
    "address and hours": [
        ("Где вы находитесь и до скольки работаете?", {**KNOW, "say": ["10:00", "21:00"]}),
    ],
    "silver care": [
        ("Как ухаживать за серебром?", {**KNOW, "say": ["серебро темнеет"]}),
    ],
    "returns": [
        ("Можно ли вернуть кольцо если не подошел размер", {**KNOW, "say": ["14 дней"]}),
    ],
    "ring size measuring": [
        ("как узнать размер кольца", {**KNOW, "say": ["нитк"]}),
    ],
    "instalments": [
        ("а рассрочка у вас есть?", {**KNOW, "say": ["рассрочка"]}),
    ],
    "goodbye": [
        ("ищу обручальные кольца", {**LIST, "each": kind("wedding_band")}),
        ("спасибо, до свидания", {"agent": C, "intent": "small_talk", "say": ["пожалуйста"]}),
        ("всего доброго", {"agent": C, "intent": "small_talk", "say": ["всего доброго"]}),
    ],
    "show more": [
        ("Покажите подвески", {**LIST, "each": kind("pendant")}),
        ("ещё покажите", {**LIST, "each": kind("pendant")}),
    ],
    "nothing that cheap": [
        ("Серьги с сапфиром до 5 тысяч", {**LIST, "each": kind("earrings"), "say": ["у нас стоят от"]}),
    ],
    "more solid bracelet": [
        ("браслет из серебра", {**LIST, "each": both(kind("bracelet"))}),
        ("а посолиднее?", {**LIST, "each": kind("bracelet"), "intent": "refine"}),
    ],
    "smaller rings": [
        ("кольцо из серебра", {**LIST, "exact": both(kind(*RINGS), metal("silver"))}),
        ("а поменьше, поизящнее?", {**LIST, "each": kind(*RINGS), "exact": metal("silver")}),
    ],
    "it, in stock": [
        ("Какие кольца есть с изумрудом", {**LIST, "each": kind(*RINGS)}),
        ("расскажи про второе", {"agent": C, "intent": "details"}),
        ("а оно есть в наличии?", {"agent": C, "intent": "details", "say": ["в наличии"]}),
    ],
    "a present for mum, a spread of prices": [
        ("Посоветуйте подарок маме", {**LIST, "meta": {"products": lambda ps: max(p["price"] for p in ps)
                                                        > 3 * min(p["price"] for p in ps)}}),
    ],
    "ok after a list": [
        ("хочу серьги", {**LIST, "each": kind("earrings")}),
        ("ок", {"agent": C, "intent": "small_talk", "none": True}),
    ],
    "a budget for silver chains (issue's boundary)": [
        ("Ищу цепочку из серебра", {**LIST, "each": both(kind("chain"), metal("silver"))}),
        ("а тысяч за 30?", {**LIST, "each": kind("chain"), "exact": metal("silver"),
                             "say": ["цепочки из серебра у нас стоят от"]}),
    ],
    "the same in gold": [
        ("серьги с топазом из серебра", {**LIST, "exact": both(kind("earrings"), stone("topaz"),
                                                               metal("silver"))}),
        ("а в белом золоте такие есть?", {**LIST, "each": kind("earrings"),
                                           "exact": both(stone("topaz"), metal("white_gold"))}),
    ],
    "questionnaire, then a change of subject": [
        ("Пройти анкету вкуса", {"agent": "taste"}),
        ("Белое золото и серебро", {"agent": "taste", "meta": {"current_question_index": 1}}),
        ("Люблю жемчуг и топазы", {"agent": "taste", "meta": {"current_question_index": 2}}),
        ("ой а покажите лучше серьги с топазом до 15 тысяч",
         {**LIST, "exact": both(kind("earrings"), stone("topaz"), under(15000))}),
    ],
    "a size of the piece in focus": [
        ("покажи кольца из серебра", {**LIST, "exact": both(kind(*RINGS), metal("silver"))}),
        ("расскажи про третье", {"agent": C, "intent": "details"}),
        ("а 17 размер есть?", {"agent": C, "intent": "details",
                               "say": ["размер"], "never": ["вот что я подобрала"]}),
    ],
    "the same but in gold, after a list": [
        ("покажите серьги с топазом", {**LIST, "each": kind("earrings")}),
        ("а такие же но в золоте?", {**LIST, "each": kind("earrings"),
                                     "exact": both(stone("topaz"), metal(*GOLDS))}),
    ],
    "typos": [
        ("ищу сережки с жемчюгом из серебра", {**LIST, "each": kind("earrings")}),
        ("спасибки", {"agent": C, "intent": "small_talk"}),
    ],
}


@pytest.mark.parametrize("name", list(CONVERSATIONS))
async def test_conversation(offline_client, name):
    index = list(CONVERSATIONS).index(name)
    await run_conversation(offline_client, f"conv{index}", CONVERSATIONS[name], send_history=index % 2 == 1)


async def test_refinements_move_past_what_was_shown(offline_client):
    turns = [("покажи серьги с жемчугом", {}), ("а подешевле?", {}), ("а подороже есть?", {})]
    (_a, first, _t), (_b, cheaper, _u), (_c, dearer, _v) = await run_conversation(
        offline_client, "moves", turns, send_history=False)
    assert max(prices(cheaper)) < sorted(prices(first))[len(first["products"]) // 2]
    assert min(prices(dearer)) > max(prices(cheaper))
    assert not set(cheaper["recommendations"]) & set(first["recommendations"])


async def test_references_follow_the_servers_list(offline_client):
    (_a, listed, _t), (_b, second, text), (_c, last, _u) = await run_conversation(
        offline_client, "refs", [("Покажите подвески с топазом", {}), ("а второе подробнее", {}),
                                 ("а последнее?", {})], send_history=False)
    assert second["recommendations"] == [listed["recommendations"][1]]
    assert second["details"]["article"] in text and plain(second["details"]["description"]) in plain(text)
    assert last["recommendations"] == [listed["recommendations"][-1]]
