"""Conversations at the kiosk outside the consultant's searches (offline, through the
orchestrator; tests/conversation_kit.py explains the table): comparisons of metals and
stones get advice, not a list; nonsense and English are recognised; short follow-ups after
the trends, the advisor and the questionnaire go where the customer means; a customer
never gets staff data; complaints and questions the facts file cannot answer are said so.
"""
import json
import re

import pytest

from agents.language.english import for_agents
from agents.preferences import extract_preferences
from agents.routing import route_conversation
from agents.small_talk import small_talk
from tests.conversation_kit import ask, kind, metal, run_conversation, stone
from tests.kit import ORCHESTRATOR
from tests.sse_reader import collect, text_of

C, G, T, Q, A = "consultant", "girlfriend", "trend", "taste", "analysis"
ADVICE = {"agent": C, "intent": "knowledge", "none": True}
UNCLEAR = {"agent": C, "none": True, "say": ["не совсем поняла"]}


def any_stone(*codes):
    return lambda p: bool(set(codes) & set(p["stones"]))


CONVERSATIONS = {
    "white gold or platinum": [
        ("что лучше — белое золото или платина?", {**ADVICE, "say": ["платина", "белое золото", "родиев"]}),
    ],
    "silver or gold for every day": [
        ("серебро или золото для каждого дня?", {**ADVICE, "say": ["на каждый день практичнее золото"]}),
    ],
    "585 or 750": [
        ("чем 585 отличается от 750?", {**ADVICE, "say": ["750-я проба"]}),
    ],
    "a diamond or a cubic zirconia": [
        ("бриллиант или фианит?", {**ADVICE, "say": ["фианит", "не царапается"]}),
    ],
    "platinum against silver, the other way round": [
        ("чем платина отличается от серебра?", {**ADVICE, "say": ["платина намного прочнее"]}),
    ],
    "earrings or a ring as a present": [
        ("серьги или кольцо — что лучше подарить?", {**ADVICE, "say": ["по размеру"]}),
    ],
    "either metal in a search is no comparison": [
        ("серьги из серебра или золота до 10 тысяч", {"agent": C, "intent": "search", "some": 1,
                                                      "each": kind("earrings")}),
    ],
    "a comparison, then the pieces": [
        ("бриллиант или фианит — что лучше?", ADVICE),
        ("покажите кольца с фианитом", {"agent": C, "some": 1, "exact": stone("cubic_zirconia")}),
    ],
    "nonsense": [("ааааа", UNCLEAR), ("asdfgh", UNCLEAR), ("ыва ыва", UNCLEAR), ("???", UNCLEAR),
                 ("🤔", UNCLEAR)],
    "nonsense after the advisor": [
        ("мне грустно", {"agent": G}),
        ("ыва ыва", UNCLEAR),
    ],
    "English asking for pieces": [
        ("Hello, do you have silver rings?", {"agent": C, "some": 1, "exact": metal("silver"),
                                              "each": kind("ring", "engagement_ring", "wedding_band")}),
    ],
    "English asking for a gift": [
        ("I need a gift for my wife", {"agent": C, "some": 1, "never": ["не подскажу"]}),
    ],
    "English about something else": [
        ("What is the weather in London tomorrow?", {"agent": C, "none": True, "say": ["по-русски", "russian"]}),
    ],
    "a trend, then a metal": [
        ("что модно этой осенью?", {"agent": T}),
        ("а из серебра?", {"agent": T, "some": 1, "each": metal("silver")}),
    ],
    "the advisor's stones, then 'show them'": [
        ("я Овен", {"agent": G, "say": ["рубин"]}),
        ("покажи такие", {"agent": C, "some": 1, "exact": any_stone("diamond", "ruby", "garnet")}),
    ],
    "another sign's stones, then 'show them'": [
        ("какой камень подходит Скорпиону?", {"agent": G, "say": ["топаз"]}),
        ("покажи такие", {"agent": C, "some": 1, "exact": any_stone("topaz", "garnet", "ruby")}),
    ],
    "an outfit's stones, then 'show them'": [
        ("что надеть к синему платью?", {"agent": G, "say": ["сапфир"]}),
        ("покажи такие", {"agent": C, "some": 1, "exact": any_stone("sapphire", "topaz", "pearl")}),
    ],
    "yes to the advisor's offer": [
        ("я Овен", {"agent": G, "say": ["хотите, подберу"]}),
        ("давай", {"agent": C, "some": 1, "exact": any_stone("diamond", "ruby", "garnet")}),
    ],
    "yes to the advisor after a breakup": [
        ("меня бросил парень", {"agent": G}),
        ("да", {"agent": C, "some": 1, "never": ["для мужчины"]}),
    ],
    "a birthday": [
        ("у меня сегодня день рождения!", {"agent": G, "say": ["с днём рождения"], "never": ["акцент"]}),
        ("а что мне подарить себе?", {"agent": C, "some": 1}),
    ],
    "a sign's metal asked after its stones": [
        ("какой камень подходит Рыбам?", {"agent": G, "say": ["аквамарин"]}),
        ("а металл?", {"agent": G, "say": ["металл — серебро"], "never": ["когда у вас день рождения"]}),
        ("а Весам?", {"agent": G, "say": ["весы — знак стихии"]}),
    ],
    "the way to the salon": [
        ("как к вам добраться?", {"agent": C, "intent": "knowledge", "say": ["кузнецкий мост"]}),
    ],
    "no to the advisor's offer": [
        ("как дела?", {"agent": G}),
        ("нет, спасибо", {"agent": G, "say": ["как скажете"], "never": ["хотите, подберу", "акцент"]}),
    ],
    "yes to the trends' offer": [
        ("что модно этой осенью?", {"agent": T, "some": 1}),
        ("да", {"agent": T, "say": ["о каком из них рассказать", "1."]}),
        ("второе", {"agent": C, "intent": "details"}),
    ],
    "thanks after the trends": [
        ("что модно этой осенью?", {"agent": T}),
        ("спасибо", {"agent": C, "intent": "small_talk", "none": True, "say": ["пожалуйста"]}),
    ],
    "goodbye to the advisor is no date": [
        ("Здравствуйте!", {"agent": G}),
        ("До свидания", {"agent": G, "never": ["свидание"], "say": ["всего доброго"]}),
    ],
    "a metal asked, the sign known": [
        ("я родилась 5 ноября", {"agent": G, "say": ["скорпион"]}),
        ("подходит ли мне золото?", {"agent": G, "say": ["металл вашего знака — платина", "оттенок"],
                                     "never": ["форме лица", "одного акцента"]}),
    ],
    "who is answering": [
        ("кто ты?", {"agent": G, "say": ["программа, а не человек"]}),
        ("что вы умеете?", {"agent": G, "say": ["могу подобрать"], "never": ["не подскажу"]}),
        ("ты вообще живой человек?", {"agent": G, "say": ["программа, а не человек"]}),
    ],
    "undecided": [
        ("ну не знаю", {"agent": C, "none": True, "say": ["давайте разберёмся"], "never": ["не подскажу"]}),
    ],
    "misunderstood by the advisor": [
        ("мне грустно", {"agent": G}),
        ("вы меня не поняли", {"agent": G, "say": ["другими словами"], "never": ["акцент", "форме лица"]}),
    ],
    "English asking where": [
        ("Where is your shop?", {"agent": C, "intent": "knowledge", "say": ["петровка"]}),
    ],
    "thanks and goodbye first": [
        ("спасибо за помощь, до свидания!", {"agent": G, "never": ["здравствуйте"]}),
    ],
    "a party tip, then 'show them'": [
        ("что посоветуешь надеть на корпоратив?", {"agent": G, "say": ["крупные серьги"]}),
        ("покажи такие", {"agent": C, "some": 1, "exact": kind("earrings")}),
    ],
    "a chat that asks back": [
        ("Привет! Как дела?", {"agent": G}),
        ("хорошо, а у тебя?", {"agent": G, "say": ["у меня всё хорошо"], "never": ["акцент", "форме лица"]}),
    ],
    "help, then a gift": [
        ("здравствуйте, мне нужна помощь", {"agent": G, "say": ["конечно, помогу"]}),
        ("хочу подарок жене, но не знаю что", {"agent": C, "some": 1}),
    ],
    "informal address": [("можно на ты?", {"agent": G, "say": ["на «вы»"]})],
    "tired of her": [("ты мне надоела", {"agent": G, "say": ["не буду навязываться"],
                                         "never": ["здравствуйте", "хотите, подберу"]})],
    "a warranty": [("у вас есть гарантия?", {"agent": C, "intent": "knowledge", "say": ["12 месяцев"]})],
    "a complaint": [
        ("мне нагрубили в магазине", {"agent": C, "none": True, "say": ["очень жаль", "администратору"]}),
    ],
    "a complaint about the service": [
        ("мне не понравилось обслуживание", {"agent": C, "none": True, "say": ["администратору"]}),
    ],
    "silver darkens": [
        ("серебро темнеет, что делать?", {"agent": C, "intent": "knowledge", "none": True,
                                          "say": ["шкатулке"]}),
    ],
    "an allergy": [
        ("какой металл не вызывает аллергию?", {**ADVICE, "say": ["платина"]}),
    ],
    "a gift for a sign": [
        ("мне нужен подарок маме на юбилей, она Рак", {"agent": C, "some": 1, "say": ["рак"],
                                                        "exact": any_stone("pearl", "emerald")}),
    ],
    "a question the facts file cannot answer": [
        ("у вас есть парковка?", {"agent": C, "none": True, "say": ["точного ответа", "по телефону"]}),
    ],
    "the stock is staff data": [
        ("какие товары заканчиваются на складе?", {"agent": A, "say": ["только сотрудникам"]}),
    ],
}


