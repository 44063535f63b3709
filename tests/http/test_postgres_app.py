"""The whole app on PostgreSQL (JEWELSTREAM_DATABASE_URL): answers stream and are logged,
the dialogue state and the user's owner are kept in the database, another app on the same
database (another node) finds them, and /health says it is one node without Redis."""
from dataclasses import replace

from jewelstream import keys
from jewelstream.app import create_app
from tests.kit import ORCHESTRATOR as URL, STAFF
from tests.sse_reader import collect, text_of


async def test_an_answer_on_postgresql_is_logged_and_remembered_by_another_node(
        aiohttp_client, settings, pg_url, fake_llm):
    on_postgres = replace(settings, database_url=pg_url, database_pool=4)
    first = await aiohttp_client(create_app(on_postgres))
    response = await first.post(URL.format("pg-user"), json={"message": "Помолвочное кольцо до 100 тысяч"})
    events = await collect(response)
    assert events[-1]["type"] == "done" and text_of(events) == "".join(fake_llm.pieces)
    cookie = response.cookies["jewelstream_browser"].value

    second = await aiohttp_client(create_app(on_postgres))          # another node, same database
    store = second.app[keys.STORE]
    assert [(m["role"], m["state"]) for m in await store.messages("pg-user")] == [
        ("user", "complete"), ("assistant", "complete")]
    assert (await store.profile("pg-user"))["dialogue"]["shown"]     # the products it showed
    taken = await second.post(URL.format("pg-user"), json={"message": "Привет"})
    assert taken.status == 403                                       # the owner is in the database
    second.session.cookie_jar.update_cookies({"jewelstream_browser": cookie})
    again = await collect(await second.post(URL.format("pg-user"), json={"message": "А подешевле?"}))
    assert again[-1]["type"] == "done"


async def test_health_names_the_store_and_a_single_node_without_redis(aiohttp_client, settings, pg_url):
    client = await aiohttp_client(create_app(replace(settings, database_url=pg_url)))
    body = await (await client.get("/health", headers=STAFF)).json()
    assert body["status"] == "ok" and body["storage"]["writable"]
    assert body["deployment"] == {"store": "postgresql", "in_flight": "this node", "nodes": "single",
                                  "open_streams": {"this_process": 0, "all_nodes": None}}
