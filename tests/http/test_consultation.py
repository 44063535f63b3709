"""POST/GET /api/consultation/{user_id}/stream through the real app and a real fake LLM."""
import asyncio
import gc
import json
from dataclasses import replace

import pytest

from tests.kit import CONSULTATION, db_rows
from tests.sse_reader import collect, events_in, read_events, text_of

@pytest.fixture(params=[True, False], ids=["fastpath", "public-api"])
def settings(settings, request):
    """Every test here runs with the optional fast path (jewelstream/llm_fastpath.py) on
    and off: the answers must be the same."""
    return replace(settings, llm_fastpath=request.param)
QUESTION = "Я ищу обручальное кольцо для помолвки, бюджет до 100000 рублей"


def kinds(events):
    """The event types with repeats collapsed: ['status', 'token', 'metadata', 'done']."""
    out = []
    for event in events:
        if not out or out[-1] != event["type"]:
            out.append(event["type"])
    return out


async def test_tokens_are_exactly_the_llm_text(client, fake_llm):
    response = await client.post(CONSULTATION.format("u1"), json={"message": QUESTION, "conversation_history": []})
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    events = await collect(response)
    assert kinds(events) == ["status", "token", "metadata", "done"]
    tokens = [e for e in events if e["type"] == "token"]
    assert [t["content"] for t in tokens] == fake_llm.pieces      # one event per LLM chunk
    assert text_of(events) == "".join(fake_llm.pieces)
    assert all(t["content"] for t in tokens)
    assert events[-1] == {"type": "done", "message": "Готово"}


async def test_wire_ids_count_up_from_one(client):
    response = await client.post(CONSULTATION.format("u1"), json={"message": QUESTION})
    body = (await response.read()).decode()
    ids = [int(line[4:]) for line in body.splitlines() if line.startswith("id: ")]
    assert ids == list(range(1, len(ids) + 1)) and len(ids) > 5
    assert all(line.startswith(("id: ", "data: ")) or line == "" for line in body.splitlines())
    assert len(list(events_in(body.encode()))) == len(ids)


async def test_status_messages_are_russian_and_come_first(client):
    events = await collect(await client.post(CONSULTATION.format("u1"), json={"message": QUESTION}))
    statuses = [e for e in events if e["type"] == "status"]
    assert [s["stage"] for s in statuses] == ["search", "answer"]
    assert all(any("а" <= ch <= "я" for ch in s["message"].lower()) for s in statuses)


async def test_metadata_has_products_within_budget(client):
    events = await collect(await client.post(CONSULTATION.format("u1"), json={"message": QUESTION}))
    metadata = next(e for e in events if e["type"] == "metadata")
    prefs = metadata["extracted_preferences"]
    assert prefs["budget_max"] == 100000 and prefs["type"] == "engagement_ring"
    assert metadata["recommendations"] == [p["id"] for p in metadata["products"]]
    assert metadata["products"], "the catalog has engagement rings under 100 000"
    for product in metadata["products"]:
        assert product["type"] == "engagement_ring" and product["price"] <= 100000
        assert {"name", "price", "metal", "metal_label", "stones", "stones_labels"} <= product.keys()


async def test_tokens_leave_while_the_llm_is_still_writing(client, fake_llm):
    """The fake LLM sends one piece, then waits until our client has seen a token."""
    fake_llm.gate = asyncio.Event()
    response = await client.post(CONSULTATION.format("u1"), json={"message": QUESTION})
    seen = []
    async for event in read_events(response):
        seen.append(event)
        if event["type"] == "token" and not fake_llm.gate.is_set():
            assert event["content"] == fake_llm.pieces[0]
            assert fake_llm.completed == 0          # the LLM has not finished its answer
            fake_llm.gate.set()
    assert fake_llm.gate.is_set()
    assert text_of(seen) == "".join(fake_llm.pieces)


