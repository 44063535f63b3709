"""The friendly advisor: its graph on its own (offline writer), then through the orchestrator
endpoint with the fake LLM."""

from functools import partial
import re

import pytest

from agents import girlfriend
from agents.language.vocabulary import METALS, STONES
from agents.zodiac import SIGN_FACTS
from agents.routing import route_message
from jewelstream.store import SqliteStore
from tests.kit import ORCHESTRATOR, run_graph, save_profile
from tests.sse_reader import collect, text_of


run = partial(run_graph, girlfriend.graph)          # (store, message, history=(), *, user, staff)


def sentences(text):
    return [s for s in text.replace("!", ".").replace("?", ".").split(". ") if s.strip()]


async def test_sign_from_the_profile_birth_date(store):
    await save_profile(store, "u1", {"birth_date": "1992-08-23", "taste": {"metals": ["silver"]}})
    state = await run(store, "Привет! Что надеть на свидание?")
    assert state["zodiac_sign"] == "Дева" and girlfriend.metadata(state) == {"zodiac_sign": "Дева"}
    assert state["event"] == "date"
    assert state["answer"] == girlfriend.draft_answer(state)      # offline: the draft, as is
    element, stones, metal = SIGN_FACTS["Дева"]
    assert "Дева" in state["answer"] and METALS[metal][0] in state["answer"]
    assert all(STONES[s][0] in state["answer"] for s in stones)
    assert "цепочк" in state["answer"]                             # the concrete date tip
    assert 3 <= len(sentences(state["answer"])) <= 5
    assert (await store.profile("u1"))["taste"] == {"metals": ["silver"]}    # untouched


async def test_a_question_about_someone_elses_sign_gets_that_signs_stones_and_is_not_saved(store):
    state = await run(store, "Какой камень подойдёт Скорпиону?")
    element, stones, metal = SIGN_FACTS["Скорпион"]
    assert state["other_sign"] == "Скорпион" and state["zodiac_sign"] is None
    assert all(STONES[s][0] in state["answer"] for s in stones) and METALS[metal][0] in state["answer"]
    assert "Вы — Скорпион" not in state["answer"] and "день рождения" not in state["answer"]
    assert await store.profile("u1") in (None, {})                # not the customer's own sign
    await save_profile(store, "u1", {"birth_date": "1990-04-03"})
    both = await run(store, "А что подходит Раку?")
    assert "Рак — знак стихии Воды" in both["answer"] and "Вы — Овен" not in both["answer"]


async def test_sign_from_the_message_is_saved_for_next_time(store):
    state = await run(store, "Я родилась 3 апреля, какие камни мне подходят?")
    assert state["zodiac_sign"] == "Овен" and "Овен" in state["answer"]
    assert await store.profile("u1") == {"birth_day": 3, "birth_month": 4}
    later = await run(store, "Мне сегодня грустно(")
    assert later["zodiac_sign"] == "Овен" and later["mood"] == "sad"
    assert later["answer"].startswith("Мне очень жаль, что вам грустно")


# Words that address the customer on «ты»: the advisor says «вы», always (issue 12).
_TY = re.compile(r"(?<![а-яё])(ты|тебя|тебе|тобой|твой|твоя|твоё|твое|твои|твоих|твоим|твоему|"
                 r"хочешь|можешь|пиши|подскажи|попробуй|возьми|выбирай|бери|оставь|выдохни)(?![а-яё])",
                 re.IGNORECASE)


@pytest.mark.parametrize("message", [
    "Привет! Что надеть на свидание?", "Мне сегодня грустно(", "У меня завал на работе, устала",
    "Меня повысили!", "Какой у меня знак зодиака?", "Что надеть на корпоратив?",
    "Собеседование завтра, что надеть", "Иду в театр", "Подскажи, как сочетать серьги",
])
async def test_one_form_of_address_in_every_answer(store, message):
    for history in ([], [{"role": "user", "content": "Здравствуйте"},
                         {"role": "assistant", "content": "Здравствуйте! Чем помочь?"}]):
        state = await run(store, message, history, user=f"u-{len(history)}")
        assert not _TY.search(state["answer"]), state["answer"]
        assert re.search(r"(?<![а-я])(вы|вас|вам|ваш[а-я]*)(?![а-я])", state["answer"].lower())
    for _stage, status in girlfriend.AGENT.statuses.values():
        assert not _TY.search(status)
    assert "«вы»" in girlfriend.SYSTEM_PROMPT


async def test_greeting_only_on_the_first_turn(store):
    first = await run(store, "Что надеть на свидание?")
    assert first["answer"].startswith("Здравствуйте")
    history = [{"role": "user", "content": "Что надеть на свидание?"},
               {"role": "assistant", "content": first["answer"]}]
    later = await run(store, "А на работу что надеть?", history)
    assert "Здравствуйте" not in later["answer"] and "Привет" not in later["answer"]
    assert later["answer"].startswith("Для работы")


