"""Start the server: settings from the command line and the environment -> web.run_app.

    python run.py [--host 127.0.0.1] [--port 8000] [--workers 1]

With no LLM configured (no OPENAI_BASE_URL / OPENAI_API_KEY) it runs in offline mode.
"""
import logging
import sys

from aiohttp import web

from jewelstream.app import create_app
from jewelstream.config import Settings


def main(argv=None) -> None:
    settings = Settings.from_env(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"jewelstream on http://{settings.host}:{settings.port}/ "
          f"(LLM: {settings.llm}{', ' + settings.model if settings.llm == 'openai' else ''})",
          file=sys.stderr)
    # handler_cancellation: when a client goes away, aiohttp cancels its handler, and with
    # it the agent's run and the LLM request, even before the first token was written.
    web.run_app(create_app(settings), host=settings.host, port=settings.port,
                handler_cancellation=True, print=None)


if __name__ == "__main__":
    main()
