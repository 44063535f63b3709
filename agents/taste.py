"""The taste questionnaire: ten questions, one per request, into a taste profile.

    load_profile -> record -> respond

Progress lives in the profile: `profile["taste_progress"] = {"index": i, "answers": {key:
{"text", "value", "status"}}}`, where `index` is the question awaiting its answer (the
number of questions once complete). `record` turns the message into the answer to it
(codes of `agents.language.vocabulary`; an answer it cannot read is kept as free text and the
questionnaire moves on, so it never asks the same thing forever; a message with nothing
to read ("ааааа"), "продолжим" after a question elsewhere, or a question about the
questionnaire ("сколько ещё вопросов?", "зачем это?") gets its answer and the same
question again) and saves the profile
before the answer streams. A new user, or "начать заново", starts at question 1 and the
message is not an answer. After the last question `record` writes `profile["taste"]`
(`metals`, `stones`, `styles`, `budget_max`... which the consultant's search reads; an
earlier taste stays until a new one is complete); `respond` asks the next question, or
sums the profile up and offers to pick jewelry.

An option may also be picked by its place in the list ("второй", "вариант 2", "1 и 3",
"последний"), when the answer is nothing but such picks: the picked options' labels are then
read as if the customer had written them.

What it leaves out: branching questions, editing one answer, reading several answers from
one message. Metals, stones and budget are read by `agents.preferences`; the other
questions by stems, with a clause that holds a negation ("не люблю бохо") refused whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents import preferences as P
from agents.answering import write_answer
from agents.base import Agent, AgentContext, InputState, chat_messages, profile_of
from agents.search import rubles
from agents.taste_again import AGAIN, asked_again
from agents.language import Vocabulary, find_matches, normalize, tokens, vocabulary as V, wishes as W
from agents.language.taste_words import COLORS, EARRINGS, SIZES, WEAR

SYSTEM_PROMPT = """Ты — внимательный стилист ювелирного магазина и проводишь короткую анкету \
о вкусах клиента. Пиши по-русски, вежливо, на «вы», коротко. {task} Не упоминай \
технические детали и не придумывай ответов за клиента."""
ASK = ("Если клиент только что ответил, одной фразой отметь это. Затем задай ровно этот вопрос "
       "с этими вариантами ответа, дословно:\n{question}")
SUM_UP = "Анкета заполнена: перескажи профиль ниже своими словами и предложи подобрать украшения.\n{summary}"

_CLAUSE = re.compile(r"[,;.!?]|\s(?:а|но|зато|однако)\s")
_NEGATION = re.compile(r"\b(?:не|без|кроме|ни|нет|никак\w*)\b(?!\s+(?:зна|увер|тольк|важн))")
_ANY = re.compile(r"\b(?:люб(?:ые|ой|ая|ое)|все равно|без разницы|не важно|неважно|все нравится|"
                  r"что угодно|не знаю|затрудняюсь|пропуст\w*|дальше)\b")
_RESTART = re.compile(
    r"(?:начать|начнем|начни|давай(?:те)?|пройти|пройду|заполнить|анкет\w*)\s+(?:\w+\s+)?"
    r"(?:заново|сначала|с начала|еще раз|снова)|^\W*(?:заново|сначала|с начала)\W*$|"
    r"сброс\w*\s+анкет|перепройти")
# An answer that is only picks of listed options: "второй", "вариант 2", "1 и 3", "последний".
_PICK_FILLER = frozenset("вариант варианты варианта варианты номер номера ответ и или а также пожалуй "
                         "наверное наверно мне нравится нравятся ближе выбираю выберу давайте скорее "
                         "вот это то".split())
_PICK_ORDINAL = re.compile(r"(перв|втор|трет|четверт|пят|шест|седьм|восьм|девят|десят)"
                           r"(?:ый|ой|ий|ая|ое|ую|ые|ых|ого|ей)")
_ORDINAL_INDEX = {stem: i for i, stem in enumerate(
    "перв втор трет четверт пят шест седьм восьм девят десят".split())}


def picked_options(text: str, count: int) -> list[int]:
    """Indices of the options picked by place ("второй и последний" -> [1, count - 1]); [] when
    the text says anything else, or a place beyond the list."""
    picks: list[int] = []
    for word in re.findall(r"[а-яё]+|\d+", normalize(text)):
        if word in _PICK_FILLER:
            continue
        ordinal = _PICK_ORDINAL.fullmatch(word)
        index = (int(word) - 1 if word.isdigit() else _ORDINAL_INDEX[ordinal[1]] if ordinal else
                 count - 1 if word.startswith("последн") else None)
        if index is None or not 0 <= index < count:
            return []
        if index not in picks:
            picks.append(index)
    return picks


def table_codes(text: str, table: dict) -> list[str]:
    """Codes of `table` named in `text`, except in clauses that refuse them."""
    codes: list[str] = []
    for clause in _CLAUSE.split(normalize(text)):
        if not _NEGATION.search(clause):
            for code, *_hit in find_matches(tokens(clause), table):
                if code not in codes:
                    codes.append(code)
    return codes


def parse_metals(text: str) -> dict:
    """Every metal liked: the clause's first from extract_preferences, the rest per "и/или"
    piece (a clause that refuses one is read whole); "всё, кроме серебра" is the others."""
    metals, refused = [], []
    for clause in _CLAUSE.split(normalize(text)):
        prefs = P.extract_preferences(clause)
        refused += prefs["excluded_metals"]
        pieces = [clause] + ([] if prefs["excluded_metals"] else re.split(r"\bи\b|\bили\b|/", clause))
        for said in (P.extract_preferences(piece)["metal"] for piece in pieces):
            for metal in W.metals_meant(said) if said else ():      # "золото": every gold
                if metal not in metals:
                    metals.append(metal)
    if refused and not metals:
        metals = [m for m in V.METALS if m not in refused]
    return {"metals": [m for m in metals if m not in refused]}


def parse_stones(text: str) -> dict:
    prefs = P.extract_preferences(text)
    return {"stones": prefs["stones"], "no_stones": prefs["no_stones"]}


def parse_budget(text: str) -> dict:
    prefs = P.extract_preferences(text)
    return {"budget_min": prefs["budget_min"], "budget_max": prefs["budget_max"]}


def parse_earrings(text: str) -> dict:
    codes = table_codes(text, EARRINGS)
    if not codes and re.search(r"не\s+нош|без\s+серег|нет\s+прокол|не\s+прокол", normalize(text)):
        codes = ["none"]
    return {"earrings": codes}


@dataclass(frozen=True)
class Question:
    key: str                                    # the taste field it fills (codes of `table`)
    title: str                                  # its line in the summary
    text: str
    table: dict                                 # code -> (label, stems): the options
    hint: str = "можно несколько"
    parse: Callable[[str], dict] | None = None  # None: table_codes into `key`

    def read(self, text: str) -> dict:
        value = self._read_words(text)
        if any(value.values()):
            return value
        labels = list(self.table.values())
        picks = [labels[i][0] for i in picked_options(text, len(labels))]
        if self.key == "budget" and len(picks) > 1:      # "1 и 2": from the lowest to the highest
            low, high = self._read_words(picks[0]), self._read_words(picks[-1])
            return {"budget_min": low["budget_min"], "budget_max": high["budget_max"]}
        return self._read_words(", ".join(picks)) if picks else value

    def _read_words(self, text: str) -> dict:
        return self.parse(text) if self.parse else {self.key: table_codes(text, self.table)}

    def asked(self, number: int, total: int) -> str:
        options = ", ".join(label for label, _ in self.table.values())
        return f"Вопрос {number} из {total}. {self.text}\nВарианты: {options} ({self.hint})."


def _pick(table: dict, codes: tuple, labels: dict | None = None) -> Vocabulary:
    return Vocabulary({c: ((labels or {}).get(c, table[c][0]), table[c][1]) for c in codes})


QUESTIONS = (
    Question("metals", "Металлы", "Какие металлы вам ближе?", V.METALS, parse=parse_metals),
    Question("stones", "Камни", "Какие камни вам нравятся?", V.STONES,
             hint="можно несколько или «без камней»", parse=parse_stones),
    Question("styles", "Стиль", "Какой стиль украшений вам ближе?", W.STYLES),
    Question("types", "Любимые украшения", "Какие украшения вы носите чаще всего?",
             _pick(W.TYPES, ("ring", "earrings", "pendant", "chain", "bracelet", "necklace", "brooch"),
                   {"ring": "кольца", "pendant": "подвески", "chain": "цепочки",
                    "bracelet": "браслеты", "brooch": "броши"})),
    Question("occasions", "Поводы", "Для каких случаев вы обычно выбираете украшения?", W.OCCASIONS),
    Question("budget", "Бюджет", "На какую сумму за одно украшение вы обычно рассчитываете?",
             {"b15": ("до 15 тысяч", ()), "b30": ("15–30 тысяч", ()), "b60": ("30–60 тысяч", ()),
              "b100": ("60–100 тысяч", ()), "more": ("больше 100 тысяч", ())},
             hint="или назовите свою сумму", parse=parse_budget),
    Question("colors", "Цвета", "Какие цвета в украшениях вам нравятся?", COLORS),
    Question("wear", "Как носите", "Вы носите украшения каждый день или по особым случаям?", WEAR,
             hint="можно «и так, и так»"),
    Question("size", "Размер украшений", "Какие украшения по размеру вам ближе?", SIZES),
    Question("earrings", "Серьги", "Какие серьги вы предпочитаете?", EARRINGS, parse=parse_earrings),
)
TOTAL = len(QUESTIONS)


def answers_question(profile: dict, message: str) -> bool:
    """Does `message` read as an answer to the question the questionnaire is waiting on?"""
    progress = profile.get("taste_progress") or {}
    index = progress.get("index", TOTAL)
    if index >= TOTAL or _RESTART.search(normalize(message)):
        return False
    return any(QUESTIONS[index].read(message).values()) or bool(_ANY.search(normalize(message)))


def build_taste(answers: dict) -> dict:
    """The taste profile from the answers so far (missing ones empty); free-text answers
    that could not be read are kept under `notes`."""
    taste: dict = {"metals": [], "stones": [], "no_stones": False, "styles": [], "types": [],
                   "occasions": [], "budget_min": None, "budget_max": None, "colors": [],
                   "wear": [], "size": [], "earrings": [], "notes": {}}
    for key, answer in answers.items():
        if answer["status"] == "free_text":
            taste["notes"][key] = answer["text"]
        taste.update(answer["value"] if answer["status"] == "understood" else {})
    return taste


def describe(question: Question, taste: dict) -> str:
    """One summary line's value: "белое золото, серебро", "до 30 000 ₽", "" if none."""
    if question.key == "budget":
        low, high = taste["budget_min"], taste["budget_max"]
        return " ".join(part for part in (low and f"от {rubles(low)}", high and f"до {rubles(high)}") if part)
    if question.key == "stones" and taste["no_stones"]:
        return "без камней"
    return ", ".join(question.table[c][0] for c in taste[question.key] if c in question.table)