@pytest.mark.parametrize("name", list(CONVERSATIONS))
async def test_conversation(offline_client, name):
    await run_conversation(offline_client, "t4-" + re.sub(r"[^A-Za-z0-9]+", "-", name)[:40], CONVERSATIONS[name],
                           send_history=True)


async def test_more_of_the_trends(offline_client):
    """"покажи такие" after the trends in silver: other pieces of the same trends, in silver;
    "а ещё?" again: others still; "первое" then is the first of the latest."""
    user = "t4-trend-more"
    agent, first, _ = await ask(offline_client, user, "что модно из серебра?")
    assert agent == T and first["products"]
    agent, more, text = await ask(offline_client, user, "покажи такие")
    assert agent == T and more["products"] and "ещё" in text
    assert all(p["metal"] == "silver" for p in more["products"])
    assert not {p["id"] for p in more["products"]} & {p["id"] for p in first["products"]}
    agent, again, _ = await ask(offline_client, user, "а ещё?")
    seen = {p["id"] for p in first["products"] + more["products"]}
    assert agent == T and not {p["id"] for p in again["products"]} & seen
    if again["products"]:
        agent, meta, _ = await ask(offline_client, user, "покажи первое")
        assert agent == C and meta["recommendations"] == [again["products"][0]["id"]]


