"""Conversations with the consultant that an earlier round missed: "а из чего она?" after a
list of several pieces asks which one; "сколько вместе?" adds up the pieces in focus; two
kinds in one request are both answered; a child is a recipient of her own; the LLM's
search tool knows plain "gold".
"""
import json
from types import SimpleNamespace

from agents.tools import run_tool
from jewelstream import seed
from tests.conversation_kit import RINGS, ask, kind, plain, run_conversation, stone

C = "consultant"
CATALOG = seed.build_catalog()
GOLDS = {"yellow_gold", "white_gold", "rose_gold"}


def test_the_search_tool_takes_plain_gold_as_every_gold():
    result = run_tool("search_catalog", {"kind": "ring", "metals": ["gold"], "limit": 8},
                      SimpleNamespace(catalog=CATALOG), staff=False)
    found = json.loads(result.content)
    assert result.products and found["matching"] == sum(
        p["type"] in RINGS and p["metal"] in GOLDS for p in CATALOG)
    assert {p["metal"] for p in result.products} <= GOLDS
    assert len({p["metal"] for p in result.products}) > 1, "plain gold is more than the yellow one"


def test_the_search_tool_takes_gold_or_silver():
    result = run_tool("search_catalog", {"kind": "chain", "metals": ["gold", "silver"], "limit": 8},
                      SimpleNamespace(catalog=CATALOG), staff=False)
    assert result.products and {p["metal"] for p in result.products} <= GOLDS | {"silver"}
    assert json.loads(result.content)["matching"] == sum(
        p["type"] == "chain" and p["metal"] != "platinum" for p in CATALOG)