def summary(taste: dict) -> str:
    lines = [f"• {q.title}: {describe(q, taste) or 'без особых предпочтений'}" for q in QUESTIONS]
    if taste["notes"]:
        lines.append(f"• Ещё {len(taste['notes'])} ответ(а) своими словами — я их тоже учту.")
    return "\n".join(lines)


class TasteState(InputState, total=False):
    profile: dict
    step: str                    # "started", "recorded", "review" (already complete), or the
                                 # question again: "resumed" ("продолжим"), "unclear" ("ааааа"),
                                 # "how_many" ("сколько ещё вопросов?"), "why" ("зачем это?")
    recorded: str | None         # the status of the answer just recorded
    index: int                   # the question asked now; TOTAL when complete
    taste: dict                  # the profile built so far
    answer: str


async def load_profile(state: TasteState, runtime: Runtime[AgentContext]) -> dict:
    return {"profile": await profile_of(state, runtime.context.store)}


async def record(state: TasteState, runtime: Runtime[AgentContext]) -> dict:
    profile, message = state.get("profile") or {}, state["message"]
    progress, recorded = profile.get("taste_progress"), None
    if progress is None or _RESTART.search(normalize(message)):
        step, progress = "started", {"index": 0, "answers": {}}
    elif progress["index"] < TOTAL and not any(QUESTIONS[progress["index"]].read(message).values()) and \
            (again := asked_again(message)):
        step = again            # not an answer: the question again ("продолжим", "ааааа", "сколько ещё?")
    elif progress["index"] < TOTAL:
        question = QUESTIONS[progress["index"]]
        value = question.read(message)
        recorded = ("understood" if any(value.values()) else
                    "any" if _ANY.search(normalize(message)) else "free_text")
        answers = {**progress["answers"], question.key: {"text": message, "value": value, "status": recorded}}
        step, progress = "recorded", {"index": progress["index"] + 1, "answers": answers}
    else:
        step = "review"
    taste = build_taste(progress["answers"])
    if step in ("started", "recorded"):
        changes = {"taste_progress": progress, **({"taste": taste} if progress["index"] == TOTAL else {})}
        # One transaction, touching only the questionnaire's keys: durable before the answer
        # streams, and a concurrent update by another agent is never lost.
        profile = await runtime.context.store.update_profile(
            state["user_id"], lambda latest: {**latest, **changes})
    return {"profile": profile, "step": step, "recorded": recorded, "index": progress["index"],
            "taste": taste}


