"""The jewelry consultant: follows the conversation, finds pieces honestly, tells about them.

    consult: search, then respond (two steps with a status line each, one graph node)

`search` loads the profile (the questionnaire's taste and the dialogue state,
`agents.dialogue`) and decides, with plain code, what the message is (`Turn.intent`):
- "details": a piece referred to ("первое", "это", «Прима», an article number) -> its card;
  "какое из них самое популярное?" -> the piece shown that sells most (agents.popularity);
- "knowledge": a question about the shop (delivery, sizes, fineness...) -> the shop's facts;
- "small_talk": thanks, goodbye, "ок" -> a person's reply;
- "refine": "подешевле", "попроще", "а ещё?" -> the last search moved past what was shown;
- "total": "сколько вместе выйдет?" -> the pieces meant, added up (agents.together);
- "details" also asks back which piece "она" is after several, and puts pieces side by side
  ("какое из них лучше?", "а размеры у них?", "а есть в наличии?"; agents.among_shown);
- "search": wishes (this message over the last search's, or the history's) -> honest matches
  (several kinds at once: a group each, agents.kinds_search).
One step, not several: together they take about a millisecond, too short for a status line
(docs/performance.md).
`respond` has the LLM word the answer from those facts (offline: the draft of
`agents.consultant_drafts` is streamed as is). The LLM never picks products: its tools
only read the catalog, and the cards shown are the pieces its answer names, each checked
against the wishes (`agents.presented`).
They are two steps of one node (`agents.base.Step` gives `respond` its status line): a
graph step costs LangGraph about a millisecond of CPU per question, on the way to the
first token of every answer (docs/performance.md).
"""
from __future__ import annotations

import re

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.answering import write_answer
from agents.base import Agent, AgentContext, AgentStore, InputState, chat_messages, per_store, profile_of, step
from agents.consultant_turns import (asks_for_pieces_too, bare_amount, bare_size, fit_recipient, new_topic,
                                     not_sold, not_sold_fact)
from agents.consultant_drafts import SYSTEM_PROMPT, draft_answer, prompt_facts
from agents.dialogue import dialogue_of, history_for, ongoing
from agents.popularity import POPULAR, most_popular
from agents.among_shown import pick_among
from agents.presented import checked, presented
from agents.preferences import completed, extract_preferences, length_cm, merge_preferences, ring_size
from agents.references import DETAILS, CatalogIndex, index_catalog, mentions_shown, ordinals, resolve
from agents.refinements import refined, refinement
from agents.language.kinds import own_kind_in, own_kinds
from agents.kinds_search import found_cards, search_kinds
from agents.search import find_products, product_card, stated_wishes
from agents.shop_facts import load_facts
from agents.routing import about_the_shop
from agents.small_talk import greets, out_of_scope, small_talk
from agents.taste import build_taste
from agents.together import asks_total, pieces_together
from agents.zodiac import SIGN_FACTS, sign_named
from agents.language import normalize, words

# A request for pieces, beside a question about the shop ("покажите кольца с доставкой").
_SEARCHING = re.compile(r"покаж|подбер|подобра|ищу|ищем|поищ|посовет|порекоменд|какие есть|что есть|"
                        r"присмотр|предлож")
_RING_KINDS = ("ring", "engagement_ring", "wedding_band")
_LONG = ("chain", "bracelet")
# "а есть в наличии?" after a list: each piece's stock, side by side.
_IN_STOCK = re.compile(r"в наличи|наличие|в продаже|на складе|можно купить сразу|сегодня забрать")
_SEARCH_WISHES = ("type", "metal", "stones", "budget_min", "budget_max", "no_stones", "excluded_metals",
                  "excluded_stones", "excluded_types", "with_stones", "size", "recipient", "style", "price_level")


class ConsultantState(InputState, total=False):
    intent: str
    preferences: dict             # the wishes searched for
    products: list[dict]          # product cards, best first (with meets/misses)
    exact_match: bool
    boundary: str                 # what the shop has, when too little fits
    facts: list[dict]             # {"title", "text"} of the shop facts asked about
    talk: str | None              # the kind of small talk
    refinement: str | None
    focus: str | None             # the piece talked about in detail
    shown: list[str]              # the list the customer now sees
    wishes: list[dict]            # {"code", "label"} of each wish the search checked
    exact_count: int              # pieces in the catalog that meet every wish
    asked_size: float | None      # "а 17-й размер есть?"
    compared: bool                # "чем отличается первое от второго?": the pieces side by side
    groups: list[dict]            # "кольцо и серьги": each kind's pieces ({"kind", "ids", "exact_count", "boundary"})
    popular: bool                 # "какое из них самое популярное?": the one sold most
    pending: str | None           # "total": the last answer asked which pieces to add up
    anchor: str | None            # the piece the list shown was found to go with ("серьги к нему")
    chosen: list[str]             # the last pieces looked at one by one (ids, the latest last)
    choices: list[dict]           # "а из чего она?" after several: the pieces it may be, to ask which
    sign: str | None              # a zodiac sign the request names (its stones are the stones wished)
    ongoing: bool
    greet: bool
    answer: str


