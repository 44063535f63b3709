"""Start the server: settings from the command line and the environment -> web.run_app.

    python run.py [--host 127.0.0.1] [--port 8000] [--workers 1]

With no LLM configured (no OPENAI_BASE_URL / OPENAI_API_KEY) it runs in offline mode.
`--workers N` starts N processes that share the port (SO_REUSEPORT; the kernel spreads
connections over them) and the SQLite file; the parent passes SIGTERM/SIGINT on to them.
"""
import logging
import multiprocessing
import os
import signal
import sys

from aiohttp import web

from jewelstream.app import create_app
from jewelstream.config import Settings


def serve(settings: Settings, own_group: bool = False) -> None:
    if own_group:
        os.setpgrp()     # a worker gets signals from the parent only, never twice from the tty
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # handler_cancellation: when a client goes away, aiohttp cancels its handler, and with
    # it the agent's run and the LLM request, even before the first token was written.
    # shutdown_timeout: aiohttp's own last resort, after our grace period (app.on_shutdown).
    web.run_app(create_app(settings), host=settings.host, port=settings.port,
                handler_cancellation=True, reuse_port=settings.workers > 1 or None,
                shutdown_timeout=settings.shutdown_grace + 5, print=None)


def main(argv=None) -> None:
    settings = Settings.from_env(argv)
    print(f"jewelstream on http://{settings.host}:{settings.port}/ "
          f"(LLM: {settings.llm}{', ' + settings.model if settings.llm == 'openai' else ''}"
          f"{f', {settings.workers} workers' if settings.workers > 1 else ''})", file=sys.stderr, flush=True)
    if settings.workers == 1:
        serve(settings)
        return
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=serve, args=(settings, True)) for _ in range(settings.workers)]
    for worker in workers:
        worker.start()

    def forward(signum, _frame):
        for worker in workers:
            if worker.is_alive():
                os.kill(worker.pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
