"""The customer-data analyst (staff only): one asked figure, segments, patterns, a forecast.

    understand -> compute -> respond          (staff)
    understand -> respond                     (anyone else: the polite refusal)

`understand` finds what the staff member asks about (segments, seasonality, forecast,
top categories) by keywords; `compute` runs `agents.sales` over the store's in-memory
customers and orders and, when the question asks for one figure (revenue or orders in a
named period, stock of a kind, top products, the customers who bought most, one period
against another, customers to win back: see
`agents.staff_questions`), works it out with `agents.shop_figures`, or says plainly that
the data does not hold it; a short follow-up ("а за позапрошлый?") is read with the
question before it; `respond` has the LLM write the answer from those figures only
(offline: the draft below is streamed as is). The LLM never computes a number.

Access: an explicit request without the staff token is refused by the HTTP layer before
any graph runs (`staff_only=True` below). When automatic routing finds a customer asking
about sales or customers, this graph runs without `AgentContext.staff`: `understand` then
goes straight to `respond`, which words a polite refusal; no figure is computed and none
reaches the LLM. Left out: questions about one customer or one product.
"""
from __future__ import annotations

import re

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.answering import write_answer
from agents.base import Agent, AgentContext, AgentStore, InputState, chat_messages, per_store
from datetime import date, timedelta

from agents.sales import MONTHS, analyse_sales
from agents.search import rubles
from agents.wording import decimal, number
from agents.shop_figures import answer_figure, figure_text
from agents.periods import period_in, periods_in
from agents.staff_questions import compared, read_question
from agents.language import find_codes, normalize, words
from agents.language.staff_words import TOPICS

SYSTEM_PROMPT = """Ты — аналитик ювелирного магазина и отвечаешь сотруднику магазина. \
Пиши по-русски, деловым тоном, кратко: 4–8 предложений или короткий список. Используй \
только эти цифры: ничего не придумывай и не пересчитывай; если нужной цифры нет, так и \
скажи. Суммы — в рублях.

Тема вопроса: {topics}
{asked}
Цифры (расчёт на {reference_date}, последнюю дату заказа в данных):
{facts}"""

REFUSAL = ("Извините, данные о продажах и клиентах магазина доступны только сотрудникам. "
           "А я с удовольствием помогу вам выбрать украшение или подарок: что вы ищете?")
REFUSAL_PROMPT = """Ты — вежливый помощник ювелирного магазина. Человек спросил о продажах, \
выручке или клиентах магазина, но эти данные доступны только сотрудникам. Вежливо откажи \
по-русски в 1–2 предложениях, не называя никаких цифр, и предложи помочь с выбором украшения."""


class AnalysisState(InputState, total=False):
    refused: bool                 # not staff: the refusal, nothing computed
    topics: list[str]             # TOPICS codes the question touches; [] = an overview
    figures: dict                 # agents.sales.analyse_sales(...)
    figure: dict | None           # agents.shop_figures.answer_figure(...): the one figure asked
    answer: str


async def understand(state: AnalysisState, runtime: Runtime[AgentContext]) -> dict:
    if not runtime.context.staff:
        return {"refused": True}
    asked = set(find_codes(state["message"], TOPICS))
    return {"refused": False, "topics": [topic for topic in TOPICS if topic in asked]}


_SAME_PERIOD = re.compile(r"\b(?:тот|этот|то|это|тот)\s+же\s+(?:период|месяц|год|время)")


def _followed_up(state: AnalysisState) -> str | None:
    """The staff member's previous question when this one only changes part of it ("а за
    позапрошлый?", "а по серебру?", "а средний чек?", "топ товаров за тот же период"), else
    None. A figure asked without a period takes the earlier question's."""
    text = normalize(state["message"])
    if not (text.startswith(("а ", "и ")) or _SAME_PERIOD.search(text)) or len(words(text)) > 8:
        return None
    return next((item["content"] for item in reversed(state.get("history") or []) if item["role"] == "user"), None)


