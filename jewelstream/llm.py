"""The chat model behind every agent's answer: langchain-openai's ChatOpenAI, or our
offline writer.

`openai` mode talks to any OpenAI-compatible Chat Completions endpoint (OpenAI, vLLM,
Ollama, llama.cpp's server...) through the standard `OPENAI_BASE_URL` / `OPENAI_API_KEY`.
One model object is made at start-up and shared by all requests, so its HTTP connection
pool to the endpoint is reused (jewelstream/upstream.py builds its client).

`offline` mode needs no network and no key. Each agent puts a grounded Russian draft of
its answer (built from the facts it computed) into the system prompt after
`agents.base.DRAFT_HEADING`; `OfflineWriter` streams that draft in word-sized chunks at a
reading pace. It is a real LangChain chat model, so the answer goes through the same graph
node, the same `write_answer` loop and the same SSE path as an LLM's.
"""
from __future__ import annotations

import asyncio
import re
from typing import Any, AsyncIterator, Iterator

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from agents.base import DRAFT_HEADING
from jewelstream.config import Settings

# A word with the spaces and punctuation after it: "Прекрасный ", "выбор! ".
_WORD = re.compile(r"\s*\S+\s*")
_FALLBACK = "Я рядом и готова помочь. Расскажите, пожалуйста, чуть подробнее, что вы ищете."


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The one chat model of this process, per `settings.llm`."""
    if settings.llm == "offline":
        return OfflineWriter(pace=settings.offline_pace)
    from langchain_openai import ChatOpenAI
    from langchain_openai._compat import httpx

    from jewelstream.upstream import make_client

    # Local servers (llama.cpp, vLLM, Ollama) need no key, but the client insists on one.
    api_key = settings.openai_api_key or "not-needed"
    timeout = httpx.Timeout(settings.total_timeout, connect=settings.connect_timeout)
    # The openai client retries connection errors and 5xx answers; those happen before the
    # first token, so a retry can never duplicate text.
    max_retries = 1
    client = make_client(base_url=settings.openai_base_url, api_key=api_key, timeout=timeout,
                         max_retries=max_retries, max_streams=settings.max_streams,
                         patience=settings.first_token_timeout)
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.openai_base_url,
        api_key=api_key,
        temperature=settings.temperature,
        max_completion_tokens=settings.max_answer_tokens,
        streaming=True,
        max_retries=max_retries,
        timeout=timeout,
        root_async_client=client,
        async_client=client.chat.completions,
        # As ChatOpenAI decides when it builds its own client: token usage is asked of
        # OpenAI itself only (compatible servers may not know `stream_options`).
        stream_usage=settings.openai_base_url is None,
        # Our answer node bounds the stream itself, with one timer per answer (first-token
        # and total timeouts, agents.base.write_answer). The library's own per-chunk timeout
        # wraps every chunk in asyncio.wait_for, i.e. one more Task per token.
        stream_chunk_timeout=None,
    )


def draft_of(messages: list[BaseMessage]) -> str:
    """The draft the agent wrote after DRAFT_HEADING in its system prompt."""
    for message in messages:
        text = message.content if isinstance(message.content, str) else ""
        if message.type == "system" and DRAFT_HEADING in text:
            return text.split(DRAFT_HEADING, 1)[1].strip()
    return _FALLBACK


class OfflineWriter(BaseChatModel):
    """Streams the agent's own draft answer word by word; no network, no key."""

    pace: float = 0.045          # seconds between chunks: a calm reading pace

    @property
    def _llm_type(self) -> str:
        return "jewelstream-offline"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=draft_of(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any
                ) -> Iterator[ChatGenerationChunk]:
        for word in _WORD.findall(draft_of(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word))
        yield _finished()

    async def _astream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                       run_manager: AsyncCallbackManagerForLLMRun | None = None, **kwargs: Any
                       ) -> AsyncIterator[ChatGenerationChunk]:
        # BaseChatModel.astream hands each chunk to agents.base.write_answer, which puts it
        # on the graph's stream, exactly as for ChatOpenAI; nothing more to do here.
        for index, word in enumerate(_WORD.findall(draft_of(messages))):
            if index and self.pace > 0:
                await asyncio.sleep(self.pace)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word))
        yield _finished()


def _finished() -> ChatGenerationChunk:
    """The last chunk: the answer is complete, as an OpenAI-compatible server says with its
    `finish_reason` (agents.base.write_answer treats a stream without one as cut off)."""
    return ChatGenerationChunk(message=AIMessageChunk(content=""), generation_info={"finish_reason": "stop"})
