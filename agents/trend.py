"""The fashion-trend analyst: what the magazines write about, and what is on the rise.

    understand -> score -> respond

`understand` finds a trend the user names ("что с жемчугом?") and the subject asked about
(a kind of piece, a metal, a stone: "какие серьги сейчас носят?", `agents.goods`); `score`
counts the mentions of every `agents.language.vocabulary.TRENDS` entry in the stored magazine
articles and weighs them by age (`agents.trends_math`), chooses the trends the answer is
about (the named ones; else the best-scored trends the subject has pieces for; else the
overall best) and picks catalog pieces in their spirit (`agents.trend_goods`), within the
budget the customer named ("что модно из серёг до 10 тысяч?"); `respond`
has the LLM write the answer from those facts (offline: the draft is streamed as is).

Two audiences: a customer gets 3–5 plain sentences with pieces from the catalog
(`agents.trend_brief`); staff (`AgentContext.staff`) get the full figures: indexes,
mentions, growth and the cited articles. The LLM never ranks trends or names a source we
did not give it; the pieces travel in the metadata in the consultant's product shape, so
the page shows them as cards.

Left out: trends the vocabulary does not list are invisible, and only the stored articles
are read (no social media, no images).
"""
from __future__ import annotations

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.answering import write_answer
from agents.base import Agent, AgentContext, AgentStore, InputState, chat_messages, per_store
from agents.dialogue import dialogue_of
from agents.goods import Goods, goods_in
from agents.search import product_card, rubles
from agents.trend_brief import brief
from agents.trend_goods import pieces_for, trends_with_goods
from agents.wording import decimal
from agents.trends_math import HALF_LIFE_DAYS, WINDOW_DAYS, emerging_trends, score_trends, trends_in
from agents.language import find_codes, parse_budget, words
from agents.language.cues import MORE_LIKE_THESE, YES
from agents.language.wishes import RECIPIENTS
from agents.language.vocabulary import TRENDS

TOP_TRENDS = 5            # trends the staff answer names
CUSTOMER_TRENDS = 3       # trends a customer's answer names
PIECES = 3                # catalog pieces shown
CITED_PER_TREND = 2       # articles cited per named trend (its most telling, see score_trends)
MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")

SYSTEM_PROMPT = """Ты — эксперт по ювелирной моде в ювелирном магазине. Отвечай по-русски, \
живо и по делу, 4–7 предложений. Опирайся только на тенденции, цифры и публикации ниже; \
ссылайся на журналы и статьи из списка и не придумывай других источников. Индекс тенденции \
от 0 до 1: чем чаще и свежее о ней пишут, тем он выше.

Спрашивают о: {focus}
Изделия магазина в духе этих тенденций (называй только их, с ценами):
{pieces}
Тенденции (по публикациям модных журналов, последняя от {newest}):
{facts}"""


CUSTOMER_PROMPT = """Ты — эксперт по ювелирной моде в ювелирном магазине и отвечаешь \
покупателю. Пиши по-русски, на «вы», коротко: 3–5 предложений, без индексов и подсчётов. \
Скажи, что сейчас в моде по его вопросу, опираясь только на тенденции ниже, и назови \
изделия магазина из списка с ценами; других изделий и источников не выдумывай.

Спрашивают о: {focus}
Тенденции, о которых ответ (лучшие первыми): {named}
Изделия магазина в духе этих тенденций:
{pieces}"""


class TrendState(InputState, total=False):
    focus: list[str]              # TRENDS codes named in the message; [] = the overview
    subject: dict                 # agents.goods.Goods fields: {"types", "metals", "stones"}
    budget: list                  # [lowest, highest] rubles the customer named (each may be None)
    for_men: bool                 # "что модно у мужчин?": men's pieces only
    staff: bool                   # staff get the full figures, customers the brief
    named: list[str]              # TRENDS codes the answer is about, best first
    relevant: list[str]           # TRENDS codes the subject has pieces for
    pieces: list[dict]            # product cards (+ "trend", "trend_label"), in `named` order
    more: bool                    # "покажи такие" after the trends: more of the same trends
    which: list[str]              # "да" to "рассказать подробнее?": the pieces shown, to choose
    seen: list[str]               # product ids of these trends shown before
    trends: list[dict]            # agents.trends_math.score_trends rows, best first
    emerging: list[dict]          # agents.trends_math.emerging_trends
    newest: str | None            # the newest article's date, "YYYY-MM-DD"
    answer: str


