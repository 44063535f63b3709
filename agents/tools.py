"""The tools an LLM may call while it answers (openai mode): the catalog searched with
structured filters, one product's details, the shop's facts and, for staff only, one
figure of the shop's analytics. Every result is the store's own data as JSON: the LLM
never gets a product, price or stock it did not come from here.

`TOOLS` / `STAFF_TOOLS` are OpenAI function schemas, bound to the chat model once at
start-up (`ChatOpenAI.bind_tools`); `run_tool` runs one call against the store and returns
the JSON text for the LLM with the products it named (the answer's cards come from
those). `ToolSupport` is the `auto|on|off` setting and what `auto` has learnt: an endpoint
that refuses tools is answered without them from then on.

What it leaves out: the tool loop itself (agents/answering.py), and any write: the tools
only read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agents.language import find_codes, normalize, words
from agents.language.kinds import KIND_NAMES, KINDS, own_kind_in, own_kinds
from agents.language.vocabulary import METALS, OCCASIONS, PRODUCT_TYPES, RECIPIENTS, STONES, STYLES
from agents.language.wishes import ANY_GOLD, metals_meant
from agents.llm_reading import OptionSupport
from agents.search import find_products, product_card
from agents.shop_facts import load_facts
from agents.shop_figures import answer_figure, figure_text
from agents.staff_questions import read_question

MAX_RESULTS = 8
SHOWN_FIELDS = ("id", "article", "name", "type_label", "metal_label", "fineness", "stones_labels",
                "price", "stock", "sizes")


def _function(name: str, description: str, properties: dict, required: tuple = ()) -> dict:
    return {"type": "function", "function": {"name": name, "description": description, "parameters": {
        "type": "object", "properties": properties, "required": list(required)}}}


SEARCH = _function("search_catalog", "Search the shop's catalog. Every filter is optional; prices in rubles.", {
    "kind": {"type": "string", "enum": list(PRODUCT_TYPES)},
    "kind_name": {"type": "string", "description": "a kind by its Russian name when it is more specific than "
                  "`kind` (печатка, пусеты, чокер, медальон, крестик) or not among its values (шарм, пирсинг)"},
    # "gold": any gold (a customer's plain "золото"), beside the golds of one colour.
    "metals": {"type": "array", "items": {"type": "string", "enum": [*METALS, ANY_GOLD]}},
    "stones": {"type": "array", "items": {"type": "string", "enum": list(STONES)}},
    "no_stones": {"type": "boolean"},
    "excluded_stones": {"type": "array", "items": {"type": "string", "enum": list(STONES)}},
    "ring_size": {"type": "number"},
    "budget_min": {"type": "integer"}, "budget_max": {"type": "integer"},
    "style": {"type": "string", "enum": list(STYLES)},
    "occasion": {"type": "string", "enum": list(OCCASIONS)},
    "recipient": {"type": "string", "enum": list(RECIPIENTS)},
    "sort": {"type": "string", "enum": ["best", "cheapest", "most_expensive"]},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS}})
DETAILS = _function("product_details", "One product's details (sizes, stock, description) by its id, "
                    "article or name.", {"query": {"type": "string"}}, ("query",))
FACTS = _function("shop_facts", "The shop's own facts on a topic (delivery, holding an item, ring sizes, "
                  "fineness, care, returns, address and hours), in Russian.", {"topic": {"type": "string"}},
                  ("topic",))
FIGURES = _function("staff_figures", "Staff only: one figure of the shop's sales, stock, best sellers or "
                    "customers to win back, for a question in Russian (e.g. «выручка за октябрь»).",
                    {"question": {"type": "string"}}, ("question",))
TOOLS = (SEARCH, DETAILS, FACTS)
STAFF_TOOLS = (*TOOLS, FIGURES)
# The status line each tool step sends when it starts.
STATUSES = {"search_catalog": "Ищу в каталоге...", "product_details": "Уточняю наличие...",
            "shop_facts": "Смотрю сведения о магазине...", "staff_figures": "Считаю показатели..."}


@dataclass
class ToolSupport:
    """`mode`: "on", "off" or "auto" (on until the endpoint refuses tools once)."""
    mode: str = "auto"
    refusals: OptionSupport = field(default_factory=lambda: OptionSupport(
        "tools", ("tool",), "answering without them", statuses=(400, 404, 422, 500, 501)))

    def usable(self) -> bool:
        return self.mode == "on" or (self.mode == "auto" and not self.refusals.refused)

    def learn(self, error: BaseException) -> bool:
        """Is `error` the endpoint refusing tools, in `auto` mode? Then never again."""
        return self.mode == "auto" and self.refusals.learn(error)


@dataclass
class ToolResult:
    content: str                                 # JSON for the LLM
    products: list[dict] = field(default_factory=list)


def run_tool(name: str, args: dict[str, Any], store, *, staff: bool, shop_facts=None,
             today: date | None = None) -> ToolResult:
    """One call; a bad or unknown call is told so (the LLM may try again), never raised."""
    try:
        if name == "search_catalog":
            return _search(store.catalog, args)
        if name == "product_details":
            return _details(store.catalog, str(args.get("query", "")))
        if name == "shop_facts":
            return _facts(shop_facts or load_facts(), str(args.get("topic", "")))
        if name == "staff_figures" and staff:
            figure = answer_figure(read_question(str(args.get("question", "")), today or date.today()),
                                   store, today or date.today())
            return ToolResult(_json({"figure": figure_text(figure)}))
    except (TypeError, ValueError, KeyError) as error:
        return ToolResult(_json({"error": f"bad arguments: {error}"}))
    return ToolResult(_json({"error": f"no such tool: {name}"}))


def _search(catalog: list[dict], args: dict) -> ToolResult:
    said = [m for m in args.get("metals") or [] if m in METALS or m == ANY_GOLD]
    metals = list(dict.fromkeys(m for code in said for m in metals_meant(code)))   # "gold": every gold
    prefs = {"type": args.get("kind") if args.get("kind") in PRODUCT_TYPES else None,
             "metal": said[0] if len(said) == 1 else None,
             "stones": [s for s in args.get("stones") or [] if s in STONES],
             "no_stones": bool(args.get("no_stones")),
             "excluded_stones": [s for s in args.get("excluded_stones") or [] if s in STONES],
             "size": float(args["ring_size"]) if isinstance(args.get("ring_size"), (int, float)) else None,
             "budget_min": _rubles(args.get("budget_min")), "budget_max": _rubles(args.get("budget_max")),
             "style": args.get("style"), "occasion": args.get("occasion"), "recipient": args.get("recipient"),
             "excluded_metals": [m for m in METALS if m not in metals] if len(said) > 1 else []}
    prefs.update(_named_kind(catalog, str(args.get("kind_name") or "")))
    limit = min(MAX_RESULTS, max(1, int(args.get("limit") or 4)))
    found = find_products(catalog, prefs, limit=limit)
    products = [p for p in found.products if not found.misses.get(p["id"])]
    if args.get("sort") in ("cheapest", "most_expensive"):
        products.sort(key=lambda p: p["price"], reverse=args["sort"] == "most_expensive")
    cards = [product_card(p) for p in products]
    return ToolResult(_json({"matching": found.exact_count, "products": [_shown(c) for c in cards],
                             "note": found.boundary or None}), cards)


def _named_kind(catalog: list[dict], name: str) -> dict:
    """The wishes a kind's name makes: "печатка" a signet ring, "шарм" the catalog's own kind."""
    said = words(name)
    known = find_codes(name, KINDS)
    if known:
        return {"type": KIND_NAMES[known[0]][0], "kind_name": known[0]}
    own = own_kind_in(said, own_kinds(catalog)) if said else None
    return {"type": own} if own else {}


def _details(catalog: list[dict], query: str) -> ToolResult:
    wanted = normalize(query)
    hits = [p for p in catalog if query.strip() and (p["id"] == query.strip() or p.get("article") == query.strip())]
    hits = hits or [p for p in catalog if wanted and wanted in normalize(p["name"])]
    cards = [product_card(p) for p in hits[:3]]
    return ToolResult(_json({"products": [{**_shown(c), "description": c["description"]} for c in cards]}
                            if cards else {"error": "no such product"}), cards)


def _facts(facts, topic: str) -> ToolResult:
    asked = facts.asked(topic) or [f for f in facts.facts if normalize(topic) in normalize(f.title)]
    return ToolResult(_json({"facts": [{"title": f.title, "text": f.text} for f in asked[:3]]}
                            if asked else {"error": "no such topic", "topics": [f.title for f in facts.facts]}))


def mentioned(products: list[dict], text: str) -> list[dict]:
    """The products `text` names, in the order it first names them: by article or full
    name, or by «model name» alone when no piece of that model is named in full (the text
    that names «Вечность» the pendant does not name «Вечность» the ring)."""
    found = {product["id"]: _named_at(product, text) for product in products}
    in_full = {_model(p) for p in products if found[p["id"]][1] == "full"}
    named = [p for p in products if found[p["id"]][1] == "full" or
             (found[p["id"]][1] == "model" and _model(p) not in in_full)]
    return sorted(named, key=lambda p: found[p["id"]][0])


def _named_at(product: dict, text: str) -> tuple[int, str]:
    """Where and how `text` names the product: (position, "full" | "model" | "")."""
    for said, how in ((product["name"], "full"), (product.get("article"), "full"), (_model(product), "model")):
        if said and (at := text.find(said)) >= 0:
            return at, how
    return -1, ""


def _model(product: dict) -> str | None:
    """The «model name» in a product's name, with its quotes."""
    name = product["name"]
    return name[name.find("«"):name.find("»") + 1] if "«" in name and "»" in name else None


def _shown(card: dict) -> dict:
    return {key: card.get(key) for key in SHOWN_FIELDS}


def _rubles(value) -> int | None:
    return int(value) if isinstance(value, (int, float)) and value > 0 else None


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class ToolBox:
    """The chat model with the tools bound (once, at start-up), for customers and for staff,
    and whether the endpoint takes tools."""
    customer: Any
    staff: Any
    support: ToolSupport

    @classmethod
    def bind(cls, llm, mode: str) -> "ToolBox":
        return cls(llm.bind_tools(list(TOOLS)), llm.bind_tools(list(STAFF_TOOLS)), ToolSupport(mode))