@per_store
def _catalog_index(store: AgentStore) -> CatalogIndex:
    """The catalog's look-ups for references, once per version of the catalog."""
    return index_catalog(store.catalog)


@per_store
def _own_kinds(store: AgentStore) -> dict[str, str]:
    """The catalog's kinds the vocabulary does not know ("шарм"), once per catalog version."""
    return own_kinds(store.catalog)


async def search(state: ConsultantState, runtime: Runtime[AgentContext]) -> dict:
    ctx = runtime.context
    store, message = ctx.store, state["message"]
    profile = await profile_of(state, store)
    dialogue = dialogue_of(profile)
    history = history_for(dialogue, state.get("history") or [])
    shown, focus = list(dialogue.get("shown") or []), dialogue.get("focus")
    base = dialogue.get("wishes") or extract_preferences("", history)
    current = extract_preferences(message)
    own = _own_kinds(store) and not current["type"] and own_kind_in(words(message), _own_kinds(store))
    if own:                            # "есть шармы?": a kind of the shop's own catalog
        current = {**current, "type": own}
    sign = sign_named(message)          # "подруга Скорпион, что ей подарить?": her sign's stones
    if sign and not current["stones"] and not current["no_stones"]:
        current = {**current, "stones": [s for s in SIGN_FACTS[sign][1] if s not in current["excluded_stones"]]}
    budgeted = base.get("budget_max") or base.get("budget_min")
    if not current.get("size") and (base.get("size") or base.get("type") in _RING_KINDS and not budgeted) and \
            not focus and (size := bare_size(message)):   # "а 20?" after a search by size, "17,5 есть?" after rings
        current = {**current, "size": size}
    elif base.get("type") in _LONG and not current.get("size") and (length := length_cm(message)):
        current = {**current, "size": length}    # "а 60 см есть?" after chains
    elif budgeted and not (current["budget_max"] or current["budget_min"]) and (amount := bare_amount(message)):
        current = {**current, "budget_max": amount * 1000 if amount < 1000 <= budgeted else amount}   # "а если 25"
    said = {key for key in _SEARCH_WISHES if current.get(key)}
    text = normalize(message)             # "первое и четвёртое" after "какие посчитать вместе?"
    if (shown or focus) and not said - {"type"} and (asks_total(text) or dialogue.get("pending") == "total"
                                                      and ordinals(text)):
        return {**_turn(dialogue, history, message, shown),
                **_total(message, store, shown, focus, dialogue.get("chosen") or [], dialogue.get("anchor"))}
    picked = not said - {"type", "price_level"} and pick_among(normalize(message), _shown_pieces(store, shown), base,
                                                               new_kind="type" in said)
    if picked:                         # "какое из них лучше?", "а самый дешёвый?"
        return {**_turn(dialogue, history, message, shown), **_picked(picked, base)}
    reference = resolve(message, _catalog_index(store), shown, focus)
    facts = (ctx.shop_facts or load_facts()).asked(message)
    direction = refinement(normalize(message)) if (shown or dialogue.get("wishes")) else None
    talk = small_talk(message)
    turn = {**_turn(dialogue, history, message, shown), "facts": [{"title": f.title, "text": f.text} for f in facts],
            "preferences": base}
    if reference and reference.how in ("pronoun", "unclear", "all") and facts:
        reference = None          # "как узнать её размер?": a question about the shop
    if reference and reference.how == "pronoun" and reference.companion and not focus:
        reference = None          # "такие же, но в золоте" after a list: the last search, changed
    size = (ring_size(message) or bare_size(message)) if focus else None   # "а 16,5?" about the ring in focus
    if size and not reference and not said - {"size"}:
        reference = resolve("это", _catalog_index(store), [], focus)
    if not reference and focus and not said - {"size"} and not facts and not direction and \
            DETAILS.search(normalize(message)):
        reference = resolve("это", _catalog_index(store), [], focus)     # "а 17-й размер есть?"
    scope = out_of_scope(message)
    if reference and not reference.companion and (DETAILS.search(normalize(message)) or not said - {"type"}
                                                  or scope == "manipulation"):
        if reference.how == "unclear":       # "а из чего она?" after several: ask which
            return {**turn, "intent": "details", "choices": [product_card(p) for p in reference.products]}
        if reference.how == "all":           # "а размеры у них какие?": side by side
            return {**turn, **_picked(("compare", reference.products), base)}
        cards = [product_card(p) for p in reference.products[:4]]
        if len(cards) == 1:               # a piece looked at closely: "кольцо и серьги вместе" may mean it
            turn["chosen"] = [*(i for i in dialogue.get("chosen") or () if i != cards[0]["id"]), cards[0]["id"]][-3:]
        return {**turn, "intent": "details", "products": cards, "asked_size": size or ring_size(message),
                "compared": reference.how == "ordinal" and len(cards) > 1,
                "focus": cards[0]["id"] if len(cards) == 1 else focus}
    refusing = any(current.get(key) for key in ("excluded_metals", "excluded_stones", "excluded_types"))
    if shown and not reference and not focus and not said and not facts and _IN_STOCK.search(normalize(message)):
        return {**turn, **_picked(("compare", _shown_pieces(store, shown)), base)}   # "а есть в наличии?"
    if shown and not reference and not said and POPULAR.search(normalize(message)):   # "какое самое популярное?"
        by_id = {p["id"]: p for p in store.catalog}
        best = by_id.get(most_popular([i for i in shown if i in by_id], store) or "")
        if best:
            return {**turn, "intent": "details", "products": [product_card(best)], "popular": True,
                    "focus": best["id"]}
    if facts and not _SEARCHING.search(normalize(message)) and not direction and \
            not (refusing and (shown or dialogue.get("wishes"))) and \
            not asks_for_pieces_too(message, ctx.shop_facts or load_facts()):   # "не серебро, оно темнеет": both
        return {**turn, "intent": "knowledge"}
    if "type" not in said and not reference and (gone := not_sold(message)):     # "у вас есть часы?"
        return {**turn, "intent": "knowledge", "facts": [not_sold_fact(gone)], "focus": focus}
    if talk and not reference:
        return {**turn, "intent": "small_talk", "talk": talk, "focus": focus}
    if not (reference or shown or focus or said) and mentions_shown(normalize(message)):
        return {**turn, "intent": "small_talk", "talk": "nothing_shown"}     # "покажи второе", first
    count = len(words(message))   # a short follow-up ("а до какого числа?") is no new subject
    if not (said or current.get("occasion") or reference or facts or direction) and (scope or (
            not about_the_shop(message) and (count >= 5 or (count >= 3 and not turn["ongoing"])))):
        return {**turn, "intent": "small_talk", "talk": scope or "off_topic", "focus": focus}
    exclude: set[str] = set()
    if reference:                 # "серьги к ним", "такое же, но из серебра"
        piece = reference.products[0]
        base = {"type": piece["type"], "metal": piece["metal"], "stones": piece["stones"][:1],
                "style": piece["style"], "recipient": base.get("recipient")}
        exclude = {piece["id"]}
        if reference.companion:       # "а к ним кольцо?": the list goes with this piece
            turn["anchor"] = piece["id"]
    elif dialogue.get("anchor"):
        turn["anchor"] = None
    if new_topic(current, base, said):
        base = {}
    wishes = fit_recipient(completed(merge_preferences(current, base)), said, store.catalog)
    if direction:
        by_id = {p["id"]: p for p in store.catalog}
        wishes = refined(direction, wishes, [by_id[i] for i in shown if i in by_id], store.catalog)
        exclude |= set(shown)
    progress = profile.get("taste_progress")      # a questionnaire left before its end counts too
    taste = profile.get("taste") or (build_taste(progress["answers"]) if progress else {})
    if taste.get("budget_max") and not (wishes.get("budget_max") or wishes.get("budget_min")):
        wishes = {**wishes, "budget_max": taste["budget_max"]}
    keep = tuple(w.code for w in stated_wishes(current)) + (("budget",) if direction else ())
    if wishes.get("types"):               # "кольцо и серьги с фианитами": each kind found
        listed = search_kinds(store.catalog, wishes, taste, keep=keep, exclude=exclude)
    else:
        found = find_products(store.catalog, wishes, taste, keep=keep, exclude=exclude)
        listed = {"products": found_cards(found), "boundary": found.boundary, "wishes": found.wishes,
                  "exact_count": found.exact_count}
    cards = listed["products"]
    return {**turn, **listed, "intent": "refine" if direction else "search", "refinement": direction,
            "preferences": wishes, "exact_match": not any(c["misses"] for c in cards),
            "shown": [c["id"] for c in cards],
            "wishes": [{"code": w.code, "label": w.label} for w in listed["wishes"]], "sign": sign}


