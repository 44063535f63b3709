"""The consultant's graph on its own (offline writer, no server): what a message is (search,
details, a shop question, small talk, a refinement), honest matches, the customer's taste,
and the metadata and memory the orchestrator takes from the final state. Through HTTP it is
tests/http/test_consultation.py and the conversations of tests/agents/test_conversations.py.
"""
from functools import partial

from agents import consultant
from agents.consultant_drafts import draft_answer
from tests.kit import run_graph

run = partial(run_graph, consultant.graph)          # (store, message, history=(), *, user, staff)
RINGS = {"ring", "engagement_ring", "wedding_band"}


async def test_a_search_finds_pieces_that_meet_every_wish(store):
    state = await run(store, "Кольцо из белого золота с бриллиантом до 100 тысяч")
    assert state["intent"] == "search" and state["exact_match"] is True
    assert state["answer"] == draft_answer(state)            # offline: the draft, as is
    products = state["products"]
    assert products and state["exact_count"] >= len(products)
    for card in products:
        assert card["type"] in RINGS and card["metal"] == "white_gold" and "diamond" in card["stones"]
        assert card["price"] <= 100_000
        assert card["misses"] == [] and {"type", "metal", "stones", "budget"} <= set(card["meets"])
        assert card["name"] in state["answer"]
    ids = [card["id"] for card in products]
    meta = consultant.metadata(state)
    assert meta["recommendations"] == ids and meta["products"] == products and meta["intent"] == "search"
    assert consultant.remember(state) == {"shown": ids, "wishes": state["preferences"], "focus": None}


async def test_when_nothing_fits_the_answer_says_what_the_shop_has_instead_of_pretending(store):
    state = await run(store, "Платиновая брошь с изумрудом до 5 тысяч")
    assert state["intent"] == "search" and state["boundary"]
    assert all(card["misses"] for card in state["products"])     # nothing is passed off as a match
    assert state["boundary"] in state["answer"]


async def test_an_article_number_opens_that_piece(store):
    piece = store.catalog[5]
    state = await run(store, f"Расскажите про артикул {piece['article']}")
    assert state["intent"] == "details"
    assert [card["id"] for card in state["products"]] == [piece["id"]] and state["focus"] == piece["id"]
    assert piece["name"] in state["answer"]
    assert consultant.metadata(state)["details"]["id"] == piece["id"]
    assert consultant.remember(state) == {"focus": piece["id"], "chosen": [piece["id"]]}


async def test_a_question_about_the_shop_is_answered_from_its_facts(store):
    state = await run(store, "Сколько стоит доставка?")
    assert state["intent"] == "knowledge" and state["products"] == []
    assert [fact["title"] for fact in state["facts"]] == ["Доставка"]
    assert consultant.metadata(state)["facts"] == ["Доставка"]
    assert consultant.remember(state) == {}                  # the list on screen stays


async def test_thanks_is_small_talk_not_a_search(store):
    state = await run(store, "Спасибо!")
    assert state["intent"] == "small_talk" and state["talk"] == "thanks" and state["products"] == []


async def test_a_refinement_moves_past_the_pieces_shown(store):
    first = await run(store, "Покажите серьги с жемчугом", user="r1")
    await store.update_profile("r1", lambda profile: {**profile, "dialogue": {
        "agent": "consultant", **consultant.remember(first)}})
    cheaper = await run(store, "а подешевле?", user="r1")
    assert cheaper["intent"] == "refine" and cheaper["refinement"]
    assert cheaper["products"] and not {c["id"] for c in cheaper["products"]} & set(first["shown"])
    for card in cheaper["products"]:                 # pearls, or the miss said out loud
        assert card["type"] == "earrings" and ("pearl" in card["stones"]) == ("stones" not in card["misses"])
    assert max(c["price"] for c in cheaper["products"]) < max(c["price"] for c in first["products"])


async def test_the_questionnaires_budget_bounds_a_search_that_names_none(store):
    await store.update_profile("t1", lambda profile: {**profile, "taste": {"budget_max": 30_000}})
    state = await run(store, "Покажите серьги", user="t1")
    assert state["preferences"]["budget_max"] == 30_000
    assert state["products"] and all(card["price"] <= 30_000 for card in state["products"])
    said = await run(store, "Покажите серьги до 80 тысяч", user="t1")       # a budget said wins
    assert said["preferences"]["budget_max"] == 80_000
