"""Which agent(s) should answer a message: Russian intent routing without an LLM.

`route_message(message, staff=...)` returns one or two names from `AGENTS`, most relevant
first. The scorer:

1. The message is normalized and cut into *requests* at sentence ends and at joining words
   ("и", "а потом", "заодно"...). "Подбери кольцо и скажи, что в моде" is two requests.
2. Each request is scored per agent by weighted cues: word stems (prefixes, so word forms
   come free: "продаж" ~ продажи/продажам), multi-word stems ("мне идет", "средн чек"),
   the shop's product words from `agents.vocabulary` (counted once per request, so a list
   of products does not outweigh one clear verb), and zodiac sign names as whole words.
3. Two agents only when two requests each have a clear winner (score >= `_CLEAR`) and the
   winners differ; they come in the order the customer asked. Otherwise the agent with the
   best total wins; ties go to the earlier agent in `_PRIORITY`.
4. "analysis" (sales, customers, revenue) is for staff only: for a customer its cues are
   ignored, so the next best agent answers, or the consultant. `asks_for_staff_data` tells
   the orchestrator when a customer's message is clearly such a question (it then gets the
   analyst's polite refusal).

Defaults: a message with no cue at all goes to the consultant (this is a shop: "ок", "а
ещё?" continue a purchase); greetings and thanks carry small girlfriend cues, so a pure
"Привет!" goes to the girlfriend, while "Привет, ищу серьги" goes to the consultant.

`route_conversation(message, dialogue, ...)` adds the conversation: a questionnaire in
progress, references to the pieces shown, follow-ups that stay with the last agent.

What it leaves out: spelling mistakes and sarcasm; cue weights are hand-tuned on
tests/agents/test_routing.py.
"""
from __future__ import annotations

import re

from agents.references import mentions_shown
from agents.refinements import refinement
from agents.small_talk import small_talk
from agents.text import FALSE_FRIENDS, StemIndex, normalize, words
from agents.vocabulary import PRODUCT_TYPES, STONES

AGENTS = ("consultant", "girlfriend", "analysis", "trend", "taste")
_PRIORITY = ("consultant", "analysis", "trend", "taste", "girlfriend")
_CLEAR = 2.5  # the score a request needs to count as a separate request for its own agent
_STAFF_DATA = 3.5  # the analysis score at which a customer's question is about staff-only data


def _cues(weighted: dict[float, str]) -> dict[str, float]:
    """{weight: "stem|stem"} -> {stem: weight}: the tables below stay readable."""
    return {stem: weight for weight, stems in weighted.items() for stem in stems.split("|")}