def _earlier_period(state: AnalysisState, now: date):
    """The period of the staff member's latest question that named one (None: none did)."""
    asked = [item["content"] for item in state.get("history") or () if item["role"] == "user"]
    return next((period for text in reversed(asked[-4:]) if (period := period_in(text, now))), None)


async def compute(state: AnalysisState, runtime: Runtime[AgentContext]) -> dict:
    store = runtime.context.store
    figures = sales_figures(store)
    # The data is a snapshot "as of" the day after its latest order: "прошлый месяц" of
    # orders up to 31 October is October, whatever the wall clock says.
    latest = figures["reference_date"]
    now = date.fromisoformat(latest) + timedelta(days=1) if latest else date.today()
    question = read_question(state["message"], now)
    earlier = _followed_up(state)
    if not question["figure"] and earlier:                              # "а за позапрошлый?"
        question = read_question(f"{earlier} {state['message']}", now)
        own = periods_in(state["message"], now)
        if question["figure"] == "compare" and own:     # "а за прошлый квартал?" after a comparison
            question = {**question, "periods": compared(own)}
    elif question["figure"] and not question["period"] and earlier:     # "а средний чек?" after "за сентябрь"
        question = {**question, "period": _earlier_period(state, now)}
    return {"figures": figures,
            "figure": answer_figure(question, store, now) if question["figure"] else None}


@per_store
def sales_figures(store: AgentStore) -> dict:
    """Segments, patterns and the forecast: they change only with the data (read-only, shared)."""
    return analyse_sales(store.customers, store.orders, store.catalog)


def percent(share: float) -> str:
    return f"{share * 100:.0f}\u00a0%"


def month_name(key: str) -> str:
    """"2026-11" -> "ноябрь 2026"."""
    return f"{MONTHS[int(key[5:]) - 1]} {key[:4]}"


def overview_line(figures: dict) -> str:
    p = figures["patterns"]
    return (f"Клиентов в базе: {figures['total_customers']}, покупали — {p['customers_with_orders']}; "
            f"заказов: {number(p['orders_total'])}, выручка {rubles(p['revenue_total'])}; средний чек "
            f"{rubles(p['average_check'])}; повторно покупают {percent(p['repeat_rate'])} покупателей.")


def segments_lines(figures: dict) -> list[str]:
    lines = ["Сегменты клиентов (RFM: давность, частота и сумма покупок):"]
    for s in figures["segments"]:
        if s["count"]:
            money = (f"; средний чек {rubles(s['avg_check'])}, выручка {rubles(s['revenue'])}"
                     if s["revenue"] else "")
            lines.append(f"- {s['label']}: {s['count']} ({percent(s['share'])}) — {s['rule']}{money}.")
    return lines


def seasonality_line(figures: dict) -> str:
    season = figures["patterns"]["seasonality"]
    if not season:
        return "Данных о продажах по месяцам пока нет."
    by_index = {s["month_of_year"]: s for s in season}
    peaks = ", ".join(f"{by_index[m]['label']} ({decimal(by_index[m]['index'])})"
                      for m in figures["patterns"]["peak_months"])
    low = min(season, key=lambda s: (s["index"], s["month_of_year"]))
    return (f"Сезонность (индекс 1,00 — средний месяц): пики продаж — {peaks or 'не выражены'}; "
            f"самый тихий месяц — {low['label']} ({decimal(low['index'])}).")


def forecast_line(figures: dict) -> str:
    f = figures["forecast"]
    if not f["months"]:
        return "Для прогноза пока мало данных."
    months = ", ".join(f"{month_name(m['month'])} — {rubles(m['revenue'])}" for m in f["months"])
    growth = (f" Выручка последних 12 месяцев — {percent(f['growth'])} от выручки предыдущих 12 "
              "(прогноз эту динамику не учитывает)." if f["growth"] else "")
    method = f["method"][0].lower() + f["method"][1:]
    return f"Прогноз выручки: {months}; всего {rubles(f['total'])}. Метод: {method}{growth}"


