"""The URL map. A stream's GET answers no `HEAD` (405): a link checker or a monitor must
not start an answer (and a HEAD response carries no body to stream it in)."""
from aiohttp import web

from jewelstream import handlers, media
from jewelstream.runs import http as runs


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/", handlers.index)
    app.router.add_get("/health", handlers.health)
    app.router.add_get("/metrics", handlers.metrics)
    app.router.add_get("/api/agents", handlers.agent_list)
    for name, handler in (("consultation", handlers.consultation_stream),
                          ("orchestrator", handlers.orchestrator_stream)):
        app.router.add_post(f"/api/{name}/{{user_id}}/stream", handler)
        app.router.add_get(f"/api/{name}/{{user_id}}/stream", handler, allow_head=False)   # EventSource twin
    app.router.add_get("/api/runs/{run_id}/stream", runs.resume, allow_head=False)
    app.router.add_post("/api/runs/{run_id}/cancel", runs.cancel)
    app.router.add_get("/api/products/{product_id}/image", media.product_image)
    app.router.add_get("/api/staff/usage", handlers.staff_usage)
    app.router.add_get("/static/{path:.+}", handlers.static_file)
