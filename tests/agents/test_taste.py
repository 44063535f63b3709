"""The taste questionnaire: answer parsing, the flow over several requests, durability, its
effect on the consultant's search, and a stream through the orchestrator endpoint."""
from functools import partial
import pytest

from agents import taste
from agents.preferences import extract_preferences
from agents.search import search_products
from jewelstream.app import create_app
from jewelstream.config import Settings
from jewelstream.store import SqliteStore
from tests.kit import ORCHESTRATOR, run_graph, save_profile
from tests.sse_reader import collect, text_of

Q = {q.key: q for q in taste.QUESTIONS}
# One good answer per question, in order, and what it must be read as.
ANSWERS = [
    ("белое и розовое золото, серебро не люблю", {"metals": ["white_gold", "rose_gold"]}),
    ("жемчуг и сапфиры", {"stones": ["pearl", "sapphire"], "no_stones": False}),
    ("классика и минимализм, но не бохо", {"styles": ["classic", "minimalist"]}),
    ("серьги и кольца", {"types": ["earrings", "ring"]}),
    ("на каждый день и на выход в свет", {"occasions": ["everyday", "evening"]}),
    ("до 30 тысяч", {"budget_min": None, "budget_max": 30000}),
    ("синий и белый", {"colors": ["blue", "white"]}),
    ("и так, и так", {"wear": ["everyday", "special"]}),
    ("тонкие, небольшие", {"size": ["small"]}),
    ("пусеты и конго", {"earrings": ["studs", "hoops"]}),
]


@pytest.fixture
def store(any_store):
    """The questionnaire's progress on each backend: SQLite and PostgreSQL."""
    return any_store


run = partial(run_graph, taste.graph)          # (store, message, history=(), *, user, staff)


def test_at_least_eight_questions_in_a_fixed_order_with_their_options():
    keys = [q.key for q in taste.QUESTIONS]
    assert keys[:3] == ["metals", "stones", "styles"] and "budget" in keys and len(keys) >= 8
    assert len(set(keys)) == len(keys) == taste.TOTAL == len(ANSWERS)
    asked = taste.QUESTIONS[0].asked(1, taste.TOTAL)
    assert asked.startswith(f"Вопрос 1 из {taste.TOTAL}. Какие металлы вам ближе?")
    assert "жёлтое золото" in asked and "платина" in asked


@pytest.mark.parametrize("key,text,expected", [
    ("metals", "золото и серебро", ["yellow_gold", "white_gold", "rose_gold", "silver"]),   # "золото": every gold
    ("metals", "всё кроме серебра", ["yellow_gold", "white_gold", "rose_gold", "platinum"]),
    ("metals", "не люблю серебро и платину, лучше белое золото", ["white_gold"]),
    ("stones", "бриллианты, но не рубины", ["diamond"]),
    ("styles", "не люблю бохо, скорее минимализм", ["minimalist"]),
    ("types", "цепочки с кулонами", ["chain", "pendant"]),
    ("occasions", "подарки на новый год", ["gift", "new_year"]),
    ("colors", "не люблю чёрный, нравится голубой", ["blue"]),
    ("wear", "только по праздникам", ["special"]),
    ("size", "крупные", ["large"]),
    ("earrings", "не ношу серьги", ["none"]),
    ("earrings", "длинные подвесные", ["drops"]),
])
def test_answers_are_read_as_codes(key, text, expected):
    assert Q[key].read(text)[key] == expected


@pytest.mark.parametrize("text,low,high", [
    ("до 30 тысяч", None, 30000), ("15-30 тысяч", 15000, 30000), ("от 50 до 100 тыс", 50000, 100000),
    ("больше 100 тысяч", 100000, None), ("20000", None, 20000), ("не важно", None, None),
])
def test_budget_answers(text, low, high):
    assert Q["budget"].read(text) == {"budget_min": low, "budget_max": high}


@pytest.mark.parametrize("key,text,expected", [
    ("metals", "вариант 2", {"metals": ["white_gold"]}),
    ("metals", "второй и последний", {"metals": ["white_gold", "platinum"]}),
    ("stones", "1, 3", {"stones": ["diamond", "emerald"], "no_stones": False}),
    ("types", "мне ближе второе", {"types": ["earrings"]}),
    ("budget", "2", {"budget_min": 15000, "budget_max": 30000}),
    ("budget", "1 и 2", {"budget_min": None, "budget_max": 30000}),
    ("earrings", "последний", {"earrings": ["none"]}),
    # Not picks: a place beyond the list, a number of things, a number word.
    ("metals", "7", {"metals": []}),
    ("styles", "2 кольца", {"styles": []}),
    ("budget", "пятьдесят", {"budget_min": None, "budget_max": None}),
])
def test_an_option_is_picked_by_its_place_in_the_list(key, text, expected):
    assert Q[key].read(text) == expected


async def test_a_new_user_gets_the_intro_and_question_one_and_the_message_is_no_answer(store):
    state = await run(store, "Хочу подобрать серебро")
    assert state["answer"] == taste.draft_answer(state)            # offline: the draft, as is
    assert taste.INTRO in state["answer"]
    assert taste.QUESTIONS[0].asked(1, taste.TOTAL) in state["answer"]
    assert taste.metadata(state) == {"current_question_index": 0, "total_questions": taste.TOTAL,
                                     "is_complete": False, "profile": taste.build_taste({})}
    assert (await store.profile("u1"))["taste_progress"] == {"index": 0, "answers": {}}


