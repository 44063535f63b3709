"""The friendly advisor ("подружка"): style, emotional support, advice and the zodiac, on «вы».

    load_profile -> understand -> respond

`understand` reads the mood (sad, stressed, happy), the topics (an event, a style question,
the zodiac, a request for advice), the colour of an outfit, a chat ("как дела?", thanks, a
compliment) and the zodiac sign with plain code. The draft follows the conversation: the
sign's stones are said once (again when asked), a general tip is never given twice, and a
chat gets a reply, not a lecture. The sign comes from
a birth date or sign the user states in this message or an earlier one (`agents.zodiac`),
else from the profile; a newly stated one is saved into the profile there, so it is known
next time (`birth_date` "YYYY-MM-DD", or `birth_day`/`birth_month` without a year, or
`zodiac_sign` when only the sign was said). `respond` has the LLM word a warm answer from
those facts (offline: the draft below is streamed as is).

One form of address for the whole conversation: «вы» (a shop's kiosk talks to strangers),
in every text below and in the prompt. A greeting opens only the first answer of a
conversation (no assistant message in the history yet); later answers go straight on.

What it leaves out: real sentiment analysis (moods are word stems; negation is ignored),
product search (that is the consultant's job; the advisor only names stones and metals).
"""
from __future__ import annotations

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.language import vocabulary as V
from agents.answering import write_answer
from agents.base import Agent, AgentContext, InputState, chat_messages, profile_of
from agents.language import find_codes
from agents.language.advisor_words import CHAT, EVENTS, GARMENTS, MOODS, OUTFIT_COLORS, OWN_STONES, TOPICS
from agents.advisor_questions import asked_metal, metal_sentence, sign_followed_up
from agents.girlfriend_texts import CHAT_REPLIES, GENERAL_TIPS, OPENINGS, OUTFIT_TIPS, TIP_WISHES, TIPS
from agents.small_talk import small_talk
from agents.zodiac import SIGN_FACTS, dates_in_text, sign_in_text, sign_named, zodiac_sign

SYSTEM_PROMPT = """Ты — заботливая советчица и стилист ювелирного магазина: тёплая, \
искренняя, с чувством стиля. Пиши по-русски, тепло и просто, 3–5 предложений; к человеку \
обращайся только на «вы», никогда на «ты». Поддержи настроение человека и дай один конкретный совет по стилю. Если знак зодиака известен, \
опирайся на его камни и металл из фактов ниже; других фактов не выдумывай. Не ставь \
диагнозов и не упоминай технические детали. {greeting}

Настроение: {mood}
Темы: {topics}
Знак зодиака: {sign}"""

GREET = "Это начало разговора: можно коротко поздороваться."
NO_GREETING = "Разговор уже идёт: не здоровайся снова, сразу отвечай по существу."

class GirlfriendState(InputState, total=False):
    profile: dict
    mood: str                   # a MOODS code or "neutral"
    topics: list[str]           # TOPICS codes
    event: str | None           # an EVENTS code
    outfit: str | None          # an OUTFIT_COLORS code, said next to a garment
    chat: str | None            # a CHAT code or a small-talk kind: talk that asks for no advice
    asks_own: bool              # about the customer's own stones or metal
    sign_new: bool              # the birth date or sign is said in this message
    zodiac_sign: str | None     # Russian name, e.g. "Овен"
    other_sign: str | None      # a sign the question is about, not the customer's ("Скорпиону")
    suggested: dict             # wishes the answer suggests: "stones", "type" (for "покажи такие")
    asked_metal: str | None     # a METALS code, or "gold" for any gold: "подходит ли мне золото?"
    answer: str


def sign_from_profile(profile: dict) -> str | None:
    """The sign the profile knows: a stated sign, else the full or partial birth date."""
    if profile.get("zodiac_sign") in SIGN_FACTS:
        return profile["zodiac_sign"]
    try:
        if profile.get("birth_date"):
            _year, month, day = (int(part) for part in profile["birth_date"].split("-"))
            return zodiac_sign(day, month)
        if profile.get("birth_day") and profile.get("birth_month"):
            return zodiac_sign(int(profile["birth_day"]), int(profile["birth_month"]))
    except ValueError:
        pass
    return None


def stated_birth(message: str, history: list[dict]) -> tuple[dict, str] | None:
    """(profile fields, sign) the user stated, newest message first; None if never."""
    for text in [message, *(h["content"] for h in reversed(history) if h["role"] == "user")]:
        if found := dates_in_text(text):
            day, month, year = found
            fields = ({"birth_date": f"{year:04d}-{month:02d}-{day:02d}"} if year
                      else {"birth_day": day, "birth_month": month})
            return fields, zodiac_sign(day, month)
        if sign := sign_in_text(text):
            return {"zodiac_sign": sign}, sign
    return None