async def understand(state: TrendState, runtime: Runtime[AgentContext]) -> dict:
    goods = goods_in(state["message"])
    dialogue = dialogue_of(state.get("profile"))
    before, said = dialogue.get("trend"), words(state["message"])
    if before and dialogue.get("shown") and said and set(said) <= YES:
        # "да" to "Хотите, расскажу подробнее о каком-нибудь из них?": which one
        return {"focus": [], "staff": runtime.context.staff, "which": dialogue["shown"], **before}
    if before and not goods.named and MORE_LIKE_THESE.search(" ".join(said)):
        # "покажи такие", "а ещё?" after the trends: more pieces of the same trends
        return {"focus": [], "staff": runtime.context.staff, "more": True, "named": before["named"],
                "subject": before["subject"], "budget": before["budget"], "for_men": before["for_men"],
                "seen": before.get("seen") or []}
    return {"focus": trends_in(state["message"], TRENDS), "staff": runtime.context.staff,
            "subject": {"types": list(goods.types), "metals": list(goods.metals), "stones": list(goods.stones)},
            "budget": list(parse_budget(state["message"])),
            "for_men": bool({"husband", "man"} & set(find_codes(state["message"], RECIPIENTS)))}


async def score(state: TrendState, runtime: Runtime[AgentContext]) -> dict:
    store = runtime.context.store
    figures = magazine_figures(store)
    subject = Goods(**{k: tuple(v) for k, v in state["subject"].items()})
    low, high = state.get("budget") or (None, None)
    catalog = [p for p in store.catalog if not ((high and p["price"] > high) or (low and p["price"] < low))]
    men = state.get("for_men", False)
    if men:
        catalog = [p for p in catalog if p["recipient"] != "women"]
    relevant = trends_with_goods(subject, catalog) if subject.named or men else set(TRENDS)
    if state.get("which"):             # the pieces shown, again: which one to tell about
        by_id = {p["id"]: p for p in store.catalog}
        return {**figures, "pieces": [product_card(by_id[i]) for i in state["which"] if i in by_id]}
    if state.get("more"):              # the trends before, without the pieces seen
        named = list(state["named"])
        catalog = [p for p in catalog if p["id"] not in set(state.get("seen") or ())]
    elif state["focus"]:
        named = list(state["focus"])
    else:
        named = [r["code"] for r in figures["trends"] if r["mentions"] and r["code"] in relevant]
        named.sort(key=lambda code: not (men and code == "mens_jewelry"))      # men's own trend first
        named = named[:CUSTOMER_TRENDS if not state["staff"] else TOP_TRENDS]
    labels = {code: label for code, (label, _stems) in TRENDS.items()}
    rising = [e["code"] for e in figures["emerging"] if e["code"] in relevant and e["code"] not in named]
    pieces = [{**product_card(p), "trend": code, "trend_label": labels[code]}
              for code, p in pieces_for([*named, *rising], subject, catalog, PIECES)]
    return {**figures, "named": named, "relevant": sorted(relevant), "pieces": pieces}


@per_store
def magazine_figures(store: AgentStore) -> dict:
    """Trend scores, the rising trends and the newest article's date (read-only, shared)."""
    articles = store.articles
    rows = score_trends(articles, TRENDS)
    return {"trends": rows, "emerging": emerging_trends(rows),
            "newest": max((a["published"] for a in articles), default=None)}