async def test_a_question_elsewhere_keeps_the_questionnaire(offline_client):
    """The questionnaire asks the metals; the customer asks about delivery; the next
    message is the answer to the metals, and "продолжим" asks the question again."""
    user = "t4-quiz"
    agent, meta, _ = await ask(offline_client, user, "хочу пройти тест вкуса")
    assert agent == Q and meta["current_question_index"] == 0
    agent, meta, text = await ask(offline_client, user, "а сколько стоит доставка?")
    assert agent == C and meta["intent"] == "knowledge" and "390" in text
    agent, meta, text = await ask(offline_client, user, "серебро и белое золото")
    assert agent == Q and meta["current_question_index"] == 1 and "серебро" in text
    agent, meta, _ = await ask(offline_client, user, "а что сейчас модно?")
    assert agent == T
    agent, meta, text = await ask(offline_client, user, "продолжим тест")
    assert agent == Q and meta["current_question_index"] == 1 and "Вопрос 2 из" in text


async def test_a_question_about_the_questionnaire_is_answered(offline_client):
    """"Сколько ещё вопросов?" is no answer to the metals: it is answered, the metals are
    asked again, and "золото" next is the metals' answer."""
    user = "t4-quiz-how-many"
    await ask(offline_client, user, "хочу пройти тест вкуса")
    agent, meta, text = await ask(offline_client, user, "сколько ещё вопросов?")
    assert agent == Q and meta["current_question_index"] == 0 and "осталось 10" in text
    agent, meta, text = await ask(offline_client, user, "зачем это?")
    assert agent == Q and meta["current_question_index"] == 0 and "Вопрос 1 из" in text
    agent, meta, _ = await ask(offline_client, user, "золото")
    assert agent == Q and meta["current_question_index"] == 1 and meta["profile"]["metals"]


