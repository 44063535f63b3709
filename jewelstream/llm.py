"""The chat model behind every agent's answer: langchain-openai's ChatOpenAI, or the
offline writer (agents/offline.py).

`openai` mode talks to any OpenAI-compatible Chat Completions endpoint (OpenAI, vLLM,
Ollama, llama.cpp's server...) through the standard `OPENAI_BASE_URL` / `OPENAI_API_KEY`.
One model object is made at start-up and shared by all requests, so its HTTP connection
pool to the endpoint (jewelstream/upstream.py) is reused. With `llm_fastpath` on, its
openai client is the optional speed-up of jewelstream/llm_fastpath.py.

`offline` mode needs no network and no key: `agents.offline.OfflineWriter` streams each
agent's grounded draft through the same graph and SSE path.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from langchain_core.language_models import BaseChatModel

from agents import OfflineWriter
from jewelstream.config import Settings


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The one chat model of this process, per `settings.llm`."""
    if settings.llm == "offline":
        return OfflineWriter(pace=settings.offline_pace)
    from langchain_openai import ChatOpenAI

    from jewelstream.upstream import AGENTS_PER_STREAM, make_pool, make_timeout

    # Local servers (llama.cpp, vLLM, Ollama) need no key, but the client insists on one.
    api_key = settings.openai_api_key or "not-needed"
    timeout = make_timeout(total=settings.total_timeout, connect=settings.connect_timeout)
    # The openai client retries connection errors and 5xx answers; those happen before the
    # first token, so a retry can never duplicate text.
    max_retries = 1
    pool = make_pool(timeout=timeout, max_streams=settings.max_streams,
                     patience=settings.first_token_timeout)
    clients: dict = {}
    model_class = ChatOpenAI
    # A base URL with a user and password (a proxy's basic auth) goes through the SDK's own
    # client: aiohttp refuses credentials in a URL beside an Authorization header.
    if settings.llm_fastpath and not urlsplit(settings.openai_base_url or "").username:
        from jewelstream.llm_fastpath import LeanChatOpenAI, fastpath_clients
        clients = fastpath_clients(pool=pool, base_url=settings.openai_base_url, api_key=api_key,
                                   timeout=timeout, max_retries=max_retries,
                                   connections=AGENTS_PER_STREAM * settings.max_streams,
                                   connect_timeout=settings.connect_timeout, read_timeout=settings.total_timeout,
                                   patience=settings.first_token_timeout)
        model_class = LeanChatOpenAI
    return model_class(
        model=settings.model,
        base_url=settings.openai_base_url,
        api_key=api_key,
        temperature=settings.temperature,
        max_completion_tokens=settings.max_answer_tokens,
        # Servers that ignore `max_completion_tokens` (llama.cpp's, older vLLM and Ollama)
        # honour the older `max_tokens`: compatible servers get both. OpenAI itself gets the
        # new name only (its newer models refuse `max_tokens`).
        extra_body=None if _is_openai(settings.openai_base_url) else {"max_tokens": settings.max_answer_tokens},
        streaming=True,
        max_retries=max_retries,
        timeout=timeout,
        http_async_client=pool,            # closed by jewelstream.app at shutdown
        **clients,
        # Token usage (`stream_options.include_usage`): OpenAI, vLLM, llama.cpp's and
        # Ollama's servers report it; JEWELSTREAM_LLM_USAGE=0 for one that refuses it.
        stream_usage=settings.llm_usage,
        # Our answer node bounds the stream itself, with one timer per answer (first-token
        # and total timeouts, agents.answering.write_answer). The library's own per-chunk timeout
        # wraps every chunk in asyncio.wait_for, i.e. one more Task per token.
        stream_chunk_timeout=None,
    )


def _is_openai(base_url: str | None) -> bool:
    return base_url is None or urlsplit(base_url).hostname == "api.openai.com"


async def close_chat_model(model: BaseChatModel) -> None:
    """Close the model's connections to the LLM server (at shutdown)."""
    for client in (getattr(model, "async_client", None), getattr(model, "http_async_client", None)):
        close = getattr(client, "aclose", None)
        if close is not None:
            await close()