async def test_the_llm_gets_the_facts_and_the_user_text_as_a_user_message(client, fake_llm):
    earlier = text_of(await collect(await client.post(CONSULTATION.format("u1"), json={"message": "Добрый день"})))
    history = [{"role": "user", "content": "Добрый день"}, {"role": "assistant", "content": earlier}]
    await collect(await client.post(CONSULTATION.format("u1"), json={"message": QUESTION, "conversation_history": history}))
    request = fake_llm.requests[-1]
    assert request["stream"] is True and request["model"] == "fake-model"
    assert request.get("max_completion_tokens")
    messages = request["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[-1]["content"] == QUESTION
    assert QUESTION not in messages[0]["content"]
    assert "₽" in messages[0]["content"]        # the products found, with prices


async def test_get_twin_streams_too(client, fake_llm):
    response = await client.get(CONSULTATION.format("u2"), params={"message": QUESTION})
    assert response.status == 200
    events = await collect(response)
    assert text_of(events) == "".join(fake_llm.pieces) and events[-1]["type"] == "done"


async def test_eventsource_reconnect_does_not_run_the_question_again(client, fake_llm):
    response = await client.get(CONSULTATION.format("u2"), params={"message": QUESTION},
                                headers={"Last-Event-ID": "12"})
    assert response.status == 204
    assert fake_llm.requests == []


BAD_INPUTS = [
    ("invalid json", "u1", b"{not json", 400, "invalid_json"),
    ("json array", "u1", b"[]", 400, "invalid_json"),
    ("deeply nested json", "u1", b"[" * 1000 + b"]" * 1000, 400, "invalid_json"),       # under 2 KB
    ("deeply nested history", "u1", b'{"message": "x", "conversation_history": ' + b"[" * 990 + b"]" * 990 + b"}",
     400, "invalid_json"),
    ("no message", "u1", {"conversation_history": []}, 422, "message_required"),
    ("empty message", "u1", {"message": "   "}, 422, "message_required"),
    ("invisible message", "u1", {"message": "\u200b\ufeff \u2060\u200e\x07"}, 422, "message_required"),
    ("number message", "u1", {"message": 42}, 422, "message_required"),
    ("long message", "u1", {"message": "а" * 4001}, 422, "message_too_long"),
    ("huge body", "u1", {"message": "кольцо", "pad": "x" * 70000}, 413, "body_too_large"),
    ("history not a list", "u1", {"message": "кольцо", "conversation_history": "раньше"}, 422, "invalid_history"),
    ("history bad role", "u1", {"message": "кольцо", "conversation_history": [{"role": "system", "content": "x"}]}, 422, "invalid_history"),
    ("history no content", "u1", {"message": "кольцо", "conversation_history": [{"role": "user"}]}, 422, "invalid_history"),
    ("bad user id", "u%20ser", {"message": "кольцо"}, 400, "invalid_user_id"),
    ("long user id", "u" * 65, {"message": "кольцо"}, 400, "invalid_user_id"),
]


@pytest.mark.parametrize("name,user,body,status,code", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
async def test_bad_input_gets_json_4xx_then_service_goes_on(client, fake_llm, name, user, body, status, code):
    kwargs = ({"data": body, "headers": {"Content-Type": "application/json"}} if isinstance(body, bytes)
              else {"json": body})
    response = await client.post(CONSULTATION.format(user), **kwargs)
    assert response.status == status
    payload = await response.json()
    assert payload["error"] == code
    assert any("а" <= ch <= "я" for ch in payload["message"].lower())
    assert fake_llm.requests == []
    ok = await client.post(CONSULTATION.format("u1"), json={"message": QUESTION})
    assert text_of(await collect(ok)) == "".join(fake_llm.pieces)


async def test_errors_carry_their_russian_text_as_utf8_and_a_leading_bom_is_no_error(client, fake_llm):
    refused = await client.post(CONSULTATION.format("u1"), json={"message": ""})
    assert "Напишите, пожалуйста, сообщение." in (await refused.read()).decode("utf-8")   # not \\u escapes
    body = "\ufeff" + json.dumps({"message": QUESTION}, ensure_ascii=False)
    answered = await client.post(CONSULTATION.format("u1"), data=body.encode("utf-8"),
                                 headers={"Content-Type": "application/json"})
    assert answered.status == 200 and text_of(await collect(answered)) == "".join(fake_llm.pieces)


async def test_unknown_route_and_method_are_json(client):
    assert (await client.get("/nope")).status == 404
    assert (await (await client.get("/nope")).json())["error"] == "not_found"
    response = await client.put(CONSULTATION.format("u1"), json={"message": "x"})
    assert response.status == 405 and (await response.json())["error"] == "method_not_allowed"


async def test_answer_length_is_bounded_even_if_the_server_ignores_max_tokens(aiohttp_client, settings, fake_llm):
    from dataclasses import replace
    from jewelstream.app import create_app
    fake_llm.pieces = ["слово "] * 400
    fake_llm.delay = 0.005
    client = await aiohttp_client(create_app(replace(settings, max_answer_chars=120)))
    events = await collect(await client.post(CONSULTATION.format("u1"), json={"message": QUESTION}))
    text = text_of(events)
    assert 120 <= len(text) < 130 and events[-1]["type"] == "done"
    await asyncio.wait_for(fake_llm.client_closed.wait(), 2)   # the rest was never read


async def test_question_and_answer_are_logged(client, fake_llm, settings):
    await collect(await client.post(CONSULTATION.format("logme"), json={"message": QUESTION}))
    rows = db_rows(settings.db_path, "SELECT role, agent, content, state FROM messages WHERE user_id = ? ORDER BY id", "logme")
    assert rows == [("user", None, QUESTION, "complete"),
                    ("assistant", "consultant", "".join(fake_llm.pieces), "complete")]


async def test_health(client):
    payload = await (await client.get("/health")).json()
    assert payload["status"] == "ok" and payload["llm"] == "openai" and "consultant" in payload["agents"]


async def test_offline_mode_answers_from_the_catalog(offline_client):
    events = await collect(await offline_client.post(CONSULTATION.format("u1"), json={"message": QUESTION}))
    assert kinds(events) == ["status", "token", "metadata", "done"]
    text = text_of(events)
    metadata = next(e for e in events if e["type"] == "metadata")
    assert len([e for e in events if e["type"] == "token"]) > 10      # word by word
    for product in metadata["products"]:
        assert product["name"] in text
    assert "₽" in text


async def test_the_fast_path_is_only_there_when_the_setting_asks_for_it(settings):
    from jewelstream.config import Settings
    from jewelstream.llm import make_chat_model
    from jewelstream.llm_fastpath import ChunkDictClient

    model = make_chat_model(settings)
    assert isinstance(model.root_async_client, ChunkDictClient) is settings.llm_fastpath
    await model.http_async_client.aclose()
    assert Settings.from_env([], {"JEWELSTREAM_LLM_FASTPATH": "0"}).llm_fastpath is False
    assert Settings.from_env([], {}).llm_fastpath is True


@pytest.mark.parametrize("messages", [
    [{"role": "system", "content": "Ты консультант."}, {"role": "user", "content": "Ищу кольцо"},
     {"role": "assistant", "content": "Есть «Прима» за 85 000 ₽."}, {"role": "user", "content": "А серьги к нему?", "name": "anna"}],
    [{"role": "user", "content": [{"type": "text", "text": "Что на фото?"}]},
     {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function",
                                                            "function": {"name": "find", "arguments": "{}"}}]},
     {"role": "tool", "tool_call_id": "c1", "content": "[]"}],
], ids=["plain-text", "parts-and-tools"])
async def test_the_fast_path_sends_the_request_the_sdk_would(fake_llm, messages):
    """The fast path hands plain text messages past the SDK's request transform: the LLM
    must receive exactly the body the SDK builds by itself, for any kind of message."""
    import openai
    from jewelstream.llm_fastpath import fastpath_clients

    fast = fastpath_clients(pool=openai.DefaultAsyncHttpxClient(), base_url=fake_llm.base_url,
                            api_key="t", timeout=5, max_retries=0)["async_client"]
    from openai.resources.chat.completions import AsyncCompletions
    public = AsyncCompletions(fast._client)            # the SDK's own way, on the same client
    for completions in (fast, public):
        stream = await completions.create(model="m", messages=messages, stream=True, temperature=0.5,
                                          max_completion_tokens=50, extra_body={"top_k": 3},
                                          stream_options={"include_usage": True}, tools=TOOLS,
                                          tool_choice="auto", parallel_tool_calls=False)
        async for _ in stream:
            pass
    await fast.aclose()
    assert len(fake_llm.requests) == 2 and fake_llm.requests[0] == fake_llm.requests[1]
    assert fake_llm.requests[0]["messages"] == messages and fake_llm.requests[0]["top_k"] == 3
    assert fake_llm.requests[0]["tools"] == TOOLS
    # And the headers (the key, the SDK's own), but for how each HTTP library frames a body.
    framing = {"host", "content-length", "accept-encoding", "connection"}
    fast_headers, sdk_headers = ({k: v for k, v in h.items() if k not in framing} for h in fake_llm.headers)
    assert fast_headers == sdk_headers and fast_headers["authorization"] == "Bearer t"


