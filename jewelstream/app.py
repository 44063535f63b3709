"""The application factory: it only wires things together.

Every request is logged and counted (request_log.py), and passes `Origins` (host, site,
body type) inside the JSON error middleware;
every response gets the security headers and, for allowed origins, the CORS headers.
One `cleanup_ctx` per resource, set up in order and torn down in reverse:
store (`open_store`: migrated, seeded) -> runs (their event log) -> shared limits
(Redis) -> identity (cookie secret) -> chat model
-> orchestrator (the agents' compiled graphs). `on_shutdown` drains the open streams
(jewelstream/traffic.py), then stops the runs that no stream follows any more.
"""
from __future__ import annotations

import asyncio
import logging
import secrets

from aiohttp import web

from agents import AGENTS, AnswerLimits, OfflineWriter, ToolBox, load_facts, usage_reports
from jewelstream import keys
from jewelstream.attempts import FailedAttempts
from jewelstream.callers import Callers
from jewelstream.config import Settings
from jewelstream.headers import security_headers
from jewelstream.identity import Identity
from jewelstream.llm import close_chat_model, make_chat_model
from jewelstream.llm_health import UpstreamHealth
from jewelstream.metrics import Metrics
from jewelstream.middlewares import json_errors
from jewelstream.orchestrator import Orchestrator
from jewelstream.origins import Origins
from jewelstream.request_log import add_request_id, request_log
from jewelstream.requests import MAX_BODY
from jewelstream.routes import setup_routes
from jewelstream.runs.http import UNKNOWN_RUN_LIMIT
from jewelstream.runs.registry import Runs
from jewelstream.runs.sqlite_log import SqliteRunLog
from jewelstream.runs.sqlite_tables import run_log_path
from jewelstream.store import open_store
from jewelstream.store.timed import TimedStore
from jewelstream.traffic import Traffic

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings()
    origins = Origins(settings.allowed_hosts, settings.cors_origins, settings.host)
    # The request line may be as long as a body: a GET twin's message of 4,000 characters
    # is up to 48 KB percent-encoded (aiohttp's default, 8 KB, refused it in plain text).
    app = web.Application(middlewares=[request_log, json_errors, origins.middleware],
                          client_max_size=MAX_BODY, handler_args={"max_line_size": MAX_BODY})
    app.on_response_prepare.extend([security_headers(settings.frame_ancestors), origins.add_cors_headers,
                                    add_request_id, send_new_cookie])
    app[keys.SETTINGS] = settings
    app[keys.METRICS] = Metrics()
    app[keys.TRAFFIC] = Traffic(settings.max_streams, settings.rate_limit, settings.rate_window,
                                settings.address_rate_limit, max_total=settings.max_streams_total)
    app[keys.CALLERS] = Callers(settings.staff_token, settings.api_keys, settings.trusted_proxies,
                                metrics_token=settings.metrics_token)
    app[keys.UNKNOWN_RUNS] = FailedAttempts(UNKNOWN_RUN_LIMIT, 60, "rate_limited", "unknown_runs")
    app.cleanup_ctx.extend([store_ctx, runs_ctx, shared_traffic_ctx, identity_ctx, llm_ctx, orchestrator_ctx])
    app.on_shutdown.append(drain_streams)
    setup_routes(app)
    return app


async def send_new_cookie(request: web.Request, response: web.StreamResponse) -> None:
    """A browser this request bound to a user id gets its cookie (jewelstream/identity.py),
    `Secure` when the request came over HTTPS (directly, or said so by a trusted proxy)."""
    if keys.IDENTITY in request.app:
        https = request.secure or request.app[keys.CALLERS].forwarded_https(request)
        await request.app[keys.IDENTITY].send_new_cookie(request, response, https=https)


async def store_ctx(app: web.Application):
    settings = app[keys.SETTINGS]
    store = await open_store(settings)
    if settings.database_url and not settings.redis_url:
        log.warning("PostgreSQL without Redis: a single node (a run's producer is judged by its pid on "
                    "this box, rate limits are per process); several nodes need JEWELSTREAM_REDIS_URL")
    app[keys.STORE] = TimedStore(store, app[keys.METRICS].store)
    yield
    await store.close()