def remembered(profile: dict, fields: dict) -> dict:
    """The profile with newly stated birth fields. A new date replaces the old birth fields;
    a stated sign is kept beside a date (and wins over it in `sign_from_profile`)."""
    if "zodiac_sign" in fields:
        return profile if sign_from_profile(profile) == fields["zodiac_sign"] else {**profile, **fields}
    if "birth_day" in fields and profile.get("birth_date", "").endswith(
            f"-{fields['birth_month']:02d}-{fields['birth_day']:02d}"):
        return profile                          # the same day, without the year we know
    kept = {k: v for k, v in profile.items()
            if k not in ("birth_date", "birth_day", "birth_month", "zodiac_sign")}
    return {**kept, **fields}


async def load_profile(state: GirlfriendState, runtime: Runtime[AgentContext]) -> dict:
    return {"profile": await profile_of(state, runtime.context.store)}


async def understand(state: GirlfriendState, runtime: Runtime[AgentContext]) -> dict:
    message, history = state["message"], state.get("history") or []
    talk = small_talk(message)      # "до свидания" is no date to dress for, "спасибо" no topic
    moods, events = find_codes(message, MOODS), [] if talk else find_codes(message, EVENTS)
    topics = [] if talk else find_codes(message, TOPICS)
    profile, sign = state.get("profile") or {}, None
    if stated := stated_birth(message, history):
        fields, sign = stated
        # One transaction: a concurrent update by another agent is never lost.
        profile = await runtime.context.store.update_profile(
            state["user_id"], lambda latest: remembered(latest, fields))
    colors = find_codes(message, OUTFIT_COLORS) if find_codes(message, GARMENTS) else []
    own, named = sign_in_text(message), sign_named(message) or sign_followed_up(message, history)
    chat = (find_codes(message, CHAT) + [talk])[0]
    return {"mood": moods[0] if moods else "neutral", "topics": topics,
            "event": events[0] if events else None, "profile": profile,
            "outfit": colors[0] if colors else None, "chat": chat,
            "asks_own": bool(find_codes(message, OWN_STONES)), "asked_metal": asked_metal(message),
            "sign_new": bool(own or dates_in_text(message)),
            "zodiac_sign": sign or sign_from_profile(profile),
            "other_sign": named if named != own else None}


def sign_sentence(sign: str) -> str:
    element, stones, metal = _sign_words(sign)
    return f"Вы — {sign}, знак стихии {element}: ваши камни — {stones}, а ваш металл — {metal}."


def others_sign_sentence(sign: str) -> str:
    element, stones, metal = _sign_words(sign)
    return f"{sign} — знак стихии {element}: этому знаку подходят {stones}, а металл — {metal}."


def _sign_words(sign: str) -> tuple[str, str, str]:
    """The sign's element, its stones ("рубин, гранат и топаз") and its metal, in words."""
    element, stones, metal = SIGN_FACTS[sign]
    names = [V.label(V.STONES, s) for s in stones]
    listed = ", ".join(names[:-1]) + " и " + names[-1] if len(names) > 1 else names[0]
    return element, listed, V.label(V.METALS, metal)


def draft_answer(state: GirlfriendState) -> str:
    """A warm 3–5 sentence answer in plain Russian, built from the facts alone, that goes on
    from what was already said (`history`)."""
    mood, sign, event = state["mood"], state.get("zodiac_sign"), state.get("event")
    history, chat, topics = state.get("history") or [], state.get("chat"), state["topics"]
    said = " ".join(item["content"] for item in history if item["role"] == "assistant")
    greet = mood != "neutral" or (first_turn(history) and chat not in NO_HELLO)
    sentences = [OPENINGS[mood]] if greet else []
    if chat in CHAT_REPLIES and not (greet and chat == "greeting"):
        sentences.append(CHAT_REPLIES[chat])
    other = state.get("other_sign")
    if other:                                  # "какой камень подойдёт Скорпиону?"
        sentences.append(others_sign_sentence(other))
    asked = state.get("sign_new") or state.get("asks_own") or ("zodiac" in topics and not other)
    if sign and sign != other and (asked or (not other and sign_sentence(sign) not in said)):
        sentences.append(sign_sentence(sign))
    elif not sign and not other and ("zodiac" in topics or state.get("asks_own")):
        sentences.append("Подскажите, когда у вас день рождения, — и я расскажу, какие камни "
                         "и металл подходят вашему знаку.")
    outfit, metal = state.get("outfit"), state.get("asked_metal")
    if metal and not (event or outfit):        # "подходит ли мне золото?": that, not a tip
        sentences.append(metal_sentence(metal, sign))
    elif event or outfit or not chat or {"style", "advice"} & set(topics):
        tip = TIPS[event] if event else OUTFIT_TIPS[outfit] if outfit else \
            next((t for t in GENERAL_TIPS if t not in said), None)
        sentences += [tip] if tip else []
    if mood in ("sad", "stressed"):
        sentences.append("Я рядом — пишите мне в любое время, даже просто поболтать.")
    if chat not in ("bye", "decline", "stop"):      # the offer (`remember`'s "offered")
        sentences.append("Хотите, подберу для вас что-нибудь красивое из нашего магазина?")
    return " ".join(sentences)


