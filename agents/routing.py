"""Which agent(s) should answer a message: Russian intent routing without an LLM. The
server asks through one function, `choose_agents(message, profile, agents, staff=...)`.

`route_message(message, staff=...)` returns one or two names from `AGENTS`, most relevant
first. The scorer:

1. The message is normalized and cut into *requests* at sentence ends and at joining words
   ("и", "а потом", "заодно"...). "Подбери кольцо и скажи, что в моде" is two requests.
2. Each request is scored per agent by weighted cues: word stems (prefixes, so word forms
   come free: "продаж" ~ продажи/продажам), multi-word stems ("мне идет", "средн чек"),
   the shop's product words (counted once per request, so a list of products does not
   outweigh one clear verb), a sum of money ("до 10к"), and zodiac sign names as whole words; the cue tables are
   `agents.language.cues`.
3. Two agents only when two requests each have a clear winner (score >= `_CLEAR`) and the
   winners differ; they come in the order the customer asked. Otherwise the agent with the
   best total wins; ties go to the earlier agent in `_PRIORITY`.
4. "analysis" (sales, customers, revenue) is for staff only: for a customer its cues are
   ignored, so the next best agent answers, or the consultant. `asks_for_staff_data` tells
   when a customer's message is clearly such a question (it then gets the analyst's
   polite refusal).

Defaults: a message with no cue at all goes to the consultant (this is a shop: "ок", "а
ещё?" continue a purchase); greetings and thanks carry small girlfriend cues, so a pure
"Привет!" goes to the girlfriend, while "Привет, ищу серьги" goes to the consultant.

`route_conversation(message, dialogue, ...)` adds the conversation: a questionnaire in
progress, references to the pieces shown, follow-ups that stay with the last agent.

What it leaves out: spelling mistakes and sarcasm; cue weights are hand-tuned on
tests/agents/test_routing.py (`python -m tests.routing_accuracy` reports wording they
were not tuned on).
"""
from __future__ import annotations

import re
from typing import Mapping

from agents.base import Agent
from agents.dialogue import dialogue_of
from agents.language import StemIndex, normalize, words
from agents.language.cues import (CUE_FALSE_FRIENDS, CUES, LEAVE_FLOW, MATERIAL_STEMS, ME, MONEY, MONEY_WEIGHT,
                                  MORE_LIKE_THESE, PRODUCT_STEMS, REQUEST_BREAKS, SIGN_WORDS, WANTING,
                                  WANTS_PIECES_NOW, YES, YOU)
from agents.references import mentions_shown
from agents.refinements import refinement
from agents.small_talk import small_talk
from agents.staff_questions import compares_periods

AGENTS = ("consultant", "girlfriend", "analysis", "trend", "taste")
_PRIORITY = ("consultant", "analysis", "trend", "taste", "girlfriend")
_CLEAR = 2.5  # the score a request needs to count as a separate request for its own agent
_STAFF_DATA = 3.5  # the analysis score at which a customer's question is about staff-only data


# Every cue stem of every agent in one index, and the shop's words: one pass per request.
_CUE_INDEX = StemIndex((((agent, weight), stem) for agent, cues in CUES.items()
                        for stem, weight in cues.items()), CUE_FALSE_FRIENDS)
_SHOP_INDEX = StemIndex([*((2, s) for s in PRODUCT_STEMS), *((1, s) for s in MATERIAL_STEMS)])


def _score(ws: list[str], allowed: tuple[str, ...], money: bool = True) -> dict[str, float]:
    scores = dict.fromkeys(allowed, 0.0)
    for (agent, weight), stem in {(key, stem) for key, _start, _end, stem in _CUE_INDEX.hits(ws)}:
        if agent in scores:                        # each cue counts once per request
            scores[agent] += weight
    if "consultant" in scores:                     # products twice, materials once, each once; a sum
        scores["consultant"] += sum({key for key, *_hit in _SHOP_INDEX.hits(ws)}) + \
            MONEY_WEIGHT * (money and bool(MONEY.search(" ".join(ws))))
    if "girlfriend" in scores:  # talking to "you" (and about "me") with no shop words is a chat
        scores["girlfriend"] += 3 * any(w in SIGN_WORDS for w in ws) + any(w in YOU for w in ws) + \
            0.5 * any(w in ME for w in ws)
    return scores