_CUES = {
    "consultant": _cues({
        2.5: "покаж|подбер|подобра|ищу|ищем|поищ|найд|купить|куплю|купим|приобре|заказать|закаж|"
             "в наличи|наличи|сколько стоит|сколько стоят|стоимост|цен|прайс|доставк|гаранти|вернуть|"
             "возврат|обмен|гравир|отлож|заброниров|рассрочк|кредит|оплат|скидк|акци|промокод|"
             "сертификат|каталог|ассортимент|примерк|примерит|самовывоз|ухажива|уход за|чистк|ремонт|"
             "я ваш|ваш постоянн|я постоянн|"
             "есть у вас|у вас есть|есть ли у вас|мой заказ|моего заказ|моему заказ",
        2: "подешевле|дешев|недорог|сравни|чем отлича|бывают|найдут|найдет|размер|интересу|какие есть|"
           "порекоменд|рекоменд|бонус|лояльн|подарочн карт|забрать",
        1.5: "посовет|что лучше|какой лучше|какие лучше|взять|подар|дарить|у вас|что есть|бюджет|"
             "тысяч|руб|проб|оформ|заказ|магазин|салон|такое же|такие же|такой же|упаковк|выбрать|модел",
        1: "подскаж|нужн|нужен|выбор|посмотреть|вариант",
        0.5: "хочу|украшени|ювелир",
    }),
    "girlfriend": _cues({
        4: "гороскоп|зодиак|астролог|натальн|цветотип",
        3.5: "что надеть|с чем носить|как дела|поболта",
        3: "груст|печал|тоск|устал|одинок|расстро|плач|плак|бросил|расстал|волну|пережива|тревож|"
           "депресс|некрасив|комплимент|ты лучш|мне идет|идет ли мне|идут ли мне|мне идут|"
           "подойдут ли мне|подойдет ли мне|мне подойд|мне подходят|подходит ли мне|подходят ли мне|"
           "к лицу|внешност|типаж|талисман|оберег|по дате рождения|мне пойд|пойдет ли мне|пойдут ли мне|"
           "овн|овен|тельц|телец|близнец|скорпион|стрелец|стрельц|козерог|водоле|"
           "я родил|родилась я|родился я|i was born|my birthday",
        2.5: "настроени|поддерж|обид|страшно|приятн|ура|надеть|надет|сочета|образ|как ты|скучно|"
             "скучаю|паршив|плох день|тяжел день|не везет|бесит|злюсь|несчастн|безвкус|что ты думаешь|"
             "поговори|поговорить|с тобой|для души|поругал|успоко|как тебе|у тебя дела|как у тебя|сглаз",
        2: "лицо|лица|фигур|свидани|собеседовани|уверенн|выгляд|как думаешь|радост|повышени|удач|"
           "что делать|энерги|знак|стрижк|прическ|волос|глаз|кожа|кожей|рыж|блондинк|брюнетк|"
           "переборщ|пальц|можно носить|классная|общаться|общени|чувству|весел|смешн|лучшая|подружк|защищ|"
           "наконец",
        1.5: "спасибо|благодар|мне кажется|смотрел|гармоничн|счастлив|рада|ужасн|носить",
        1: "привет|здравств|добрый день|добрый вечер|доброе утро|доброй ночи|хай|салют|помоги|расскажи|"
           "уф|пятниц|стар",
    }),
    "analysis": _cues({
        4: "выручк|сегмент|когорт|средн чек|конверси|статистик|аналитик|проанализ|kpi|ltv|retention",
        3.5: "клиент|прогноз|спрогноз|отчет|сводк|сколько заказ|сколько клиент|сколько покупател|"
             "повторн покуп",
        3: "продаж|продал|продан|оборот|прибыл|маржин|доход|анализ|динамик|выгруз|отток|удержани|"
           "заработал|сколько осталось|"
           "воронк|сезонност|спрос",
        2.5: "покупател|продаю|продает|не покупал|сколько мы|сколько у нас|которые купили",
        2: "заказов|квартал|по месяцам|по категориям|корзин|вырос|упал|снизил|рост|доля|остатк|склад|"
           "топ|чаще покупа|рассылк|покупок|покупках|покупкам|тратят|понадоб",
        1.5: "заказы|за месяц|прошл месяц|прошлом месяц|этой недел|за недел|по сравнению|постоянн|"
             "покупает|покупают|чаще всего|процент|база|купили|категори|больше всего|меньше всего|"
             "денег|деньги",
        1: "сколько|у нас|товар|возврат",
        0.5: "январ|феврал|апрел|мае|мая|июн|июл|август|сентябр|октябр|ноябр|декабр|прошл год",
    }),
    "trend": _cues({
        4: "тренд|тенденц|vogue|elle|harper|bazaar|cosmopolitan|glamour|подиум|must have|маст хэв",
        3.5: "модн|мода|моде|моду|моды|модой",
        3: "актуальн|журнал|носят|устарел|модниц|селеб|fashion|фэшн",
        2.5: "сезон|звезд|знаменит|блогер",
        2: "новинк|пишут|показы|возвращ|хит|старомодн|выбирают|популярн",
        1.5: "в этом году|весн|осен|зимн|летн|летом|бренд|стилист|instagram|инстаграм|коллекци|"
             "молодеж|tiffany|тиффани|cartier|картье|bvlgari|булгари|chanel|шанель|dior|диор",
        1: "снова|сейчас",
    }),
    "taste": _cues({
        4: "анкет|протестир|какой у меня стиль|мой вкус|моем вкусе|мои вкусы|моих вкус|моего вкуса|"
           "задай мне вопрос",
        3.5: "тест|опрос|викторин|квиз|поспрашива|спроси меня|мне ближе",
        3: "предпочтени|профиль|что мне нравится|задай вопрос|узнай меня|моем стиле|моего стиля|моему стилю",
        2: "определи|вкус|заполн|узнать мои|узнай мои|понять мой|понять какой|пару вопрос",
        1.5: "пройти|пройд|пройду|разобраться",
        1: "мой стиль|вопрос",
    }),
}
# "моде" (в моде) is not "модель"/"модерн", "ура" is not "уравнение"...: only what bit us.
_FALSE_FRIENDS = {**FALSE_FRIENDS, "моде": ("модел", "модер"), "ура": ("урав", "уран"),
                  "цен": ("ценн",), "знак": ("знаком",), "тест": ("тесть", "тестя")}
# Product and stone words say "a shop request", but only once per request.
_PRODUCTS = tuple(s for _label, stems in PRODUCT_TYPES.values() for s in stems) + ("серег", "цепоч")
_MATERIALS = tuple(s for _label, stems in STONES.values() for s in stems) + ("золот", "серебр", "платин")
# Zodiac signs that are ordinary words too ("лев", "рак", "дева", "весы", "рыбы") count only
# as whole words; the unambiguous ones ("скорпион", "водоле") are stems in the table above.
_SIGNS = frozenset("лев льву льва львам львов львы рак раку рака ракам раков дева деве девы девам "
                   "весы весам весов рыбы рыбам рыб".split())
_YOU, _ME = frozenset("ты тебе тебя тобой твой твоя твое".split()), frozenset("я мне меня мной".split())
_SPLIT = re.compile(r"[.!?;]+|\s(?:а также|а еще|а потом|и потом|и еще|и заодно|заодно|плюс|кстати|"
                    r"затем|потом|и|а)\s")


# Every cue stem of every agent in one index, and the shop's words: one pass per request.
_CUE_INDEX = StemIndex((((agent, weight), stem) for agent, cues in _CUES.items()
                        for stem, weight in cues.items()), _FALSE_FRIENDS)