async def test_the_whole_questionnaire(store):
    await run(store, "Привет")
    for number, (text, expected) in enumerate(ANSWERS, 1):
        state = await run(store, text)
        meta = taste.metadata(state)
        assert meta["current_question_index"] == number
        for field, value in expected.items():
            assert meta["profile"][field] == value, (text, field)
        if number < taste.TOTAL:
            assert not meta["is_complete"]
            assert state["answer"].startswith("Записала:")
            assert taste.QUESTIONS[number].asked(number + 1, taste.TOTAL) in state["answer"]
    assert meta["is_complete"] and meta["current_question_index"] == meta["total_questions"]
    assert "анкета готова" in state["answer"] and "подберу украшения" in state["answer"]
    assert "до 30\u202f000\u00a0₽" in state["answer"] and "белое золото, розовое золото" in state["answer"]
    profile = await store.profile("u1")
    assert profile["taste"] == meta["profile"]
    assert profile["taste"]["budget_max"] == 30000 and profile["taste_progress"]["index"] == taste.TOTAL
    again = await run(store, "А что дальше?")                      # complete: nothing recorded
    assert again["step"] == "review" and taste.metadata(again)["is_complete"]
    assert await store.profile("u1") == profile


async def test_an_unreadable_answer_is_kept_as_free_text_and_the_questions_go_on(store):
    await run(store, "Привет")
    state = await run(store, "хм, сложно сказать, как под настроение")
    assert state["recorded"] == "free_text" and taste.metadata(state)["current_question_index"] == 1
    assert taste.QUESTIONS[1].text in state["answer"]
    assert state["taste"]["metals"] == [] and state["taste"]["notes"] == {
        "metals": "хм, сложно сказать, как под настроение"}
    state = await run(store, "любые")
    assert state["recorded"] == "any" and "без особых предпочтений" in state["answer"]
    assert taste.metadata(state)["current_question_index"] == 2


async def test_restart_starts_over_and_keeps_the_old_taste_until_replaced(store):
    await save_profile(store, "u1", {"birth_day": 3, "birth_month": 4})
    await run(store, "Привет")
    for text, _expected in ANSWERS:
        await run(store, text)
    old = (await store.profile("u1"))["taste"]
    state = await run(store, "Хочу пройти анкету ещё раз")
    assert state["step"] == "started" and taste.QUESTIONS[0].text in state["answer"]
    assert taste.metadata(state)["current_question_index"] == 0
    profile = await store.profile("u1")
    assert profile["taste_progress"] == {"index": 0, "answers": {}}
    assert profile["taste"] == old and profile["birth_day"] == 3
    state = await run(store, "начать заново")                     # also mid-questionnaire
    assert state["step"] == "started"


async def test_progress_survives_a_restart_of_the_server(db_path):
    first = await SqliteStore.open(db_path)
    await run(first, "Привет")
    await run(first, "платина")
    await first.close()
    second = await SqliteStore.open(db_path)                             # a new process, same file
    try:
        state = await run(second, "бриллианты")
        assert taste.metadata(state)["current_question_index"] == 2
        assert state["taste"]["metals"] == ["platinum"] and state["taste"]["stones"] == ["diamond"]
    finally:
        await second.close()


async def test_the_completed_taste_changes_the_consultants_search(store):
    await run(store, "Привет")
    answers = ["серебро", "аметисты", "бохо", "кольца", "каждый день", "до 15 тысяч",
               "фиолетовый", "каждый день", "средние", "пусеты"]
    for text in answers:
        state = await run(store, text)
    profile_taste = (await store.profile("u1"))["taste"]
    assert profile_taste["budget_max"] == 15000 and profile_taste["metals"] == ["silver"]
    prefs = extract_preferences("Покажите кольца")
    plain, _ = search_products(store.catalog, prefs)
    tuned, exact = search_products(store.catalog, prefs, profile_taste)
    assert exact and tuned != plain
    assert all(p["price"] <= 15000 for p in tuned)
    assert tuned[0]["metal"] == "silver"
    assert state["taste"] == profile_taste


async def test_stream_through_the_orchestrator(client, fake_llm):
    pieces = ["Давайте", " начнём", "! ", "Какие", " металлы", " вам", " ближе", "?"]
    fake_llm.respond = lambda body: pieces
    body = {"message": "Привет", "explicit_task_type": "taste"}
    events = await collect(await client.post(ORCHESTRATOR.format("u1"), json=body))
    assert text_of(events, "taste") == "".join(pieces)
    assert taste.AGENT.headline in [e["message"] for e in events if e["type"] == "status"]
    meta = next(e for e in events if e["type"] == "metadata")
    assert meta["completed_agents"] == ["taste"]
    assert meta["data"]["taste"]["current_question_index"] == 0
    assert meta["data"]["taste"]["is_complete"] is False
    # The question to ask, with its options, is in what the LLM was told.
    system = fake_llm.requests[-1]["messages"][0]["content"]
    assert system.count(taste.QUESTIONS[0].asked(1, taste.TOTAL)) == 2   # the task and the draft
    events = await collect(await client.post(ORCHESTRATOR.format("u1"), json={**body, "message": "серебро"}))
    meta = next(e for e in events if e["type"] == "metadata")["data"]["taste"]
    assert meta["current_question_index"] == 1 and meta["profile"]["metals"] == ["silver"]
    assert text_of(events, "taste") == "".join(pieces)


async def test_offline_stream_asks_the_question_word_by_word(aiohttp_client, db_path):
    """Offline mode streams the draft, so the question itself reaches the page."""
    app = create_app(Settings(llm="offline", db_path=db_path, offline_pace=0.001))
    client = await aiohttp_client(app)
    events = await collect(await client.post(ORCHESTRATOR.format("u2"), json={"message": "Привет",
                                                                              "explicit_task_type": "taste"}))
    tokens = [e for e in events if e["type"] == "token"]
    assert len(tokens) > 20 and taste.QUESTIONS[0].asked(1, taste.TOTAL) in text_of(events, "taste")
    assert events[-1]["type"] == "done"
