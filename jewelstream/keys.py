"""Typed keys for what the application holds (aiohttp's `web.AppKey`)."""
from aiohttp import web
from langchain_core.language_models import BaseChatModel

from jewelstream.attempts import FailedAttempts
from jewelstream.callers import Callers
from jewelstream.config import Settings
from jewelstream.identity import Identity
from jewelstream.llm_health import UpstreamHealth
from jewelstream.metrics import Metrics
from jewelstream.orchestrator import Orchestrator
from jewelstream.runs.registry import Runs
from jewelstream.store import Store
from jewelstream.traffic import Traffic

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
LLM = web.AppKey("llm", BaseChatModel)
UPSTREAM = web.AppKey("upstream", UpstreamHealth)
ORCHESTRATOR = web.AppKey("orchestrator", Orchestrator)
IDENTITY = web.AppKey("identity", Identity)
TRAFFIC = web.AppKey("traffic", Traffic)
RUNS = web.AppKey("runs", Runs)
CALLERS = web.AppKey("callers", Callers)
METRICS = web.AppKey("metrics", Metrics)
UNKNOWN_RUNS = web.AppKey("unknown_runs", FailedAttempts)     # run ids asked for that were found nowhere
