"""Settings: one dataclass, read from the command line and the environment.

The README's configuration table is the contract for the variable names and defaults.
Everything the server can be tuned with lives here, so a reader finds each knob in one
place.
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Mapping, Sequence

DEFAULT_MODEL = "gpt-4o-mini"
LLM_MODES = ("auto", "openai", "offline")
TOOL_MODES = ("auto", "on", "off")


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    llm: str = "offline"                   # resolved mode: "openai" or "offline", never "auto"
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    model: str = DEFAULT_MODEL
    db_path: str = "jewelstream.db"
    # Several nodes: PostgreSQL for what is kept (else the SQLite file db_path), its pool
    # per process, and Redis for what is in flight (runs, limits). jewelstream/store/.
    database_url: str | None = None
    database_pool: int = 10
    redis_url: str | None = None
    redis_prefix: str = "jewelstream:"     # of every key, so deployments may share a Redis
    heartbeat: float = 15.0                # idle seconds before a ": ping" comment
    write_timeout: float = 60.0            # a client that takes no byte this long is dropped
    staff_token: str | None = None         # unset: the analysis agent is refused
    metrics_token: str | None = None       # a scraper's bearer for /metrics (it unlocks nothing else)
    # The answer's length bound. max_completion_tokens is sent to the endpoint, but some
    # OpenAI-compatible servers ignore it, so the answer node also stops reading after
    # max_answer_chars characters (and closes the upstream request).
    max_answer_tokens: int = 700
    max_answer_chars: int = 4000
    temperature: float = 0.6
    # The optional speed-up over the openai SDK's private API (jewelstream/llm_fastpath.py).
    llm_fastpath: bool = True
    # The server's event loop: uvloop's when it is installed (jewelstream/server.py).
    uvloop: bool = True
    # Before it listens, the server answers a few questions of its own on a scratch
    # database, so that real ones find the code warm (jewelstream/warmup.py).
    warmup: bool = True
    # Upstream requests at once (0: no limit); a server with one slot (llama.cpp's server
    # with `-np 1`) needs 1. Answers past it wait in a queue.
    llm_concurrency: int = 0
    # When the LLM fails before its first token, stream the agent's grounded draft instead
    # ("degraded": true in the metadata); off: such a failure ends the answer with `error`.
    degraded_mode: bool = True
    # Tools for the LLM (agents/tools.py): "auto" (on until the endpoint refuses them),
    # "on" or "off".
    llm_tools: str = "auto"
    llm_usage: bool = True                 # ask the endpoint for token usage (stream_options)
    offline_pace: float = 0.045            # seconds between words of the offline writer
    # Upstream faults (seconds).
    connect_timeout: float = 5.0
    first_token_timeout: float = 30.0
    stall_timeout: float = 20.0            # the longest silence between two pieces of an answer
    total_timeout: float = 120.0
    # Load and abuse limits.
    max_streams: int = 256                 # concurrent streams; past it 503 + Retry-After
    max_streams_total: int = 0             # of all nodes (with Redis); 0: no such limit
    rate_limit: int = 20                   # requests per user per rate_window seconds
    rate_window: float = 60.0
    address_rate_limit: int = 200          # requests per client address per rate_window
    shutdown_grace: float = 10.0           # seconds running answers get on SIGTERM
    kiosk_idle_seconds: int = 120          # the page clears itself after this idle time
    cookie_secure: bool = False            # set when served over HTTPS
    bind_users: bool = True                # a user id belongs to the first browser using it
    # Runs (jewelstream/runs/): how long a run waits for a resume after its client left
    # (0: stop at once), how long a finished run stays resumable, and whether its events
    # also go to the event log in the database (off: resumes only on the same worker).
    resume_window: float = 30.0
    run_retention: float = 900.0
    run_log: bool = True
    body_timeout: float = 10.0             # seconds a client may take to send its request body
    # Who may call: service keys of trusted backends (act for any user id), the origins of
    # other sites allowed to call the API, the host names the server answers to (empty:
    # loopback names, IP addresses and the host it is bound to), the pages that may frame
    # the kiosk page, and the reverse proxies whose X-Forwarded-For names the client.
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    frame_ancestors: str = "'self'"
    trusted_proxies: tuple[str, ...] = ()
    media_dir: str | None = None           # the shop's product photos (jewelstream/media.py)
    shop_facts: str | None = None          # the shop's facts file; None: the shipped defaults

    @classmethod
    def from_env(cls, argv: Sequence[str] | None = None,
                 environ: Mapping[str, str] | None = None) -> "Settings":
        """Build settings from `argv` (run.py's flags) over `environ` (the variables)."""
        env = os.environ if environ is None else environ
        parser = argparse.ArgumentParser(prog="run.py", description="jewelstream server")
        parser.add_argument("--host", default=env.get("JEWELSTREAM_HOST", cls.host))
        parser.add_argument("--port", type=int, default=int(env.get("JEWELSTREAM_PORT", cls.port)))
        parser.add_argument("--workers", type=int,
                            default=int(env.get("JEWELSTREAM_WORKERS", cls.workers)),
                            help="processes sharing the port (SO_REUSEPORT)")
        args = parser.parse_args(argv)

        base_url = env.get("OPENAI_BASE_URL") or None
        api_key = env.get("OPENAI_API_KEY") or None
        mode = env.get("JEWELSTREAM_LLM", "auto").strip().lower() or "auto"
        if mode not in LLM_MODES:
            parser.error(f"JEWELSTREAM_LLM must be one of {', '.join(LLM_MODES)}, not {mode!r}")
        if mode == "auto":
            mode = "openai" if (base_url or api_key) else "offline"
        tools = env.get("JEWELSTREAM_LLM_TOOLS", "auto").strip().lower() or "auto"
        if tools not in TOOL_MODES:
            parser.error(f"JEWELSTREAM_LLM_TOOLS must be one of {', '.join(TOOL_MODES)}, not {tools!r}")

        def number(name: str, default, kind=float):
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                return kind(raw)
            except ValueError:
                parser.error(f"{name} must be a number, not {raw!r}")

        def names(name: str) -> tuple[str, ...]:
            return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())

        frame_ancestors = env.get("JEWELSTREAM_FRAME_ANCESTORS", "").strip() or cls.frame_ancestors
        if any(ch in frame_ancestors for ch in ";,\r\n"):
            parser.error("JEWELSTREAM_FRAME_ANCESTORS is a space-separated list of sources such as "
                         "\"'self' https://shell.example\"")

        return cls(
            host=args.host, port=args.port, workers=max(1, args.workers),
            llm=mode, openai_base_url=base_url, openai_api_key=api_key,
            model=env.get("JEWELSTREAM_MODEL") or DEFAULT_MODEL,
            db_path=env.get("JEWELSTREAM_DB") or cls.db_path,
            database_url=env.get("JEWELSTREAM_DATABASE_URL") or None,
            database_pool=number("JEWELSTREAM_DATABASE_POOL", cls.database_pool, int),
            redis_url=env.get("JEWELSTREAM_REDIS_URL") or None,
            redis_prefix=env.get("JEWELSTREAM_REDIS_PREFIX") or cls.redis_prefix,
            heartbeat=number("JEWELSTREAM_HEARTBEAT", cls.heartbeat),
            write_timeout=number("JEWELSTREAM_WRITE_TIMEOUT", cls.write_timeout),
            staff_token=env.get("JEWELSTREAM_STAFF_TOKEN") or None,
            metrics_token=env.get("JEWELSTREAM_METRICS_TOKEN") or None,
            max_answer_tokens=number("JEWELSTREAM_MAX_ANSWER_TOKENS", cls.max_answer_tokens, int),
            max_answer_chars=number("JEWELSTREAM_MAX_ANSWER_CHARS", cls.max_answer_chars, int),
            temperature=number("JEWELSTREAM_TEMPERATURE", cls.temperature),
            llm_concurrency=max(0, number("JEWELSTREAM_LLM_CONCURRENCY", cls.llm_concurrency, int)),
            llm_tools=tools,
            llm_usage=env.get("JEWELSTREAM_LLM_USAGE", "1") not in ("0", "false", "no"),
            degraded_mode=env.get("JEWELSTREAM_DEGRADED_MODE", "1") not in ("0", "false", "no"),
            llm_fastpath=env.get("JEWELSTREAM_LLM_FASTPATH", "1") not in ("0", "false", "no"),
            uvloop=env.get("JEWELSTREAM_UVLOOP", "1") not in ("0", "false", "no"),
            warmup=env.get("JEWELSTREAM_WARMUP", "1") not in ("0", "false", "no"),
            offline_pace=number("JEWELSTREAM_OFFLINE_PACE", cls.offline_pace),
            connect_timeout=number("JEWELSTREAM_CONNECT_TIMEOUT", cls.connect_timeout),
            first_token_timeout=number("JEWELSTREAM_FIRST_TOKEN_TIMEOUT", cls.first_token_timeout),
            stall_timeout=number("JEWELSTREAM_STALL_TIMEOUT", cls.stall_timeout),
            total_timeout=number("JEWELSTREAM_TOTAL_TIMEOUT", cls.total_timeout),
            max_streams=number("JEWELSTREAM_MAX_STREAMS", cls.max_streams, int),
            max_streams_total=number("JEWELSTREAM_MAX_STREAMS_TOTAL", cls.max_streams_total, int),
            rate_limit=number("JEWELSTREAM_RATE_LIMIT", cls.rate_limit, int),
            rate_window=number("JEWELSTREAM_RATE_WINDOW", cls.rate_window),
            address_rate_limit=number("JEWELSTREAM_ADDRESS_RATE_LIMIT", cls.address_rate_limit, int),
            shutdown_grace=number("JEWELSTREAM_SHUTDOWN_GRACE", cls.shutdown_grace),
            kiosk_idle_seconds=number("JEWELSTREAM_KIOSK_IDLE", cls.kiosk_idle_seconds, int),
            cookie_secure=env.get("JEWELSTREAM_COOKIE_SECURE", "") in ("1", "true", "yes"),
            bind_users=env.get("JEWELSTREAM_BIND_USERS", "1") not in ("0", "false", "no"),
            resume_window=number("JEWELSTREAM_RESUME_WINDOW", cls.resume_window),
            run_retention=number("JEWELSTREAM_RUN_RETENTION", cls.run_retention),
            run_log=env.get("JEWELSTREAM_RUN_LOG", "1") not in ("0", "false", "no"),
            body_timeout=number("JEWELSTREAM_BODY_TIMEOUT", cls.body_timeout),
            api_keys=names("JEWELSTREAM_API_KEYS"),
            cors_origins=tuple(origin.rstrip("/").lower() for origin in names("JEWELSTREAM_CORS_ORIGINS")),
            allowed_hosts=tuple(host.lower() for host in names("JEWELSTREAM_ALLOWED_HOSTS")),
            frame_ancestors=frame_ancestors,
            trusted_proxies=names("JEWELSTREAM_TRUSTED_PROXIES"),
            media_dir=env.get("JEWELSTREAM_MEDIA") or None,
            shop_facts=env.get("JEWELSTREAM_SHOP_FACTS") or None,
        )