async def test_nonsense_in_the_questionnaire_asks_again(offline_client):
    user = "t4-quiz-nonsense"
    await ask(offline_client, user, "хочу пройти тест вкуса")
    agent, meta, text = await ask(offline_client, user, "ааааа")
    assert agent == Q and meta["current_question_index"] == 0 and "Вопрос 1 из" in text


@pytest.mark.parametrize("message", ["какая выручка за месяц?", "покажи топ товаров за месяц",
                                     "какие товары заканчиваются на складе?", "кто наши лучшие клиенты?"])
async def test_staff_questions_without_a_token_get_a_refusal(offline_client, message):
    agent, meta, text = await ask(offline_client, "t4-staff", message)
    assert agent == A and "только сотрудникам" in text and not meta.get("products")
    assert not any(ch.isdigit() for ch in text), text


async def test_english_reaches_the_llm_in_russian(client, fake_llm):
    """With an LLM, an English request is read as its Russian gloss, like offline: the
    consultant searches (rings of silver) and the LLM gets the Russian words."""
    response = await client.post(ORCHESTRATOR.format("t4-en-llm"),
                                 json={"message": "Do you have silver rings?"})
    events = await collect(response)
    assert events[-1]["type"] == "done"
    meta = next(e for e in events if e["type"] == "metadata")["data"]["consultant"]
    assert meta["intent"] == "search" and meta["products"]
    assert all(p["metal"] == "silver" for p in meta["products"] if not p.get("misses"))
    assert "из серебра" in json.dumps(fake_llm.requests[-1]["messages"][-1], ensure_ascii=False)
    assert text_of(events, "consultant")


async def test_yes_to_the_advisor_with_an_llm(client):
    """With an LLM (whose words are its own), "давай" to the advisor still goes to the
    consultant, who searches the stones she named."""
    await ask(client, "t4-yes-llm", "я Овен")
    agent, meta, _ = await ask(client, "t4-yes-llm", "давай")
    assert agent == C and meta["products"]
    assert all({"diamond", "ruby", "garnet"} & set(p["stones"]) for p in meta["products"] if not p.get("misses"))


@pytest.mark.parametrize("message, kind_", [("ааааа", "unclear"), ("йцукен", "unclear"), ("...", "unclear"),
                                            ("👍", "agree"), (")))", "agree"), ("Спасибо!", "thanks"),
                                            ("мама", None), ("ну", "unclear"), ("хм", "unclear"),
                                            ("кольцо", None), ("ну не знаю", "unsure"), ("нет, спасибо", "decline"),
                                            ("вы меня не поняли", "misunderstood"), ("понял", "agree"),
                                            ("Tell me a joke", "english"), ("Thank you!", "thanks"),
                                            ("Hello!", "english"), ("Привет!", "greeting")])
def test_small_talk_kinds(message, kind_):
    assert small_talk(message) == kind_


def test_the_gloss_keeps_russian_and_reads_english():
    assert for_agents("покажите кольца") == "покажите кольца"
    assert for_agents("Show me white gold earrings under 20000 rub") == \
        "покажите, из белого золота, серьги, до 20000 рублей"
    assert for_agents("Hello!") == "Hello!"          # a greeting only: answered as such


def test_an_interrupted_questionnaire_takes_back_only_its_answers():
    dialogue = {"flow": "taste", "agent": C}
    assert route_conversation("а в Казань?", dialogue) == [C]
    assert route_conversation("серебро", dialogue, answers_flow=True) == [Q]


@pytest.mark.parametrize("message,budget,size", [
    ("a gift for my wife under 20k", 20000, None),         # rubles unsaid
    ("rings under 20.000 rubles", 20000, None),              # a thousands separator
    ("earrings under 1.5k rub", 1500, None),
    ("silver ring size 17", None, 17.0),
    ("rings under $200", None, None),                        # another currency is not rubles
])
def test_english_budgets_and_sizes_are_read(message, budget, size):
    wishes = extract_preferences(for_agents(message))
    assert (wishes["budget_max"], wishes.get("size")) == (budget, size)