def _turn(dialogue: dict, history: list[dict], message: str, shown: list[str]) -> dict:
    """What every answer's state starts from."""
    going = ongoing(dialogue, history)
    return {"ongoing": going, "greet": greets(message) and not going, "facts": [], "talk": None,
            "refinement": None, "focus": None, "shown": shown, "boundary": "", "exact_match": True,
            "products": [], "preferences": {}, **({"pending": None} if dialogue.get("pending") else {})}


def _shown_pieces(store: AgentStore, shown: list[str]) -> list[dict]:
    by_id = _catalog_index(store).by_id
    return [by_id[i] for i in shown if i in by_id]


def _picked(picked: tuple[str, list[dict]], wishes: dict) -> dict:
    """The piece picked by price, or the pieces side by side, each checked against the wishes."""
    how, pieces = picked
    if how == "one":
        return {"intent": "details", "products": [product_card(pieces[0])], "focus": pieces[0]["id"],
                "preferences": wishes}
    cards = [checked(product_card(p), stated_wishes(wishes), wishes) for p in pieces]
    return {"intent": "details", "products": cards, "compared": True, "preferences": wishes}


def _total(message: str, store: AgentStore, shown: list[str], focus: str | None, chosen: list[str],
           anchor: str | None) -> dict:
    """"Сколько вместе выйдет?": the pieces meant, added up (or the question which ones)."""
    by_id = _catalog_index(store).by_id
    meant, unclear = pieces_together(normalize(message), [by_id[i] for i in shown if i in by_id],
                                     by_id.get(focus or ""), [by_id[i] for i in chosen if i in by_id],
                                     by_id.get(anchor or ""))
    if unclear:                           # the next "первое и третье" is a sum too
        return {"intent": "total", "choices": [product_card(p) for p in unclear], "focus": focus,
                "pending": "total"}
    return {"intent": "total", "products": [product_card(p) for p in meant], "focus": focus}