def _best(scores: dict[str, float]) -> str:
    return max(scores, key=lambda agent: (scores[agent], -_PRIORITY.index(agent)))


def asks_for_staff_data(message: str) -> bool:
    """Is `message` clearly about the shop's own sales or customers (the analyst's subject,
    scored as for staff)? A customer asking that gets the analyst's polite refusal instead
    of the words being routed to another agent (a list of rings is no answer to "какая
    выручка?"); a weaker hint ("что чаще покупают на 8 марта") still goes to the others."""
    totals = dict.fromkeys(AGENTS, 0.0)
    for part in REQUEST_BREAKS.split(normalize(message)):
        if ws := words(part):
            for agent, value in _score(ws, AGENTS).items():
                totals[agent] += value
    return totals["analysis"] >= _STAFF_DATA and totals["analysis"] >= max(totals.values())


def names_goods(text: str) -> bool:
    """Does normalized `text` name a kind of piece, a stone, a metal or a sum of money?"""
    ws = words(text)
    return bool(MONEY.search(" ".join(ws))) or any(True for _hit in _SHOP_INDEX.hits(ws))


def about_the_shop(message: str) -> bool:
    """Does `message` say anything a jewelry shop's consultant answers: its cue words
    ("покажите", "у вас", "цена"...), the shop's product and material words, or words of
    wanting something unnamed ("удивите меня чем-нибудь")?"""
    text = normalize(message)
    return bool(WANTING.search(text)) or _score(words(text), ("consultant",))["consultant"] > 0


def route_message(message: str, *, staff: bool = False) -> list[str]:
    """One or two agent names for `message`, most relevant (or first asked) first."""
    allowed = tuple(a for a in AGENTS if staff or a != "analysis")
    return _decide(*_route(message, allowed))


def _route(message: str, allowed: tuple[str, ...], peaks: dict[str, float] | None = None,
           money: bool = True) -> tuple[list[str], dict[str, float]]:
    """The clear winners of the message's requests, in order, and each agent's total
    (`peaks`, when given, gets each agent's best score in any one request)."""
    totals = dict.fromkeys(allowed, 0.0)
    winners: list[str] = []
    for part in REQUEST_BREAKS.split(normalize(message)):
        ws = words(part)
        if not ws:
            continue
        scores = _score(ws, allowed, money)
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