INTRO = (f"Давайте познакомимся поближе: я задам {TOTAL} коротких вопросов о вашем вкусе, а потом "
         "подберу украшения, которые подойдут именно вам. Отвечайте своими словами.")
ACKS = {"understood": "Записала: {said}.", "any": "Поняла, здесь без особых предпочтений.",
        "free_text": "Записала ваш ответ как есть — учту его при подборе."}


def draft_answer(state: TasteState) -> str:
    """The intro or an acknowledgement, then the next question or the summary."""
    index, taste, step = state["index"], state["taste"], state["step"]
    if step == "started":
        opening = INTRO
    elif step == "review":
        opening = "Ваша анкета уже заполнена. Чтобы пройти её заново, напишите «начать заново»."
    elif step in AGAIN:
        opening = AGAIN[step].format(total=TOTAL, left=TOTAL - index)
    else:
        said = describe(QUESTIONS[index - 1], taste)
        opening = ACKS[state["recorded"]].format(said=said)
    if index < TOTAL:
        return f"{opening}\n\n{QUESTIONS[index].asked(index + 1, TOTAL)}"
    done = "" if step == "review" else " Спасибо, анкета готова!"
    return (f"{opening}{done} Вот ваш профиль вкуса:\n{summary(taste)}\n"
            "Хотите, я прямо сейчас подберу украшения под этот профиль?")