async def runs_ctx(app: web.Application):
    settings = app[keys.SETTINGS]
    log = None
    if settings.run_log and settings.redis_url:
        from jewelstream.runs.redis_log import RedisRunLog      # redis only when used
        log = RedisRunLog(settings.redis_url, prefix=settings.redis_prefix, retention=settings.run_retention)
    elif settings.run_log and settings.database_url:
        from jewelstream.runs.postgres_log import PostgresRunLog
        log = PostgresRunLog(app[keys.STORE].pool)             # the store's pool
    elif settings.run_log:
        log = SqliteRunLog(run_log_path(settings.db_path))
    if log is not None:
        await log.open()
    # A user's next question waits for their earlier answers at most as long as an answer may take.
    app[keys.RUNS] = Runs(log, window=settings.resume_window, retention=settings.run_retention,
                          turn_limit=settings.total_timeout)
    yield
    await app[keys.RUNS].stop_all("shutting_down")
    if log is not None:
        await log.close()


async def shared_traffic_ctx(app: web.Application):
    """With Redis, the rate limits, the unknown run ids and the open streams count those of
    every node."""
    settings = app[keys.SETTINGS]
    if not settings.redis_url:
        yield
        return
    from jewelstream.shared_traffic import SharedTraffic
    shared = app[keys.TRAFFIC].shared = SharedTraffic(
        settings.redis_url, prefix=settings.redis_prefix,
        stream_lifetime=settings.total_timeout + settings.resume_window + settings.heartbeat + 60)
    app[keys.UNKNOWN_RUNS].shared = shared
    yield
    await shared.close()


async def identity_ctx(app: web.Application):
    store = app[keys.STORE]
    secret = await store.meta("cookie_secret", lambda: secrets.token_hex(32))
    app[keys.IDENTITY] = Identity(store, secret, secure=app[keys.SETTINGS].cookie_secure)
    yield


async def llm_ctx(app: web.Application):
    settings = app[keys.SETTINGS]
    llm = make_chat_model(settings)
    app[keys.LLM] = llm
    app[keys.UPSTREAM] = UpstreamHealth(settings.openai_base_url if settings.llm == "openai" else None,
                                        settings.model)
    yield
    await close_chat_model(llm)


async def orchestrator_ctx(app: web.Application):
    settings = app[keys.SETTINGS]
    limits = AnswerLimits(max_chars=settings.max_answer_chars,
                          first_token_timeout=settings.first_token_timeout,
                          stall_timeout=settings.stall_timeout,
                          total_timeout=settings.total_timeout,
                          # the usage report comes right behind the finish, when asked for
                          usage_wait=1.0 if settings.llm == "openai" and settings.llm_usage else 0.0)
    # In openai mode: the degraded mode's writer (the agent's grounded draft when the LLM
    # fails before its first token), the LLM's health, and the bound on upstream requests.
    online = settings.llm == "openai"
    app[keys.ORCHESTRATOR] = Orchestrator(
        AGENTS, app[keys.STORE], app[keys.LLM], limits, shop_facts=load_facts(settings.shop_facts),
        fallback=OfflineWriter(pace=settings.offline_pace) if online and settings.degraded_mode else None,
        watch=app[keys.UPSTREAM] if online else None,
        llm_slots=asyncio.Semaphore(settings.llm_concurrency) if online and settings.llm_concurrency else None,
        usage=usage_reports() if online and settings.llm_usage else None,
        on_usage=app[keys.METRICS].count_tokens,
        # The tools are bound once, here, not per request.
        tools=ToolBox.bind(app[keys.LLM], settings.llm_tools) if online and settings.llm_tools != "off" else None)
    yield


async def drain_streams(app: web.Application) -> None:
    await app[keys.TRAFFIC].drain(app[keys.SETTINGS].shutdown_grace)
    await app[keys.RUNS].stop_all("shutting_down")
