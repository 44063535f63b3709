"""Start the server: settings from the command line and the environment -> web.run_app.

    python run.py [--host 127.0.0.1] [--port 8000] [--workers 1]     (in the repository)
    python -m jewelstream [same options]                             (installed)

With no LLM configured (no OPENAI_BASE_URL / OPENAI_API_KEY) it runs in offline mode.
`--workers N` starts N processes that share the port (SO_REUSEPORT; the kernel spreads
connections over them) and the SQLite file; the parent passes SIGTERM/SIGINT on to them
and replaces a worker that dies (`supervise`).
"""
import asyncio
import errno
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import sys
import tempfile
import time

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from jewelstream.config import Settings


# The kernel's queue of connections the server has not accepted yet. aiohttp's default,
# 128, is less than one burst of the streams we admit: when 200 customers arrived at once
# while the event loop was busy setting up answers, the queue overflowed, the kernel
# dropped the extra connections' SYNs, and those came again only after TCP's 1 s retry
# (compare.py S3: 4-7 of 200 answers started ~1.6 s late, TTFT p99 3.3-3.4 s against
# ~1.7 s; in a run with 4 late answers, `nstat` counted 4 ListenOverflows). 2048 is
# uvicorn's and gunicorn's default; the kernel caps it at net.core.somaxconn (4096 on
# current Linux).
LISTEN_BACKLOG = 2048
# Why the listening socket could not be made, said in one line instead of a traceback.
CANNOT_LISTEN = {
    errno.EADDRINUSE: "port {port} is already in use (another server?); choose another with --port",
    errno.EACCES: "not allowed to use port {port}; choose one above 1023 with --port",
    errno.EADDRNOTAVAIL: "this machine has no such address; check --host",
}


def serve(settings: Settings, own_group: bool = False) -> None:
    if own_group:
        os.setpgrp()     # a worker gets signals from the parent only, never twice from the tty
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    # No line per request: the access log and the LLM client's "HTTP Request: POST ..."
    # (httpx, or httpx2 under openai>=3) would cost a formatted write for each answer.
    for noisy in ("aiohttp.access", "httpx", "httpx2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("aiohttp.server").addFilter(one_line_for_bad_http)
    # One JSON line per request (jewelstream/request_log.py), as it is: no prefix.
    requests_log = logging.getLogger("jewelstream.requests")
    requests_log.propagate = False
    requests_log.addHandler(logging.StreamHandler())
    # handler_cancellation: when a client goes away, aiohttp cancels its handler, and with
    # it the agent's run and the LLM request, even before the first token was written.
    # shutdown_timeout: aiohttp's own last resort, after our grace period (app.on_shutdown).
    # Imported here, not at the top: with --workers N the parent process only waits for its
    # workers, and so holds none of the server's modules (~90 MB of them).
    from jewelstream.app import create_app
    from jewelstream.config import SettingError, require_drivers
    from jewelstream.store import StorageUnavailable

    try:
        require_drivers(settings)
    except SettingError as exc:
        refuse_to_start(exc)
    app = create_app(settings)
    if settings.warmup:
        app.on_startup.append(warm_up)       # after the app's own start-up, before it listens
    app.on_startup.append(tune_gc)           # after the app's own start-up (store, graphs, warm-up)
    try:
        web.run_app(app, host=settings.host, port=settings.port, loop=event_loop(settings),
                    backlog=max(LISTEN_BACKLOG, settings.max_streams),
                    handler_cancellation=True, reuse_port=settings.workers > 1 or None,
                    shutdown_timeout=settings.shutdown_grace + 5, print=None)
    except (StorageUnavailable, SettingError) as exc:
        # Refuse to start rather than take questions we could not keep; one clear line.
        refuse_to_start(exc)
    except OSError as exc:
        if exc.errno not in CANNOT_LISTEN:
            raise
        print(f"jewelstream: cannot listen on {settings.host}:{settings.port}: "
              f"{CANNOT_LISTEN[exc.errno].format(port=settings.port)}", file=sys.stderr, flush=True)
        sys.exit(2)


def refuse_to_start(reason: Exception) -> None:
    """One line on stderr and exit code 2 (with --workers N, the parent then stops them all)."""
    print(f"jewelstream: {reason}", file=sys.stderr, flush=True)
    sys.exit(2)


def event_loop(settings: Settings) -> asyncio.AbstractEventLoop | None:
    """uvloop's event loop when it is installed and not turned off (JEWELSTREAM_UVLOOP=0);
    None: asyncio's own. uvloop (libuv, in C) runs the loop's turns, timers, callbacks and
    socket writes for less: a question's set-up, request to LLM request, went from
    7.6-8.5 to 7.2-7.7 ms, its TTFT down ~1.4 ms (docs/performance.md)."""
    if not settings.uvloop:
        return None
    try:
        import uvloop
    except ImportError:                       # not on this platform (Windows), or not installed
        return None
    return uvloop.new_event_loop()


async def warm_up(app: web.Application) -> None:
    """The warm-up's questions (jewelstream/warmup.py), answered by this app's agents."""
    from jewelstream import keys
    from jewelstream.warmup import warm_up as rehearse

    await rehearse(app[keys.ORCHESTRATOR])


def one_line_for_bad_http(record: logging.LogRecord) -> bool:
    """aiohttp logs each request that its HTTP parser rejects (it answers 400 itself) with
    a full traceback; anyone can send such requests, so one line each is enough."""
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, HttpProcessingError):
        record.msg, record.args = "bad HTTP request from %s: %s", (*record.args[:1], error.message)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True