def categories_line(figures: dict) -> str:
    top = figures["patterns"]["top_categories"]
    return "Лучше всего продаются: " + "; ".join(
        f"{c['label']} — заказов: {number(c['orders'])}, выручка {rubles(c['revenue'])}" for c in top) + "."


SECTIONS = {"segments": lambda f: "\n".join(segments_lines(f)), "seasonality": seasonality_line,
            "forecast": forecast_line, "categories": categories_line}


def draft_answer(state: AnalysisState) -> str:
    """The grounded answer in plain Russian: the asked-about figures, else an overview."""
    if state.get("refused"):
        return REFUSAL
    figures, topics = state["figures"], state.get("topics") or []
    if state.get("figure"):
        return figure_text(state["figure"])
    if not figures["patterns"]["orders_total"]:
        return "В базе пока нет заказов, поэтому посчитать сегменты и закономерности не из чего."
    if topics:
        return "\n".join(SECTIONS[topic](figures) for topic in topics)
    segments = sorted((s for s in figures["segments"] if s["count"]), key=lambda s: -s["count"])[:3]
    biggest = ", ".join(f"{s['label'].lower()} — {s['count']}" for s in segments)
    return "\n".join([overview_line(figures), f"Крупнейшие сегменты: {biggest}.",
                      categories_line(figures), seasonality_line(figures), forecast_line(figures),
                      "Могу подробнее рассказать о сегментах, сезонности или прогнозе."])


def facts(figures: dict) -> str:
    """Every figure, for the LLM (the draft shows only the ones asked about)."""
    season = "; ".join(f"{s['label']} {decimal(s['index'])}" for s in figures["patterns"]["seasonality"])
    return "\n".join([overview_line(figures), *segments_lines(figures), categories_line(figures),
                      f"Сезонные индексы по месяцам: {season or 'нет данных'}.",
                      seasonality_line(figures), forecast_line(figures)])


async def respond(state: AnalysisState, runtime: Runtime[AgentContext]) -> dict:
    if state.get("refused"):
        messages = chat_messages(REFUSAL_PROMPT, REFUSAL, [], state["message"])
        return {"answer": await write_answer(runtime, messages)}
    figures, figure = state["figures"], state.get("figure")
    topics = ", ".join(TOPICS[t][0] for t in state.get("topics") or []) or "общий обзор"
    asked = f"Ответ на заданный вопрос (главное в ответе): {figure_text(figure)}" if figure else ""
    system = SYSTEM_PROMPT.format(topics=topics, reference_date=figures["reference_date"] or "—",
                                  facts=facts(figures), asked=asked)
    messages = chat_messages(system, draft_answer(state), state.get("history") or [], state["message"])
    return {"answer": await write_answer(runtime, messages)}


builder = StateGraph(AnalysisState, context_schema=AgentContext, input_schema=InputState)
builder.add_node("understand", understand)
builder.add_node("compute", compute)
builder.add_node("respond", respond)
# What is asked (and by whom), then the figures (staff only), then the words.
builder.add_edge(START, "understand")
builder.add_conditional_edges("understand", lambda state: "respond" if state["refused"] else "compute",
                              ["compute", "respond"])
builder.add_edge("compute", "respond")
builder.add_edge("respond", END)
graph = builder.compile(name="analysis")


def metadata(state: dict) -> dict:
    if state.get("refused"):            # no figure leaves for someone without the token
        return {"refused": True, "total_customers": None, "patterns": {}, "segments": []}
    figures = state.get("figures") or {}
    return {"total_customers": figures.get("total_customers", 0), "patterns": figures.get("patterns") or {},
            "segments": figures.get("segments") or [], "forecast": figures.get("forecast") or {},
            "figure": state.get("figure")}


AGENT = Agent(
    name="analysis", title="Аналитика", graph=graph,
    headline="Анализирую данные клиентов...",
    statuses={"understand": ("question", "Разбираю вопрос..."),
              "compute": ("analysis", "Считаю сегменты клиентов и продажи..."),
              "respond": ("answer", "Готовлю ответ...")},
    metadata=metadata, staff_only=True,
)