def citations(state: TrendState) -> dict[str, list[dict]]:
    """code -> the articles cited for it, for the trends the answer names (focus, top, emerging)."""
    by_code = {row["code"]: row for row in state["trends"]}
    top = state.get("named") or [r["code"] for r in state["trends"][:TOP_TRENDS] if r["mentions"]]
    named = [*(state.get("focus") or []), *top, *(e["code"] for e in state["emerging"])]
    return {code: by_code[code]["articles"][:CITED_PER_TREND] for code in dict.fromkeys(named)}


def russian_date(day: str) -> str:
    """"2026-10-12" -> "12 октября 2026"."""
    return f"{int(day[8:])} {MONTHS_GENITIVE[int(day[5:7]) - 1]} {day[:4]}"


def times(value: float) -> str:
    """3.0 -> "3", 3.14 -> "3,14"."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def cite(articles: list[dict]) -> str:
    return "; ".join(f"«{a['title']}» ({a['magazine']}, {russian_date(a['published'])})" for a in articles)


def figures(row: dict) -> str:
    return (f"индекс {decimal(row['score'])}, упоминаний: {row['mentions']}, "
            f"за последние {WINDOW_DAYS} дней: {row['recent_mentions']}")


def trend_line(row: dict, cited: list[dict]) -> str:
    return f"{row['label']} — {figures(row)}" + (f"; например, {cite(cited)}" if cited else "")


def emerging_line(item: dict) -> str:
    if not item["previous"]:
        return f"{item['label']} (новая тема: упоминаний за {WINDOW_DAYS} дней — {item['recent']})"
    return (f"{item['label']} (в {times(item['growth'])} раза чаще, чем в предыдущие {WINDOW_DAYS} "
            f"дней: упоминаний {item['recent']} против {item['previous']})")


def focus_lines(state: TrendState, cited: dict) -> list[str]:
    rows = state["trends"]
    emerging = {e["code"] for e in state["emerging"]}
    lines = []
    for code in state["focus"]:
        place, row = next((n, r) for n, r in enumerate(rows, 1) if r["code"] == code)
        if not row["mentions"]:
            lines.append(f"О тенденции «{row['label']}» модные журналы за последнее время не писали.")
            continue
        if code in emerging:
            mood = "растёт"
        elif row["recent_mentions"] < row["previous_mentions"]:
            mood = "снижается"
        else:
            mood = "держится ровно"
        lines.append(f"{row['label'].capitalize()} — {place}-е место из {len(rows)} тенденций: "
                     f"{figures(row)}; интерес к теме {mood}. Где писали: {cite(cited[code])}.")
    return lines


def draft_answer(state: TrendState) -> str:
    """The grounded answer in plain Russian: the brief for a customer, the figures for staff."""
    return full_answer(state) if state.get("staff") else brief(state)


def pieces_line(pieces: list[dict]) -> str:
    return "; ".join(f"{p['name']} — {rubles(p['price'])}"
                     + (f" (тенденция: {p['trend_label']})" if p.get("trend_label") else "")
                     for p in pieces) or "подходящих изделий в каталоге нет"


def full_answer(state: TrendState) -> str:
    """The figures for staff: the named trend, or the top and the rising, and the pieces."""
    if not state["newest"]:
        return "Свежих публикаций модных журналов у меня пока нет, поэтому о тенденциях судить рано."
    cited = citations(state)
    lines = focus_lines(state, cited)
    if not lines:
        lines.append("Главные тенденции по публикациям модных журналов:")
        by_code = {r["code"]: r for r in state["trends"]}
        top = ([by_code[c] for c in state["named"]] if state.get("named")
               else [r for r in state["trends"][:TOP_TRENDS] if r["mentions"]])
        lines += [f"{n}. {trend_line(r, cited[r['code']])}." for n, r in enumerate(top, 1)]
    emerging = state["emerging"]
    if not emerging:
        lines.append("Заметно растущих новых тенденций сейчас нет.")
    elif state["focus"]:          # the named trend is the answer; the rising ones, in brief
        lines.append("Набирают популярность: " + ", ".join(e["label"] for e in emerging) + ".")
    else:
        lines.append("Набирают популярность: " + "; ".join(emerging_line(e) for e in emerging) + ".")
    if state.get("pieces"):
        lines.append(f"Из каталога в духе этих тенденций: {pieces_line(state['pieces'])}.")
    return "\n".join(lines)


def facts(state: TrendState) -> str:
    """Every trend's figures, plus the cited articles of the named ones, for the LLM."""
    cited = citations(state)
    lines = [trend_line(r, cited.get(r["code"], [])) for r in state["trends"]]
    rising = "; ".join(emerging_line(e) for e in state["emerging"]) or "нет"
    return "\n".join([*(f"- {line}" for line in lines),
                      f"Набирают популярность (рост упоминаний за {WINDOW_DAYS} дней): {rising}.",
                      f"Свежие упоминания весят больше: вес упоминания вдвое меньше каждые "
                      f"{HALF_LIFE_DAYS:.0f} дней."])


