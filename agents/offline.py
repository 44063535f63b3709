"""The offline writer: a LangChain chat model that streams the agent's own grounded draft
word by word, with no network and no key.

Each agent puts a grounded Russian draft of its answer (built from the facts it computed)
into the system prompt after `agents.base.DRAFT_HEADING`; `OfflineWriter` streams that
draft in word-sized chunks at a reading pace. It is a real LangChain chat model, so the
answer goes through the same graph node, the same `write_answer` loop and the same SSE
path as an LLM's. It lives beside the agents' base because it reads their convention; the
server only picks it (jewelstream/llm.py), and an agent's graph runs on it in a test
without the server.
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

# A word with the spaces and punctuation after it: "Прекрасный ", "выбор! ".
_WORD = re.compile(r"\s*\S+\s*")
_FALLBACK = "Я рядом и готова помочь. Расскажите, пожалуйста, чуть подробнее, что вы ищете."


def draft_of(messages: list[BaseMessage]) -> str:
    """The draft the agent wrote after DRAFT_HEADING in its system prompt."""
    for message in messages:
        text = message.content if isinstance(message.content, str) else ""
        if message.type == "system" and DRAFT_HEADING in text:
            return text.split(DRAFT_HEADING, 1)[1].strip()
    return _FALLBACK


def words_of(text: str) -> list[str]:
    """`text` in word-sized pieces (each word with the spaces after it); joined, the text."""
    return _WORD.findall(text)


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
        for word in words_of(draft_of(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word))
        yield _finished()

    async def _astream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                       run_manager: AsyncCallbackManagerForLLMRun | None = None, **kwargs: Any
                       ) -> AsyncIterator[ChatGenerationChunk]:
        # BaseChatModel.astream hands each chunk to agents.answering.write_answer, which puts it
        # on the graph's stream, exactly as for ChatOpenAI; nothing more to do here.
        for index, word in enumerate(words_of(draft_of(messages))):
            if index and self.pace > 0:
                await asyncio.sleep(self.pace)
            yield ChatGenerationChunk(message=AIMessageChunk(content=word))
        yield _finished()


def _finished() -> ChatGenerationChunk:
    """The last chunk: the answer is complete, as an OpenAI-compatible server says with its
    `finish_reason` (agents.answering.write_answer treats a stream without one as cut off)."""
    return ChatGenerationChunk(message=AIMessageChunk(content=""), generation_info={"finish_reason": "stop"})
