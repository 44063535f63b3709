"""GET /api/agents: the agents a client may name, from the agents package itself (the page
builds its choice from it; tests/browser/test_page.py sees the choice in a browser)."""
from agents import AGENTS


async def test_the_agent_list_is_the_agents_package(client):
    response = await client.get("/api/agents")
    assert response.status == 200
    listed = await response.json()
    assert [agent["name"] for agent in listed] == list(AGENTS)
    assert all(agent["title"] and agent["title"] != agent["name"] for agent in listed)
    assert {agent["name"] for agent in listed if agent["staff_only"]} == {"analysis"}


async def test_an_unknown_agent_is_refused_with_the_names_there_are(client):
    response = await client.post("/api/orchestrator/u1/stream", json={"message": "Привет", "explicit_task_type": "oracle"})
    assert response.status == 422
    body = await response.json()
    assert body["error"] == "unknown_task_type" and all(name in body["message"] for name in AGENTS)
