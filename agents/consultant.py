"""The jewelry consultant: finds products in the catalog and recommends them.

    search -> respond

`search` loads the customer's profile (the questionnaire's taste), reads their wishes
(budget, type, metal, stones, style, occasion, recipient) from the message and the history
with plain code, then filters and ranks the catalog. One step, not three: together they
take a fraction of a millisecond, far too short for a status line a person could read, and
each step of a graph costs LangGraph more than this work itself (docs/performance.md).
`respond` has the LLM write the answer from the products found (offline: the draft below
is streamed as is). The LLM never picks products: it only words the answer.
"""
from __future__ import annotations


from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.base import Agent, AgentContext, InputState, chat_messages, write_answer
from agents.preferences import describe_preferences, extract_preferences
from agents.search import product_card, rubles, search_products

SYSTEM_PROMPT = """Ты — вежливый консультант ювелирного магазина. Отвечай по-русски, тепло и \
по делу, 3–6 предложений. Рекомендуй только изделия из списка ниже, с их названиями и ценами \
в рублях; ничего не выдумывай. Если точных совпадений нет, честно скажи об этом и предложи \
ближайшие варианты. Не упоминай технические детали.

Пожелания клиента: {wishes}
Найденные изделия:
{products}"""


class ConsultantState(InputState, total=False):
    preferences: dict
    products: list[dict]          # product cards, best first
    exact_match: bool
    answer: str


async def search(state: ConsultantState, runtime: Runtime[AgentContext]) -> dict:
    store = runtime.context.store
    profile = await store.profile(state["user_id"])
    preferences = extract_preferences(state["message"], state.get("history") or [])
    found, exact = search_products(store.catalog, preferences, profile.get("taste") or {})
    return {"preferences": preferences, "products": [product_card(p) for p in found],
            "exact_match": exact}


def draft_answer(state: ConsultantState) -> str:
    """The grounded answer in plain Russian, built from the facts alone."""
    products, wishes = state["products"], describe_preferences(state["preferences"])
    if not products:
        return ("К сожалению, по вашему запросу в каталоге сейчас ничего не нашлось. "
                "Подскажите, пожалуйста, какое украшение и в каком бюджете вы ищете?")
    if state["exact_match"]:
        opening = f"Вот что я подобрала{' — ' + wishes if wishes else ''}:"
    else:
        opening = (f"Точных совпадений{' (' + wishes + ')' if wishes else ''} сейчас нет, "
                   "но вот самые близкие варианты:")
    lines = [opening]
    for number, card in enumerate(products, 1):
        # The catalog's names already say the metal and the stones.
        stock = "" if card["stock"] > 0 else " (сейчас нет в наличии, можно заказать)"
        lines.append(f"{number}. {card['name']} — {rubles(card['price'])}{stock}.")
    lines.append("Хотите, расскажу подробнее о каком-нибудь из них или подберу что-то ещё?")
    return "\n".join(lines)


def _facts(products: list[dict]) -> str:
    return "\n".join(f"- {c['name']}: {rubles(c['price'])}, {c['metal_label']} {c['fineness']}°, "
                     f"камни: {', '.join(c['stones_labels']) or 'нет'}; {c['description']}"
                     for c in products) or "- ничего не найдено"


async def respond(state: ConsultantState, runtime: Runtime[AgentContext]) -> dict:
    system = SYSTEM_PROMPT.format(wishes=describe_preferences(state["preferences"]) or "не указаны",
                                  products=_facts(state["products"]))
    messages = chat_messages(system, draft_answer(state), state.get("history") or [], state["message"])
    return {"answer": await write_answer(runtime, messages)}


builder = StateGraph(ConsultantState, context_schema=AgentContext, input_schema=InputState)
builder.add_node("search", search)
builder.add_node("respond", respond)
# Who is asking, what they want and what we have; then the words.
builder.add_edge(START, "search")
builder.add_edge("search", "respond")
builder.add_edge("respond", END)
graph = builder.compile(name="consultant")


def metadata(state: dict) -> dict:
    products = state.get("products") or []
    return {"recommendations": [p["id"] for p in products], "products": products,
            "extracted_preferences": state.get("preferences") or {}}


AGENT = Agent(
    name="consultant", graph=graph,
    headline="Подбираю рекомендации...",
    statuses={"search": ("search", "Ищу подходящие украшения..."),
              "respond": ("answer", "Готовлю ответ...")},
    metadata=metadata,
)