async def respond(state: TrendState, runtime: Runtime[AgentContext]) -> dict:
    labels = {code: label for code, (label, _stems) in TRENDS.items()}
    focus = ", ".join(labels[c] for c in state.get("focus") or []) or "общие тенденции"
    if not state.get("staff"):
        system = CUSTOMER_PROMPT.format(focus=focus, named=", ".join(labels[c] for c in state["named"]) or "нет",
                                        pieces=pieces_line(state.get("pieces") or []))
    else:
        system = SYSTEM_PROMPT.format(
            focus=focus, pieces=pieces_line(state.get("pieces") or []),
            newest=russian_date(state["newest"]) if state["newest"] else "—", facts=facts(state))
    messages = chat_messages(system, draft_answer(state), state.get("history") or [], state["message"])
    return {"answer": await write_answer(runtime, messages)}


builder = StateGraph(TrendState, context_schema=AgentContext, input_schema=InputState)
builder.add_node("understand", understand)
builder.add_node("score", score)
builder.add_node("respond", respond)
# What is asked, then what the magazines say, then the words.
builder.add_edge(START, "understand")
builder.add_edge("understand", "score")
builder.add_edge("score", "respond")
builder.add_edge("respond", END)
graph = builder.compile(name="trend")


def metadata(state: dict) -> dict:
    rows = state.get("trends") or []
    sources = {}                   # (title, magazine, published) -> source, in citing order
    if rows:
        for articles in citations(state).values():
            for a in articles:
                source = {"title": a["title"], "magazine": a["magazine"], "published": a["published"]}
                sources.setdefault(tuple(source.values()), source)
    return {"trends": [{"code": r["code"], "label": r["label"], "score": round(r["score"], 3),
                        "mentions": r["mentions"], "recent_mentions": r["recent_mentions"]} for r in rows],
            "trend_scores": {r["label"]: round(r["score"], 3) for r in rows},
            "emerging_trends": state.get("emerging") or [],
            "sources": list(sources.values()),
            "named_trends": state.get("named") or [],
            "recommendations": [p["id"] for p in state.get("pieces") or []],
            "products": state.get("pieces") or [],
            "detail": "full" if state.get("staff") else "brief"}


def remember(state: dict) -> dict:
    """The pieces named, so that "покажи первое" next means the first of them; the trends
    and their subject, so that "покажи такие" next shows more of them (`seen`: every piece
    of these trends shown so far)."""
    pieces = state.get("pieces") or []
    ids = [p["id"] for p in pieces]
    seen = [*(state.get("seen") or []), *ids] if state.get("more") else state.get("seen") or ids \
        if state.get("which") else ids
    trend = {"trend": {"named": state.get("named") or [], "subject": state.get("subject") or {},
                       "budget": state.get("budget") or [None, None], "for_men": state.get("for_men", False),
                       "seen": seen}}
    return {"shown": ids, "focus": None, **trend} if pieces else trend


AGENT = Agent(
    name="trend", title="Модные тренды", graph=graph,
    headline="Анализирую модные тенденции...",
    statuses={"understand": ("question", "Разбираю вопрос..."),
              "score": ("trends", "Изучаю свежие публикации модных журналов..."),
              "respond": ("answer", "Готовлю ответ...")},
    metadata=metadata, remember=remember,
)