def test_the_fast_path_builds_the_payload_chatopenai_would():
    """Earlier answers of plain text skip ChatOpenAI's converter (it walks their text
    character by character): the payload must still be ChatOpenAI's own, for every kind
    of message around them."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
    from langchain_openai import ChatOpenAI
    from jewelstream.llm_fastpath import LeanChatOpenAI

    options = dict(model="m", api_key="t", base_url="http://llm.invalid/v1", max_completion_tokens=50,
                   extra_body={"max_tokens": 50}, stream_usage=True)
    messages = [SystemMessage("Ты консультант."), HumanMessage("Ищу кольцо"),
                AIMessage("Есть «Прима» за 85 000 ₽."), HumanMessage("А серьги?", name="anna"),
                AIMessage("", tool_calls=[{"id": "c1", "name": "find_products", "args": {"query": "серьги"}}]),
                ToolMessage("[]", tool_call_id="c1"), AIMessage("Серёг нет.", name="consultant"),
                AIMessage("Посмотрите «Лето».", additional_kwargs={"refusal": None}),
                AIMessage([{"type": "text", "text": "Кольцо «Прима»."}]), AIMessage(""), HumanMessage("Спасибо")]
    expected = ChatOpenAI(**options)._get_request_payload(messages, stop=["\n\n"], tools=TOOLS)
    payload = LeanChatOpenAI(**options)._get_request_payload(messages, stop=["\n\n"], tools=TOOLS)
    assert payload == expected
    assert [m["content"] for m in payload["messages"][:3]] == ["Ты консультант.", "Ищу кольцо", "Есть «Прима» за 85 000 ₽."]


@pytest.mark.parametrize("usage", [True, False], ids=["usage-report", "no-usage-report"])
async def test_with_the_fast_path_questions_in_a_row_share_one_connection_to_the_llm(aiohttp_client, settings,
                                                                                      fake_llm, usage):
    """An answer read to its end gives its connection back (`ChunkStream` drains what
    follows `[DONE]`): the next question does not open a new one (a TCP, on a real
    endpoint a TLS, set-up on the way to its first token)."""
    if not settings.llm_fastpath:
        pytest.skip("the SDK's httpx client closes a connection whose body was not read to its end")
    from jewelstream.app import create_app
    client = await aiohttp_client(create_app(replace(settings, llm_usage=usage)))
    for _ in range(3):
        events = await collect(await client.post(CONSULTATION.format("regular"), json={"message": QUESTION}))
        assert events[-1]["type"] == "done"
        await asyncio.sleep(0.1)
    assert len(fake_llm.peers) == 3 and len(set(fake_llm.peers)) == 1


async def test_the_fast_path_takes_the_proxy_the_environment_names(fake_llm, monkeypatch):
    """Like the SDK's httpx client, the fast path honours HTTP(S)_PROXY and NO_PROXY (looked
    up once, not per request): here the fake LLM is the proxy for a host that does not exist."""
    import openai
    from jewelstream.llm_fastpath import fastpath_clients

    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://{fake_llm.host}:{fake_llm.port}")
    monkeypatch.setenv("http_proxy", f"http://{fake_llm.host}:{fake_llm.port}")
    fast = fastpath_clients(pool=openai.DefaultAsyncHttpxClient(), base_url="http://llm.invalid/v1",
                            api_key="t", timeout=5, max_retries=0)["async_client"]
    stream = await fast.create(model="m", messages=[{"role": "user", "content": "Ищу кольцо"}], stream=True)
    async with stream:
        text = "".join([chunk["choices"][0]["delta"].get("content") or "" async for chunk in stream])
    await fast.aclose()
    assert text == "".join(fake_llm.pieces)
    assert fake_llm.headers[0]["host"] == "llm.invalid"


async def test_the_fast_path_hands_on_what_came_before_a_break(fake_llm):
    """When the LLM server's connection breaks, aiohttp raises before it hands out the bytes
    it had already received; the fast path passes those on first: the tokens before the
    break reach the customer, then the error."""
    import openai
    from jewelstream.llm_fastpath import fastpath_clients

    fake_llm.fault, fake_llm.drop_after, fake_llm.burst, fake_llm.ttft = "drop", 6, True, 0.05
    fast = fastpath_clients(pool=openai.DefaultAsyncHttpxClient(), base_url=fake_llm.base_url,
                            api_key="t", timeout=5, max_retries=0)["async_client"]
    stream = await fast.create(model="m", messages=[{"role": "user", "content": "Ищу кольцо"}], stream=True)
    chunks = []
    with pytest.raises(openai.APIConnectionError):
        async with stream:
            async for chunk in stream:
                if not chunks:
                    await asyncio.sleep(0.3)      # the rest and the break arrive meanwhile
                chunks.append(chunk)
    await fast.aclose()
    text = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks)
    assert text == "".join(fake_llm.pieces[:6])


TOOLS = [{"type": "function", "function": {
    "name": "find_products", "description": "Ищет товары.",
    "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer"},
                                                    "metals": {"type": "array", "items": {"type": "string"}}},
                   "required": ["query"]}}}]


async def test_with_the_fast_path_an_answer_keeps_none_of_its_chunks(aiohttp_client, settings, fake_llm):
    """LangChain's `astream` keeps every chunk of an answer until it ends: with 200 answers
    streaming, several hundred thousand live objects for the GC to scan (a full collection
    stopped every stream for 0.4 s). The fast path lets each go once read."""
    from langchain_core.messages import AIMessageChunk

    from jewelstream.app import create_app
    def chunks_alive() -> int:
        gc.collect()
        return sum(isinstance(o, AIMessageChunk) for o in gc.get_objects())

    client = await aiohttp_client(create_app(replace(settings, resume_window=0)))   # stops on close
    before = chunks_alive()                                     # other tests' leftovers
    fake_llm.pieces = [f"слово{n} " for n in range(60)]
    fake_llm.fault, fake_llm.stall_after = "stall", 40          # the answer waits mid-way
    response = await client.post(CONSULTATION.format("lean"), json={"message": QUESTION})
    tokens = 0
    async for event in read_events(response):
        tokens += event["type"] == "token"
        if tokens == 40:
            break
    live = chunks_alive() - before
    response.close()
    if settings.llm_fastpath:
        assert live < 5
    else:
        assert live >= 40                                       # why the fast path does it


async def test_with_the_fast_path_langchain_callbacks_still_see_every_token(settings, fake_llm):
    """Tracing or a callback handler needs LangChain's own `astream`: the fast path steps
    aside whenever one is configured."""
    from langchain_core.callbacks import AsyncCallbackHandler
    from langchain_core.messages import HumanMessage

    from jewelstream.llm import make_chat_model

    class Tokens(AsyncCallbackHandler):
        def __init__(self):
            self.seen, self.ended = [], False

        async def on_llm_new_token(self, token, **kwargs):
            self.seen.append(token)

        async def on_llm_end(self, response, **kwargs):
            self.ended = True

    model, handler = make_chat_model(settings), Tokens()
    try:
        texts = [chunk.content async for chunk in model.astream([HumanMessage("Привет")],
                                                                {"callbacks": [handler]})]
    finally:
        await model.http_async_client.aclose()
    assert "".join(texts) == "".join(fake_llm.pieces) == "".join(handler.seen) and handler.ended


def test_the_fast_path_walks_a_list_of_options_once_and_still_refuses_what_is_not_plain(monkeypatch):
    """The tools' list (bound once) is checked for plain JSON on its first call only; any
    other list is still checked, and one holding something the SDK must convert is not
    plain, whatever was seen before."""
    import datetime

    from jewelstream import llm_fastpath

    walked = []
    real = llm_fastpath._plain_json
    monkeypatch.setattr(llm_fastpath, "_plain_json", lambda value: walked.append(value) or real(value))
    monkeypatch.setattr(llm_fastpath, "_PLAIN_LISTS", {})
    tools = [{"type": "function", "function": {"name": "search", "parameters": {"type": "object"}}}]
    assert llm_fastpath._plain_option(tools) and llm_fastpath._plain_option(tools)
    assert [value for value in walked if value is tools] == [tools]
    dated = [{"when": datetime.date(2026, 11, 30)}]
    assert not llm_fastpath._plain_option(dated) and not llm_fastpath._plain_option(dated)
    assert [value for value in walked if value is dated] == [dated, dated]
