"""Helpers for the multi-turn conversation tests: talk to the real app over HTTP (offline
mode) and check each turn's products, metadata and words.

A turn's expectation is a dict:
    agent      the agent that must answer (automatic routing)
    intent     the consultant's `intent` in the metadata
    each       a predicate every listed product meets (relaxed pieces included)
    exact      a predicate every piece that meets all wishes meets
    some       at least this many products (0: none)
    none       no products at all
    say        phrases (normalized: lower case, "ё" as "е", plain spaces) the answer contains
    never      phrases it must not contain
    meta       {key: value} the agent's metadata must hold (value may be a predicate)
Every consultant list is also checked for honesty (`check_honest`).
"""
from __future__ import annotations

from agents.search import stated_wishes
from tests.kit import ORCHESTRATOR
from tests.sse_reader import collect, text_of


def plain(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").replace("\u202f", " ").replace("\u00a0", " ").split())


async def ask(client, user: str, message: str, history: list[dict] | None = None) -> tuple[str, dict, str]:
    """(agent, its metadata, its text) of one turn through automatic routing."""
    response = await client.post(ORCHESTRATOR.format(user), json={
        "message": message, "conversation_history": history or []})
    assert response.status == 200, await response.text()
    events = await collect(response)
    assert events[-1]["type"] == "done", events[-3:]
    metadata = next(e for e in events if e["type"] == "metadata")
    agent = metadata["completed_agents"][0]
    return agent, metadata["data"][agent], text_of(events, agent)


def check_honest(meta: dict, text: str) -> None:
    """Every piece meets every stated wish, or is marked relaxed with the wish named in the
    metadata and its difference said in the text; a heading names only met wishes."""
    wishes = stated_wishes(meta.get("extracted_preferences") or {})
    for product in meta.get("products") or ():
        failing = [w.code for w in wishes if not w.test(product)]
        assert failing == product.get("misses", []), (product["name"], failing, product.get("misses"))
        if failing:
            assert product["relaxed"] and plain(product["relaxed_note"]) in plain(text)
            assert not {"type", "excluded_metals", "excluded_stones"} & set(failing)
    if meta.get("products") and any(p.get("misses") for p in meta["products"]):
        assert "подобрала —" not in plain(text) or any(not p.get("misses") for p in meta["products"])


def check_turn(expect: dict, agent: str, meta: dict, text: str, where: str) -> None:
    said = plain(text)
    if "agent" in expect:
        assert agent == expect["agent"], f"{where}: {agent} answered: {text[:200]}"
    products = meta.get("products") or []
    if "intent" in expect:
        assert meta.get("intent") == expect["intent"], f"{where}: intent {meta.get('intent')}: {text[:200]}"
    if "each" in expect:
        for product in products:
            assert expect["each"](product), f"{where}: {product['name']} {product['price']}"
    if "exact" in expect:
        for product in products:
            if not product.get("misses"):
                assert expect["exact"](product), f"{where}: {product['name']} {product['price']}"
    if "some" in expect:
        assert len(products) >= expect["some"], f"{where}: {len(products)} products: {text[:300]}"
    if expect.get("none"):
        assert not products, f"{where}: products listed: {text[:300]}"
    for phrase in expect.get("say", ()):
        assert plain(phrase) in said, f"{where}: no {phrase!r} in: {text}"
    for phrase in expect.get("never", ()):
        assert plain(phrase) not in said, f"{where}: {phrase!r} in: {text}"
    for key, value in (expect.get("meta") or {}).items():
        got = meta.get(key)
        assert (value(got) if callable(value) else got == value), f"{where}: metadata {key}={got!r}"
    if agent == "consultant":
        check_honest(meta, text)


async def run_conversation(client, user: str, turns: list, *, send_history: bool) -> list[tuple]:
    """Play the turns; return (agent, meta, text) of each."""
    history: list[dict] = []
    results = []
    for number, (message, expect) in enumerate(turns, 1):
        agent, meta, text = await ask(client, user, message, history if send_history else None)
        check_turn(expect, agent, meta, text, f"{user} turn {number} {message!r}")
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": text}]
        results.append((agent, meta, text))
    return results


# Predicates over product cards.
def kind(*types):
    return lambda p: p["type"] in types


RINGS = ("ring", "engagement_ring", "wedding_band")


def metal(*metals):
    return lambda p: p["metal"] in metals


def not_metal(*metals):
    return lambda p: p["metal"] not in metals


def stone(code):
    return lambda p: code in p["stones"]


def under(amount):
    return lambda p: p["price"] <= amount


def over(amount):
    return lambda p: p["price"] >= amount


def both(*tests):
    return lambda p: all(t(p) for t in tests)