async def respond(state: ConsultantState, runtime: Runtime[AgentContext]) -> dict:
    system = SYSTEM_PROMPT.format(facts=prompt_facts(state))
    messages = chat_messages(system, draft_answer(state), state.get("history") or [], state["message"])
    tool_cards: list[dict] = []
    answer = await write_answer(runtime, messages, named=tool_cards)
    return {"answer": answer, **presented(state, tool_cards, answer)}


async def consult(state: ConsultantState, runtime: Runtime[AgentContext]) -> dict:
    """Who is asking, what they mean and what we have; then the words."""
    found = await search(state, runtime)
    step(runtime, "respond")
    return {**found, **await respond({**state, **found}, runtime)}


builder = StateGraph(ConsultantState, context_schema=AgentContext, input_schema=InputState)
builder.add_node("consult", consult)
builder.add_edge(START, "consult")
builder.add_edge("consult", END)
graph = builder.compile(name="consultant")


def metadata(state: dict) -> dict:
    products = state.get("products") or []
    extra = {key: state[key] for key in ("intent", "boundary", "wishes", "exact_count", "refinement")
             if state.get(key) not in (None, "")}
    if state.get("intent") == "details" and len(products) == 1:
        extra["details"] = products[0]
    if state.get("facts"):
        extra["facts"] = [fact["title"] for fact in state["facts"]]
    return {"recommendations": [p["id"] for p in products], "products": products,
            "extracted_preferences": state.get("preferences") or {}, **extra}


def remember(state: dict) -> dict:
    """What the next turn must know: the list shown, the wishes searched, the piece in focus."""
    pending = {"pending": state["pending"]} if "pending" in state else {}   # a question asked back
    return {**_remembered(state), **pending}


def _remembered(state: dict) -> dict:
    if state.get("intent") in ("search", "refine"):
        return {"shown": state.get("shown") or [], "wishes": state.get("preferences") or {}, "focus": None,
                **({"anchor": state["anchor"]} if "anchor" in state else {})}
    if state.get("intent") == "details":
        return {"focus": state.get("focus"), **({"chosen": state["chosen"]} if state.get("chosen") else {})}
    return {}


AGENT = Agent(
    name="consultant", title="Консультант", graph=graph,
    headline="Подбираю рекомендации...",
    statuses={"consult": ("search", "Ищу подходящие украшения..."),
              "respond": ("answer", "Готовлю ответ...")},
    metadata=metadata, remember=remember,
)