async def test_birth_date_phrasings_reach_the_profile(store):
    for n, (text, sign) in enumerate([("день рождения 5 марта", "Рыбы"), ("ДР 12.04", "Овен"),
                                      ("born on March 5", "Рыбы"), ("я 1990 года, 3 мая", "Телец")]):
        state = await run(store, text, user=f"b{n}")
        assert state["zodiac_sign"] == sign and sign in state["answer"]
    assert await store.profile("b3") == {"birth_date": "1990-05-03"}


async def test_a_full_date_replaces_the_partial_one(store):
    await save_profile(store, "u1", {"birth_day": 3, "birth_month": 4, "name": "Аня"})
    state = await run(store, "Вообще-то я родилась 1 января 1990 года")
    assert state["zodiac_sign"] == "Козерог"
    assert await store.profile("u1") == {"birth_date": "1990-01-01", "name": "Аня"}


async def test_sign_from_an_earlier_user_message(store):
    history = [{"role": "user", "content": "мой день рождения 21.03"},
               {"role": "assistant", "content": "Запомнила! А у меня 15 июля."},
               {"role": "user", "content": "Спасибо"}]
    state = await run(store, "Посоветуй, что надеть на корпоратив", history)
    assert state["zodiac_sign"] == "Овен" and state["event"] == "party"
    assert (await store.profile("u1"))["birth_day"] == 21


async def test_the_assistant_words_are_not_the_users_birthday(store):
    history = [{"role": "assistant", "content": "Я родилась 15 июля, а ты?"}]
    state = await run(store, "Привет", history)
    assert state["zodiac_sign"] is None and await store.profile("u1") == {}


async def test_a_sign_stated_directly(store):
    state = await run(store, "я Скорпион, что мне подойдёт?")
    assert state["zodiac_sign"] == "Скорпион"
    assert await store.profile("u1") == {"zodiac_sign": "Скорпион"}


async def test_a_stated_sign_is_kept_beside_the_date_and_a_new_date_wins_again(store):
    await save_profile(store, "u1", {"birth_date": "1990-03-01"})          # Рыбы
    state = await run(store, "Вообще-то по гороскопу я Овен")
    assert state["zodiac_sign"] == "Овен"
    assert await store.profile("u1") == {"birth_date": "1990-03-01", "zodiac_sign": "Овен"}
    assert (await run(store, "Привет"))["zodiac_sign"] == "Овен"
    state = await run(store, "Мой день рождения 23.07")
    assert state["zodiac_sign"] == "Лев"
    assert await store.profile("u1") == {"birth_day": 23, "birth_month": 7}


async def test_unknown_sign_is_null_and_the_answer_asks_for_the_birthday(store):
    state = await run(store, "Какие камни подходят мне по гороскопу?")
    assert girlfriend.metadata(state) == {"zodiac_sign": None}
    assert "zodiac" in state["topics"] and "день рождения" in state["answer"]
    assert await store.profile("u1") == {}


async def test_someone_elses_birthday_is_not_saved(store):
    state = await run(store, "У мамы день рождения 5 мая, я так волнуюсь, что не успею с подарком")
    assert state["zodiac_sign"] is None and state["mood"] == "stressed"
    assert await store.profile("u1") == {}
    assert state["answer"].startswith("Выдохни")


async def test_stream_through_the_orchestrator(client, fake_llm, db_path):
    pieces = ["Ох", ", ", "обнимаю", " тебя", "! ", "Ты", " же", " Овен", " —", " бери", " рубины", "."]
    fake_llm.respond = lambda body: pieces
    message = "Я родилась 3 апреля и мне грустно"
    response = await client.post(ORCHESTRATOR.format("u1"), json={"message": message,
                                                          "explicit_task_type": "girlfriend"})
    assert response.status == 200
    events = await collect(response)
    assert text_of(events, "girlfriend") == "".join(pieces)
    assert all(e["agent"] == "girlfriend" for e in events if e["type"] == "token")
    assert girlfriend.AGENT.headline in [e["message"] for e in events if e["type"] == "status"]
    metadata = next(e for e in events if e["type"] == "metadata")
    assert metadata == {"type": "metadata", "data": {"girlfriend": {"zodiac_sign": "Овен"}},
                        "completed_agents": ["girlfriend"]}
    assert events[-1]["type"] == "done"
    # The LLM got the facts in the system prompt and the user's words only as a user message.
    system, *rest = fake_llm.requests[-1]["messages"]
    assert system["role"] == "system" and "Овен" in system["content"]
    assert message not in system["content"] and rest[-1] == {"role": "user", "content": message}
    store = await SqliteStore.open(db_path)                  # remembered across connections
    try:
        assert (await store.profile("u1"))["birth_month"] == 4
    finally:
        await store.close()


@pytest.mark.parametrize("message", ["Я родилась 5 марта, какие камни мне подходят?",
                                     "I was born on March 5", "родился я 12 апреля"])
def test_stating_ones_birth_goes_to_the_advisor(message):
    assert route_message(message) == ["girlfriend"]