async def respond(state: TasteState, runtime: Runtime[AgentContext]) -> dict:
    index = state["index"]
    task = (ASK.format(question=QUESTIONS[index].asked(index + 1, TOTAL)) if index < TOTAL
            else SUM_UP.format(summary=summary(state["taste"])))
    messages = chat_messages(SYSTEM_PROMPT.format(task=task), draft_answer(state),
                             state.get("history") or [], state["message"])
    return {"answer": await write_answer(runtime, messages)}


builder = StateGraph(TasteState, context_schema=AgentContext, input_schema=InputState)
builder.add_node("load_profile", load_profile)
builder.add_node("record", record)
builder.add_node("respond", respond)
# Where we are in the questionnaire, then the answer saved, then the next question.
builder.add_edge(START, "load_profile")
builder.add_edge("load_profile", "record")
builder.add_edge("record", "respond")
builder.add_edge("respond", END)
graph = builder.compile(name="taste")


def metadata(state: dict) -> dict:
    index = state.get("index", 0)
    return {"current_question_index": index, "total_questions": TOTAL,
            "is_complete": index >= TOTAL, "profile": state.get("taste") or {}}


AGENT = Agent(
    name="taste", title="Анкета вкуса", graph=graph,
    headline="Определяю ваши предпочтения...",
    statuses={"load_profile": ("profile", "Загружаю вашу анкету..."),
              "record": ("answers", "Записываю ваш ответ..."),
              "respond": ("answer", "Готовлю ответ...")},
    metadata=metadata,
    # The questionnaire keeps receiving the answers until it ends (agents.routing).
    remember=lambda state: {"flow": "taste" if state.get("index", TOTAL) < TOTAL else None},
    accepts=answers_question,
)
