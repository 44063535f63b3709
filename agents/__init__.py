"""The shop's agents, each a LangGraph graph in its own module, and everything the server
may use of them: the names in `__all__` (a test checks that jewelstream/ imports nothing
else of the package).

`AGENTS` maps a name to its `agents.base.Agent`; importing this package compiles the graphs
once (and does nothing else). Besides: what an agent is and how its answer ends
(`Agent`, `AgentContext`, `AnswerLimits`, `AnswerCut`, `AnswerBroken`, `AnswerTimeout`,
and what an answer puts on the stream besides text: `AnswerNote`, `AnswerUsage`,
`ToolProducts`; `word_bounded`, where a cut answer ends), the tools bound to the LLM
(`ToolBox`), whether the endpoint takes the usage report (`usage_reports`), which agents
answer a message (`choose_agents`), what they read of it (`for_agents`: an English
request glossed into Russian), the dialogue state kept per user (`dialogue_of`,
`history_for`, `updated`), the offline chat model (`OfflineWriter`), the
shop's facts file (`load_facts`), and the shop's words for reading its own data files
(`vocabulary`, `kinds`, `normalize`, `find_codes`).
"""
from agents import analysis, consultant, girlfriend, taste, trend
from agents.answering import (AnswerBroken, AnswerCut, AnswerNote, AnswerTimeout, AnswerUsage, ToolProducts,
                              word_bounded)
from agents.base import Agent, AgentContext, AnswerLimits, Step
from agents.dialogue import dialogue_of, history_for, updated
from agents.language import find_codes, kinds, normalize, vocabulary
from agents.language.english import for_agents
from agents.llm_reading import usage_reports
from agents.offline import OfflineWriter
from agents.routing import choose_agents
from agents.samples import CONVERSATION as SAMPLE_CONVERSATION, ROUTED as SAMPLE_ROUTED
from agents.shop_facts import load_facts
from agents.tools import ToolBox

AGENTS = {agent.name: agent for agent in (consultant.AGENT, girlfriend.AGENT, analysis.AGENT,
                                            trend.AGENT, taste.AGENT)}

__all__ = ["AGENTS", "Agent", "AgentContext", "AnswerBroken", "AnswerCut", "AnswerLimits", "AnswerNote",
           "AnswerTimeout", "AnswerUsage", "OfflineWriter", "SAMPLE_CONVERSATION", "SAMPLE_ROUTED", "Step",
           "ToolBox", "ToolProducts", "choose_agents", "dialogue_of", "find_codes", "for_agents", "history_for",
           "kinds", "load_facts", "normalize", "updated", "usage_reports", "vocabulary", "word_bounded"]