# Talk that a greeting would not open, even as the first answer ("спасибо, до свидания").
NO_HELLO = ("bye", "thanks", "decline", "misunderstood", "stop", "unclear", "english")


def first_turn(history: list[dict]) -> bool:
    """Is this the conversation's first answer (nothing answered yet)? Only it greets."""
    return not any(item["role"] == "assistant" for item in history)


def _labels(table: dict, codes: list[str]) -> str:
    return ", ".join(table[c][0] for c in codes) or "не указаны"


async def respond(state: GirlfriendState, runtime: Runtime[AgentContext]) -> dict:
    sign = state.get("zodiac_sign")
    topics = _labels(TOPICS, state["topics"])
    if state.get("event"):
        topics += f"; событие: {EVENTS[state['event']][0]}"
    system = SYSTEM_PROMPT.format(mood=MOODS[state["mood"]][0] if state["mood"] in MOODS else "ровное",
                                  topics=topics, sign=sign_sentence(sign) if sign else "неизвестен",
                                  greeting=GREET if first_turn(state.get("history") or []) else NO_GREETING)
    draft = draft_answer(state)
    messages = chat_messages(system, draft, state.get("history") or [], state["message"])
    return {"answer": await write_answer(runtime, messages), "suggested": suggested(state, draft)}


def suggested(state: GirlfriendState, draft: str) -> dict:
    """The wishes the draft suggests: a sign's stones (one asked about, else the customer's
    own, when said), else what the outfit's or the event's tip names (stones, a kind)."""
    sign = state.get("other_sign") or (state.get("zodiac_sign") if state.get("zodiac_sign") and
                                       sign_sentence(state["zodiac_sign"]) in draft else None)
    if sign:
        return {"stones": list(SIGN_FACTS[sign][1])}
    outfit, event = state.get("outfit"), state.get("event")
    tip = event if event and TIPS[event] in draft else outfit if outfit and OUTFIT_TIPS[outfit] in draft else None
    return dict(TIP_WISHES.get(tip, {}))


builder = StateGraph(GirlfriendState, context_schema=AgentContext, input_schema=InputState)
builder.add_node("load_profile", load_profile)
builder.add_node("understand", understand)
builder.add_node("respond", respond)
# What we remember about her, then how she feels and what she asks, then the words.
builder.add_edge(START, "load_profile")
builder.add_edge("load_profile", "understand")
builder.add_edge("understand", "respond")
builder.add_edge("respond", END)
graph = builder.compile(name="girlfriend")


def metadata(state: dict) -> dict:
    return {"zodiac_sign": state.get("zodiac_sign")}


def remember(state: dict) -> dict:
    """The stones the answer suggested (a sign's, an outfit's) become the stones of the
    search before, so that "покажи такие" or "да" next shows pieces with them (the
    consultant searches from the dialogue's wishes). An answer that suggested none keeps the
    wishes. `offered`: the answer ended with the offer to pick pieces (agents.routing sends
    "да" to it to the consultant)."""
    offered = state.get("chat") not in ("bye", "decline", "stop")           # "Хотите, подберу для вас...?"
    wishes = state.get("suggested") or {}
    before = (state.get("profile") or {}).get("dialogue", {}).get("wishes") or {}
    if not wishes:
        # Her offer is "для вас": a search from nothing starts from that, not from words of
        # the chat ("меня бросил парень" is no man to buy for).
        return {"offered": offered, **({"wishes": {"recipient": "self"}} if offered and not before else {})}
    stones = {"no_stones": False, "excluded_stones": []} if wishes.get("stones") else {}
    return {"offered": offered, "wishes": {"recipient": "self", **before, **wishes, **stones}}


AGENT = Agent(
    name="girlfriend", title="Подруга", graph=graph,
    headline="Дружелюбно отвечаю ❤️",
    statuses={"load_profile": ("profile", "Вспоминаю, о чём мы говорили..."),
              "understand": ("mood", "Слушаю вас внимательно..."),
              "respond": ("answer", "Пишу ответ...")},
    metadata=metadata, remember=remember,
)
