"""The start-up warm-up (jewelstream/warmup.py): the agents answer its questions on a
scratch store; the shop's store is left as it was, and a failure only ends it early."""
from agents import AGENTS, AnswerLimits
from agents.offline import OfflineWriter
from jewelstream.orchestrator import Orchestrator
from jewelstream.warmup import CONVERSATION, ROUNDS, ROUTED, warm_up  # the questions: agents/samples.py


async def test_the_warm_up_answers_every_question_and_leaves_the_shops_store_as_it_was(store):
    orchestrator = Orchestrator(AGENTS, store, OfflineWriter(pace=0), AnswerLimits())
    assert await warm_up(orchestrator) == ROUNDS * (len(CONVERSATION) + len(ROUTED))
    for round_ in range(ROUNDS):
        assert await store.messages(f"warmup-{round_}") == []
        assert await store.profile(f"warmup-{round_}") == {}


async def test_a_warm_up_that_fails_ends_early_and_raises_nothing(store, caplog):
    broken = Orchestrator({}, store, OfflineWriter(pace=0), AnswerLimits())     # no agents at all
    assert await warm_up(broken) == 0
    assert "warm-up stopped early" in caplog.text