def route_conversation(message: str, dialogue: dict, *, staff: bool = False,
                       answers_flow: bool = False) -> list[str]:
    """Like `route_message`, but for a message in a conversation (`agents.dialogue` state):

    - an agent flow in progress (the questionnaire) keeps the message when it reads as the
      next answer (`answers_flow`) or asks for nothing clearly else, until the customer
      clearly changes the subject or says to stop;
    - after the questionnaire's last answer, "да", "что мне подойдёт?" go to the consultant,
      who searches with the profile; "что мне подойдёт?" before it too (the answers so far);
    - a reference to the pieces shown ("первое", "а подешевле?", "к ним") goes to the consultant;
    - small talk ("Спасибо, до свидания!") and a message that asks for nothing clear ("ок",
      "а ещё?") stay with the agent who answered last; a message with nothing to read
      ("ааааа", "???") or in English asking for nothing known goes to the consultant;
    - after the trends, a short follow-up that names only goods ("а из серебра?") stays
      with the trend analyst, and so does "покажи такие" / "а ещё?" (more of the trends);
      small talk after the trends or the analyst gets the consultant's reply;
    - "да" to the advisor's offer to pick pieces (`offered`) goes to the consultant.
    """
    allowed = tuple(a for a in AGENTS if staff or a != "analysis")
    text = normalize(message)
    flow, last = dialogue.get("flow"), dialogue.get("agent")
    talk = small_talk(message)
    if talk in ("unclear", "english") and "consultant" in allowed:
        # Nothing to read ("ааааа"), or English that asks for nothing known: the consultant
        # says so and what the shop can do; a questionnaire asks its question again.
        return [flow] if flow in allowed and talk == "unclear" else ["consultant"]
    leaving = flow and LEAVE_FLOW.search(text)
    if leaving:
        allowed = tuple(a for a in allowed if a != flow)
    peaks: dict[str, float] = {}
    # In a questionnaire a sum is an answer ("до 10 тысяч"), not a request for pieces.
    winners, totals = _route(message, allowed, peaks, money=not (flow and flow in allowed))
    others = max((v for agent, v in peaks.items() if agent != flow), default=0.0)
    if flow == "taste" and "consultant" in allowed and not answers_flow and WANTS_PIECES_NOW.search(text):
        return ["consultant"]     # "и что мне подойдёт?" before the last question: the answers so far
    # A flow interrupted by one question to another agent (`last` is not the flow's) takes
    # back only what reads as its answer; a follow-up of that question stays out of it.
    if flow in allowed and ((answers_flow and others < _STRONG) or (others < _CLEAR and last in (None, flow))):
        return [flow]
    if last == "taste" and not flow and "consultant" in allowed and \
            set(winners) <= {"girlfriend", "consultant"} and max(totals.values()) < _STRONG and \
            ((words(text) and set(words(text)) <= YES) or about_the_shop(message)):
        return ["consultant"]     # the questionnaire just ended with "подобрать под ваш профиль?"
    if last == "girlfriend" and "consultant" in allowed and words(text) and set(words(text)) <= YES and \
            dialogue.get("offered"):
        return ["consultant"]     # "да" to the advisor's "Хотите, подберу для вас что-нибудь?"
    if last == "trend" and "trend" in allowed and not names_goods(text) and \
            MORE_LIKE_THESE.search(" ".join(words(text))):
        return ["trend"]    # "покажи такие", "а ещё?" after the trends: more of them
    direction = refinement(text)     # "а ещё?" follows the consultant only ("носят ещё?" is a trend's)
    if dialogue.get("shown") and "consultant" in allowed and (
            mentions_shown(text) or (direction and (direction != "more" or last in (None, "consultant")))):
        if max(v for agent, v in totals.items() if agent != "consultant") < _STRONG:
            return ["consultant"]
    if talk and last not in (None, "consultant", "girlfriend") and "consultant" in allowed and not flow:
        return ["consultant"]     # "спасибо", "нет" after the trends or the analyst: a person's reply
    if last in allowed and not leaving and (talk or (
            not winners and max(totals.values()) < _CLEAR and (last == "consultant" or not names_goods(text)))):
        return [last]       # "ок", "а ещё?"; but "а кольцо на фалангу?" after a chat is the shop's
    if last == "trend" and "trend" in allowed and not winners and _FOLLOW_UP.match(text) and names_goods(text):
        return ["trend"]    # "а из серебра?" after the trends: what is in fashion in silver
    return _decide(winners, totals)


# A short follow-up that only changes the subject of the question before ("а из серебра?",
# "а серьги?", "и для мужчин?").
_FOLLOW_UP = re.compile(r"(?:а|и|ну а)\s+(?:\S+\s*){1,4}$")


def choose_agents(message: str, profile: dict, agents: Mapping[str, Agent], *, staff: bool) -> list[str]:
    """The agents of `agents` that answer `message` now, given the user's profile (its
    dialogue state): a flow in progress that reads the message as its next answer keeps
    it; a customer asking about the shop's sales or customers gets the analyst (which,
    without the staff flag, only words a polite refusal); else `route_conversation`."""
    dialogue = dialogue_of(profile)
    flow = agents.get(dialogue.get("flow") or "")
    answers = bool(flow and flow.accepts and flow.accepts(profile, message))
    if not staff and not answers and "analysis" in agents and asks_for_staff_data(message):
        return ["analysis"]
    if staff and not answers and "analysis" in agents and compares_periods(message):
        return ["analysis"]           # "сравни сентябрь и октябрь": a staff member's periods
    routed = [name for name in route_conversation(message, dialogue, staff=staff, answers_flow=answers)
              if name in agents and (staff or not agents[name].staff_only)]
    return routed or ["consultant"]