YOUNG_GC_THRESHOLD = 7000       # new objects between two collections of the young generation (CPython: 700)


async def tune_gc(app: web.Application) -> None:
    """Keep Python's cyclic GC from pausing every open stream at once.

    Without the fast path (jewelstream/llm_fastpath.py), each open stream holds every
    chunk of its answer until it ends (LangChain keeps them for its end-of-run callbacks;
    with it, ~300 objects a stream whatever its length), so with a few hundred streams the
    heap grows fast, and
    by default Python runs a full collection each time it grows by a quarter: a stop of
    0.3-0.4 s for all streams, every second or two. So: the objects of start-up (modules,
    compiled graphs, the catalog: ~180,000) go to the permanent generation, never scanned
    again, and a full collection waits for 100 collections of the middle generation
    instead of 10. Measured with 200 streams (docs/performance.md): the p99 gap between
    tokens fell from ~420 ms to ~70-120 ms.

    And the young generation is collected once 7,000 objects more than were freed have
    been made, instead of 700. Open streams grow all the time (each token adds to its
    answer's events), so with 200 streams young collections came ~60 times a second: in
    one run ~900 took ~1.1 s and found ~3,000 objects to free in all. At 7,000 there were
    ~100, 0.3 s (the middle generation's 0.5 -> 0.2 s), and compare.py's CPU per request of
    one fast stream fell 11-23% (two runs). What it costs: a middle-generation collection
    scans more, ~20-40 ms instead of ~4, once every 10 young ones.
    """
    gc.collect()                              # what start-up left over is not kept for ever
    gc.freeze()
    _young, middle, _ = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, middle, 100)


def main(argv=None) -> None:
    settings = Settings.from_env(argv)
    print(f"jewelstream on http://{settings.host}:{settings.port}/ "
          f"(LLM: {settings.llm}{', ' + settings.model if settings.llm == 'openai' else ''}"
          f"{f', {settings.workers} workers' if settings.workers > 1 else ''})", file=sys.stderr, flush=True)
    if settings.workers == 1:
        serve(settings)
        return
    figures = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # /metrics, answered by any worker, adds up the workers' figures (jewelstream/metrics.py).
        figures = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jewelstream-metrics-")
    try:
        code = supervise(settings)
    finally:
        if figures is not None:
            shutil.rmtree(figures, ignore_errors=True)   # this run's figures end with it
    if code:
        sys.exit(code)


# A worker that ended this soon after its start is restarted after a pause that doubles
# each time (up to the longest), so that a worker that cannot run does not spin the CPU.
QUICK_END = 10.0
RESTART_PAUSES = (1.0, 30.0)


def supervise(settings: Settings) -> int:
    """Run `settings.workers` worker processes until a signal stops them: the parent passes
    SIGTERM/SIGINT on, and replaces a worker that ended on its own (a crash, an out-of-memory
    kill, `kill -9`), as gunicorn does. A worker that refused to start (exit code 2: the
    store cannot be opened, the port cannot be had) is not replaced: the others are stopped
    and the parent ends with 2. Returns the exit code."""
    context = multiprocessing.get_context("spawn")
    running: dict[int, tuple[multiprocessing.Process, float]] = {}     # by sentinel
    stopping: list[int] = []

    def start() -> None:
        worker = context.Process(target=serve, args=(settings, True))
        worker.start()
        running[worker.sentinel] = (worker, time.monotonic())

    def stop_all(signum: int, _frame=None) -> None:
        stopping.append(signum)
        for worker, _ in running.values():
            if worker.is_alive():
                os.kill(worker.pid, signum)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    for _ in range(settings.workers):
        start()
    code, pause = 0, RESTART_PAUSES[0]
    while running:
        for sentinel in multiprocessing.connection.wait(list(running)):
            worker, started = running.pop(sentinel)
            worker.join()
            forget_figures(worker.pid)
            if stopping:
                continue
            if worker.exitcode == 2:
                code = 2
                stop_all(signal.SIGTERM)
                continue
            print(f"jewelstream: worker {worker.pid} ended (exit code {worker.exitcode}); "
                  f"starting another", file=sys.stderr, flush=True)
            if time.monotonic() - started < QUICK_END:
                time.sleep(pause)
                pause = min(pause * 2, RESTART_PAUSES[1])
            else:
                pause = RESTART_PAUSES[0]
            if not stopping:                  # no signal came during the pause
                start()
    return code


def forget_figures(pid: int) -> None:
    """A dead worker's live gauges (answers being written) leave /metrics' sums; its
    counters stay in them, as prometheus-client's multiprocess mode wants."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(pid)