_SHOP_INDEX = StemIndex([*((2, s) for s in _PRODUCTS), *((1, s) for s in _MATERIALS)])


def _score(ws: list[str], allowed: tuple[str, ...]) -> dict[str, float]:
    scores = dict.fromkeys(allowed, 0.0)
    for (agent, weight), stem in {(key, stem) for key, _start, _end, stem in _CUE_INDEX.hits(ws)}:
        if agent in scores:                        # each cue counts once per request
            scores[agent] += weight
    if "consultant" in scores:                     # products twice, materials once, each once
        scores["consultant"] += sum({key for key, *_hit in _SHOP_INDEX.hits(ws)})
    if "girlfriend" in scores:  # talking to "you" (and about "me") with no shop words is a chat
        scores["girlfriend"] += 3 * any(w in _SIGNS for w in ws) + any(w in _YOU for w in ws) + \
            0.5 * any(w in _ME for w in ws)
    return scores


def _best(scores: dict[str, float]) -> str:
    return max(scores, key=lambda agent: (scores[agent], -_PRIORITY.index(agent)))


def asks_for_staff_data(message: str) -> bool:
    """Is `message` clearly about the shop's own sales or customers (the analyst's subject,
    scored as for staff)? A customer asking that gets the analyst's polite refusal instead
    of the words being routed to another agent (a list of rings is no answer to "какая
    выручка?"); a weaker hint ("что чаще покупают на 8 марта") still goes to the others."""
    totals = dict.fromkeys(AGENTS, 0.0)
    for part in _SPLIT.split(normalize(message)):
        if ws := words(part):
            for agent, value in _score(ws, AGENTS).items():
                totals[agent] += value
    return totals["analysis"] >= _STAFF_DATA and _best(totals) == "analysis"


def route_message(message: str, *, staff: bool = False) -> list[str]:
    """One or two agent names for `message`, most relevant (or first asked) first."""
    allowed = tuple(a for a in AGENTS if staff or a != "analysis")
    return _decide(*_route(message, allowed))


def _route(message: str, allowed: tuple[str, ...],
           peaks: dict[str, float] | None = None) -> tuple[list[str], dict[str, float]]:
    """The clear winners of the message's requests, in order, and each agent's total
    (`peaks`, when given, gets each agent's best score in any one request)."""
    totals = dict.fromkeys(allowed, 0.0)
    winners: list[str] = []
    for part in _SPLIT.split(normalize(message)):
        ws = words(part)
        if not ws:
            continue
        scores = _score(ws, allowed)
        for agent, value in scores.items():
            totals[agent] += value
            if peaks is not None:
                peaks[agent] = max(peaks.get(agent, 0.0), value)
        best = _best(scores)
        if scores[best] >= _CLEAR and best not in winners:
            winners.append(best)
    return winners, totals


def _decide(winners: list[str], totals: dict[str, float]) -> list[str]:
    if len(winners) >= 2:
        return winners[:2]
    best = _best(totals)
    return [best] if totals[best] > 0 else ["consultant"]


# --- the conversation -------------------------------------------------------------------
_STRONG = 4.0   # a request this clear changes the subject even mid-questionnaire
_LEAVE_FLOW = re.compile(r"\b(?:хватит|стоп|надоел\w*|прерв\w*|прекрат\w*|выйти|отмен\w*|"
                         r"не хочу (?:отвечать|анкет\w*|дальше)|потом доотвеч\w*|в другой раз)\b")


def route_conversation(message: str, dialogue: dict, *, staff: bool = False,
                       answers_flow: bool = False) -> list[str]:
    """Like `route_message`, but for a message in a conversation (`agents.dialogue` state):

    - an agent flow in progress (the questionnaire) keeps the message when it reads as the
      next answer (`answers_flow`) or asks for nothing clearly else, until the customer
      clearly changes the subject or says to stop;
    - a reference to the pieces shown ("первое", "а подешевле?", "к ним") goes to the consultant;
    - small talk ("Спасибо, до свидания!") and a message that asks for nothing clear ("ок",
      "а ещё?") stay with the agent who answered last.
    """
    allowed = tuple(a for a in AGENTS if staff or a != "analysis")
    text = normalize(message)
    flow, last = dialogue.get("flow"), dialogue.get("agent")
    leaving = flow and _LEAVE_FLOW.search(text)
    if leaving:
        allowed = tuple(a for a in allowed if a != flow)
    peaks: dict[str, float] = {}
    winners, totals = _route(message, allowed, peaks)
    others = max((v for agent, v in peaks.items() if agent != flow), default=0.0)
    if flow in allowed and (others < _CLEAR or (answers_flow and others < _STRONG)):
        return [flow]
    if dialogue.get("shown") and "consultant" in allowed and (mentions_shown(text) or refinement(text)):
        if max(v for agent, v in totals.items() if agent != "consultant") < _STRONG:
            return ["consultant"]
    if last in allowed and not leaving and (small_talk(message) or (
            not winners and max(totals.values()) < _CLEAR)):
        return [last]
    return _decide(winners, totals)
