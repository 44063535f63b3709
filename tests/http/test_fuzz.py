"""Property-based: whatever a client throws at the endpoints, the answer is never a 500 and
never a hang; a 4xx is JSON with a Russian message, a 200 is a stream that ends properly."""
import asyncio
import json
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, event, given, settings as hsettings, strategies as st

from jewelstream.app import create_app
from jewelstream.config import Settings
from tests.sse_reader import events_in

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
history_items = st.one_of(json_values, st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", "", None]), "content": json_values}))
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"message": st.one_of(st.text(max_size=80), json_values)},
        optional={"conversation_history": st.one_of(json_values, st.lists(history_items, max_size=4)),
                  "explicit_task_type": st.one_of(st.sampled_from(["", "consultant", "trend", "taste",
                                                                     "analysis", "girlfriend", "nope"]),
                                                  json_values)},
    ).map(lambda d: json.dumps(d, ensure_ascii=False).encode()))
user_ids = st.one_of(st.text(max_size=70), st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True))
queries = st.dictionaries(st.sampled_from(["message", "explicit_task_type", "x", ""]), st.text(max_size=60), max_size=3)


@pytest.fixture(scope="module")
def served(tmp_path_factory, seeded_db):
    """One offline app for the whole module, on its own event loop."""
    import shutil
    db = str(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    shutil.copy(seeded_db, db)
    loop = asyncio.new_event_loop()
    app = create_app(Settings(llm="offline", db_path=db, offline_pace=0, rate_limit=0,
                              staff_token="staff-secret"))
    client = TestClient(TestServer(app), loop=loop)
    loop.run_until_complete(client.start_server())
    yield loop, client
    loop.run_until_complete(client.close())
    loop.close()


async def _check(client, method, endpoint, user_id, body, query, headers):
    path = f"/api/{endpoint}/{quote(user_id, safe='')}/stream"
    if method == "POST":
        response = await client.post(path, data=body, headers={"Content-Type": "application/json", **headers})
    else:
        response = await client.get(path, params=query, headers=headers)
    payload = await response.read()
    event(f"status {response.status}")
    assert response.status < 500, payload[:300]
    if response.status == 200:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert list(events_in(payload))[-1]["type"] in ("done", "error")
    elif response.status not in (204, 404):
        error = json.loads(payload)
        assert error["error"] and any("а" <= ch <= "я" for ch in error["message"].lower())


@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["POST", "GET"]), endpoint=st.sampled_from(["consultation", "orchestrator"]),
       user_id=user_ids, body=bodies, query=queries,
       headers=st.dictionaries(st.sampled_from(["Authorization", "Last-Event-ID", "Content-Type"]),
                               st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
                               max_size=2))
def test_no_input_gets_a_500_or_a_hang(served, method, endpoint, user_id, body, query, headers):
    loop, client = served
    loop.run_until_complete(asyncio.wait_for(_check(client, method, endpoint, user_id, body, query, headers), 15))
