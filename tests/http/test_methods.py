"""Methods an endpoint does not serve: `405` in the JSON error shape with an `Allow`
header; `HEAD` on a stream (a link checker, a monitor) never runs an answer."""
import pytest

from tests.kit import CONSULTATION, ORCHESTRATOR, db_rows


def allowed(response) -> set[str]:
    return {method.strip() for method in response.headers["Allow"].split(",")}


@pytest.mark.parametrize("path", [CONSULTATION.format("h1") + "?message=Привет",
                                  ORCHESTRATOR.format("h1") + "?message=Привет",
                                  "/api/runs/some-run/stream"])
async def test_head_on_a_stream_asks_nothing_and_keeps_nothing(client, fake_llm, settings, path):
    response = await client.head(path)
    assert response.status == 405
    assert allowed(response) >= {"GET"}
    assert "X-Run-Id" not in response.headers and "Set-Cookie" not in response.headers
    assert fake_llm.requests == []
    assert db_rows(settings.db_path, "SELECT count(*) FROM messages WHERE user_id = 'h1'") == [(0,)]


async def test_a_method_not_served_is_json_and_names_the_allowed_ones(client):
    response = await client.put(CONSULTATION.format("u1"), json={"message": "x"})
    assert response.status == 405 and (await response.json())["error"] == "method_not_allowed"
    assert allowed(response) == {"GET", "POST"}
    health = await client.post("/health", json={})
    assert health.status == 405 and "GET" in health.headers["Allow"]
